"""Bulk import and export of projects through Excel: a good file, a file with errors (nothing written,
every error with row and column), re-imports that update instead of duplicating, stage moves,
department permissions, and the export of the filtered list."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import snapshot
from lianzhao.projects import services
from lianzhao.projects.models import InvestmentProject
from tests.web.import_kit import LABELS, import_row, upload_workbook


def _post(client, user, rows=None, **kwargs):
    client.force_login(user)
    return client.post(reverse("project_import"), {"file": upload_workbook(rows or [], **kwargs)})


def test_a_good_file_creates_every_project_with_one_audit_row_each(client, personas, investor, industry):
    rows = [
        import_row(投资方=investor.name, 产业链环节="动力电池", **{"计划投资额（亿元）": 12.5, "责任人": "officer_a",
                                                     "线索日期": dt.date(2025, 3, 1)}),
        import_row(项目名称="导入项目乙", 阶段="签约", 线索日期="2025-01-02", 洽谈日期=dt.datetime(2025, 2, 1),
             签约日期="2025/3/3", **{"签约投资额（亿元）": "8"}),
    ]
    response = _post(client, personas["admin"], rows)
    assert response.status_code == 302, response.context and response.context["errors"]
    first = InvestmentProject.objects.get(name="导入项目甲")
    assert (first.investor, first.chain_node.name, first.amount, first.stage, first.officer) == (
        investor, "动力电池", Decimal("12.50"), "lead", personas["officer_a"])
    second = InvestmentProject.objects.get(name="导入项目乙")
    assert (second.stage, second.signed_amount, second.signed_date, second.contacted_date) == (
        "signed", Decimal("8.00"), dt.date(2025, 3, 3), None)
    assert [e.to_stage for e in second.events.order_by("occurred_on")] == ["lead", "negotiating", "signed"]
    records = AuditRecord.objects.order_by("id")
    assert [(r.action, r.object_repr, r.actor, r.reason) for r in records] == [
        ("create", "导入项目甲", personas["admin"], "Excel 导入（第 2 行）"),
        ("create", "导入项目乙", personas["admin"], "Excel 导入（第 3 行）")]
    assert records[1].after["signed_amount"] == "8.00"


def test_a_file_with_errors_writes_nothing_and_lists_every_error(client, personas, industry):
    rows = [
        import_row(),
        import_row(项目名称="行三", 所属产业="不存在的产业"),
        import_row(项目名称="行四", **{"计划投资额（亿元）": "十亿"}),
        import_row(项目名称="行五", 阶段="签约"),
        import_row(项目名称=None),
        import_row(项目名称="行七", 线索日期="2999-01-01"),
        import_row(),
        import_row(项目名称="行九", 阶段="投产", 线索日期="2025-03-01", 接洽日期="2025-02-01", 投产日期="2025-03-05",
             **{"签约投资额（亿元）": 1}),
    ]
    response = _post(client, personas["admin"], rows)
    assert response.status_code == 400
    assert response.context["errors"] == [
        "第 3 行 第 4 列（所属产业）：产业“不存在的产业”不存在。",
        "第 4 行 第 6 列（计划投资额（亿元））：计划投资额须为数字（单位：亿元），如 12.5。",
        "第 5 行 第 17 列（签约日期）：阶段为“签约”时须填写签约日期。",
        "第 5 行 第 18 列（签约投资额（亿元））：签约及以后阶段的项目须填写签约投资额（亿元）。",
        "第 6 行 第 2 列（项目名称）：请填写项目名称。",
        "第 7 行 第 14 列（线索日期）：日期 2999-01-01 晚于今天。",
        "第 8 行：与第 2 行是同一项目，一个项目只能占一行。",
        "第 9 行 第 15 列（接洽日期）：不能早于线索日期 2025-03-01。",
    ]
    assert "未导入任何数据" in response.content.decode()
    assert not InvestmentProject.objects.exists() and not AuditRecord.objects.exists()


def test_columns_are_numbered_as_in_the_users_file(client, personas, industry):
    labels = ["所属产业", "项目名称", "招商方式", "责任部门"]
    response = _post(client, personas["admin"], [import_row(所属产业="无此产业")], labels=labels)
    assert response.context["errors"] == ["第 2 行 第 1 列（所属产业）：产业“无此产业”不存在。"]


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(client, personas, db):
    response = _post(client, personas["admin"], content=b"not a workbook")
    assert response.context["errors"] == ["无法读取文件：不是有效的 Excel（.xlsx）文件。"]
    response = _post(client, personas["admin"], [{"项目名称": "x", "金额": 1}], labels=["项目名称", "金额"])
    assert response.context["errors"] == [
        "第 1 行 第 2 列（金额）：不是模板中的列名，请使用导入模板。",
        "第 1 行：缺少必填列 所属产业、招商方式、责任部门，请使用导入模板。"]


def _export(client, user, params=None) -> openpyxl.Workbook:
    client.force_login(user)
    response = client.get(reverse("project_export"), params or {})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _reupload(wb) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb.save(buffer)
    return upload_workbook([], content=buffer.getvalue())


def test_a_reimport_updates_by_id_without_duplicates_and_audits_the_change(client, personas, make_project):
    changed, untouched = make_project(stage="contacted"), make_project(stage="lead")
    wb = _export(client, personas["admin"])
    ws = wb["项目"]
    assert [c.value for c in ws[1]] == LABELS and wb.sheetnames == ["项目", "填表说明"]
    amount_col = LABELS.index("计划投资额（亿元）") + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == changed.pk:
            row[amount_col - 1].value = 25
    response = client.post(reverse("project_import"), {"file": _reupload(wb)})
    assert response.status_code == 302
    assert InvestmentProject.objects.count() == 2
    changed.refresh_from_db()
    untouched.refresh_from_db()
    assert changed.amount == Decimal("25.00") and untouched.version == 1
    record = AuditRecord.objects.get()
    assert (record.action, record.object_id, record.actor) == ("update", str(changed.pk), personas["admin"])
    assert (record.before["amount"], record.after["amount"]) == ("10.00", "25.00")
    # The same file again changes nothing and writes no audit row.
    assert client.post(reverse("project_import"), {"file": _reupload(wb)}).status_code == 302
    assert InvestmentProject.objects.count() == 2 and AuditRecord.objects.count() == 1


def test_without_an_id_a_row_is_matched_by_investor_and_name(client, personas, make_project, investor):
    project = make_project()
    response = _post(client, personas["officer_a"], [import_row(项目名称=project.name, 投资方=investor.name,
                                                         备注="按名称匹配")])
    assert response.status_code == 302
    assert InvestmentProject.objects.count() == 1
    project.refresh_from_db()
    assert project.notes == "按名称匹配"
    assert AuditRecord.objects.get().actor == personas["officer_a"]


def test_a_stage_change_on_reimport_goes_through_the_workflow(client, personas, make_project, investor):
    project = make_project(stage="contacted")
    row = import_row(ID=project.pk, 版本=project.version, 项目名称=project.name, 投资方=investor.name, 阶段="洽谈", 洽谈日期="2025-03-05",
               **{"计划投资额（亿元）": 10})
    assert _post(client, personas["officer_a"], [row]).status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.negotiating_date) == ("negotiating", dt.date(2025, 3, 5))
    record = AuditRecord.objects.get()
    assert record.reason == "阶段变更：接洽 → 洽谈" and record.actor == personas["officer_a"]
    event = project.events.get(to_stage="negotiating")
    assert event.from_stage == "contacted" and event.actor == personas["officer_a"]


def test_a_stage_skip_on_reimport_is_refused_and_nothing_is_written(client, personas, make_project, investor):
    project = make_project(stage="lead")
    rows = [import_row(项目名称="同批新项目"),
            import_row(ID=project.pk, 版本=project.version, 项目名称=project.name, 投资方=investor.name, 阶段="注册", 注册日期="2025-03-05")]
    response = _post(client, personas["admin"], rows)
    assert response.status_code == 400
    assert response.context["errors"] == [
        "第 3 行 第 13 列（阶段）：不能从“线索”变更为“注册”。当前可变更为：接洽、暂缓、终止。"]
    project.refresh_from_db()
    assert project.stage == "lead" and not InvestmentProject.objects.filter(name="同批新项目").exists()
    assert not AuditRecord.objects.exists()


def test_recorded_stage_dates_cannot_be_rewritten_by_import(client, personas, make_project, investor):
    project = make_project(stage="contacted")
    response = _post(client, personas["admin"], [import_row(ID=project.pk, 版本=project.version, 项目名称=project.name, 投资方=investor.name,
                                                      线索日期="2024-12-01")])
    assert response.context["errors"] == [
        "第 2 行 第 14 列（线索日期）：已登记的阶段日期不能通过导入修改；阶段日期随阶段变更登记。"]


def test_an_officer_imports_only_into_their_own_department(client, personas, make_project, investor):
    other = make_project(department="b")
    rows = [import_row(项目名称="别部门新项目", 责任部门="投资促进二科"),
            import_row(ID=other.pk, 版本=other.version, 项目名称=other.name, 投资方=investor.name, 责任部门="投资促进二科")]
    response = _post(client, personas["officer_a"], rows)
    assert response.status_code == 400
    assert response.context["errors"] == [
        "第 2 行 第 10 列（责任部门）：所选部门无效：招商专员只能选择本部门。",
        f"第 3 行 第 10 列（责任部门）：项目“{other.name}”属于投资促进二科，您只能修改本部门的项目。"]
    assert InvestmentProject.objects.count() == 1 and not AuditRecord.objects.exists()


def test_a_likely_duplicate_needs_an_explicit_confirmation(client, personas, make_project, investor):
    existing = make_project()
    row = import_row(项目名称=f"{existing.name}二期", 投资方=investor.name)
    response = _post(client, personas["admin"], [row])
    assert response.status_code == 400
    [error] = response.context["errors"]
    assert error.startswith("第 2 行 第 24 列（确认不是重复项目）：发现 1 个疑似重复的项目")
    assert f"“{existing.name}”" in error and "填“是”" in error
    assert _post(client, personas["admin"], [{**row, "确认不是重复项目": "是"}]).status_code == 302
    assert InvestmentProject.objects.count() == 2


def test_the_export_follows_the_list_filters(client, personas, make_project):
    make_project(stage="lead")
    signed = make_project(stage="signed")
    wb = _export(client, personas["leader"], {"stage": ["signed"]})
    rows = list(wb["项目"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [signed.pk]
    row = dict(zip(LABELS, rows[0], strict=True))
    assert (row["阶段"], row["签约投资额（亿元）"], row["责任部门"]) == ("签约", 10, "投资促进一科")
    assert row["签约日期"].date() == dt.date(2025, 1, 4)


def test_the_template_has_the_header_and_an_explanation_of_every_column(client, personas, industry):
    client.force_login(personas["officer_b"])
    response = client.get(reverse("project_import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["项目"][1]] == LABELS and wb["项目"].max_row == 1
    notes = [r[0] for r in wb["填表说明"].iter_rows(values_only=True) if r[0]]
    assert all(label in notes for label in LABELS)
    allowed = {r[0]: r[1] for r in wb["填表说明"].iter_rows(values_only=True) if r[0]}
    assert allowed["所属产业"] == "新能源汽车" and "以商招商" in allowed["招商方式"]


def test_the_export_runs_a_fixed_number_of_queries(client, personas, make_project, django_assert_num_queries):
    client.force_login(personas["leader"])
    for _ in range(12):
        make_project(stage="signed")
    # session + user, light rule, the filter's ledger choice lists, the projects with their related
    # rows (ledger choices included) in one query, and the allowed values of the 填表说明 sheet
    # (industries, departments, officers, the ledger's active choices).
    with django_assert_num_queries(9):
        response = client.get(reverse("project_export"), {"stage": ["lead", "signed"]})
    assert len(list(openpyxl.load_workbook(io.BytesIO(response.content))["项目"].iter_rows(min_row=2))) == 12


@pytest.mark.parametrize("name", ["projects.csv", "projects.xls"])
def test_only_xlsx_files_are_accepted(client, personas, name, db):
    client.force_login(personas["admin"])
    response = client.post(reverse("project_import"), {"file": SimpleUploadedFile(name, b"a,b")})
    assert response.status_code == 400 and "请上传 .xlsx" in response.content.decode()


# --- bad input: never a 500, a clear message at the cell -----------------------------------------------

@pytest.mark.parametrize(("cell", "message"), [
    (str(2**63), f"编号 {2**63} 的项目不存在；新项目请留空此列。"),
    ("99999999999999999999999", "编号 99999999999999999999999 的项目不存在；新项目请留空此列。"),
    ("²", "编号 ² 的项目不存在；新项目请留空此列。"),
    ("-3", "编号 -3 的项目不存在；新项目请留空此列。"),
])
def test_an_id_no_database_integer_holds_is_an_error_at_its_cell(client, personas, industry, cell, message):
    response = _post(client, personas["admin"], [import_row(ID=cell, 版本=1)])
    assert response.status_code == 400
    assert response.context["errors"] == [f"第 2 行 第 1 列（ID）：{message}"]


@pytest.mark.parametrize(("cell", "message"), [
    ("NaN", "签约投资额须为数字（单位：亿元）。"),
    ("Infinity", "签约投资额须为数字（单位：亿元）。"),
    ("十亿", "签约投资额须为数字（单位：亿元）。"),
    ("-1", "签约投资额不能为负数。"),
    ("1e20", "签约投资额过大：单位亿元，最多 10 位整数、2 位小数。"),
    ("1.005", "签约投资额最多两位小数（单位亿元）。"),
])
def test_a_signed_amount_that_is_not_a_sensible_number_is_an_error(client, personas, industry, cell, message):
    row = import_row(阶段="签约", 线索日期="2025-01-02", 签约日期="2025-03-03", **{"签约投资额（亿元）": cell})
    response = _post(client, personas["admin"], [row])
    assert response.status_code == 400
    assert response.context["errors"] == [f"第 2 行 第 18 列（签约投资额（亿元））：{message}"]
    assert not InvestmentProject.objects.exists()


def test_the_row_limit_is_checked_while_reading(client, personas, industry, monkeypatch):
    monkeypatch.setattr("lianzhao.projects.importing.MAX_ROWS", 2)
    response = _post(client, personas["admin"], [import_row(项目名称=f"行{i}") for i in range(3)])
    assert response.context["errors"] == ["单次最多导入 2 行，请拆分文件。"]
    assert not InvestmentProject.objects.exists()


# --- no lost updates: each row carries its project's version ----------------------------------------

def test_a_row_from_an_export_older_than_a_web_edit_is_refused(client, personas, make_project):
    project = make_project()
    wb = _export(client, personas["admin"])
    services.update_project(project, changes={"notes": "网页上的修改"}, acting_user=personas["officer_a"])
    ws = wb["项目"]
    notes_col = LABELS.index("备注")
    for row in ws.iter_rows(min_row=2):
        row[notes_col].value = "旧文件上的修改"
    AuditRecord.objects.all().delete()
    response = client.post(reverse("project_import"), {"file": _reupload(wb)})
    assert response.status_code == 400
    assert response.context["errors"] == [
        f"第 2 行 第 25 列（版本）：项目“{project.name}”在导出后已被修改（当前版本 2，文件中为版本 1）。"
        "为免覆盖他人的修改，请重新导出后在新文件上修改再导入。"]
    project.refresh_from_db()
    assert project.notes == "网页上的修改" and not AuditRecord.objects.exists()


def test_an_unchanged_row_of_an_old_export_is_not_a_conflict(client, personas, make_project):
    project = make_project()
    wb = _export(client, personas["admin"])
    services.update_project(project, changes={"notes": "网页上的修改"}, acting_user=personas["officer_a"])
    ws = wb["项目"]
    ws.cell(row=2, column=LABELS.index("备注") + 1).value = "网页上的修改"  # the row says what the page says
    assert client.post(reverse("project_import"), {"file": _reupload(wb)}).status_code == 302


def test_a_row_with_an_id_needs_the_version(client, personas, make_project, investor):
    project = make_project()
    row = import_row(ID=project.pk, 项目名称=project.name, 投资方=investor.name, 备注="改")
    response = _post(client, personas["admin"], [row])
    assert response.context["errors"] == ["第 2 行 第 25 列（版本）：有编号的行须填写版本（导出时自动填写，请勿删除）。"]
    labels = [label for label in LABELS if label != "版本"]
    response = _post(client, personas["admin"], [row], labels=labels)
    assert response.context["errors"] == [
        "文件有“ID”列但没有“版本”列，无法确认其中的项目在导出后未被他人修改。请重新导出项目清单，"
        "在导出的文件上修改后再导入（新项目可使用导入模板）。"]
    project.refresh_from_db()
    assert project.notes == ""


def test_a_save_made_while_the_file_was_checked_is_not_overwritten(client, personas, make_project, investor,
                                                                    monkeypatch):
    """Between the checks (outside the transaction) and the write, someone saves the project: the
    write transaction sees the new version and writes nothing."""
    from lianzhao.projects import importing

    project = make_project()
    checked = importing._Lookups.read_duplicates

    def meanwhile(self, rows):
        checked(self, rows)
        services.update_project(project, changes={"notes": "同时在网页上保存"}, acting_user=personas["officer_a"])

    monkeypatch.setattr(importing._Lookups, "read_duplicates", meanwhile)
    rows = [import_row(项目名称="同批新项目"),
            import_row(ID=project.pk, 版本=project.version, 项目名称=project.name, 投资方=investor.name, 备注="导入")]
    response = _post(client, personas["admin"], rows)
    assert response.status_code == 400
    assert response.context["errors"] == [
        f"第 3 行：项目“{project.name}”在导入过程中被他人修改，未导入任何数据。请重新导出后再导入。"]
    project.refresh_from_db()
    assert project.notes == "同时在网页上保存" and not InvestmentProject.objects.filter(name="同批新项目").exists()


def test_new_projects_get_their_events_latest_date_and_audit_rows_in_bulk(client, personas, industry):
    rows = [import_row(项目名称=f"批量{i}", 阶段="接洽", 线索日期="2025-01-02", 接洽日期=f"2025-02-{i + 1:02d}")
            for i in range(28)]
    response = _post(client, personas["admin"], rows)
    assert response.status_code == 302, response.context["errors"]
    for project in InvestmentProject.objects.all():
        assert project.last_event_on == project.contacted_date
        assert [(e.from_stage, e.to_stage) for e in project.events.order_by("occurred_on")] == [
            ("", "lead"), ("lead", "contacted")]
        record = AuditRecord.objects.get(object_id=str(project.pk))
        assert record.after == snapshot(project) and record.actor == personas["admin"]


# --- long files: a background job with progress ------------------------------------------------------

def test_a_long_file_is_imported_by_the_worker_with_progress(client, personas, industry, monkeypatch,
                                                             immediate_jobs):
    from lianzhao.jobs.models import Job

    monkeypatch.setattr("lianzhao.projects.importing.BACKGROUND_ROWS", 2)
    response = _post(client, personas["officer_a"], [import_row(项目名称=f"后台导入{i}号") for i in range(3)])
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.state, job.started_by, job.done, job.total) == (
        "projects.import", "succeeded", personas["officer_a"], 6, 6)
    assert job.summary == "导入完成：新建 3 个项目，更新 0 个（其中阶段变更 0 个），0 个无变化。"
    assert InvestmentProject.objects.filter(name__startswith="后台导入").count() == 3
    assert AuditRecord.objects.filter(model_name="investmentproject", action="create").count() == 3


def test_a_long_file_with_errors_fails_its_job_with_every_error_and_writes_nothing(
        client, personas, industry, monkeypatch, immediate_jobs):
    from lianzhao.jobs.models import Job

    monkeypatch.setattr("lianzhao.projects.importing.BACKGROUND_ROWS", 2)
    rows = [import_row(项目名称="甲"), import_row(项目名称="乙", 所属产业="无此产业"), import_row(项目名称=None)]
    _post(client, personas["admin"], rows)
    job = Job.objects.get()
    assert (job.state, job.error) == ("failed", "导入未完成：发现 2 处错误，未写入任何数据。请改正后重新导入。")
    assert job.error_details == ["第 3 行 第 4 列（所属产业）：产业“无此产业”不存在。",
                                 "第 4 行 第 2 列（项目名称）：请填写项目名称。"]
    assert not InvestmentProject.objects.exists()
    assert not AuditRecord.objects.filter(model_name="investmentproject").exists()
