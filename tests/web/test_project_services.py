"""Creating and editing projects through the services: permission, data and one audit row each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import services
from lianzhao.projects.models import InvestmentProject


def _data(departments, industry, **extra):
    data = {"name": "新项目", "industry": industry, "amount": Decimal("5.5"), "method": "expo",
            "department": departments["a"]}
    data.update(extra)
    return data


def test_an_officer_creates_a_lead_in_their_department(personas, departments, industry):
    project = services.create_project(data=_data(departments, industry), acting_user=personas["officer_a"])
    assert project.stage == "lead" and project.lead_date is not None
    assert project.events.get().to_stage == "lead"
    record = AuditRecord.objects.get()
    assert record.action == "create" and record.actor == personas["officer_a"]
    assert record.before is None and record.after["name"] == "新项目" and record.after["amount"] == "5.50"


def test_an_officer_cannot_create_for_another_department(personas, departments, industry):
    with pytest.raises(PermissionDenied):
        services.create_project(data=_data(departments, industry, department=departments["b"]),
                                acting_user=personas["officer_a"])
    assert not InvestmentProject.objects.exists() and not AuditRecord.objects.exists()


def test_update_records_before_and_after(make_project, personas):
    project = make_project()
    services.update_project(project, changes={"amount": Decimal("20.00"), "referrer": "某商会"},
                            acting_user=personas["officer_a"], expected_version=project.version)
    project.refresh_from_db()
    assert project.amount == Decimal("20.00") and project.version == 2
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"]
    assert record.before["amount"] == "10.00" and record.after["amount"] == "20.00"
    assert record.before["referrer"] == "" and record.after["referrer"] == "某商会"


def test_officer_cannot_edit_other_department(make_project, personas):
    project = make_project(department="b")
    with pytest.raises(PermissionDenied):
        services.update_project(project, changes={"notes": "x"}, acting_user=personas["officer_a"])
    project.refresh_from_db()
    assert project.notes == "" and not AuditRecord.objects.exists()


def test_officer_cannot_hand_a_project_to_another_department(make_project, personas, departments):
    project = make_project(department="a")
    with pytest.raises(PermissionDenied):
        services.update_project(project, changes={"department": departments["b"]},
                                acting_user=personas["officer_a"])
    project.refresh_from_db()
    assert project.department == departments["a"]


def test_a_second_save_from_an_old_version_is_refused(make_project, personas):
    project = make_project()
    services.update_project(project, changes={"amount": Decimal("11")}, acting_user=personas["admin"],
                            expected_version=1)
    with pytest.raises(ValidationError, match="已被他人修改.*计划投资额"):
        services.update_project(project, changes={"notes": "我的修改"}, acting_user=personas["officer_a"],
                                expected_version=1)
    project.refresh_from_db()
    assert project.notes == "" and project.amount == Decimal("11.00")
    assert AuditRecord.objects.count() == 1


def test_logging_a_visit_adds_an_event_and_an_audit_row(make_project, personas):
    project = make_project()
    event = services.add_event(project, kind="visit", occurred_on=dt.date(2025, 3, 1), text="走访企业总部",
                               acting_user=personas["officer_a"])
    assert project.events.filter(pk=event.pk, kind="visit").exists()
    record = AuditRecord.objects.get()
    assert record.model_name == "projectevent" and record.after["text"] == "走访企业总部"

