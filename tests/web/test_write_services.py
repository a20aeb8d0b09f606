"""The enterprise and target services take keyword data (no form): permission, validation, the row,
and exactly one audit row with the actor and before/after values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianzhao.audit.models import AuditRecord
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.services import save_department_target
from lianzhao.enterprises.models import Enterprise
from lianzhao.enterprises.services import save_enterprise


def test_an_officer_creates_an_enterprise_with_its_chain_nodes(personas, industry):
    nodes = list(industry.chain_nodes.all())
    enterprise = save_enterprise(data={"name": "某新企业", "gbt_code": "3841", "is_local": True,
                                       "chain_nodes": nodes}, acting_user=personas["officer_a"])
    enterprise.refresh_from_db()
    assert enterprise.is_local and set(enterprise.chain_nodes.all()) == set(nodes)
    record = AuditRecord.objects.get()
    assert record.action == "create" and record.actor == personas["officer_a"] and record.before is None
    assert record.after["name"] == "某新企业" and record.after["chain_nodes"] == sorted(n.pk for n in nodes)


def test_an_enterprise_edit_records_before_and_after_and_a_resave_records_nothing(personas, investor):
    save_enterprise(investor, data={"scale": "large", "note": "更新"}, acting_user=personas["admin"])
    save_enterprise(investor, data={"scale": "large", "note": "更新"}, acting_user=personas["admin"])
    investor.refresh_from_db()
    assert investor.scale == "large"
    record = AuditRecord.objects.get()
    assert record.action == "update" and record.before["scale"] == "" and record.after["scale"] == "large"


def test_the_enterprise_service_validates_and_writes_nothing_when_refused(personas, investor):
    with pytest.raises(ValidationError) as info:
        save_enterprise(data={"name": investor.name}, acting_user=personas["officer_a"])
    assert "name" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        save_enterprise(investor, data={"note": "x"}, acting_user=personas["leader"])
    with pytest.raises(ValueError):
        save_enterprise(investor, data={"is_sample": True}, acting_user=personas["admin"])
    assert Enterprise.objects.count() == 1 and not AuditRecord.objects.exists()


def test_an_admin_sets_and_changes_a_target_through_the_service(personas, departments):
    data = {"signed_amount": Decimal("30"), "projects_started": 2, "projects_in_production": 1, "note": "示例"}
    target = save_department_target(departments["a"], 2025, data=data, acting_user=personas["admin"])
    save_department_target(departments["a"], 2025, data={**data, "projects_started": 3},
                           acting_user=personas["admin"])
    target.refresh_from_db()
    assert target.projects_started == 3 and DepartmentTarget.objects.count() == 1
    create, update = AuditRecord.objects.order_by("pk")
    assert create.action == "create" and create.after["signed_amount"] == "30.00"
    assert update.action == "update" and update.before["projects_started"] == 2 and update.after["projects_started"] == 3
    assert update.actor == personas["admin"] and update.reason == "2025 年度目标"


def test_the_target_service_refuses_others_and_bad_years(personas, departments):
    data = {"signed_amount": Decimal("1"), "projects_started": 1, "projects_in_production": 1, "note": ""}
    with pytest.raises(PermissionDenied):
        save_department_target(departments["a"], 2025, data=data, acting_user=personas["officer_a"])
    with pytest.raises(ValidationError) as info:
        save_department_target(departments["a"], 1999, data=data, acting_user=personas["admin"])
    assert "year" in info.value.message_dict
    assert not DepartmentTarget.objects.exists() and not AuditRecord.objects.exists()
