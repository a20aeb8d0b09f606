"""Importing a region's base data: all rows or none, every error with its row, column and reason."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lianzhao.analysis.importing import HEADERS, parse_workbook
from lianzhao.analysis.models import RegionalBase, RegionalBaseRow
from lianzhao.audit.models import AuditRecord
from lianzhao.core.models import Region
from tests.conftest import needs_data

NATION = {"079": 1_000_000.0, "080": 2_000_000.0, "087": 500_000.0}


def _xlsx(rows, header=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["io153", "079", "汽车整车", 450000, 2024, "区统计局（测试）", "否", ""],
    ["gbt", "3670", "汽车零部件", 120000, 2024, "区统计局（测试）", "否", ""],
    ["io153", "87", "电池", 1000.5, 2024, "示例：假设", "是", "示例"],
]


def test_a_good_file_parses_every_row_to_its_sector():
    parsed = parse_workbook(_xlsx(GOOD), table_sectors=153, national_totals=NATION)
    assert parsed.errors == []
    assert [(r.code, r.sector, r.is_sample) for r in parsed.rows] == [
        ("079", "079", False), ("3670", "080", False), ("087", "087", True)]


def test_rows_for_the_42_sector_table_are_aggregated():
    parsed = parse_workbook(_xlsx(GOOD[:2]), table_sectors=42, national_totals=None)
    assert [r.sector for r in parsed.rows] == ["18", "18"]


@pytest.mark.parametrize(("row", "message"), [
    (["io153", "999", "", 1, 2024, "x", "否", ""], "第 2 行 第 2 列（代码）：io153 部门代码 999 不存在（2020 年表）。"),
    (["gbt", "9999", "", 1, 2024, "x", "否", ""], "第 2 行 第 2 列（代码）：行业代码 9999 无法对应投入产出部门"),
    (["io153", "079", "", -5, 2024, "x", "否", ""], "第 2 行 第 4 列（数值）：数值 -5 为负数，不允许。"),
    (["io153", "079", "", "很多", 2024, "x", "否", ""], "第 2 行 第 4 列（数值）：“很多”不是数字。"),
    (["io999", "079", "", 1, 2024, "x", "否", ""], "第 2 行 第 1 列（代码类型）：代码类型“io999”无效"),
    (["io153", "079", "", 1, 24, "x", "否", ""], "第 2 行 第 5 列（数据年份）：数据年份“24”无效"),
    (["io153", "079", "", 1, 2024, "", "否", ""], "第 2 行 第 6 列（来源）：请写明数据来源"),
    (["io153", "079", "", 1, 2024, "x", "也许", ""], "第 2 行 第 7 列（示例数据）：“也许”无效"),
])
def test_each_bad_cell_is_reported_with_row_column_and_reason(row, message):
    parsed = parse_workbook(_xlsx([row]), table_sectors=153, national_totals=NATION)
    assert any(e.startswith(message) for e in parsed.errors), parsed.errors


def test_duplicate_rows_are_refused():
    rows = [GOOD[0], GOOD[0]]
    parsed = parse_workbook(_xlsx(rows), table_sectors=153, national_totals=NATION)
    assert parsed.errors == ["第 3 行 第 2 列（代码）：代码 079 与第 2 行重复。"]


def test_a_region_larger_than_the_nation_is_refused():
    rows = [["io153", "079", "", 900000, 2024, "x", "否", ""], ["gbt", "3612", "", 200000, 2024, "x", "否", ""]]
    parsed = parse_workbook(_xlsx(rows), table_sectors=153, national_totals=NATION)
    assert parsed.errors == ["第 2、3 行：部门 079 合计 1,100,000 万元，大于全国 1,000,000 万元（2020 年表），"
                             "请检查单位（总产出应填万元）。"]


def test_a_missing_column_is_refused():
    parsed = parse_workbook(_xlsx([GOOD[0][:3]], header=HEADERS[:3]), table_sectors=153, national_totals=None)
    assert parsed.errors == ["第 1 行：缺少必填列 数值、数据年份、来源、示例数据，请使用导入模板。"]


def test_every_error_is_listed_not_just_the_first():
    rows = [["io153", "999", "", -1, 2024, "x", "否", ""], ["gbt", "0000", "", 1, 2024, "", "否", ""]]
    parsed = parse_workbook(_xlsx(rows), table_sectors=153, national_totals=NATION)
    assert len(parsed.errors) == 4


@pytest.fixture
def region(db):
    return Region.objects.create(code="370215", name="即墨区")


def _upload(client, data: bytes, name="base.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("analysis_base_import"), {
        "name": "2024 测试基础数据", "measure": "output",
        "file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


@pytest.mark.parametrize("who", ["officer_a", "leader"])
def test_only_analysts_and_admins_import(client, personas, region, who):
    client.force_login(personas[who])
    assert _upload(client, _xlsx(GOOD)).status_code == 403
    assert not RegionalBase.objects.exists()


def test_an_analyst_imports_a_good_file_and_it_becomes_active(client, personas, region):
    client.force_login(personas["analyst"])
    old = RegionalBase.objects.create(region=region, name="旧数据", is_active=True)
    response = _upload(client, _xlsx(GOOD))
    assert response.status_code == 302
    new = RegionalBase.objects.get(is_active=True)
    assert new.name == "2024 测试基础数据" and new.rows.count() == 3
    old.refresh_from_db()
    assert not old.is_active
    records = AuditRecord.objects.filter(model_name="regionalbase").order_by("id")
    assert [(r.action, r.actor) for r in records] == [("update", personas["analyst"]), ("create", personas["analyst"])]
    assert records[1].after["rows"] == 3


def test_a_file_with_errors_writes_nothing_and_lists_every_error(client, personas, region):
    client.force_login(personas["analyst"])
    rows = GOOD + [["io153", "999", "", 1, 2024, "x", "否", ""], ["io153", "080", "", -1, 2024, "x", "否", ""]]
    response = _upload(client, _xlsx(rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 5 行 第 2 列（代码）" in body and "第 6 行 第 4 列（数值）" in body
    assert not RegionalBase.objects.exists() and not RegionalBaseRow.objects.exists()
    assert not AuditRecord.objects.exists()


def test_a_file_that_is_not_excel_is_refused(client, personas, region):
    client.force_login(personas["analyst"])
    response = _upload(client, b"not a workbook", name="base.csv")
    assert response.status_code == 400
    assert "请上传 .xlsx 格式" in response.content.decode()


def test_the_template_round_trips(client, personas, region):
    client.force_login(personas["officer_a"])
    response = client.get(reverse("analysis_base_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
    parsed = parse_workbook(response.content, table_sectors=153, national_totals=None)
    assert parsed.errors == [] and parsed.rows[0].sector == "079"


# --- degenerate values: refused with a reason, never accepted to break every analysis page later -----

@pytest.mark.parametrize(("values", "message"), [
    ([0, 0, "0.00"], "所有行的数值都为 0（万元）：区域经济规模不能为 0，请填写各部门的实际数值。"),
    (["1E-400", 5], "第 2 行 第 4 列（数值）：数值 1E-400 小于 0.01，过小（请检查单位：总产出填万元，从业人员填人数）。"),
    (["0.004", 5], "第 2 行 第 4 列（数值）：数值 0.004 小于 0.01，过小（请检查单位：总产出填万元，从业人员填人数）。"),
    (["1E+400", 5], "第 2 行 第 4 列（数值）：数值 1E+400 过大（请检查单位：总产出填万元，从业人员填人数）。"),
    (["NaN", 5], "第 2 行 第 4 列（数值）：“NaN”不是数字。"),
    (["-Infinity", 5], "第 2 行 第 4 列（数值）：“-Infinity”不是数字。"),
])
def test_values_that_leave_no_regional_economy_are_refused(values, message):
    codes = ["079", "080", "087"]
    rows = [["io153", code, "", value, 2024, "x", "否", ""] for code, value in zip(codes, values)]
    parsed = parse_workbook(_xlsx(rows), table_sectors=153, national_totals=None)
    assert parsed.errors == [message]


def test_values_are_kept_to_the_cent_the_database_holds():
    parsed = parse_workbook(_xlsx([["io153", "079", "", "1,234.565", 2024, "x", "否", ""]]), table_sectors=153,
                            national_totals=None)
    assert [r.value for r in parsed.rows] == [Decimal("1234.57")]


def test_the_base_file_goes_through_the_same_guards_as_the_project_import():
    from tests.web.import_kit import empty_rows_bomb, shared_strings_bomb

    parsed = parse_workbook(shared_strings_bomb(1024), table_sectors=153, national_totals=None)
    assert parsed.errors == ["文件解压后达 1,024 MB，超过上限 100 MB，已拒绝（可能是异常文件）。请只保留需要导入的工作表和数据后重试。"]
    parsed = parse_workbook(empty_rows_bomb(HEADERS), table_sectors=153, national_totals=None)
    assert parsed.errors == ["工作表超过 11,000 行（含空行）。请删除多余的空行，或拆分文件后分批导入（每次最多 5,000 行）。"]


@needs_data
@pytest.mark.parametrize("rows", [
    [["io153", "079", "", "0.01", 2024, "最小值", "是", ""]],  # one sector, the smallest value kept
    [["io153", "001", "", 1, 2024, "x", "是", ""], ["io153", "079", "", 0, 2024, "x", "是", ""]],  # zeros beside one
    [["gbt", "3612", "", 99_999, 2024, "x", "是", ""]],
], ids=["one-cent", "one-sector-among-zeros", "one-class"])
def test_every_analysis_page_works_on_the_smallest_base_the_import_accepts(demo, client, demo_users, rows):
    from lianzhao.analysis import engine
    from lianzhao.projects.models import InvestmentProject

    client.force_login(demo_users["analyst"])
    response = _upload(client, _xlsx(rows))
    assert response.status_code == 302
    engine.clear_cache()
    project = InvestmentProject.objects.first()
    for url in (reverse("analysis_overview"), reverse("gap_detail", args=["nev"]), reverse("synergy"),
                reverse("impact_card", args=[project.pk])):
        assert client.get(url).status_code == 200, url
