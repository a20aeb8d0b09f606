"""State changes of investment projects. Each function checks permission and data, changes the rows
in one transaction and writes its own audit record; views never assign ``stage`` themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.projects.choices import STAGE_DATE_FIELD, EventKind, ProjectStage
from lianzhao.projects.models import InvestmentProject, ProjectEvent

#: Fields an edit may change. Stage, stage dates and the signed amount change only with the stage.
EDITABLE_FIELDS = (
    "name", "investor", "industry", "chain_node", "amount", "method", "referrer", "source",
    "department", "officer", "notes",
)


def _today() -> dt.date:
    return timezone.localdate()


def _check_not_future(on: dt.date, field: str = "on") -> None:
    if on > _today():
        raise ValidationError({field: f"日期 {on:%Y-%m-%d} 晚于今天，不能登记未来发生的事项。"})


def create_project(*, data: dict, acting_user) -> InvestmentProject:
    """Create a project at 线索 (lead) and log a creation event and one audit row.

    ``data`` holds cleaned values for :data:`EDITABLE_FIELDS` (plus optional ``lead_date``).
    """
    permissions.require(
        permissions.can_create_project(acting_user, data.get("department")),
        "您只能为本部门创建项目。",
    )
    lead_date = data.get("lead_date") or _today()
    _check_not_future(lead_date, "lead_date")
    with transaction.atomic():
        project = InvestmentProject(stage=ProjectStage.LEAD, lead_date=lead_date,
                                    **{k: data[k] for k in EDITABLE_FIELDS if k in data})
        project.full_clean()
        project.save()
        ProjectEvent.objects.create(project=project, kind=EventKind.STAGE_CHANGE, occurred_on=lead_date,
                                    actor=acting_user, to_stage=ProjectStage.LEAD, text="登记项目线索")
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=project, before=None,
                      after=snapshot(project))
    return project


def update_project(project: InvestmentProject, *, changes: dict, acting_user,
                   expected_version: int | None = None) -> InvestmentProject:
    """Change a project's descriptive fields (not its stage) and write one audit row.

    With ``expected_version`` the save is refused when someone else saved in between (optimistic
    locking), naming the fields they changed.
    """
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能修改本部门的项目。")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")
    new_department = changes.get("department", project.department)
    permissions.require(permissions.can_create_project(acting_user, new_department),
                        "您不能把项目转到其他部门。")
    with transaction.atomic():
        current = InvestmentProject.objects.select_for_update().get(pk=project.pk)
        if expected_version is not None and current.version != expected_version:
            changed = _changed_since(current, expected_version)
            raise ValidationError(
                f"该项目已被他人修改（当前版本 {current.version}，您编辑的是版本 {expected_version}）"
                f"{changed}。请刷新后重新填写，以免覆盖他人的修改。",
                code="stale",
            )
        before = snapshot(current)
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
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


def _changed_since(current: InvestmentProject, version: int) -> str:
    from lianzhao.audit.models import AuditRecord

    records = AuditRecord.objects.for_object(current).filter(action=AuditAction.UPDATE)[:5]
    names = []
    for rec in records:
        for field, _, _ in rec.changes():
            if field != "version" and field not in names:
                names.append(field)
    if not names:
        return ""
    labels = []
    for name in names:
        try:
            labels.append(str(InvestmentProject._meta.get_field(name.removesuffix("_id")).verbose_name))
        except Exception:  # a field removed since; show its raw name
            labels.append(name)
    return "，他人修改了：" + "、".join(labels)


def change_stage(project: InvestmentProject, to_stage: str, *, acting_user, on: dt.date | None = None,
                 note: str = "", signed_amount: Decimal | None = None,
                 from_stage: str | None = None) -> ProjectEvent:
    """Move a project to ``to_stage``: checks the transition map, the actor's permission and the data
    the target stage needs, then sets the stage and its date, adds a timeline event and one audit row,
    all in one transaction. Raises ValidationError (field-keyed, Chinese) or PermissionDenied and
    changes nothing when refused.

    ``from_stage`` is the stage the user saw; if the project has moved since, the change is refused.
    """
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能推进本部门的项目。")
    on = on or _today()
    note = (note or "").strip()
    with transaction.atomic():
        current = InvestmentProject.objects.select_for_update().get(pk=project.pk)
        if from_stage and current.stage != from_stage:
            raise ValidationError(
                f"项目阶段已变为“{current.stage_label}”，请刷新页面后再操作。", code="stale")
        if to_stage not in ProjectStage.values:
            raise ValidationError({"to_stage": f"未知阶段：{to_stage}"})
        if not current.can_advance_to(to_stage):
            allowed = "、".join(ProjectStage(s).label for s in current.allowed_moves()) or "无（已结束）"
            raise ValidationError({"to_stage": (
                f"不能从“{current.stage_label}”变更为“{ProjectStage(to_stage).label}”。"
                f"当前可变更为：{allowed}。")})
        _check_not_future(on)
        last = _last_stage_date(current)
        if last and on < last:
            raise ValidationError({"on": f"日期不能早于上一阶段日期 {last:%Y-%m-%d}。"})
        resuming = current.stage == ProjectStage.PAUSED and to_stage != ProjectStage.DROPPED
        errors = {}
        if to_stage == ProjectStage.SIGNED and not resuming:
            if signed_amount is None:
                errors["signed_amount"] = "签约须填写签约投资额（亿元）。"
            elif signed_amount < 0:
                errors["signed_amount"] = "签约投资额不能为负数。"
        if to_stage in (ProjectStage.PAUSED, ProjectStage.DROPPED) and not note:
            errors["note"] = f"{ProjectStage(to_stage).label}须说明原因。"
        if errors:
            raise ValidationError(errors)

        before = snapshot(current)
        from_label = current.stage
        if to_stage == ProjectStage.PAUSED:
            current.paused_from = current.stage
        elif current.stage == ProjectStage.PAUSED:
            current.paused_from = ""
        current.stage = to_stage
        date_field = STAGE_DATE_FIELD.get(to_stage)
        if date_field and not resuming:
            setattr(current, date_field, on)
        if to_stage == ProjectStage.SIGNED and not resuming:
            current.signed_amount = signed_amount
        current.version += 1
        current.save()
        text = note or f"阶段变更：{ProjectStage(from_label).label} → {ProjectStage(to_stage).label}"
        event = ProjectEvent.objects.create(project=current, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                            actor=acting_user, from_stage=from_label, to_stage=to_stage,
                                            text=text)
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                      after=snapshot(current), reason=f"阶段变更 {from_label}→{to_stage}")
    project.refresh_from_db()
    return event


def _last_stage_date(project: InvestmentProject) -> dt.date | None:
    dates = [getattr(project, f) for f in STAGE_DATE_FIELD.values() if getattr(project, f)]
    return max(dates) if dates else None


def add_event(project: InvestmentProject, *, kind: str, occurred_on: dt.date, text: str,
              acting_user) -> ProjectEvent:
    """Log a visit, meeting, call or note on the project's timeline (one audit row)."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目记录动态。")
    if kind == EventKind.STAGE_CHANGE or kind not in EventKind.values:
        raise ValidationError({"kind": "请选择走访、会谈、电话沟通或备注。"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写内容。"})
    _check_not_future(occurred_on, "occurred_on")
    with transaction.atomic():
        event = ProjectEvent.objects.create(project=project, kind=kind, occurred_on=occurred_on,
                                            actor=acting_user, text=text)
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=event, before=None,
                      after=snapshot(event))
    return event


def delete_project(project: InvestmentProject, *, acting_user) -> None:
    """Delete a project and its timeline (admins only); the audit row keeps the last values."""
    permissions.require(permissions.role_of(acting_user) == "admin", "只有管理员可以删除项目。")
    with transaction.atomic():
        record_change(actor=acting_user, action=AuditAction.DELETE, obj=project,
                      before=snapshot(project), after=None)
        project.delete()
