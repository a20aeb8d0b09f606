"""What the enterprise-service services share: the local date they judge "today" by (tests pin it),
and how an uploaded file is checked and stored without leaving an orphan on disk."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from lianzhao.projects.files import check_upload


def today() -> dt.date:
    """The local date (Asia/Shanghai)."""
    return timezone.localdate()


def checked_uploads(uploads, field: str = "files") -> list:
    """``[(upload, CheckedUpload)]`` for every file, or a ValidationError on ``field`` naming each
    refused file — checked before anything is written."""
    out, errors = [], []
    for upload in uploads or ():
        try:
            out.append((upload, check_upload(upload)))
        except ValidationError as exc:
            errors.extend(f"{upload.name}：{m}" for m in exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return out


def file_summary(stored) -> str:
    return f"{stored.original_name}（{stored.size} 字节，SHA-256 {stored.sha256}）"
