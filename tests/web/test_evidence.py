"""Stage evidence: each stage refuses to move without what proves it (field-level Chinese message,
4xx, nothing written) and accepts it with one audit row; evidence files are checked by extension
and magic bytes and size, stored outside the web root and served only to readers, as downloads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import files, services
from lianzhao.projects.models import InvestmentProject, ProjectEvent, ProjectFile
from tests.web.evidence_kit import (
    JPG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    VALID_USCC,
    stage_kwargs,
    stage_post,
    upload,
    zip_bytes,
)

TODAY = dt.date(2025, 6, 1)
SOURCE = {"signed": "negotiating", "registered": "signed", "construction": "registered",
          "production": "construction", "full_capacity": "production"}
MISSING = {
    "signed": {"signed_amount": "签约须填写签约投资额（亿元）。",
               "signed_counterparty": "签约须填写签约主体（与我方签约的企业或机构）。",
               "evidence_file": "签约须上传签约协议文件（PDF、JPG、PNG、DOCX、XLSX、OFD，不超过 20 MB）。"},
    "registered": {"registered_uscc": "注册须填写新设企业的统一社会信用代码（18 位）。"},
    "construction": {"construction_permit_no": "开工须填写施工许可证号。"},
    "full_capacity": {"capacity_text": "达产须填写达产产能（如“年产 10 万套电驱总成”）。"},
}
RECORDED = {
    "signed": {"signed_amount": "12.50", "signed_counterparty": "某投资方有限公司", "signed_date": "2025-06-01"},
    "registered": {"registered_uscc": VALID_USCC, "registered_date": "2025-06-01"},
    "construction": {"construction_permit_no": "370215202505010101", "construction_date": "2025-06-01"},
    "production": {"production_date": "2025-06-01"},
    "full_capacity": {"capacity_text": "年产 10 万套", "capacity_value": "10.00", "capacity_unit": "万套",
                      "full_capacity_date": "2025-06-01"},
}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(services.common, "today", lambda: TODAY)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post_stage(client, project, target, data, htmx=False):
    payload = {"to_stage": target, "on": "2025-06-01", "from_stage": project.stage, **data}
    return client.post(reverse("project_stage", args=[project.pk]), payload,
                       headers={"HX-Request": "true"} if htmx else {})


@pytest.mark.parametrize("target", list(MISSING))
def test_a_stage_without_its_evidence_is_refused_at_the_field(client, personas, make_project, target):
    project = make_project(stage=SOURCE[target])
    before = list(InvestmentProject.objects.values())
    client.force_login(personas["officer_a"])
    response = _post_stage(client, project, target, {})
    assert response.status_code == 400
    errors = response.context["stage_form"].errors
    for field, message in MISSING[target].items():
        assert errors[field] == [message]
    assert list(InvestmentProject.objects.values()) == before
    assert not AuditRecord.objects.exists() and not ProjectEvent.objects.exists() and not stored_files()


@pytest.mark.parametrize("target", list(RECORDED))
def test_a_stage_with_its_evidence_is_recorded_with_one_audit_row(client, personas, make_project, target):
    project = make_project(stage=SOURCE[target])
    client.force_login(personas["officer_a"])
    response = _post_stage(client, project, target, stage_post(target))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == target
    # One row for the project (a signing also starts the landing checklist, with its own row).
    record = AuditRecord.objects.get(model_name="investmentproject")
    assert record.actor == personas["officer_a"] and record.action == "update"
    assert record.before["stage"] == SOURCE[target] and record.after["stage"] == target
    for field, value in RECORDED[target].items():
        assert str(getattr(project, field)) == value
        assert record.after[field] == value and record.before[field] != value
    if target == "signed":
        stored = project.files.get()
        assert stored.stage == "signed" and stored.original_name == "签约协议.pdf"
        assert stored.size == len(PDF_BYTES) and len(stored.sha256) == 64
        assert record.after["evidence_file"].startswith("签约协议.pdf（")
        assert Path(stored.file.path).read_bytes() == PDF_BYTES
        assert Path(stored.file.path).is_relative_to(Path(settings.MEDIA_ROOT))


def test_a_wrong_uscc_check_digit_is_refused(make_project, personas):
    project = make_project(stage="signed")
    wrong = VALID_USCC[:17] + ("0" if VALID_USCC[17] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        services.change_stage(project, "registered", acting_user=personas["officer_a"], on=TODAY,
                              evidence={"registered_uscc": wrong})
    assert info.value.message_dict["registered_uscc"][0].startswith("统一社会信用代码校验位错误")
    project.refresh_from_db()
    assert project.stage == "signed" and project.registered_uscc == ""


def test_signing_needs_no_new_file_when_the_project_has_an_agreement(make_project, personas):
    project = make_project(stage="negotiating")
    services.attach_file(project, upload(), stage="signed", acting_user=personas["officer_a"])
    kwargs = stage_kwargs("signed")
    del kwargs["upload"]
    services.change_stage(project, "signed", acting_user=personas["officer_a"], on=TODAY, **kwargs)
    project.refresh_from_db()
    assert project.stage == "signed" and project.files.count() == 1


def test_resuming_a_paused_signing_needs_no_evidence_again(make_project, personas):
    project = make_project(stage="paused", paused_from="signed")
    services.change_stage(project, "signed", acting_user=personas["officer_a"], on=TODAY, note="恢复")
    project.refresh_from_db()
    assert project.stage == "signed"


def test_the_htmx_stage_form_is_multipart_and_swaps_the_workflow(client, personas, make_project):
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert 'hx-encoding="multipart/form-data"' in page and 'enctype="multipart/form-data"' in page
    response = _post_stage(client, project, "signed", stage_post("signed"), htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="current-stage">签约<' in body and "签约协议.pdf" in body


# --- file checks ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content"), [
    ("协议.pdf", PDF_BYTES), ("照片.jpg", JPG_BYTES), ("照片.JPEG", JPG_BYTES), ("扫描.png", PNG_BYTES),
    ("协议.docx", zip_bytes("[Content_Types].xml", "word/document.xml")),
    ("台账.xlsx", zip_bytes("[Content_Types].xml", "xl/workbook.xml")),
    ("电子证照.ofd", zip_bytes("OFD.xml", "Doc_0/Document.xml")),
])
def test_each_allowed_type_is_accepted(name, content):
    checked = files.check_upload(upload(name, content))
    assert checked.size == len(content) and checked.original_name == name


@pytest.mark.parametrize(("name", "content", "message"), [
    ("协议.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名“.pdf”不符，可能已损坏或被改名，请上传原始文件。"),
    ("照片.png", JPG_BYTES, "文件内容与扩展名“.png”不符，可能已损坏或被改名，请上传原始文件。"),
    ("协议.docx", zip_bytes("xl/workbook.xml"), "文件内容与扩展名“.docx”不符（不是有效的 DOCX 文档）。"),
    ("协议.docx", b"PK\x03\x04 broken zip", "文件内容与扩展名“.docx”不符（不是有效的 DOCX 文档）。"),
    ("run.exe", b"MZ\x90\x00", "不支持的文件类型“.exe”：只能上传 PDF、JPG、PNG、DOCX、XLSX、OFD 文件。"),
    ("协议", PDF_BYTES, "不支持的文件类型“无扩展名”：只能上传 PDF、JPG、PNG、DOCX、XLSX、OFD 文件。"),
])
def test_a_wrong_file_is_refused_with_a_chinese_message(client, personas, make_project, name, content, message):
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_file_upload", args=[project.pk]),
                           {"file": upload(name, content), "stage": "negotiating"})
    assert response.status_code == 400
    assert response.context["file_form"].errors["file"] == [message]
    assert not ProjectFile.objects.exists() and not stored_files() and not AuditRecord.objects.exists()


def test_a_too_large_file_is_refused(client, personas, make_project, monkeypatch):
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", 1024 * 1024)
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_file_upload", args=[project.pk]),
                           {"file": upload("大文件.pdf", PDF_BYTES + b"0" * (1024 * 1024 * 3 // 2))})
    assert response.status_code == 400
    assert response.context["file_form"].errors["file"] == ["文件过大（1.5 MB）：单个文件不能超过 1 MB。"]
    assert not ProjectFile.objects.exists() and not stored_files()


def test_twenty_megabytes_is_the_limit():
    assert files.MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_a_wrong_agreement_file_refuses_the_signing(client, personas, make_project):
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    data = {**stage_post("signed"), "evidence_file": upload("协议.pdf", b"GIF89a")}
    response = _post_stage(client, project, "signed", data)
    assert response.status_code == 400
    assert "不符" in response.context["stage_form"].errors["evidence_file"][0]
    project.refresh_from_db()
    assert project.stage == "negotiating" and not stored_files() and not AuditRecord.objects.exists()


def test_uploading_a_file_writes_one_audit_row_and_a_timeline_entry(client, personas, make_project):
    project = make_project(stage="construction")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_file_upload", args=[project.pk]),
                           {"file": upload("施工许可证.png", PNG_BYTES, "image/png"), "stage": "construction"})
    assert response.status_code == 302
    stored = ProjectFile.objects.get()
    assert stored.content_type == "image/png" and stored.uploaded_by == personas["officer_a"]
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"] and record.before is None
    assert record.after["original_name"] == "施工许可证.png" and record.after["file"] == stored.file.name
    assert project.events.get(kind="file").text == "上传材料（开工）：施工许可证.png"


@pytest.mark.parametrize("who", ["officer_b", "leader", "analyst", "norole"])
def test_only_the_owning_department_uploads(make_project, personas, who):
    project = make_project(stage="negotiating")
    with pytest.raises(PermissionDenied):
        services.attach_file(project, upload(), acting_user=personas[who])
    assert not stored_files()


# --- serving files ----------------------------------------------------------------------------------

@pytest.fixture
def stored(make_project, personas):
    project = make_project(stage="negotiating")
    return services.attach_file(project, upload("签约协议.pdf"), stage="signed", acting_user=personas["officer_a"])


@pytest.mark.parametrize("who", ["anonymous", "norole", "leader", "analyst", "officer_a", "officer_b", "admin"])
def test_files_are_served_to_readers_only_as_downloads(client, personas, stored, who):
    if who != "anonymous":
        client.force_login(personas[who])
    response = client.get(reverse("project_file_download", args=[stored.project_id, stored.pk]))
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif who == "norole":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E7%AD%BE%E7%BA%A6%E5%8D%8F%E8%AE%AE.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_is_found_only_under_its_own_project(client, personas, stored, make_project):
    other = make_project()
    client.force_login(personas["leader"])
    assert client.get(reverse("project_file_download", args=[other.pk, stored.pk])).status_code == 404


def test_there_is_no_media_url():
    assert not getattr(settings, "MEDIA_URL", "").strip("/")
    assert Path(settings.MEDIA_ROOT).name == "uploads"


def test_stored_names_never_come_from_the_user(make_project, personas):
    project = make_project()
    stored = services.attach_file(project, upload("../../etc/passwd.pdf"), acting_user=personas["officer_a"])
    assert stored.original_name == "passwd.pdf"
    assert stored.file.name.startswith(f"projects/{project.pk}/") and ".." not in stored.file.name


def test_signed_amount_may_not_be_negative(make_project, personas):
    project = make_project(stage="negotiating")
    kwargs = {**stage_kwargs("signed"), "signed_amount": Decimal("-1")}
    with pytest.raises(ValidationError) as info:
        services.change_stage(project, "signed", acting_user=personas["officer_a"], on=TODAY, **kwargs)
    assert info.value.message_dict["signed_amount"] == ["签约投资额不能为负数。"]
    assert not stored_files()
