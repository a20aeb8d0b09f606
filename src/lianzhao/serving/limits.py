"""At most a few heavy requests at a time, across every web process.

A PDF or Excel document over the whole pipeline keeps a core busy for seconds. If every web process
built several at once, page requests would queue behind them. So a heavy request first takes one of
``HEAVY_REQUEST_SLOTS`` slots shared by all processes of the installation (a lock file each, in
``$LIANZHAO_VAR_DIR/run``: the kernel frees it if a process dies), waiting up to
``HEAVY_REQUEST_WAIT`` seconds; if none frees up it answers 503 with a Retry-After and the advice to
build the document as a background job. Page requests never wait here.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

from django.conf import settings
from django.shortcuts import render

try:
    import fcntl
except ImportError:  # Windows: one waitress process, so a semaphore in the process is enough
    fcntl = None

_DOCUMENT_SUFFIXES = (".pdf", ".xlsx")
_DOCUMENT_FORMATS = ("pdf", "xlsx")


def is_heavy(request) -> bool:
    """A document built from the database: a ``….pdf`` / ``….xlsx`` address, ``?format=pdf|xlsx``
    (the weekly report's downloads), or the export of the project ledger."""
    path = request.path
    return (path.endswith(_DOCUMENT_SUFFIXES) or request.GET.get("format") in _DOCUMENT_FORMATS
            or path.rstrip("/").endswith("/projects/export"))


class _FileSlots:
    """``count`` slots shared by every process that uses the same ``directory``."""

    def __init__(self, directory: Path, count: int):
        directory.mkdir(parents=True, exist_ok=True)
        self.paths = [str(directory / f"heavy-request-{i}.lock") for i in range(count)]

    def acquire(self, timeout: float):
        deadline = time.monotonic() + timeout
        while True:
            for path in random.sample(self.paths, len(self.paths)):
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                else:
                    return fd
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def release(self, fd) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class _ThreadSlots:
    def __init__(self, count: int):
        self.semaphore = threading.BoundedSemaphore(count)

    def acquire(self, timeout: float):
        return True if self.semaphore.acquire(timeout=timeout) else None

    def release(self, token) -> None:
        self.semaphore.release()


class HeavyRequestLimit:
    """Middleware: heavy requests (:func:`is_heavy`) take a shared slot first; pages pass straight on."""

    def __init__(self, get_response):
        self.get_response = get_response
        count = settings.HEAVY_REQUEST_SLOTS
        self.slots = (_FileSlots(Path(settings.VAR_DIR) / "run", count) if fcntl is not None
                      else _ThreadSlots(count))

    def __call__(self, request):
        if not is_heavy(request):
            return self.get_response(request)
        token = self.slots.acquire(settings.HEAVY_REQUEST_WAIT)
        if token is None:
            response = render(request, "serving/busy.html", status=503)
            response["Retry-After"] = "30"
            return response
        try:
            return self.get_response(request)
        finally:
            self.slots.release(token)
