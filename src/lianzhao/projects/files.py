"""Checks on uploaded stage evidence: size, extension, the type the browser declared and the
file's own first bytes (magic).

A file passes only when its extension is allowed, the declared type does not contradict it, AND
its content looks like that type: renaming ``virus.exe`` to ``协议.pdf`` is refused, and so is a
``.pdf`` the browser sends as ``text/html``. docx/xlsx/ofd are ZIP containers; for them the
archive must also hold the part that makes it a Word, Excel or OFD document. The name the user
gave is kept for display only (cleaned of control characters and path parts); the file is stored
under a random name (``projects.models.project_file_path``) and always served as a download.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

from lianzhao.core.http import safe_filename

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # 20 MB

#: extension -> (content type served back, magic prefixes, ZIP member prefix that must exist)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...], str | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",), None),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), None),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), None),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), None),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              (b"PK\x03\x04",), "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",), "xl/"),
    ".ofd": ("application/ofd", (b"PK\x03\x04",), "OFD.xml"),
}
ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX、OFD"

#: Types a browser may declare for a file besides the one above: generic ones (the browser does
#: not know the type) and the usual aliases. Anything else contradicts the extension.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/x-download",
                 "application/force-download"}
DECLARED_ALIASES: dict[str, set[str]] = {
    ".pdf": {"application/x-pdf", "application/acrobat"},
    ".jpg": {"image/pjpeg", "image/jpg"},
    ".jpeg": {"image/pjpeg", "image/jpg"},
    ".png": {"image/x-png"},
    ".docx": {"application/zip", "application/x-zip-compressed", "application/msword"},
    ".xlsx": {"application/zip", "application/x-zip-compressed", "application/vnd.ms-excel"},
    ".ofd": {"application/zip", "application/x-zip-compressed"},
}


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    size: int
    content_type: str
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded file and return what to store about it; raise ValidationError with a
    Chinese message otherwise. Reads the file once (hash and magic), then rewinds it."""
    name = safe_filename(PurePath((upload.name or "").replace("\\", "/")).name, default="")
    ext = PurePath(name).suffix.lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(f"不支持的文件类型“{ext or '无扩展名'}”：只能上传 {ALLOWED_LABEL} 文件。",
                              code="file_type")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"文件过大（{upload.size / 1024 / 1024:.1f} MB）：单个文件不能超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。",
            code="file_size")
    if upload.size == 0:
        raise ValidationError("文件为空，请重新选择。", code="file_empty")
    content_type, magics, zip_member = ALLOWED_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(f"文件内容与扩展名“{ext}”不符，可能已损坏或被改名，请上传原始文件。",
                              code="file_magic")
    if zip_member and not _zip_has(upload, zip_member):
        raise ValidationError(f"文件内容与扩展名“{ext}”不符（不是有效的 {ext[1:].upper()} 文档）。",
                              code="file_magic")
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in GENERIC_TYPES | {content_type} | DECLARED_ALIASES.get(ext, set()):
        raise ValidationError(f"文件类型与扩展名“{ext}”不符（浏览器声明为 {declared[:60]}），请上传原始文件。",
                              code="file_declared_type")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(original_name=name[:255], size=upload.size, content_type=content_type,
                         sha256=digest.hexdigest())


def _zip_has(upload, member_prefix: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(n.startswith(member_prefix) for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
