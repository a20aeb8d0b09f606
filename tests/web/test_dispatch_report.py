"""The weekly dispatch report (周调度表) against the hand-computed pipeline of ``dispatch_world``:
the rows read from the database, the assembled report, the Excel and PDF downloads and the command."""

from __future__ import annotations

import datetime as dt
import importlib.abc
import io
import sys
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lianzhao.dispatch import queries
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.weekly import SHEETS, WeeklyData, build_weekly_report
from lianzhao.dispatch.weeks import IsoWeek
from tests.report_kit import chars_off_the_page, flat, pdf_pages
from tests.web.dispatch_world import AS_OF, TODAY, WEEK, build_world

D = dt.date


@pytest.fixture
def world(personas, departments, industry):
    projects = build_world(departments, industry)
    DepartmentTarget.objects.create(department=departments["a"], year=2025, signed_amount=Decimal("40.00"),
                                    projects_started=2, projects_in_production=1, note="测试目标")
    DepartmentTarget.objects.create(department=departments["b"], year=2025, signed_amount=Decimal("19.00"),
                                    projects_started=1, projects_in_production=2)
    return projects


@pytest.fixture
def data(world) -> WeeklyData:
    return queries.weekly_data(IsoWeek.parse(WEEK), today=TODAY)


@pytest.fixture
def report(data) -> dict:
    return build_weekly_report(data)


def _table(report, key):
    return next(t for s in report["sheets"] for t in s["tables"] if t.key == key)


def test_the_week_is_monday_to_sunday_and_cut_off_on_sunday(data):
    assert (data.week.start, data.week.end, data.as_of) == (D(2025, 3, 24), D(2025, 3, 30), AS_OF)
    assert data.district == "本区" and data.unit == "本区招商办" and data.year == 2025


def test_new_leads_are_the_leads_dated_in_the_week_without_merged_duplicates(data):
    assert [r["name"] for r in data.new_leads] == ["新线索甲"]
    assert data.new_leads[0]["amount"] == Decimal("5.00")


def test_stage_moves_are_the_weeks_stage_change_events(data):
    moves = [(r["occurred_on"], r["name"], r["from_stage"], r["to_stage"]) for r in data.stage_moves]
    assert moves == [
        (D(2025, 3, 24), "开工子", "registered", "construction"),
        (D(2025, 3, 26), "签约乙", "negotiating", "signed"),
        (D(2025, 3, 27), "暂缓己", "contacted", "paused"),
        (D(2025, 3, 28), "上年投产壬", "construction", "production"),
    ]
    assert data.stage_moves[1]["signed_amount"] == Decimal("18.00")


def test_projects_turning_yellow_or_red_compare_the_two_sundays(data):
    changes = [(r["name"], r["light_before"], r["light_after"]) for r in data.light_changes]
    # 暂缓己 and 转黄丁 had nothing planned ahead: 未制定计划 (not green) before they turned yellow.
    assert changes == [("转红戊", "yellow", "red"), ("暂缓己", "unplanned", "yellow"), ("转黄丁", "unplanned", "yellow")]
    reasons = {r["name"]: r["reason"] for r in data.light_changes}
    assert "计划签约 2024-12-27 已逾期 93 天" in reasons["转红戊"]
    assert reasons["暂缓己"].startswith("项目暂缓中")
    assert reasons["转黄丁"] == "已 33 天无动态（最近 2025-02-25）；未制定计划"


def test_stalled_projects_are_idle_for_the_light_rule_days_with_their_last_note(data):
    stalled = [(r["name"], r["stage"], r["idle_days"], r["last_on"]) for r in data.stalled]
    assert stalled == [("终止庚", "negotiating", 237, D(2024, 8, 5)),
                       ("停滞丙", "contacted", 48, D(2025, 2, 10)),
                       ("转黄丁", "contacted", 33, D(2025, 2, 25))]
    assert data.stalled[1]["last_text"] == "走访：对方暂无新进展" and data.stalled[1]["last_kind"] == "走访"


