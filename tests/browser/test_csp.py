"""In headless Chromium: the Content-Security-Policy (no inline script, no eval, no inline style)
breaks nothing. The demo analyst walks through the pages that run scripts — charts, htmx
fragments, the language switcher, the gap legend, the admin — and the browser reports no
violation of the policy."""

from __future__ import annotations

import pytest

from lianzhao.aftercare.models import Ticket
from lianzhao.projects.models import InvestmentProject
from tests.browser.test_officer_journey import _login
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


def test_no_page_violates_the_policy(page, live_server, transactional_db, demo):
    base = live_server.url
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []

    def visit(path, ready=None):
        page.goto(base + path)
        if ready:
            page.wait_for_selector(ready)
        violations.extend(page.evaluate("window.__csp"))

    _login(page, base, "admin")
    visit("/", "#chart-funnel[data-drawn=true] canvas")
    for chart in page.locator("[data-chart] canvas").all():  # tooltips are HTML built by ECharts
        box = chart.bounding_box()
        for fx, fy in ((0.5, 0.5), (0.3, 0.3), (0.6, 0.2)):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    violations.extend(page.evaluate("window.__csp"))
    visit("/industries/nev/", "#chart-chain[data-drawn=true] canvas")
    visit("/analysis/gaps/nev/", "#chart-gaps[data-drawn=true] canvas")
    swatch = page.eval_on_selector(".legend .swatch", "el => getComputedStyle(el).backgroundColor")
    assert swatch not in ("", "rgba(0, 0, 0, 0)")  # painted by app.js through the CSSOM
    project = InvestmentProject.objects.filter(stage="signed").order_by("pk").first()
    visit(f"/projects/{project.pk}/")
    page.wait_for_load_state("networkidle")  # the impact card arrives by htmx
    violations.extend(page.evaluate("window.__csp"))
    visit("/projects/", "#project-table")
    page.select_option("select[name=stage]", "signed")  # htmx filter
    page.wait_for_load_state("networkidle")
    violations.extend(page.evaluate("window.__csp"))
    ticket = Ticket.objects.order_by("pk").first()
    visit("/service/", "#ticket-table")
    visit(f"/service/{ticket.pk}/", "#ticket-history")
    visit(f"/enterprises/{ticket.enterprise_id}/", "#service-record")
    visit("/dispatch/", "main")
    page.select_option("select[name=language]", "en")  # app.js submits the switcher
    page.wait_for_selector("html[lang=en]")
    violations.extend(page.evaluate("window.__csp"))
    visit("/admin/accounts/user/", "#changelist")
    page.click("#result_list tbody th a >> nth=0")
    page.wait_for_selector("#user_form")
    violations.extend(page.evaluate("window.__csp"))

    assert violations == []
    assert [text for text in console if "Content Security Policy" in text] == []
