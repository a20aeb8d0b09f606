"""At 390 px (a phone) no main page scrolls sideways: tables scroll inside their containers, cards
and forms wrap, stage badges keep their word on one line."""

from __future__ import annotations

import pytest

from lianzhao.accounts.models import User
from lianzhao.enterprises.choices import ImportKind
from lianzhao.enterprises.models import ImportBatch
from lianzhao.projects.models import InvestmentProject
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"



def _pages(project, enterprise) -> list[str]:
    return ["/", "/?period=2025-Q1", "/industries/", "/industries/nev/", "/analysis/", "/analysis/gaps/nev/", "/analysis/synergy/",
            "/projects/", f"/projects/{project.pk}/", "/projects/new/", "/projects/mine/", "/enterprises/",
            "/enterprises/batches/",
            f"/enterprises/{enterprise}/", "/dispatch/?week=2025-W13", "/dispatch/targets/", "/dispatch/analytics/",
            "/audit/", "/jobs/"]


#: English labels are longer: the pages with the most of them, again in English.
ENGLISH = {"/", "/projects/", "/projects/new/", "/dispatch/targets/", "/audit/"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_main_page_scrolls_sideways_at_390_px(open_context, live_server, transactional_db, demo, language):
    project = InvestmentProject.objects.filter(officer__username="officer").order_by("pk").first()
    enterprise = project.investor_id or InvestmentProject.objects.exclude(investor=None).first().investor_id
    ImportBatch.objects.create(kind=ImportKind.FILE, actor=User.objects.get(username="officer"), file_name="外地企业名录.csv",
                               sha256="9f" * 32, source="导入：外地企业名录.csv", rows=1200, created=1200)
    context = open_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    page.goto(f"{base}/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "lianzhao-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    if language == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    wide = {}
    pages = _pages(project, enterprise)
    for path in pages if language == "zh-hans" else [p for p in pages if p in ENGLISH or p.startswith("/projects/")]:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("load")
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            wide[path] = overflow
    # The import batches' time, kind and operator stay on one line each (the table scrolls in its card).
    page.goto(f"{base}/enterprises/batches/")
    cell_lines = page.locator("#import-batches tbody tr td:nth-child(-n+4)").evaluate_all(
        "(els) => els.map((el) => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; })")
    page.goto(f"{base}/projects/")
    badge_heights = [round(box["height"]) for box in page.locator(".stage").evaluate_all(
        "(els) => els.map((el) => { const r = el.getBoundingClientRect(); return {height: r.height}; })")]
    assert wide == {}, f"pages wider than the screen (px): {wide}"
    assert badge_heights and max(badge_heights) < 30, "a stage badge wraps onto several lines"
    assert cell_lines == [1, 1, 1, 1], f"an import batch's number, time, kind or operator wraps (lines: {cell_lines})"
