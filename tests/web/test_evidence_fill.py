"""佐证待补: a project that reached stages without their evidence (created at a later stage by import
or the demo) says what it lacks on its page, and its department fills the text evidence in — checked
as on the stage form, only where blank, audited, refused from a stale page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import services
from tests.web.evidence_kit import VALID_USCC

WRONG_DIGIT = VALID_USCC[:17] + ("0" if VALID_USCC[17] != "0" else "1")


def _missing(client, project) -> str:
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    start = page.find('id="missing-evidence"')
    return page[start:page.find("</dd>", start)] if start >= 0 else ""


def test_the_page_names_what_a_project_lacks_and_its_department_fills_it_in(client, personas, make_project):
    project = make_project(stage="construction")
    client.force_login(personas["officer_a"])
    missing = _missing(client, project)
    assert "签约：签约主体、签约协议文件" in missing and "注册：新设企业统一社会信用代码" in missing
    assert "开工：施工许可证号" in missing and reverse("project_evidence", args=[project.pk]) in missing

    url = reverse("project_evidence", args=[project.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"version", "signed_counterparty", "registered_uscc", "construction_permit_no"}
    refused = client.post(url, {"version": project.version, "registered_uscc": WRONG_DIGIT})
    assert refused.status_code == 400 and "校验位错误" in str(refused.context["form"].errors["registered_uscc"])
    assert not AuditRecord.objects.exists()

    saved = client.post(url, {"version": project.version, "signed_counterparty": "某投资方有限公司",
                              "registered_uscc": VALID_USCC.lower(), "construction_permit_no": ""})
    assert saved.status_code == 302
    project.refresh_from_db()
    assert (project.signed_counterparty, project.registered_uscc, project.version) == (
        "某投资方有限公司", VALID_USCC, 2)
    record = AuditRecord.objects.get()
    assert record.reason == "补录阶段佐证" and record.actor == personas["officer_a"]
    assert (record.before["registered_uscc"], record.after["registered_uscc"]) == ("", VALID_USCC)
    missing = _missing(client, project)
    assert "签约：签约协议文件" in missing and "注册" not in missing and "开工：施工许可证号" in missing

    stale = client.post(url, {"version": 1, "construction_permit_no": "370282202501040001"})
    assert stale.status_code == 409
    project.refresh_from_db()
    assert project.construction_permit_no == ""


def test_recorded_evidence_and_stages_not_reached_are_refused(personas, make_project):
    project = make_project(stage="registered", signed_counterparty="某公司")
    with pytest.raises(ValidationError) as refused:
        services.fill_evidence(project, values={"signed_counterparty": "另一家公司",
                                                "construction_permit_no": "370282202501040001"},
                               acting_user=personas["officer_a"])
    assert refused.value.message_dict == {
        "signed_counterparty": ["已登记的签约主体为“某公司”，不能修改（佐证只能补填空缺的）。"],
        "construction_permit_no": ["项目尚未到“开工”，不应填写施工许可证号。"]}
    project.refresh_from_db()
    assert project.version == 1 and not AuditRecord.objects.exists()


def test_only_the_project_s_department_fills_its_evidence_and_complete_projects_show_nothing(
        client, personas, make_project):
    project = make_project(stage="registered")
    client.force_login(personas["officer_b"])
    assert client.get(reverse("project_evidence", args=[project.pk])).status_code == 403
    assert reverse("project_evidence", args=[project.pk]) not in _missing(client, project)  # read only
    lead = make_project(stage="negotiating")
    assert _missing(client, lead) == ""


def test_the_project_list_finds_the_projects_that_lack_evidence_as_their_pages_do(
        client, personas, make_project, settings, tmp_path):
    from lianzhao.projects import evidence
    from lianzhao.projects.models import InvestmentProject
    from tests.web.evidence_kit import upload

    settings.MEDIA_ROOT = tmp_path
    complete = make_project(stage="registered", signed_counterparty="某公司", registered_uscc=VALID_USCC)
    services.attach_file(complete, upload(), stage="signed", acting_user=personas["officer_a"])
    no_agreement = make_project(stage="signed", signed_counterparty="某公司")
    no_permit = make_project(stage="construction", signed_counterparty="某公司", registered_uscc=VALID_USCC)
    services.attach_file(no_permit, upload(), stage="signed", acting_user=personas["officer_a"])
    make_project(stage="negotiating")
    client.force_login(personas["leader"])
    response = client.get(reverse("project_list"), {"evidence_missing": "on"})
    listed = {p.name for p in response.context["page"].object_list}
    assert listed == {no_agreement.name, no_permit.name}
    for project in InvestmentProject.objects.all():
        filed = set(project.files.values_list("stage", flat=True))
        assert bool(evidence.missing(project, filed)) == (project.name in listed), project.name
