"""End to end in headless Chromium: an officer registers a project with its ledger (台账) fields —
chain nodes following the industry, the investor found by search — finds it in 我的项目, records
funds in place with their evidence and sees them on the dashboard for this month; a leader opens the
project's whole history in the audit log from its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone
from playwright.sync_api import expect

from lianzhao.audit.models import AuditRecord
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects.models import FundsInPlace, InvestmentProject
from tests.conftest import needs_data
from tests.web.evidence_kit import PDF_BYTES

pytestmark = [pytest.mark.browser, needs_data]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "lianzhao-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_an_officer_registers_a_ledger_project_records_funds_and_a_leader_reads_its_history(
        page, live_server, transactional_db, demo, tmp_path):
    base = live_server.url
    investor = Enterprise.objects.filter(name__contains="电驱").order_by("pk").first()
    month = timezone.localdate().strftime("%Y-%m")
    _login(page, base, "officer")
    page.goto(f"{base}/?period={month}")
    before = Decimal(page.inner_text("#funds-period-total").replace(",", ""))

    page.goto(f"{base}/projects/new/")
    page.fill("input[name=name]", "浏览器测试·台账项目")
    page.select_option("select[name=industry]", label="新能源汽车")
    # The full list (grouped by industry) already holds the node: wait for htmx to swap in the
    # chosen industry's nodes alone (no groups), not just for the option.
    # (expect polls through the page's DOM; a string predicate would be eval, which the CSP forbids)
    expect(page.locator("select[name=chain_node] optgroup")).to_have_count(0)
    assert page.locator("select[name=chain_node] >> option:text-is('电驱动系统')").count() == 1
    page.select_option("select[name=chain_node]", label="电驱动系统")
    page.fill("input[name=investor]", "电驱")
    page.wait_for_selector(f"#investor-options option[value='{investor.name}']", state="attached")
    page.fill("input[name=investor]", investor.name)
    page.fill("input[name=amount]", "6")
    page.select_option("select[name=method]", "referral")
    page.select_option("select[name=project_type]", label="新建项目")
    page.select_option("select[name=investor_nature]", label="民营企业")
    page.fill("input[name=origin_division]", "4403")
    page.fill("input[name=expected_output]", "7.5")
    page.fill("input[name=land_mu]", "40")
    page.fill("input[name=expected_jobs]", "200")
    page.select_option("select[name=key_level]", label="区重点项目")
    page.fill("input[name=planned_signed_date]", (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.click("#project-form button[type=submit]")
    page.wait_for_selector("#ledger-card")
    project = InvestmentProject.objects.get(name="浏览器测试·台账项目")
    assert (project.officer.username, project.investor, project.chain_node.name) == ("officer", investor, "电驱动系统")
    ledger = page.inner_text("#ledger-card")
    assert "广东省深圳市" in ledger and "区重点项目" in ledger and "7.5" in ledger

    page.click("nav >> text=我的项目")
    page.wait_for_selector("a:text-is('浏览器测试·台账项目')")

    page.goto(f"{base}/projects/{project.pk}/")
    # The impact card arrives by htmx above the cards below it: clicking before it lands may hit a
    # moving target (a busy CI machine computed it right as the click came).
    page.wait_for_load_state("networkidle")
    evidence = tmp_path / "进账单.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.fill("#funds-form input[name=amount]", "1.25")
    page.select_option("#funds-form select[name=source]", "domestic")
    page.set_input_files("#funds-form input[name=evidence_file]", str(evidence))
    page.click("#funds-form button[type=submit]")
    page.wait_for_selector("#funds-flag")  # not signed yet: accepted, and the page says why it is flagged
    assert "项目尚未签约" in page.inner_text("#funds-flag")
    assert "进账单.pdf" in page.inner_text("#funds-card")
    assert FundsInPlace.objects.get(project=project).amount == Decimal("1.25")

    page.goto(f"{base}/")
    page.select_option("#period-form select[name=period]", month)  # submits itself (data-autosubmit)
    page.wait_for_url(f"{base}/?period={month}")
    assert Decimal(page.inner_text("#funds-period-total").replace(",", "")) == before + Decimal("1.25")

    page.click("button:has-text('退出')")
    _login(page, base, "leader")
    page.goto(f"{base}/projects/{project.pk}/")
    page.wait_for_load_state("networkidle")
    page.click("#audit-link")
    page.wait_for_selector("#audit-project")
    table = page.inner_text("#audit-table")
    assert "浏览器测试·台账项目" in table and "到位资金" in table and "项目类型：新建项目" in table
    history = AuditRecord.objects.filter(Q(model_name="investmentproject", object_id=str(project.pk))
                                         | Q(after__project_id=project.pk))
    assert {r.model_name for r in history} == {"investmentproject", "fundsinplace"}  # the file is in the funds row
    assert page.locator("#audit-table tbody tr").count() == history.count()
