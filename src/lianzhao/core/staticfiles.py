"""Collecting the static files (collectstatic) when the installed ones changed — so a plain ``pip
install`` followed by ``lianzhao migrate`` or ``lianzhao serve`` serves hashed, compressed files
without a separate step, and an upgrade collects the new ones.

STATIC_ROOT holds a stamp: a digest of the package's and Django's versions and of every static file's
path, size and modification time. ``ensure_collected`` runs collectstatic only when the stamp is
missing or differs (a few seconds: brotli and gzip of the vendored ECharts), else returns at once.

A file the manifest does not know (STATIC_ROOT lost or never collected, a process started some other
way than ``migrate``/``serve``, a file added since the last collection) must not turn every page
into a 500, as Django's manifest storage does: :class:`CollectedStaticStorage` names it by its plain
name instead, which whitenoise serves from the package (uncompressed, short cache lifetime), and the
log says to collect."""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

STAMP = ".lianzhao-collected"

log = logging.getLogger("lianzhao.static")


class CollectedStaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage (hashed names, gzip and brotli copies), forgiving a
    file of the package missing from the manifest (a name that is no file at all is still an error):
    the page links the plain name (served from the package by whitenoise's finders) and a warning
    names the file, once per file (the storage lives as long as the process)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._missing_warned: set[str] = set()

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not in the manifest (manifest_strict)
            if finders.find(urlsplit(name).path) is None:
                raise  # no such file at all: a mistake in a template, or whitenoise probing a name
            if name not in self._missing_warned:
                self._missing_warned.add(name)
                log.warning("静态文件 %s 不在已收集的文件清单中（%s）：按原文件名提供。请运行 lianzhao migrate "
                            "或 lianzhao collectstatic 收集静态文件。", name, self.location)
            return name


def source_digest() -> str:
    """What the static files collected from are now: lianzhao's and Django's versions (the admin's
    files come with Django), and each of lianzhao's files' path, size and mtime."""
    from importlib.metadata import PackageNotFoundError, version

    import django

    try:
        installed = version("lianzhao")
    except PackageNotFoundError:
        installed = "source"
    digest = hashlib.sha256(f"{installed}\0{django.__version__}".encode())
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
