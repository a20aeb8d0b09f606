"""The enterprise-service pages: the permission matrix (anonymous, no role, read-only, allowed,
other department), the request's life through the web, refused input, and the sections placed on
the company page, the project page and the start page, with their query counts pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianzhao.aftercare import services
from lianzhao.aftercare.models import Ticket
from lianzhao.audit.models import AuditRecord
from tests.aftercare.conftest import TODAY
from tests.web.evidence_kit import upload

PERSONAS = ["anonymous", "norole", "leader", "officer_a", "officer_b", "responder", "responder_other", "admin"]


@pytest.fixture
def world(service, routed):
    services.add_ticket_note(routed, text="内部：企业资金紧张", private=True, acting_user=service["officer_a"])
    return {**service, "ticket": routed}


def _as(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    return client


PAGES = {
    # page: (url builder, who may open it)
    "ticket_list": (lambda w: reverse("ticket_list"),
                    {"leader", "officer_a", "officer_b", "responder", "responder_other", "admin"}),
    "ticket": (lambda w: reverse("ticket_detail", args=[w["ticket"].pk]), {"leader", "officer_a", "responder", "admin"}),
    "ticket_new": (lambda w: reverse("ticket_create"), {"officer_a", "officer_b", "admin"}),
    "visit_plan": (lambda w: reverse("visit_plan", args=[w["company"].pk]), {"officer_a", "admin"}),
    "policy": (lambda w: reverse("policy_record", args=[w["company"].pk]), {"officer_a", "admin"}),
    "steps": (lambda w: reverse("step_list"),
              {"leader", "officer_a", "officer_b", "responder", "responder_other", "admin"}),
}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_permission_matrix(client, world, who, page):
    url, allowed = PAGES[page]
    response = _as(client, world, who).get(url(world))
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == (200 if who in allowed else 403), (who, page)


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("norole", 403), ("leader", 403),
                                         ("officer_b", 403), ("responder_other", 403), ("responder", 302)])
def test_answering_permission_matrix(client, world, who, status):
    ticket = world["ticket"]
    services.accept_ticket(ticket, acting_user=world["responder"])
    ticket.refresh_from_db()
    before = AuditRecord.objects.count()
    response = _as(client, world, who).post(reverse("ticket_action", args=[ticket.pk, "answer"]),
                                            {"answer": "答复", "version": ticket.version})
    assert response.status_code == status
    ticket.refresh_from_db()
    assert (ticket.status == "answered") == (who == "responder")
    assert AuditRecord.objects.count() == before + (1 if who == "responder" else 0)


@pytest.mark.parametrize("who, sees", [("leader", True), ("officer_a", True), ("admin", True), ("responder", False)])
def test_private_notes_are_read_only_inside_the_bureau(client, world, who, sees):
    body = _as(client, world, who).get(reverse("ticket_detail", args=[world["ticket"].pk])).content.decode()
    assert ("企业资金紧张" in body) == sees
    assert ("内部备注（仅局内可见）" in body) == (who != "responder")


def test_the_list_shows_each_user_only_their_requests(client, world):
    other = services.raise_ticket(enterprise=world["stranger"], category=world["other_category"],
                                  description="别家企业的诉求", acting_user=world["admin"])
    page = _as(client, world, "responder").get(reverse("ticket_list")).content.decode()
    assert "测试·本地某制造公司" in page and "测试·另一家公司" not in page
    page = _as(client, world, "leader").get(reverse("ticket_list")).content.decode()
    assert f'/service/{other.pk}/' in page


def test_raise_answer_and_close_through_the_pages(client, world):
    officer = _as(client, world, "officer_a")
    response = officer.post(reverse("ticket_create"), {
        "enterprise": world["company"].pk, "category": world["category"].pk, "description": "用工招聘需求 30 人",
        "file": upload("岗位需求.pdf")})
    ticket = Ticket.objects.get(description="用工招聘需求 30 人")
    assert response.status_code == 302 and ticket.status == "routed" and ticket.files.count() == 1
    download = officer.get(reverse("ticket_file_download", args=[ticket.pk, ticket.files.get().pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    client.logout()
    responder = _as(client, world, "responder")
    responder.post(reverse("ticket_action", args=[ticket.pk, "accept"]), {"version": ticket.version})
    ticket.refresh_from_db()
    responder.post(reverse("ticket_action", args=[ticket.pk, "answer"]),
                   {"answer": "已对接人社局专场招聘会", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.status == "answered"
    client.logout()
    officer = _as(client, world, "officer_a")
    response = officer.post(reverse("ticket_action", args=[ticket.pk, "rate"]),
                            {"rating": "satisfied", "version": ticket.version})
    ticket.refresh_from_db()
    assert response.status_code == 302 and ticket.status == "closed"


@pytest.mark.parametrize("post, message", [
    ({"category": "", "description": "x"}, "请选择诉求类别。"),
    ({"description": ""}, "请填写诉求内容。"),
    ({"file": "exe"}, "不支持的文件类型"),
])
def test_a_bad_request_is_shown_again_with_the_reason_and_nothing_saved(client, world, post, message):
    data = {"enterprise": world["company"].pk, "category": world["category"].pk, "description": "内容", **post}
    if data.get("file") == "exe":
        data["file"] = upload("工具.exe", b"MZ\x90\x00")
    before = Ticket.objects.count(), AuditRecord.objects.count()
    response = _as(client, world, "officer_a").post(reverse("ticket_create"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert (Ticket.objects.count(), AuditRecord.objects.count()) == before


def test_closing_an_unanswered_request_through_the_page_is_refused(client, world):
    ticket = world["ticket"]
    response = _as(client, world, "officer_a").post(reverse("ticket_action", args=[ticket.pk, "rate"]),
                                                    {"rating": "satisfied", "version": ticket.version})
    assert response.status_code == 400 and "尚未答复" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "routed"


def test_the_second_answer_gets_409_and_sees_the_first(client, world):
    ticket = services.accept_ticket(world["ticket"], acting_user=world["responder"])
    version = ticket.version
    services.answer_ticket(ticket, answer="第一份答复", acting_user=world["admin"], expected_version=version)
    response = _as(client, world, "responder").post(reverse("ticket_action", args=[ticket.pk, "answer"]),
                                                    {"answer": "第二份答复", "version": version})
    body = response.content.decode()
    assert response.status_code == 409 and "第一份答复" in body and 'id="ticket-answer"' in body
    ticket.refresh_from_db()
    assert ticket.answer == "第一份答复"


def test_the_company_page_shows_the_service_record(client, world, make_project, django_assert_max_num_queries):
    services.record_policy(world["company"], policy="技改补助（示例）", granted_on=TODAY, amount=20,
                           acting_user=world["officer_a"])
    services.plan_visit(world["company"], planned_on=TODAY + dt.timedelta(days=1), purpose="了解用地进展",
                        acting_user=world["officer_a"])
    client.force_login(world["officer_a"])
    response = client.get(reverse("enterprise_detail", args=[world["company"].pk]))
    body = response.content.decode()
    for text in ("服务专员", "officer_a", "用地", "已分派", "了解用地进展", "技改补助（示例）", 'id="company-raise-ticket"'):
        assert text in body, text


def test_an_overdue_request_is_marked_in_words_on_the_list_and_the_company_page(client, world, monkeypatch):
    from lianzhao.aftercare.services import common

    client.force_login(world["officer_a"])
    pages = [reverse("ticket_list"), reverse("enterprise_detail", args=[world["company"].pk])]
    assert all("已超期" not in client.get(url).content.decode() for url in pages)
    # The day after the deadline nobody has answered: overdue (on the deadline day it is not yet).
    monkeypatch.setattr(common, "today", lambda: world["ticket"].deadline + dt.timedelta(days=1))
    for url in pages:
        body = client.get(url).content.decode()
        assert '<span class="status status-overdue">已超期</span>' in body, url


def test_the_company_page_reads_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world["leader"])
    url = reverse("enterprise_detail", args=[world["company"].pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        services.raise_ticket(enterprise=world["company"], category=world["category"], description=f"诉求{i}",
                              acting_user=world["officer_a"])
        services.record_visit(world["company"], done_on=TODAY, notes=f"走访{i}", acting_user=world["officer_a"])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_dashboard_shows_reminders_and_the_departments_rates(client, world, monkeypatch):
    from lianzhao.projects import lights

    monkeypatch.setattr(lights, "today", lambda: TODAY)
    ticket = services.accept_ticket(world["ticket"], acting_user=world["responder"])
    services.answer_ticket(ticket, answer="已答复", acting_user=world["responder"])
    client.force_login(world["officer_a"])
    body = client.get(reverse("dashboard")).content.decode()
    assert 'id="my-reminders"' in body and "待企业评价" in body
    assert 'id="service-on-time-rate">100.0%<' in body and "按时答复率 = " in body
    client.force_login(world["responder"])
    body = client.get(reverse("dashboard")).content.decode()
    assert "我的待办" in body and "项目漏斗" not in body
