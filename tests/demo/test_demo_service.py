"""The Jimo demo's enterprise service (issue #13): service officers and handling departments, a dozen
sample requests in every state on sample companies only, two landing checklists (one late), and
what the leader sees of them in the weekly report of the last complete week."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lianzhao.aftercare.choices import TicketStatus
from lianzhao.aftercare.models import LandingChecklist, PolicyBenefit, ServiceAssignment, Ticket, Visit
from lianzhao.projects import lights
from lianzhao.projects.models import TrafficLightRule
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def test_a_dozen_sample_requests_in_every_state_on_sample_companies_only(demo):
    tickets = Ticket.objects.select_related("enterprise")
    assert tickets.count() == 12
    assert {t.status for t in tickets} == set(TicketStatus.values)
    assert all(t.is_sample and t.description.startswith("示例") for t in tickets)
    # Never an invented request, visit or policy on a real company's name.
    for model in (Ticket, Visit, PolicyBenefit, ServiceAssignment):
        assert not model.objects.filter(enterprise__is_sample=False).exists(), model.__name__
    assert ServiceAssignment.objects.filter(officer__username="service").exists()


def test_two_sample_checklists_one_late_and_its_project_lit(demo):
    today, rule = timezone.localdate(), TrafficLightRule.load()
    checklists = list(LandingChecklist.objects.select_related("project"))
    assert len(checklists) == 2 and all(c.is_sample and c.project.is_sample for c in checklists)
    late = [c for c in checklists if c.steps.overdue(today).exists()]
    assert len(late) == 1
    info = late[0].project.light_info(today, rule)
    assert info.light in (lights.Light.YELLOW, lights.Light.RED)
    assert any("落地事项" in reason for reason in info.reasons)
    assert all(s.reference.startswith("示例") for c in checklists for s in c.steps.exclude(done_on=None))


def test_the_default_weekly_report_lists_overdue_requests_and_steps(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="leader"))
    body = client.get(reverse("weekly_report")).content.decode()
    overdue = re.search(r'id="headline-overdue-tickets">(\d+)<', body)
    assert overdue and int(overdue.group(1)) >= 2
    assert "超期未答复的企业诉求" in body and "逾期未办结的落地事项" in body
    assert "没有超期未答复的诉求" not in body and "没有逾期的落地事项" not in body


def test_the_load_command_prints_the_service_accounts():
    out = StringIO()
    call_command("demo", "load", "--no-reference", stdout=out)  # the 5,500 listed companies change no account
    for username in ("service", "land", "approval", "finance"):
        assert re.search(rf"^\s+{username}\s+(officer|responder)\s", out.getvalue(), re.M), username
