"""The one way lianzhao sends a file: every export, report and stored upload is a download.

:func:`attachment` always answers with ``Content-Disposition: attachment`` (never rendered in the
browser, so an uploaded HTML or SVG cannot run as our page), ``X-Content-Type-Options: nosniff``
and ``Cache-Control: no-store`` (nothing stays in a shared PC's cache). The file name is cleaned
(no control characters, quotes or path separators), sent in UTF-8 (RFC 6266 ``filename*``) with an
ASCII fallback for old clients.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;:*?<>|]+')
_MAX_NAME = 150


def safe_filename(name: str, default: str = "download") -> str:
    """``name`` without control characters, quotes, path separators or other characters a file
    system or a header would trip on, at most 150 characters (the extension kept)."""
    cleaned = _UNSAFE.sub("_", name or "").strip(" ._")
    if not cleaned:
        return default
    if len(cleaned) > _MAX_NAME:
        suffix = PurePosixPath(cleaned).suffix[:16]
        cleaned = cleaned[: _MAX_NAME - len(suffix)] + suffix
    return cleaned


def _ascii_fallback(name: str) -> str:
    path = PurePosixPath(name)
    stem = path.stem.encode("ascii", "ignore").decode("ascii").strip(" ._-") or "download"
    return stem + (path.suffix if path.suffix.isascii() else "")


def content_disposition(filename: str, fallback: str | None = None) -> str:
    name = safe_filename(filename)
    if name.isascii():
        return f'attachment; filename="{name}"'
    ascii_name = safe_filename(fallback) if fallback else _ascii_fallback(name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{quote(name, safe='')}"


def attachment(content, *, filename: str, content_type: str, fallback: str | None = None):
    """A download of ``content`` (bytes, or an open binary file streamed and closed afterwards)
    named ``filename``; ``fallback`` is the ASCII name for clients without RFC 6266 support."""
    if isinstance(content, (bytes, bytearray)):
        response = HttpResponse(bytes(content), content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def stored_attachment(stored_file, *, filename: str, content_type: str, missing: str | None = None):
    """A file kept in storage (a ``FieldFile``), streamed as :func:`attachment`; 404 with ``missing``
    (default: the file is gone) when the stored file no longer exists on disk."""
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        raise Http404(missing or _("文件不存在或已被移除。")) from None
    return attachment(handle, filename=filename, content_type=content_type or "application/octet-stream")
