"""Figures computed from the business data, kept in each process until the data changes.

The dashboard's pipeline figures and the weekly report's preview are the same for every reader of
the same period on the same day, and under load they were most of what a web process computed.
:func:`memoized` keeps the last :data:`SIZE` results in the process, keyed by what the caller names
(kind and parameters), the UI language (labels are translated when built) and the caller's
``data_stamp`` — :func:`lianzhao.audit.services.data_stamp`, which changes with every change to the
business data, in any process. A stale figure is therefore never served; a new stamp simply misses.
Callers must not modify what they get back: it is shared between requests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.utils import translation

T = TypeVar("T")
SIZE = 64


class BoundedCache:
    """The last ``size`` values computed under their keys, shared by a process's threads (a lock
    around the dictionary, not around the computing: two first requests may both compute, one value
    is kept). Callers only read what they get back."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._values: OrderedDict = OrderedDict()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T], *, size: int | None = None) -> T:
        """The value kept under ``key``, else ``compute()`` kept there; ``size`` overrides how many
        values are kept after this one is added."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > (size or self.size):
                self._values.popitem(last=False)
        return value

    def values(self) -> list:
        with self._lock:
            return list(self._values.values())

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_kept = BoundedCache(SIZE)


def memoized(kind: str, params: Hashable, *, data_stamp: str, build: Callable[[], T]) -> T:
    """``build()``'s value for ``kind`` and ``params`` on the data as it is now (see the module)."""
    return _kept.get_or_compute((kind, params, translation.get_language(), data_stamp), build)


def clear() -> None:
    _kept.clear()
