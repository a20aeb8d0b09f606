"""Stage evidence (签约主体, 新设企业统一社会信用代码, 施工许可证号, 达产产能) in the project import: a
bureau moving its old 台账 brings what it recorded; a stage change made by import meets the same
evidence rules as on the project page; a recorded piece of evidence is only filled in, never changed."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects.models import InvestmentProject
from tests.web.import_kit import LABELS, import_row, upload_workbook
from tests.web.test_bad_input import VALID_USCC, WRONG_DIGIT

USCC = "新设企业统一社会信用代码"


def _post(client, user, rows):
    client.force_login(user)
    return client.post(reverse("project_import"), {"file": upload_workbook(rows)})


def _column(label: str) -> int:
    return LABELS.index(label) + 1


def test_a_later_stage_project_brings_the_evidence_of_its_stages(client, personas, industry):
    row = import_row(阶段="开工", 签约日期="2025-01-10", 注册日期="2025-02-10", 开工日期="2025-03-10",
                     签约主体="某新能源科技有限公司", 施工许可证号="370282202503100101",
                     **{"签约投资额（亿元）": "6", USCC: VALID_USCC.lower()})
    response = _post(client, personas["admin"], [row])
    assert response.status_code == 302, response.context and response.context["errors"]
    project = InvestmentProject.objects.get(name="导入项目甲")
    assert (project.stage, project.signed_counterparty, project.registered_uscc, project.construction_permit_no) == (
        "construction", "某新能源科技有限公司", VALID_USCC, "370282202503100101")
    assert AuditRecord.objects.get().after["construction_permit_no"] == "370282202503100101"


def test_evidence_is_checked_and_belongs_to_a_stage_the_project_reached(client, personas, industry):
    rows = [import_row(阶段="注册", 签约日期="2025-01-10", 注册日期="2025-02-10", **{"签约投资额（亿元）": "6",
                                                                             USCC: WRONG_DIGIT}),
            import_row(项目名称="导入项目乙", 阶段="签约", 签约日期="2025-01-10", 达产产能="年产 10 万套",
                       **{"签约投资额（亿元）": "6"})]
    response = _post(client, personas["admin"], rows)
    assert response.status_code == 400
    assert response.context["errors"] == [
        f"第 2 行 第 {_column(USCC)} 列（{USCC}）：统一社会信用代码校验位错误：第 18 位应为 {VALID_USCC[17]}，"
        f"实际为 {WRONG_DIGIT[17]}。",
        f"第 3 行 第 {_column('达产产能')} 列（达产产能）：项目尚未到“达产”，不应填写达产产能。"]
    assert not InvestmentProject.objects.exists()


def test_a_stage_change_by_import_needs_the_stage_s_evidence_like_the_page(client, personas, make_project, investor):
    project = make_project(stage="signed")
    row = import_row(ID=project.pk, 版本=project.version, 项目名称=project.name, 投资方=investor.name, 阶段="注册",
                     注册日期="2025-03-05")
    response = _post(client, personas["officer_a"], [row])
    assert response.status_code == 400
    assert response.context["errors"] == [
        f"第 2 行 第 {_column(USCC)} 列（{USCC}）：注册须填写新设企业的统一社会信用代码（18 位）。"]
    assert _post(client, personas["officer_a"], [{**row, USCC: VALID_USCC}]).status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.registered_uscc) == ("registered", VALID_USCC)
    assert project.events.get(to_stage="registered").params["registered_uscc"] == VALID_USCC


def test_missing_evidence_of_a_reached_stage_is_filled_in_and_recorded_evidence_is_not_changed(
        client, personas, make_project, investor):
    project = make_project(stage="construction", signed_counterparty="某公司")
    row = import_row(ID=project.pk, 版本=project.version, 项目名称=project.name, 投资方=investor.name,
                     **{"计划投资额（亿元）": 10, "施工许可证号": "370282202501040001"})
    assert _post(client, personas["officer_a"], [row]).status_code == 302
    project.refresh_from_db()
    assert project.construction_permit_no == "370282202501040001" and project.version == 2
    record = AuditRecord.objects.get()
    assert (record.before["construction_permit_no"], record.after["construction_permit_no"]) == (
        "", "370282202501040001")

    row = {**row, "版本": project.version, "签约主体": "另一家公司"}
    response = _post(client, personas["officer_a"], [row])
    assert response.context["errors"] == [
        f"第 2 行 第 {_column('签约主体')} 列（签约主体）：已登记的签约主体为“某公司”，不能修改（佐证只能补填空缺的）。"]
    project.refresh_from_db()
    assert project.signed_counterparty == "某公司"


def test_the_export_carries_the_evidence_so_a_reimport_changes_nothing(client, personas, make_project):
    project = make_project(stage="construction", signed_counterparty="某公司", registered_uscc=VALID_USCC,
                           construction_permit_no="370282202501040001")
    client.force_login(personas["admin"])
    content = client.get(reverse("project_export")).content
    ws = openpyxl.load_workbook(io.BytesIO(content))["项目"]
    header = [c.value for c in ws[1]]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert (values["签约主体"], values[USCC], values["施工许可证号"]) == ("某公司", VALID_USCC, "370282202501040001")
    response = client.post(reverse("project_import"), {"file": SimpleUploadedFile("p.xlsx", content)})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.version == 1 and not AuditRecord.objects.exists()
