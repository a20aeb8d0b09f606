"""The company record's own writes: who its service officer is, visits planned and made, policies
it received. Each in one transaction with one audit row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions as account_permissions
from lianzhao.accounts.choices import Role
from lianzhao.aftercare import permissions
from lianzhao.aftercare.models import PolicyBenefit, ServiceAssignment, Visit
from lianzhao.aftercare.services import common
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import EventKind
from lianzhao.projects.models import ProjectEvent


@in_data_language
def assign_service_officer(enterprise, *, officer, acting_user) -> ServiceAssignment:
    """Make ``officer`` (a 招商专员) the company's service officer (admins only). One audit row."""
    account_permissions.require(account_permissions.role_of(acting_user) == Role.ADMIN,
                                "只有管理员可以指定服务专员。")
    if officer is None or account_permissions.role_of(officer) != Role.OFFICER:
        raise ValidationError({"officer": "服务专员须为招商专员。"})
    with transaction.atomic():
        current = ServiceAssignment.objects.select_for_update().filter(enterprise=enterprise).first()
        before = snapshot(current) if current else None
        if current is None:
            current = ServiceAssignment(enterprise=enterprise)
        if current.officer_id == officer.pk:
            return current
        current.officer = officer
        current.since = common.today()
        current.save()
        record_change(actor=acting_user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                      obj=current, before=before, after=snapshot(current))
    return current


def _check_project(enterprise, project) -> None:
    if project is not None and project.investor_id != enterprise.pk:
        raise ValidationError({"project": f"项目“{project}”的投资方不是该企业。"})


@in_data_language
def plan_visit(enterprise, *, planned_on: dt.date | None, acting_user, purpose: str = "", people: str = "",
               project=None) -> Visit:
    """Plan a visit (today or later) by the company's service officer or an admin. One audit row."""
    account_permissions.require(permissions.can_serve_company(acting_user, enterprise),
                                "只有该企业的服务专员或管理员可以安排走访。")
    if planned_on is None:
        raise ValidationError({"planned_on": "请填写计划走访日期。"})
    if planned_on < common.today():
        raise ValidationError({"planned_on": f"计划日期 {planned_on:%Y-%m-%d} 早于今天：已走访的请直接登记走访记录。"})
    _check_project(enterprise, project)
    with transaction.atomic():
        visit = Visit(enterprise=enterprise, project=project, officer=acting_user, planned_on=planned_on,
                      purpose=(purpose or "").strip(), people=(people or "").strip())
        visit.full_clean()
        visit.save()
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=visit, before=None, after=snapshot(visit))
    return visit


@in_data_language
def record_visit(enterprise, *, done_on: dt.date | None, notes: str, acting_user, people: str = "",
                 purpose: str = "", follow_ups: str = "", project=None, visit: Visit | None = None) -> Visit:
    """Record a visit made (``visit``: the planned one it fulfils, else a new one): date (not in the
    future), people, notes (required) and follow-ups. A visit about a project is also put on the
    project's timeline as a 走访 event, so the project's activity (and light) counts it. One audit row."""
    account_permissions.require(permissions.can_serve_company(acting_user, enterprise),
                                "只有该企业的服务专员或管理员可以登记走访。")
    errors = {}
    notes = (notes or "").strip()
    if done_on is None:
        errors["done_on"] = "请填写走访日期。"
    elif done_on > common.today():
        errors["done_on"] = f"走访日期 {done_on:%Y-%m-%d} 晚于今天：尚未走访的请安排计划走访。"
    if not notes:
        errors["notes"] = "请填写走访记录。"
    if visit is not None and (visit.enterprise_id != enterprise.pk or visit.done_on):
        errors["visit"] = "该计划走访已登记或不属于本企业。"
    if errors:
        raise ValidationError(errors)
    project = project or (visit.project if visit else None)
    _check_project(enterprise, project)
    with transaction.atomic():
        if visit is None:
            current, before = Visit(enterprise=enterprise, officer=acting_user), None
        else:
            current = Visit.objects.select_for_update().get(pk=visit.pk)
            before = snapshot(current)
            if current.done_on:
                raise ValidationError({"visit": "该计划走访已由他人登记，请刷新页面。"}, code="stale")
        current.project = project
        current.done_on, current.notes, current.follow_ups = done_on, notes, (follow_ups or "").strip()
        current.people = (people or "").strip() or current.people
        current.purpose = (purpose or "").strip() or current.purpose
        if project is not None:
            current.project_event = ProjectEvent.objects.create(
                project=project, kind=EventKind.VISIT, occurred_on=done_on, actor=acting_user,
                text=f"走访{enterprise}：{notes}" + (f"（参加人员：{current.people}）" if current.people else ""))
        current.full_clean()
        current.save()
        record_change(actor=acting_user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                      obj=current, before=before, after=snapshot(current))
    return current


@in_data_language
def record_policy(enterprise, *, policy: str, granted_on: dt.date | None, acting_user, amount=None,
                  reference: str = "", note: str = "") -> PolicyBenefit:
    """Record a policy the company received (政策兑现): name, date (not in the future), amount in
    万元 (optional), the granting document. One audit row."""
    account_permissions.require(permissions.can_serve_company(acting_user, enterprise),
                                "只有该企业的服务专员或管理员可以登记政策兑现。")
    errors = {}
    policy = (policy or "").strip()
    if not policy:
        errors["policy"] = "请填写政策名称。"
    if granted_on is None:
        errors["granted_on"] = "请填写兑现日期。"
    elif granted_on > common.today():
        errors["granted_on"] = f"兑现日期 {granted_on:%Y-%m-%d} 晚于今天。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        benefit = PolicyBenefit(enterprise=enterprise, policy=policy, granted_on=granted_on, amount=amount,
                                reference=(reference or "").strip(), note=(note or "").strip(),
                                recorded_by=acting_user)
        benefit.full_clean()
        benefit.save()
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=benefit, before=None,
                      after=snapshot(benefit))
    return benefit
