"""End to end in headless Chromium: the language switcher turns the UI English and back; the
browser's own language (here Chinese) plays no part."""

from __future__ import annotations

import pytest

from tests.browser.test_officer_journey import _login
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]


def test_the_switcher_turns_the_ui_english_and_back(page, live_server, transactional_db, demo):
    base = live_server.url
    _login(page, base, "officer")
    assert page.locator("header nav a").first.inner_text() == "驾驶舱"

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header nav a").first.inner_text() == "Dashboard"
    assert page.locator("h1").inner_text() == "Investment dashboard"
    page.wait_for_selector("#chart-funnel[data-drawn=true] canvas")

    page.click('header nav >> text="Projects"')
    page.wait_for_url(f"{base}/projects/")
    assert page.locator("h1").inner_text().startswith("Projects")
    assert page.locator("#project-table .stage").count() > 0
    assert "Negotiating" in page.locator("#project-table").inner_text()

    with page.expect_navigation():  # back to Chinese, staying on the same page
        page.select_option("select[name=language]", "zh-hans")
    assert page.url == f"{base}/projects/"
    assert page.locator("h1").inner_text().startswith("招商项目")
