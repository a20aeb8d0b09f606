"""In headless Chromium: an analyst opens the NEV gap view, sees the classified chain drawn, and
downloads the Excel report."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.browser.test_officer_journey import CANVAS_INK, _login
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]


def test_analyst_opens_the_gap_view_and_downloads_the_excel(page, live_server, transactional_db, demo):
    base = live_server.url
    _login(page, base, "analyst")
    page.click("nav >> text=补链分析")
    page.click("a.button:has-text('新能源汽车')")
    page.wait_for_selector("#chart-gaps[data-drawn=true] canvas")
    assert page.evaluate(CANVAS_INK, "#chart-gaps") > 1000
    classes = page.locator("#gap-table .klass").all_inner_texts()
    assert {"补链", "强链", "延链", "优势"} <= set(classes)

    labels = page.locator("#gap-table td.stability strong").all_inner_texts()
    assert set(labels) <= {"稳健", "敏感"} and labels == sorted(labels, key=lambda s: s != "稳健")  # 稳健 first
    assert "稳健结论" in page.inner_text("#gap-summary")

    page.click("th >> text=外流·国内其他地区（亿元）")  # sort by leakage, without JavaScript state
    page.wait_for_url("**sort=domestic")
    leak = [float(t) for t in page.locator("#gap-table tbody tr td:nth-child(8)").all_inner_texts()]
    assert leak == sorted(leak, reverse=True)

    with page.expect_download() as info:
        page.click("#gap-xlsx")
    download = info.value
    assert download.suggested_filename == "gaps-nev.xlsx"
    wb = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    sheet = wb["补链分析"]
    nodes = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
    assert "动力电池" in nodes and len(nodes) == len(classes)
