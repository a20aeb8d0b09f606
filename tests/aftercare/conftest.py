"""A small enterprise-service world on top of the personas: a bureau department (A) that also
answers requests, an outside department with a responder, a local company served by officer_a and
another company nobody of A serves."""

from __future__ import annotations

import datetime as dt

import pytest

from lianzhao.aftercare import services
from lianzhao.aftercare.services import common

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def service(personas, departments, today):
    from lianzhao.accounts.models import User
    from lianzhao.aftercare.models import ServiceAssignment, ServiceDepartment, TicketCategory
    from lianzhao.enterprises.models import Enterprise

    land = ServiceDepartment.objects.create(code="land", name="区自然资源局")
    bureau_b = ServiceDepartment.objects.create(code="bureau-b", name="投资促进二科（承办）",
                                                bureau_department=departments["b"])
    other = ServiceDepartment.objects.create(code="approval", name="区行政审批服务局")
    responder = User(username="responder", role="responder", display_name="承办人·自然资源局")
    responder.set_password("pass-12345")
    responder.save()
    land.members.add(responder)
    responder_other = User.objects.create(username="responder_other", role="responder", display_name="承办人·审批局")
    other.members.add(responder_other)
    TicketCategory.objects.filter(code="land").update(department=land, days=15)
    TicketCategory.objects.filter(code="finance").update(department=bureau_b, days=10)
    company = Enterprise.objects.create(name="测试·本地某制造公司", is_local=True, is_sample=True)
    stranger = Enterprise.objects.create(name="测试·另一家公司", is_local=True, is_sample=True)
    ServiceAssignment.objects.create(enterprise=company, officer=personas["officer_a"], since=TODAY)
    return {"land": land, "bureau_b": bureau_b, "approval": other, "responder": responder,
            "responder_other": responder_other, "company": company, "stranger": stranger,
            "category": TicketCategory.objects.get(code="land"),
            "other_category": TicketCategory.objects.get(code="other"), **personas}


@pytest.fixture
def routed(service):
    """A 用地 request for the company, routed to 区自然资源局 (no audit row from this setup is asserted)."""
    return services.raise_ticket(enterprise=service["company"], category=service["category"],
                                 description="厂区扩建用地预审进度咨询", acting_user=service["officer_a"])