def test_totals_use_each_projects_stage_on_the_sunday(report):
    by_stage = _table(report, "stage")
    assert [(r[0], r[1], r[2]) for r in by_stage.rows if r[1]] == [
        ("线索", 1, Decimal("5.00")), ("接洽", 2, Decimal("20.00")), ("洽谈", 2, Decimal("70.00")),
        ("签约", 1, Decimal("20.00")), ("开工", 1, Decimal("10.00")), ("投产", 1, Decimal("3.00")),
        ("暂缓", 1, Decimal("6.00"))]
    assert by_stage.total == ["合计", 9, Decimal("134.00")]
    assert _table(report, "industry").rows == [["新能源汽车", 5, Decimal("64.00")],
                                               ["绿色能源", 4, Decimal("70.00")]]
    method = {r[0]: (r[1], r[2]) for r in _table(report, "method").rows}
    assert method == {"基金招商": (2, Decimal("60.00")), "资本招商": (1, Decimal("30.00")),
                      "以商招商": (2, Decimal("11.00")), "驻点招商": (0, Decimal("0.00")),
                      "展会招商": (3, Decimal("30.00")), "平台招商": (0, Decimal("0.00")),
                      "其他": (1, Decimal("3.00"))}


def test_department_totals_sit_beside_the_annual_targets(report):
    table = _table(report, "department")
    a = table.row_for("投资促进一科")
    # projects, planned, then target/actual/ratio of: signed amount, newly signed projects, funds in
    # place (no target set: no ratio), started, production
    assert a == ["投资促进一科", 5, Decimal("64.00"), Decimal("40.00"), Decimal("20.00"), Decimal("0.5"),
                 None, 1, None, None, Decimal("0.00"), None, 2, 0, Decimal("0"), 1, 1, Decimal("1")]
    b = table.row_for("投资促进二科")
    assert b[:6] == ["投资促进二科", 4, Decimal("70.00"), Decimal("19.00"), Decimal("9.50"), Decimal("0.5")]
    assert table.total[1:3] == [9, Decimal("134.00")]


def test_headline_counts(report):
    assert report["headline"] == {
        "new_leads": 1, "new_lead_amount": Decimal("5.00"), "stage_moves": 4, "signed_count": 1,
        "signed_amount": Decimal("20.00"),  # first signing 18.00 + capital increase 2.00
        "funds_count": 0, "funds_amount": Decimal("0.00"), "started": 1, "production": 1, "turned_yellow": 2,
        "turned_red": 1, "stalled": 3, "overdue_tickets": 0, "overdue_steps": 0,
    }


def test_the_ranking_breaks_the_tie_by_signed_amount(report):
    ranking = _table(report, "ranking")
    assert [(r[0], r[1], r[2]) for r in ranking.rows] == [(1, "投资促进一科", Decimal("0.5000")),
                                                          (2, "投资促进二科", Decimal("0.5000"))]
    assert "签约额高者在前" in ranking.notes[0]


def test_every_table_states_its_definition(report):
    assert [s["name"] for s in report["sheets"]] == SHEETS
    for sheet in report["sheets"]:
        for table in sheet["tables"]:
            assert table.notes, table.key


def test_the_excel_download_has_the_sheets_and_numbers(client, personas, world):
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": WEEK, "format": "xlsx", "unit": "测试区招商办"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == SHEETS
    summary = wb["汇总"]
    assert summary["A1"].value == "本区招商引资项目周调度表——汇总"
    assert "2025年第13周（2025-03-24 至 2025-03-30）" in summary["A2"].value
    assert summary["A3"].value.startswith("填报单位：测试区招商办")
    cells = {row[0]: row for row in summary.iter_rows(values_only=True) if row[0]}
    assert cells["合计"][1] == 9 and cells["合计"][2] == 134
    assert any(str(v).startswith("口径：") for v in cells)
    leads = wb["新增线索"]
    assert leads.freeze_panes == "A5" and leads["B4"].value == "项目名称" and leads["B5"].value == "新线索甲"
    assert leads["F5"].value == 5 and leads["F5"].number_format == "#,##0.00"
    lights = wb["红黄灯"]
    assert [lights.cell(row=r, column=2).value for r in (5, 6, 7)] == ["转红戊", "暂缓己", "转黄丁"]
    stalled = wb["停滞项目"]
    assert stalled["G5"].value == 237 and stalled["F5"].value.date() == D(2024, 8, 5)
    assert wb["目标完成"]["B5"].value == "投资促进一科"


