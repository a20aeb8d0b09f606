"""Enterprise service end to end in headless Chromium: the demo's service officer raises a request
for a local company, the routed department answers it, the officer closes it with the company's
rating, and the dashboard's on-time rate changes accordingly; the company page works on a phone
(390 px, no sideways scrolling) to plan a visit and to record it once made."""

from __future__ import annotations

import datetime as dt

import pytest

from lianzhao.aftercare import stats
from lianzhao.aftercare.models import Ticket, Visit
from lianzhao.core.tables import format_value
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects import lights
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]

COMPANY = "示例·即墨某冷链物流有限公司"
# clientWidth stays the phone's 390 px; window.innerWidth would grow with a too-wide page on a mobile
# viewport and hide the overflow.
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _login(open_context, base, username, **context):
    page = open_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "lianzhao-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _on_time_rate() -> str:
    return format_value(stats.total(stats.department_service(*stats.year_window(lights.today()))).on_time_rate,
                        "percent")


def test_a_request_raised_answered_and_closed_moves_the_on_time_rate(open_context, live_server, transactional_db, demo):
    base = live_server.url
    company = Enterprise.objects.get(name=COMPANY)
    officer = _login(open_context, base, "service", viewport={"width": 1400, "height": 1000})
    before = officer.inner_text("#service-on-time-rate")
    assert before == _on_time_rate()

    officer.goto(f"{base}/enterprises/{company.pk}/")
    officer.click("#company-raise-ticket")
    officer.select_option("select[name=category]", label="用地")
    officer.fill("textarea[name=description]", "浏览器测试：冷库三期用地规划条件咨询")
    officer.click("#ticket-form button[type=submit]")
    officer.wait_for_selector("#ticket-status:text-is('已分派')")
    assert "区自然资源局（示例）" in officer.inner_text("#ticket-department")
    ticket = Ticket.objects.get(description="浏览器测试：冷库三期用地规划条件咨询")

    department = _login(open_context, base, "land", viewport={"width": 1400, "height": 1000})
    assert department.locator("#my-reminders").is_visible()  # their start page lists what is due
    department.goto(f"{base}/service/{ticket.pk}/")
    department.click("#accept-form button[type=submit]")
    department.wait_for_selector("#ticket-status:text-is('已受理')")
    department.fill("#answer-form textarea[name=answer]", "浏览器测试：规划条件已出具，请到窗口领取。")
    department.click("#answer-form button[type=submit]")
    department.wait_for_selector("#ticket-status:text-is('已答复')")

    officer.goto(f"{base}/service/{ticket.pk}/")
    assert "规划条件已出具" in officer.inner_text("#ticket-answer")
    officer.select_option("#rate-form select[name=rating]", "satisfied")
    officer.click("#rate-form button[type=submit]")
    officer.wait_for_selector("#ticket-status:text-is('已办结')")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.first_answered_on <= ticket.first_deadline

    officer.goto(f"{base}/")
    after = officer.inner_text("#service-on-time-rate")
    assert after == _on_time_rate() and after != before


def test_an_officer_plans_and_records_a_visit_from_a_phone(open_context, live_server, transactional_db, demo):
    base = live_server.url
    company = Enterprise.objects.get(name=COMPANY)
    phone = _login(open_context, base, "service", viewport={"width": 390, "height": 844}, is_mobile=True,
                   has_touch=True)
    phone.goto(f"{base}/enterprises/{company.pk}/")
    phone.wait_for_selector("#service-visits")
    assert phone.evaluate(NO_SIDEWAYS)
    phone.click("#company-plan-visit")
    # A link: the next page must be there before its width is read (mid-navigation there is no document).
    phone.wait_for_selector("#company-form input[name=planned_on]")
    assert phone.evaluate(NO_SIDEWAYS)
    phone.fill("input[name=planned_on]", (lights.today() + dt.timedelta(days=1)).isoformat())
    phone.fill("input[name=purpose]", "浏览器测试：手机上安排走访")
    phone.click("#company-form button[type=submit]")
    phone.wait_for_selector("#planned-visits:has-text('浏览器测试：手机上安排走访')")
    assert phone.evaluate(NO_SIDEWAYS)

    # The visit made: recorded from the same phone, it moves from planned to done.
    phone.click("#planned-visits li:has-text('浏览器测试：手机上安排走访') a.button")
    phone.wait_for_selector("#company-form textarea[name=notes]")
    assert phone.evaluate(NO_SIDEWAYS)
    phone.fill("input[name=people]", "浏览器测试：企业负责人、服务专员")
    phone.fill("textarea[name=notes]", "浏览器测试：手机上登记走访记录")
    phone.fill("textarea[name=follow_ups]", "浏览器测试：下周回访")
    phone.click("#company-form button[type=submit]")
    phone.wait_for_selector("#done-visits:has-text('浏览器测试：手机上登记走访记录')")
    assert "浏览器测试：手机上安排走访" not in phone.inner_text("#planned-visits")
    assert phone.evaluate(NO_SIDEWAYS)
    visit = Visit.objects.get(enterprise=company, purpose="浏览器测试：手机上安排走访")
    assert visit.done_on == lights.today() and visit.follow_ups == "浏览器测试：下周回访"
    ticket = Ticket.objects.filter(enterprise=company).first()
    phone.goto(f"{base}/service/{ticket.pk}/")
    assert phone.evaluate(NO_SIDEWAYS)
