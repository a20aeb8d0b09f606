"""End to end in headless Chromium, on the demo with the real reference companies: the officer opens
招商目标, a 补链 node of the NEV chain lists real companies with their reasons and sources, one click on
"生成线索" makes a 线索 project, which appears under 我的项目 with the node as its source — and no page
on the way violates the Content-Security-Policy."""

from __future__ import annotations

import pytest

from lianzhao.projects.models import InvestmentProject
from lianzhao.targets.models import LeadOrigin
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.browser.test_officer_journey import _login
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]


def test_one_click_turns_a_candidate_of_a_fill_node_into_a_lead(page, live_server, transactional_db, registry):
    base = live_server.url
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []
    _login(page, base, "officer")

    page.click("nav >> text=招商目标")
    page.wait_for_selector("#targets-nev")
    node_row = page.locator("#targets-nev tbody tr", has=page.locator(".klass-fill")).first  # a 补链 node
    node = node_row.locator("td").first.inner_text()
    violations.extend(page.evaluate("window.__csp"))
    node_row.locator("text=候选企业").click()

    page.wait_for_selector("#candidates tbody tr[data-enterprise]")
    # The demo's 示例 firms may rank too; the test takes the best real company of the reference data.
    first = page.locator("#candidates tbody tr[data-enterprise]").filter(has_not_text="示例·").first
    name = first.locator("td").nth(1).locator("a").inner_text()
    assert not name.startswith("示例")
    text = first.inner_text()
    assert "营收占比" in text and "来源：产业链知识图谱" in text
    violations.extend(page.evaluate("window.__csp"))

    first.locator("button:has-text('生成线索')").click()
    page.wait_for_url(f"{base}/projects/*/")
    assert f"招商目标推荐：新能源汽车·{node}（补链）" in page.locator("main").inner_text()
    project = InvestmentProject.objects.get(investor__name=name)
    assert (project.stage, project.officer.username, project.chain_node.name) == ("lead", "officer", node)
    assert LeadOrigin.objects.get(project=project).gap_class == "fill"
    violations.extend(page.evaluate("window.__csp"))

    page.click("nav >> text=我的项目")
    page.wait_for_selector("#my-projects")
    assert project.name in page.locator("#my-projects").inner_text()
    page.locator(f"#my-projects >> text={project.name}").click()
    page.wait_for_selector("main >> text=线索来源")
    assert f"招商目标推荐：新能源汽车·{node}" in page.locator("main").inner_text()
    violations.extend(page.evaluate("window.__csp"))
    assert violations == []
