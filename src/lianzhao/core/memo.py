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

_lock = threading.Lock()
_store: OrderedDict[tuple, object] = OrderedDict()


def memoized(kind: str, params: Hashable, *, data_stamp: str, build: Callable[[], T]) -> T:
    """``build()``'s value for ``kind`` and ``params`` on the data as it is now (see the module)."""
    key = (kind, params, translation.get_language(), data_stamp)
    with _lock:
        if key in _store:
            _store.move_to_end(key)
            return _store[key]  # type: ignore[return-value]
    value = build()
    with _lock:
        _store[key] = value
        while len(_store) > SIZE:
            _store.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _store.clear()
