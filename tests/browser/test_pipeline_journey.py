"""End to end in headless Chromium: the officer signs a project with its agreement file through the
htmx multipart stage form, then finds it on 我的项目 with its light."""

from __future__ import annotations

import pytest

from lianzhao.projects.models import InvestmentProject
from tests.browser.test_officer_journey import _login
from tests.conftest import needs_data
from tests.web.evidence_kit import PDF_BYTES

pytestmark = [pytest.mark.browser, needs_data]


def test_officer_signs_with_an_agreement_file_and_sees_it_on_my_projects(page, live_server, transactional_db, demo):
    project = InvestmentProject.objects.get(name="示例·正极材料生产基地项目")
    assert project.stage == "negotiating" and project.officer.username == "officer"
    base = live_server.url
    _login(page, base, "officer")

    page.goto(f"{base}/projects/{project.pk}/")
    assert page.locator("#project-light .light").count() == 1
    page.select_option("select[name=to_stage]", "signed")
    assert page.locator("fieldset[data-stage=signed]").is_visible()
    assert not page.locator("fieldset[data-stage=registered]").is_visible()
    page.click("#stage-form button[type=submit]")  # nothing filled in: refused at each field
    page.wait_for_selector("text=签约须填写签约主体（与我方签约的企业或机构）。")
    assert page.locator("fieldset[data-stage=signed]").is_visible()  # re-shown after the htmx swap

    page.fill("input[name=signed_amount]", "30")
    page.fill("input[name=signed_counterparty]", "示例·某正极材料股份有限公司")
    page.set_input_files("input[name=evidence_file]", files=[
        {"name": "投资协议.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("#current-stage:text-is('签约')")  # no wait_for_function: the CSP forbids eval
    # The signing started the landing checklist: the page is reloaded to show it.
    page.wait_for_selector("#landing-step-list li")
    assert "投资协议.pdf" in page.inner_text("#files")

    project.refresh_from_db()
    stored = project.files.get()
    assert project.signed_counterparty == "示例·某正极材料股份有限公司" and stored.original_name == "投资协议.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES

    page.click("nav >> text=我的项目")
    page.wait_for_selector("#my-projects")
    assert project.name in page.inner_text("#my-projects")
    assert page.locator("#my-projects .light").count() >= 1
