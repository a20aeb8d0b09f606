"""Documents built from the database (the weekly report's PDF and Excel), kept on disk and shared
by every web process until the data behind them changes.

A weekly report takes a core for a second or more, and every reader of a week gets the same bytes.
So the first request builds it and the next ones, in any process, read the file:
``DOCUMENT_CACHE_DIR`` (``$LIANZHAO_VAR_DIR/cache/documents``)``/<key>.doc``, owner-only, written atomically. The key is a digest
of what the document depends on: its kind and parameters (week, unit), the day (the lights and
deadlines are as of today), the caller's ``data_stamp`` (a value that changes with every change to
the business data — :func:`lianzhao.audit.services.data_stamp`), and the code that builds it (the
package version and its source files' times, read once per process). A file older than
:data:`MAX_AGE` seconds is built again whatever its key, and at most :data:`KEEP` files are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from lianzhao import __version__
from lianzhao.paths import PACKAGE_DIR

MAX_AGE = 15 * 60
KEEP = 64


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """The package version and the newest modification time of its Python files and templates:
    an upgrade (or an edited template) never serves a document built by the old code."""
    newest = max((p.stat().st_mtime for pattern in ("**/*.py", "templates/**/*.html")
                  for p in PACKAGE_DIR.glob(pattern)), default=0)
    return f"{__version__}:{newest:.0f}"


def _folder() -> Path:
    folder = Path(settings.DOCUMENT_CACHE_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.doc"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in files[KEEP:]:
        stale.unlink(missing_ok=True)


def cached_document(kind: str, params: dict, *, data_stamp: str, today, build: Callable[[], bytes]) -> bytes:
    """The bytes of the document ``kind`` with ``params``: read from the shared folder when an
    identical one was built (same data, day and code, less than :data:`MAX_AGE` old), else
    ``build()`` and keep them. Exceptions of ``build`` pass through and nothing is kept."""
    payload = json.dumps({"kind": kind, "params": params, "today": str(today), "data": data_stamp,
                          "code": _code_stamp()}, sort_keys=True, default=str)
    key = hashlib.sha256(payload.encode()).hexdigest()[:32]
    folder = _folder()
    path = folder / f"{key}.doc"
    try:
        if time.time() - path.stat().st_mtime < MAX_AGE:
            return path.read_bytes()
    except FileNotFoundError:
        pass
    content = build()
    fd, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return content  # a full disk costs the cache, never the download
    _prune(folder)
    return content
