"""Collecting the static files (collectstatic) when the installed ones changed — so a plain ``pip
install`` followed by ``lianzhao migrate`` or ``lianzhao serve`` serves hashed, compressed files
without a separate step, and an upgrade collects the new ones.

STATIC_ROOT holds a stamp: a digest of the package version and of every static file's path, size and
modification time. ``ensure_collected`` runs collectstatic only when the stamp is missing or differs
(a few seconds: brotli and gzip of the vendored ECharts), else returns at once."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

STAMP = ".lianzhao-collected"


def source_digest() -> str:
    """What the static files collected from are now: the version, and each file's path, size, mtime."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("lianzhao")
    except PackageNotFoundError:
        installed = "source"
    digest = hashlib.sha256(installed.encode())
    for folder in map(Path, settings.STATICFILES_DIRS):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def is_current() -> bool:
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    return (root / "staticfiles.json").is_file() and stamp.is_file() and stamp.read_text() == source_digest()


def ensure_collected(stdout=None) -> bool:
    """Run collectstatic into STATIC_ROOT unless it already holds the current files; True when it ran."""
    if is_current():
        return False
    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, clear=True, verbosity=0, stdout=stdout or io.StringIO())
    (root / STAMP).write_text(source_digest())
    return True