def test_the_pdf_download_is_the_report_in_selectable_chinese(client, personas, world):
    client.force_login(personas["officer_a"])
    response = client.get(reverse("weekly_report"), {"week": WEEK, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = [flat(text) for text in pdf_pages(response.content)]
    text = "".join(pages)
    # Headings, a project name and its figures, as on the page (the same template blocks).
    assert "本区招商引资项目周调度表" in text and "1.汇总" in text and "本周新增线索" in text
    assert "新线索甲" in text and "5.00" in text and "转红戊" in text
    # Title, as-of date and page number in the margins of every page.
    for number, page in enumerate(pages, start=1):
        assert "本区招商引资项目周调度表2025-W13" in page and "数据截至2025-03-30" in page
        assert f"第{number}页/共{len(pages)}页" in page


def test_pdf_tables_break_across_pages_repeat_their_header_and_wrap_chinese_lines(report):
    from lianzhao.core.tables import Column, Table
    from lianzhao.dispatch.pdf import weekly_pdf

    long_text = "本项目由区招商办牵头对接，计划分三期建设，首期用地约二百亩，需协调规划、环评、能评等多项手续。" * 4
    rows = [[i, f"长表项目{i:03d}", long_text if i == 7 else "按期推进"] for i in range(1, 121)]
    report["sheets"][0]["tables"].append(Table(key="long", title="长表测试", columns=[
        Column("序号", "int", 6), Column("长表项目名称", width=16), Column("进展说明", width=60)], rows=rows))
    data = weekly_pdf(report)
    pages = [flat(text) for text in pdf_pages(data)]
    with_rows = [page for page in pages if "长表项目" in page.replace("长表项目名称", "")]
    assert len(with_rows) >= 3, "120 rows fill more than two pages"
    assert all("长表项目名称" in page and "进展说明" in page for page in with_rows)
    assert all(f"长表项目{i:03d}" in "".join(pages) for i in range(1, 121))
    assert flat(long_text) in "".join(pages), "the long Chinese cell is printed whole, wrapped in its column"
    assert not chars_off_the_page(data)


def test_the_preview_page_shows_the_report(client, personas, world):
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": WEEK})
    page = response.content.decode()
    assert response.status_code == 200
    assert "本区招商引资项目周调度表" in page and "转红戊" in page and "走访：对方暂无新进展" in page
    assert "format=xlsx" in page and "format=pdf" in page


@pytest.mark.parametrize("week", ["2025-13", "2025-W54", "2999-W01"])
def test_a_bad_or_future_week_is_refused_with_a_message(client, personas, week):
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": week})
    assert response.status_code == 400
    assert response.context["form"].errors["week"]


def test_the_command_writes_excel_and_pdf(world, tmp_path):
    out = io.StringIO()
    call_command("report", "weekly", "--week", WEEK, "--out", str(tmp_path / "dispatch.xlsx"), stdout=out)
    assert "新增线索 1 个，阶段变动 4 次" in out.getvalue()
    wb = openpyxl.load_workbook(tmp_path / "dispatch.xlsx")
    assert wb.sheetnames == SHEETS
    call_command("report", "weekly", "--week", WEEK, "--format", "pdf", "--out", str(tmp_path / "d.pdf"),
                 stdout=io.StringIO())
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_rejects_a_bad_week(db):
    with pytest.raises(CommandError, match="2025-W13"):
        call_command("report", "weekly", "--week", "13")


def test_the_pdf_lists_long_tables_in_part_and_points_to_the_excel_file(report, monkeypatch):
    from lianzhao.core import tables
    from lianzhao.dispatch import pdf

    monkeypatch.setattr(tables, "MAX_PDF_ROWS", 2)
    text = flat("".join(pdf_pages(pdf.weekly_pdf(report))))
    # 阶段变动 has 4 rows, 红黄灯 and 停滞项目 3 each.
    assert text.count("另有2行未在PDF中列出，完整名单见Excel版。") == 1
    assert text.count("另有1行未在PDF中列出，完整名单见Excel版。") == 2


@pytest.mark.parametrize("day", [D(2024, 12, 31), D(2025, 3, 23), D(2025, 3, 27), D(2025, 3, 30), D(2025, 4, 10)])
def test_the_sql_and_python_stage_on_a_past_day_agree(world, day):
    from django.db.models import Subquery

    from lianzhao.projects.choices import STAGE_DATE_FIELD
    from lianzhao.projects.models import InvestmentProject

    side_on = Subquery(queries._entered_side_stage().order_by("-occurred_on").values("occurred_on")[:1])
    rows = InvestmentProject.all_objects.annotate(sql=queries.stage_on_expression(day), side_on=side_on)
    for p in rows:
        dates = {s: getattr(p, f) for s, f in STAGE_DATE_FIELD.items()}
        assert p.sql == queries.stage_on(stage=p.stage, side_on=p.side_on, dates=dates, day=day), (p.name, day)
    by_name = {p.name: p.sql for p in rows}
    assert by_name["暂缓己"] == ("paused" if day >= D(2025, 3, 27) else "contacted" if day >= D(2025, 2, 1) else
                               None if day < D(2025, 1, 10) else "lead")
    assert by_name["终止庚"] == ("dropped" if day >= D(2025, 4, 5) else "negotiating")


def test_without_a_chinese_font_the_pdf_is_refused_with_a_clear_message(client, personas, world, monkeypatch,
                                                                       tmp_path):
    from lianzhao.dispatch import pdf

    # A fontconfig that knows no font at all, as on a server without fonts-noto-cjk.
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts.conf").write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
                                         f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "fonts.conf"))
    with pytest.raises(pdf.FontNotFound, match="fonts-noto-cjk"):
        pdf.weekly_pdf(build_weekly_report(queries.weekly_data(IsoWeek.parse(WEEK), today=TODAY)))
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": WEEK, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "未找到可显示中文的字体" in response.content.decode()
    with pytest.raises(CommandError, match="未找到可显示中文的字体"):
        call_command("report", "weekly", "--week", WEEK, "--format", "pdf", "--out", "/dev/null")


