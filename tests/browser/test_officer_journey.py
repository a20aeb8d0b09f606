"""End to end in headless Chromium: the demo officer logs in, reads the dashboard and the NEV chain
map, moves one of their projects to the next stage and sees the event on the timeline."""

from __future__ import annotations

import pytest

from lianzhao.projects.models import InvestmentProject
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]

CANVAS_INK = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return 0;
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) ink++; }
  return ink;
}"""


def _login(page, base, username):
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url  # anonymous users see only the login page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "lianzhao-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_officer_moves_a_project_and_sees_it_on_the_timeline(page, live_server, transactional_db, demo):
    project = (InvestmentProject.objects.filter(officer__username="officer", stage="contacted")
               .order_by("pk").first())
    assert project is not None
    base = live_server.url

    _login(page, base, "officer")
    page.wait_for_selector("#chart-funnel[data-drawn=true] canvas")
    assert page.evaluate(CANVAS_INK, "#chart-funnel") > 1000
    assert page.locator(".kpi").first.is_visible()
    # The months table reads one month a line, every column in view (in half a row the month had
    # wrapped to one character a line and the last column was cut off).
    months = page.locator("#months-card")
    lines = months.locator("tbody td:first-child").evaluate_all(
        "(els) => els.map((el) => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; })")
    assert lines and set(lines) == {1}, lines
    assert months.evaluate("(el) => { const w = el.querySelector('.table-wrap');"
                           " return w.scrollWidth <= w.clientWidth; }")

    page.click("text=产业链")
    page.click("a:has-text('新能源汽车')")
    page.wait_for_selector("#chart-chain[data-drawn=true] canvas")
    assert page.evaluate(CANVAS_INK, "#chart-chain") > 1000
    assert page.locator("#node-nev-battery").is_visible()

    page.goto(f"{base}/projects/{project.pk}/")
    assert page.inner_text("#current-stage") == "接洽"
    page.select_option("select[name=to_stage]", "negotiating")
    page.fill("textarea[name=note]", "浏览器测试：进入实质洽谈")
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("#current-stage:text-is('洽谈')")  # no wait_for_function: the CSP forbids eval
    timeline = page.inner_text("#timeline")
    assert "浏览器测试：进入实质洽谈" in timeline and "接洽 → 洽谈" in timeline

    project.refresh_from_db()
    assert project.stage == "negotiating"
    assert project.events.filter(text="浏览器测试：进入实质洽谈", actor__username="officer").exists()


def test_an_illegal_signing_without_amount_is_shown_at_the_field(page, live_server, transactional_db, demo):
    project = (InvestmentProject.objects.filter(officer__username="officer", stage="negotiating")
               .order_by("pk").first())
    assert project is not None
    base = live_server.url
    _login(page, base, "officer")
    page.goto(f"{base}/projects/{project.pk}/")
    page.select_option("select[name=to_stage]", "signed")
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("text=签约须填写签约投资额（亿元）。")
    assert page.inner_text("#current-stage") == "洽谈"
    project.refresh_from_db()
    assert project.stage == "negotiating"
