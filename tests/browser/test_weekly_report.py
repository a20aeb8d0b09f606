"""End to end in headless Chromium: the demo leader opens 统筹调度, generates the weekly report for
2025-W13 (the week of the 2025-03-28 meeting report), downloads the Excel file and it holds the report."""

from __future__ import annotations

import openpyxl
import pytest

from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]


def test_the_leader_downloads_the_weekly_report(page, live_server, transactional_db, demo, tmp_path):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "lianzhao-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.click("nav >> text=统筹调度")
    page.fill("input[name=week]", "2025-W13")
    page.click("#generate")
    page.wait_for_url("**/dispatch/?week=2025-W13*")
    assert "即墨区招商引资项目周调度表" in page.inner_text("#report-head")
    assert "2025年第13周（2025-03-24 至 2025-03-30）" in page.inner_text("#report-head")
    assert "中电建海上光伏项目" in page.inner_text("#table-stage_moves")

    with page.expect_download() as info:
        page.click("#download-xlsx")
    download = info.value
    assert download.suggested_filename == "周调度表_2025-W13.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "新增线索", "阶段变动", "到位资金", "红黄灯", "停滞项目", "目标完成", "企业诉求", "落地事项"]
    assert wb["汇总"]["A1"].value == "即墨区招商引资项目周调度表——汇总"
    assert wb["汇总"]["A3"].value.startswith("填报单位：即墨区招商办")
    moves = [row[2] for row in wb["阶段变动"].iter_rows(min_row=5, values_only=True)]
    assert "中电建海上光伏项目" in moves
    ranking = list(wb["目标完成"].iter_rows(min_row=5, max_row=9, values_only=True))
    assert [r[0] for r in ranking][:4] == [1, 2, 3, 4] and ranking[4][:2] == ("未排名", "综合科")
