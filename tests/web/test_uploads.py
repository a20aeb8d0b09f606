"""Uploads: refused before the body is read when too large, checked against the declared type,
stored owner-only under a random name, served only to readers as a download with a clean name.
Fuzzed with hypothesis: whatever arrives, never a 500, and a file is stored with its audit row or
nothing is written at all."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lianzhao.audit.models import AuditRecord
from lianzhao.core.http import attachment, safe_filename
from lianzhao.projects import files, services
from lianzhao.projects.models import ProjectFile
from tests.web.evidence_kit import JPG_BYTES, PDF_BYTES, PNG_BYTES, upload, zip_bytes

pytestmark = pytest.mark.django_db


class _Unreadable:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_request_limit_is_above_every_upload_limit():
    from lianzhao.analysis.forms import MAX_UPLOAD as BASE_IMPORT
    from lianzhao.projects.importing import MAX_BYTES as PROJECT_IMPORT

    overhead = 1024 * 1024  # the multipart envelope and the form's other fields
    assert settings.MAX_REQUEST_BODY_BYTES >= max(files.MAX_UPLOAD_BYTES, BASE_IMPORT, PROJECT_IMPORT) + overhead


def test_a_too_large_upload_is_refused_before_its_body_is_read(client, personas, make_project):
    project = make_project()
    client.force_login(personas["officer_a"])
    response = client.generic("POST", reverse("project_file_upload", args=[project.pk]), b"",
                              content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": _Unreadable()})
    assert response.status_code == 413
    assert "25 MB" in response.content.decode() and not ProjectFile.objects.exists()


def test_a_stored_file_is_owner_only_under_a_random_name(personas, make_project):
    project = make_project()
    stored = services.attach_file(project, upload("../../etc/协议.pdf"), acting_user=personas["officer_a"])
    path = Path(stored.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "projects" / str(project.pk))
    assert path.suffix == ".pdf" and "协议" not in path.name and stored.original_name == "协议.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("name, declared", [
    ("协议.pdf", "text/html"), ("照片.png", "image/svg+xml"), ("协议.pdf", "application/x-msdownload"),
    ("照片.jpg", "image/png"),
])
def test_a_declared_type_that_contradicts_the_extension_is_refused(name, declared):
    content = {".pdf": PDF_BYTES, ".png": PNG_BYTES, ".jpg": JPG_BYTES}[Path(name).suffix]
    with pytest.raises(Exception) as refused:
        files.check_upload(SimpleUploadedFile(name, content, content_type=declared))
    assert "不符" in str(refused.value) and declared in str(refused.value)


@pytest.mark.parametrize("declared", ["application/octet-stream", "", "application/zip"])
def test_generic_declared_types_are_accepted(declared):
    content = zip_bytes("[Content_Types].xml", "word/document.xml")
    assert files.check_upload(SimpleUploadedFile("协议.docx", content, content_type=declared)).size == len(content)


def test_a_name_with_control_characters_and_quotes_downloads_cleanly(client, personas, make_project):
    project = make_project()
    raw = SimpleUploadedFile("x.pdf", PDF_BYTES, content_type="application/pdf")
    raw.name = '协议"\r\nSet-Cookie: a=b;.pdf'
    stored = services.attach_file(project, raw, acting_user=personas["officer_a"])
    assert "\n" not in stored.original_name and '"' not in stored.original_name
    client.force_login(personas["leader"])
    response = client.get(reverse("project_file_download", args=[project.pk, stored.pk]))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "\n" not in disposition
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name, expected", [
    ("周调度表_2025-W13.xlsx", "周调度表_2025-W13.xlsx"), ("../../a/b.pdf", "a_b.pdf"), ("", "download"),
    ("a\x00b\x1f.pdf", "a_b_.pdf"), ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_the_attachment_helper_gives_an_ascii_fallback():
    response = attachment(b"x", filename="周调度表.xlsx", content_type="application/octet-stream")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.xlsx\"; filename*=utf-8''%E5%91%A8%E8%B0%83%E5%BA%A6%E8%A1%A8.xlsx")


# --- fuzz -------------------------------------------------------------------------------------

NAMES = st.one_of(
    st.sampled_from(["协议.pdf", "照片.jpg", "扫描.png", "协议.docx", "台账.xlsx", "证照.ofd", "run.exe", "noext",
                     ".pdf", "a.PDF", "x.svg", "page.html"]),
    st.text(min_size=0, max_size=80).map(lambda t: t + ".pdf"),
)
CONTENTS = st.one_of(
    st.sampled_from([PDF_BYTES, PNG_BYTES, JPG_BYTES, zip_bytes("word/document.xml"), zip_bytes("xl/a.xml"),
                     zip_bytes("OFD.xml"), b"", b"MZ\x90\x00", b"<html><script>alert(1)</script></html>",
                     b"PK\x03\x04broken"]),
    st.binary(max_size=256),
)
DECLARED = st.sampled_from(["application/pdf", "image/png", "image/jpeg", "application/octet-stream", "",
                            "text/html", "image/svg+xml", "application/zip"])


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, content=CONTENTS, declared=DECLARED, stage=st.sampled_from(["", "signed", "bogus"]))
def test_fuzzed_uploads_never_fail_and_never_half_write(client, personas, make_project, name, content, declared,
                                                        stage):
    project = make_project()
    client.force_login(personas["officer_a"])
    before = (ProjectFile.objects.count(), AuditRecord.objects.count(), _stored_files())
    document = SimpleUploadedFile("x", content, content_type=declared)
    document.name = name
    response = client.post(reverse("project_file_upload", args=[project.pk]), {"file": document, "stage": stage})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        stored = ProjectFile.objects.latest("id")
        assert ProjectFile.objects.count() == before[0] + 1 and AuditRecord.objects.count() == before[1] + 1
        assert AuditRecord.objects.latest("id").object_id == str(stored.pk)
        assert Path(stored.file.path).read_bytes() == content and len(_stored_files()) == len(before[2]) + 1
        assert files.ALLOWED_TYPES[Path(stored.file.name).suffix][0] == stored.content_type
    else:
        assert "errorlist" in response.content.decode()
        assert (ProjectFile.objects.count(), AuditRecord.objects.count(), _stored_files()) == before
