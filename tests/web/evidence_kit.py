"""Test helpers for stage evidence: small valid files of each allowed type and the evidence each
stage needs, so workflow tests can move projects along the pipeline."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import PurePath

from django.core.files.uploadedfile import SimpleUploadedFile

from lianzhao.projects import files
from lianzhao.refdata.uscc import check_character

VALID_USCC = "91370215MA3C12345" + check_character("91370215MA3C12345")
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zip_bytes(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def upload(name: str = "签约协议.pdf", content: bytes = PDF_BYTES,
           content_type: str | None = None) -> SimpleUploadedFile:
    """A file as a browser sends it: by default declared with the type its extension implies."""
    if content_type is None:
        content_type = files.ALLOWED_TYPES.get(PurePath(name).suffix.lower(), ("application/octet-stream",))[0]
    return SimpleUploadedFile(name, content, content_type=content_type)


def stage_kwargs(target: str) -> dict:
    """Keyword arguments change_stage needs (besides ``on``) to move a project to ``target``."""
    if target == "signed":
        return {"signed_amount": Decimal("12.5"), "evidence": {"signed_counterparty": "某投资方有限公司"},
                "upload": upload()}
    if target == "registered":
        return {"evidence": {"registered_uscc": VALID_USCC}}
    if target == "construction":
        return {"evidence": {"construction_permit_no": "370215202505010101"}}
    if target == "full_capacity":
        return {"evidence": {"capacity_text": "年产 10 万套", "capacity_value": Decimal("10"),
                             "capacity_unit": "万套"}}
    if target in ("paused", "dropped"):
        return {"note": "企业战略调整"}
    return {}


def stage_post(target: str) -> dict:
    """The same evidence as form fields, for posting to the stage view."""
    data = {}
    for key, value in stage_kwargs(target).items():
        if key == "evidence":
            data.update({k: str(v) for k, v in value.items()})
        elif key == "upload":
            data["evidence_file"] = value
        else:
            data[key] = str(value)
    return data
