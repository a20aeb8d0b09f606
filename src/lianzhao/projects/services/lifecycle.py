"""A project's life outside its stage moves: creating it at 线索, editing its descriptive fields and
its milestone plan, logging visits and notes on its timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.enterprises.models import Enterprise
from lianzhao.enterprises.services import save_enterprise
from lianzhao.projects.choices import (
    MANUAL_EVENT_KINDS,
    PLANNED_DATE_FIELD,
    PLANNED_STAGES,
    EventKind,
    ProjectStage,
)
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from lianzhao.projects.services import common
from lianzhao.projects.services.locking import lock_project, save_fields

#: The ledger's fields (招商项目台账), in the order forms, the detail page and the spreadsheet show them.
LEDGER_FIELDS = (
    "project_type", "investor_nature", "origin_division", "origin_country", "is_foreign",
    "contract_foreign_capital", "actual_foreign_capital", "expected_output", "expected_tax", "land_mu",
    "landing_site", "expected_jobs", "investor_contact", "investor_phone", "key_level",
)

#: Fields an edit may change. Stage, stage dates and the signed amount change only with the stage.
EDITABLE_FIELDS = (
    "name", "investor", "industry", "chain_node", "amount", "method", "referrer", "source",
    "department", "officer", *LEDGER_FIELDS, "notes",
)


@in_data_language
def create_project(*, data: dict, acting_user, new_investor: str = "") -> InvestmentProject:
    """Create a project at 线索 (lead) and log a creation event and one audit row.

    ``data`` holds cleaned values for :data:`EDITABLE_FIELDS`, plus optionally ``lead_date`` and the
    milestone plan (the values of :data:`PLANNED_DATE_FIELD`, checked as :func:`update_plan` does).
    Without a responsible officer, an officer registering a project of their own department answers
    for it (so it is on their "我的项目"). ``new_investor``: the name of a company not yet in the
    registry, created in the same transaction as the investor (its own audit row).
    """
    permissions.require(
        permissions.can_create_project(acting_user, data.get("department")),
        "您只能为本部门创建项目。",
    )
    lead_date = data.get("lead_date") or common.today()
    common.check_not_future(lead_date, "lead_date")
    planned = {f: data.get(f) for f in PLANNED_DATE_FIELD.values()}
    check_plan(planned)
    values = {k: data[k] for k in EDITABLE_FIELDS if k in data}
    if not values.get("officer") and _answers_for(acting_user, values.get("department")):
        values["officer"] = acting_user
    with transaction.atomic():
        if new_investor:
            values["investor"] = _create_investor(new_investor, acting_user)
        project = InvestmentProject(stage=ProjectStage.LEAD, lead_date=lead_date, **values,
                                    **{f: on for f, on in planned.items() if on is not None})
        project.full_clean()
        check_name_free(project)
        project.save()
        ProjectEvent.objects.create(project=project, kind=EventKind.STAGE_CHANGE, occurred_on=lead_date,
                                    actor=acting_user, to_stage=ProjectStage.LEAD, text="登记项目线索")
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=project, before=None,
                      after=snapshot(project))
    return project


@in_data_language
def update_project(project: InvestmentProject, *, changes: dict, acting_user,
                   expected_version: int | None = None, new_investor: str = "") -> InvestmentProject:
    """Change a project's descriptive fields (not its stage) and write one audit row.

    With ``expected_version`` the save is refused when someone else saved in between (optimistic
    locking), naming the fields they changed. ``new_investor`` as for :func:`create_project`.
    """
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能修改本部门的项目。")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")
    new_department = changes.get("department", project.department)
    permissions.require(permissions.can_create_project(acting_user, new_department),
                        "您不能把项目转到其他部门。")
    with transaction.atomic():
        current = lock_project(project, expected_version)
        before = snapshot(current)
        if new_investor:
            changes = {**changes, "investor": _create_investor(new_investor, acting_user)}
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
        check_name_free(current)
        current.version += 1
        current.save()
        after = snapshot(current)
        if {k: v for k, v in before.items() if k != "version"} != {
            k: v for k, v in after.items() if k != "version"
        }:
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current,
                          before=before, after=after)
    project.refresh_from_db()
    return project


def _create_investor(name: str, acting_user) -> Enterprise:
    """A company named on a project form but not yet in the registry, added to it (audited there)."""
    try:
        return save_enterprise(None, data={"name": name.strip()}, acting_user=acting_user)
    except ValidationError as exc:
        messages = exc.messages if not hasattr(exc, "error_dict") else [m for ms in exc.message_dict.values() for m in ms]
        raise ValidationError({"investor": messages}) from exc


def _answers_for(user, department) -> bool:
    """The registering user can be the project's responsible officer: an officer of its department."""
    return (permissions.role_of(user) == Role.OFFICER and department is not None
            and getattr(department, "pk", department) == user.department_id)


def check_plan(planned: dict) -> None:
    """Refuse a milestone plan (planned-date field → date or None) with dates before 2000, beyond
    the planning horizon or running backwards along the pipeline; errors keyed by field."""
    fields = {PLANNED_DATE_FIELD[s]: s.label for s in PLANNED_STAGES}
    errors = common.plan_errors({f: planned.get(f) for f in fields}, fields)
    if errors:
        raise ValidationError(errors)


def check_name_free(project: InvestmentProject) -> None:
    """Refuse a second project of the same name for the same investor (one identity per project)."""
    # The unique constraints are validated through the default manager, which hides merged
    # projects; a merged duplicate keeps its name, so check against every project here.
    clash = InvestmentProject.all_objects.filter(name=project.name, investor=project.investor_id)
    if project.pk:
        clash = clash.exclude(pk=project.pk)
    if clash.exists():
        raise ValidationError({"name": f"已有同名项目“{project.name}”（同一投资方），请勿重复登记。"})


@in_data_language
def add_event(project: InvestmentProject, *, kind: str, occurred_on: dt.date, text: str,
              acting_user) -> ProjectEvent:
    """Log a visit, meeting, call or note on the project's timeline (one audit row)."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目记录动态。")
    if kind not in MANUAL_EVENT_KINDS:
        raise ValidationError({"kind": "请选择走访、会谈、电话沟通或备注。"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写内容。"})
    common.check_not_future(occurred_on, "occurred_on")
    with transaction.atomic():
        lock_project(project)
        event = ProjectEvent.objects.create(project=project, kind=kind, occurred_on=occurred_on,
                                            actor=acting_user, text=text)
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=event, before=None,
                      after=snapshot(event))
    return event


@in_data_language
def update_plan(project: InvestmentProject, *, planned: dict, acting_user,
                expected_version: int | None = None) -> InvestmentProject:
    """Set the milestone plan (planned date per stage, keys as in :data:`PLANNED_DATE_FIELD`'s
    values). Same permission and optimistic check as :func:`update_project` (409 on a stale
    version); planned dates lie between 2000 and the planning horizon and must not run backwards
    along the pipeline (:func:`check_plan`). One audit row."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能修改本部门项目的计划节点。")
    unknown = set(planned) - set(PLANNED_DATE_FIELD.values())
    if unknown:
        raise ValueError(f"not planned-date fields: {sorted(unknown)}")
    check_plan(planned)
    with transaction.atomic():
        save_fields(lock_project(project, expected_version), planned, acting_user=acting_user,
                    reason="修改计划节点")
    project.refresh_from_db()
    return project