class _NoPango(importlib.abc.MetaPathFinder):
    """Makes ``import weasyprint`` fail the way it does when the OS lacks Pango (cffi's dlopen)."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return None


def test_without_pango_the_pdf_is_refused_with_the_packages_to_install(client, personas, world, monkeypatch):
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": WEEK, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "未找到生成 PDF 所需的系统库 Pango" in body and "libpango-1.0-0 libpangoft2-1.0-0" in body
    with pytest.raises(CommandError, match="Pango"):
        call_command("report", "weekly", "--week", WEEK, "--format", "pdf", "--out", "/dev/null")


@pytest.mark.parametrize("day", [D(2024, 12, 31), D(2025, 3, 23), D(2025, 3, 30), D(2025, 4, 4), D(2025, 4, 10)])
def test_the_last_event_on_a_past_day_is_read_from_the_column_or_the_timeline_alike(world, day):
    """last_event_on_or_before() reads the project's last_event_on when that is on or before the day
    and looks the timeline up otherwise; either way it is the latest event dated by then."""
    from django.db.models import Max

    from lianzhao.projects.models import InvestmentProject

    rows = InvestmentProject.all_objects.annotate(sql=queries.last_event_on_or_before(day))
    assert any(p.last_event_on and p.last_event_on > day for p in rows) or day == D(2025, 4, 10)
    for p in rows:
        assert p.sql == p.events.filter(occurred_on__lte=day).aggregate(m=Max("occurred_on"))["m"], (p.name, day)


def test_the_one_pass_figures_equal_the_single_totals(data):
    """weekly_data() sums one grouped query for the week's signings, starts and production and the
    departments' year to date; the targets page reads them with queries of their own. Both agree."""
    from lianzhao.projects import counting

    week = IsoWeek.parse(WEEK)
    signed = counting.signed_summary(start=week.start, end=week.end)
    assert (data.week_signed_count, data.week_signed_amount) == (signed.count, signed.total)
    in_week = counting.counted()
    assert data.week_started == in_week.filter(construction_date__range=(week.start, week.end)).count()
    assert data.week_production == in_week.filter(production_date__range=(week.start, week.end)).count()
    assert data.progress == queries.department_progress(data.year, data.as_of)


def test_a_download_is_built_once_and_again_after_an_audited_change(client, personas, world,
                                                                     django_assert_max_num_queries):
    """Every reader of a week gets the same document: the second download is read from the shared
    document folder without reading the pipeline; a change to the data (here a visit that ends a
    project's idleness, recorded through the service, so audited) is in the next download."""
    from lianzhao.projects import services
    from lianzhao.projects.models import InvestmentProject

    client.force_login(personas["leader"])
    query = {"week": WEEK, "format": "xlsx"}
    first = client.get(reverse("weekly_report"), query)
    with django_assert_max_num_queries(6):  # session and user, the data stamp: no report query
        again = client.get(reverse("weekly_report"), query)
    assert again.status_code == 200 and again.content == first.content

    stalled_name = openpyxl.load_workbook(io.BytesIO(first.content))["停滞项目"]["B5"].value
    project = InvestmentProject.objects.get(name=stalled_name)
    services.add_event(project, kind="visit", occurred_on=D(2025, 3, 28), text="上门走访，企业确认推进",
                       acting_user=personas["admin"])
    changed = client.get(reverse("weekly_report"), query)
    stalled = openpyxl.load_workbook(io.BytesIO(changed.content))["停滞项目"]
    assert stalled_name not in [row[1] for row in stalled.iter_rows(min_row=5, values_only=True)]
