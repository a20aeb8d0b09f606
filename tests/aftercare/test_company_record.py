"""Visits (planned and made), policies received and service officers: audited, refused cleanly."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.aftercare import services
from lianzhao.aftercare.models import Visit
from lianzhao.audit.models import AuditRecord
from tests.aftercare.conftest import TODAY


def test_a_planned_visit_is_recorded_when_made_and_joins_the_projects_timeline(service, make_project):
    project = make_project(stage="signed", department="a", investor=service["company"])
    visit = services.plan_visit(service["company"], planned_on=TODAY + dt.timedelta(days=2), purpose="了解用工",
                                project=project, acting_user=service["officer_a"])
    done = services.record_visit(service["company"], visit=visit, done_on=TODAY, notes="用工缺口 30 人",
                                 people="王经理", follow_ups="对接人社局招聘会", acting_user=service["officer_a"])
    assert done.pk == visit.pk and done.status == "done" and done.project_event.kind == "visit"
    project.refresh_from_db()
    assert project.last_event_on == TODAY and "用工缺口 30 人" in done.project_event.text
    audits = AuditRecord.objects.filter(model_name="visit", object_id=str(visit.pk))
    assert [a.action for a in audits] == ["update", "create"]


@pytest.mark.parametrize("call, field", [
    (lambda s: services.plan_visit(s["company"], planned_on=TODAY - dt.timedelta(days=1),
                                   acting_user=s["officer_a"]), "planned_on"),
    (lambda s: services.record_visit(s["company"], done_on=TODAY + dt.timedelta(days=1), notes="x",
                                     acting_user=s["officer_a"]), "done_on"),
    (lambda s: services.record_visit(s["company"], done_on=TODAY, notes=" ", acting_user=s["officer_a"]), "notes"),
    (lambda s: services.record_policy(s["company"], policy="", granted_on=TODAY, acting_user=s["officer_a"]),
     "policy"),
])
def test_bad_visits_and_policies_are_refused(service, call, field):
    with pytest.raises(ValidationError) as caught:
        call(service)
    assert field in caught.value.message_dict
    assert not Visit.objects.exists() and not AuditRecord.objects.exists()


def test_only_the_service_officer_or_an_admin_serves_the_company(service):
    with pytest.raises(PermissionDenied):
        services.record_visit(service["company"], done_on=TODAY, notes="x", acting_user=service["officer_b"])
    with pytest.raises(PermissionDenied):
        services.assign_service_officer(service["company"], officer=service["officer_b"],
                                        acting_user=service["officer_a"])
    services.assign_service_officer(service["company"], officer=service["officer_b"], acting_user=service["admin"])
    services.record_policy(service["company"], policy="技改补助（示例）", granted_on=TODAY, amount=50,
                           acting_user=service["officer_b"])


def test_the_admin_page_names_only_an_active_officer_as_a_company_s_service_officer(client, service):
    from lianzhao.aftercare.models import ServiceAssignment

    client.force_login(service["admin"])
    url = reverse("admin:aftercare_serviceassignment_add")
    page = client.get(url).content.decode()
    choices = re.search(r'<select name="officer".*?</select>', page, re.S).group(0)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', choices)}
    assert offered == {service["officer_a"].pk, service["officer_b"].pk}  # not the admin, leader, analyst …
    company = service["stranger"]
    response = client.post(url, {"enterprise": company.pk, "officer": service["leader"].pk, "since": "2025-06-02"})
    assert response.status_code == 200 and "服务专员须为在岗的招商专员。" in response.content.decode()
    assert not ServiceAssignment.objects.filter(enterprise=company).exists()
    response = client.post(url, {"enterprise": company.pk, "officer": service["officer_b"].pk, "since": "2025-06-02"})
    assert response.status_code == 302
    assert ServiceAssignment.objects.get(enterprise=company).officer == service["officer_b"]
