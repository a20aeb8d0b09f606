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
from lianzhao.projects.choices import (
    INVESTMENT_CHANGE_SIGN,
    MANUAL_EVENT_KINDS,
    PLANNED_DATE_FIELD,
    PLANNED_STAGES,
    STAGE_DATE_FIELD,
    STAGE_EVIDENCE_FIELDS,
    STAGE_OPTIONAL_FIELDS,
    EventKind,
    InvestmentChangeKind,
    ProjectStage,
)
from lianzhao.projects.files import ALLOWED_LABEL, MAX_UPLOAD_BYTES, check_upload
from lianzhao.projects.models import InvestmentChange, InvestmentProject, ProjectEvent, ProjectFile
from lianzhao.refdata.uscc import uscc_error

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
        _check_name_free(project)
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
        current = _locked(project, expected_version)
        before = snapshot(current)
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
        _check_name_free(current)
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


def _locked(project: InvestmentProject, expected_version: int | None = None) -> InvestmentProject:
    """The project's row, locked for this transaction. Refused when it was merged into another
    project, or (with ``expected_version``) when someone else saved it in between."""
    current = InvestmentProject.all_objects.select_for_update().get(pk=project.pk)
    if current.merged_into_id is not None:
        raise ValidationError(f"该项目已合并入“{current.merged_into}”，不能再修改，请在保留的项目上操作。",
                              code="merged")
    if expected_version is not None and current.version != expected_version:
        changed = _changed_since(current, expected_version)
        raise ValidationError(
            f"该项目已被他人修改（当前版本 {current.version}，您编辑的是版本 {expected_version}）"
            f"{changed}。请刷新后重新填写，以免覆盖他人的修改。",
            code="stale",
        )
    return current


def _check_name_free(project: InvestmentProject) -> None:
    # The unique constraints are validated through the default manager, which hides merged
    # projects; a merged duplicate keeps its name, so check against every project here.
    clash = InvestmentProject.all_objects.filter(name=project.name, investor=project.investor_id)
    if project.pk:
        clash = clash.exclude(pk=project.pk)
    if clash.exists():
        raise ValidationError({"name": f"已有同名项目“{project.name}”（同一投资方），请勿重复登记。"})


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
                 from_stage: str | None = None, evidence: dict | None = None,
                 upload=None) -> ProjectEvent:
    """Move a project to ``to_stage``: checks the transition map, the actor's permission and the
    evidence the target stage needs (:data:`STAGE_EVIDENCE_FIELDS`; 签约 also an agreement file
    unless the project already has one), then sets the stage, its date and evidence, stores the
    uploaded file, adds a timeline event and one audit row (the file's name and hash in ``after``),
    all in one transaction. Raises ValidationError (field-keyed, Chinese) or PermissionDenied and
    changes nothing — no row, no file — when refused.

    ``from_stage`` is the stage the user saw; if the project has moved since, the change is refused.
    ``evidence`` maps evidence field names to values; ``upload`` is an uploaded file.
    """
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能推进本部门的项目。")
    on = on or _today()
    note = (note or "").strip()
    evidence = dict(evidence or {})
    if signed_amount is not None:
        evidence.setdefault("signed_amount", signed_amount)
    with transaction.atomic():
        current = _locked(project)
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
        errors, values = ({}, {}) if resuming else _evidence(current, to_stage, evidence)
        checked = None
        if upload is not None:
            try:
                checked = check_upload(upload)
            except ValidationError as exc:
                errors["evidence_file"] = exc.messages
        elif to_stage == ProjectStage.SIGNED and not resuming and not current.files.filter(
                stage=ProjectStage.SIGNED).exists():
            errors["evidence_file"] = (f"签约须上传签约协议文件（{ALLOWED_LABEL}，"
                                       f"不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）。")
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
        for field, value in values.items():
            setattr(current, field, value)
        current.version += 1
        current.save()
        text = note or f"阶段变更：{ProjectStage(from_label).label} → {ProjectStage(to_stage).label}"
        event = ProjectEvent.objects.create(project=current, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                            actor=acting_user, from_stage=from_label, to_stage=to_stage,
                                            text=text)
        after = snapshot(current)
        with _stored_file_cleanup() as stored:
            if checked is not None:
                stored.append(_store_file(current, to_stage, upload, checked, acting_user))
                after["evidence_file"] = _file_summary(stored[-1])
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                          after=after, reason=f"阶段变更 {from_label}→{to_stage}")
    project.refresh_from_db()
    return event


def _evidence(project: InvestmentProject, to_stage: str, evidence: dict) -> tuple[dict, dict]:
    """(errors, values to set) for the evidence ``to_stage`` requires; messages name the field."""
    errors, values = {}, {}
    required = STAGE_EVIDENCE_FIELDS.get(to_stage, ())
    for field in (*required, *STAGE_OPTIONAL_FIELDS.get(to_stage, ())):
        value = evidence.get(field)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and field in required:
            errors[field] = EVIDENCE_REQUIRED[field]
            continue
        if field == "registered_uscc" and value:
            value = value.upper()
            if problem := uscc_error(value):
                errors[field] = problem
        if field in ("signed_amount", "capacity_value") and value is not None and value < 0:
            errors[field] = {"signed_amount": "签约投资额不能为负数。", "capacity_value": "产能数值不能为负数。"}[field]
        values[field] = "" if value is None and field == "capacity_unit" else value
    return errors, values


#: The message shown at each required evidence field when it is missing.
EVIDENCE_REQUIRED = {
    "signed_amount": "签约须填写签约投资额（亿元）。",
    "signed_counterparty": "签约须填写签约主体（与我方签约的企业或机构）。",
    "registered_uscc": "注册须填写新设企业的统一社会信用代码（18 位）。",
    "construction_permit_no": "开工须填写施工许可证号。",
    "capacity_text": "达产须填写达产产能（如“年产 10 万套电驱总成”）。",
}


class _stored_file_cleanup:
    """Delete files stored inside a transaction block if the block fails: the database rolls back
    and no orphan file stays on disk."""

    def __enter__(self):
        self.files: list[ProjectFile] = []
        return self.files

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for stored in self.files:
                stored.file.delete(save=False)
        return False


def _store_file(project: InvestmentProject, stage: str, upload, checked, acting_user) -> ProjectFile:
    stored = ProjectFile(project=project, stage=stage, original_name=checked.original_name,
                         size=checked.size, content_type=checked.content_type, sha256=checked.sha256,
                         uploaded_by=acting_user)
    stored.file.save(checked.original_name, upload, save=False)
    stored.save()
    return stored


def _file_summary(stored: ProjectFile) -> str:
    return f"{stored.original_name}（{stored.size} 字节，SHA-256 {stored.sha256}）"


def attach_file(project: InvestmentProject, upload, *, stage: str = "", acting_user) -> ProjectFile:
    """Add an evidence file to a project (any stage, or none), log it on the timeline and write one
    audit row for the file. Refused for readers and other departments' officers."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目上传材料。")
    if stage and stage not in ProjectStage.values:
        raise ValidationError({"stage": f"未知阶段：{stage}"})
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    with transaction.atomic():
        current = _locked(project)
        with _stored_file_cleanup() as stored:
            stored.append(_store_file(current, stage, upload, checked, acting_user))
            label = f"（{ProjectStage(stage).label}）" if stage else ""
            ProjectEvent.objects.create(project=current, kind=EventKind.FILE, occurred_on=_today(),
                                        actor=acting_user, text=f"上传材料{label}：{checked.original_name}")
            record_change(actor=acting_user, action=AuditAction.CREATE, obj=stored[0], before=None,
                          after=snapshot(stored[0]))
    return stored[0]


def _last_stage_date(project: InvestmentProject) -> dt.date | None:
    dates = [getattr(project, f) for f in STAGE_DATE_FIELD.values() if getattr(project, f)]
    return max(dates) if dates else None


def add_event(project: InvestmentProject, *, kind: str, occurred_on: dt.date, text: str,
              acting_user) -> ProjectEvent:
    """Log a visit, meeting, call or note on the project's timeline (one audit row)."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目记录动态。")
    if kind not in MANUAL_EVENT_KINDS:
        raise ValidationError({"kind": "请选择走访、会谈、电话沟通或备注。"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写内容。"})
    _check_not_future(occurred_on, "occurred_on")
    with transaction.atomic():
        _locked(project)
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


def update_plan(project: InvestmentProject, *, planned: dict, acting_user,
                expected_version: int | None = None) -> InvestmentProject:
    """Set the milestone plan (planned date per stage, keys as in :data:`PLANNED_DATE_FIELD`'s
    values). Same permission and optimistic check as :func:`update_project` (409 on a stale
    version); planned dates must not run backwards along the pipeline. One audit row."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能修改本部门项目的计划节点。")
    unknown = set(planned) - set(PLANNED_DATE_FIELD.values())
    if unknown:
        raise ValueError(f"not planned-date fields: {sorted(unknown)}")
    errors = {}
    previous = None
    for stage in PLANNED_STAGES:
        field = PLANNED_DATE_FIELD[stage]
        on = planned.get(field)
        if on is None:
            continue
        if previous and on < previous[1]:
            errors[field] = (f"计划{stage.label}日期 {on:%Y-%m-%d} 不能早于计划{previous[0].label}日期 "
                             f"{previous[1]:%Y-%m-%d}。")
        previous = (stage, on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(project, expected_version)
        before = snapshot(current)
        for field, value in planned.items():
            setattr(current, field, value)
        if snapshot(current) != before:
            current.version += 1
            current.save()
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                          after=snapshot(current), reason="修改计划节点")
    project.refresh_from_db()
    return project


def record_investment_change(project: InvestmentProject, *, kind: str, on: dt.date,
                             amount: Decimal | None = None, note: str = "",
                             acting_user) -> InvestmentChange:
    """Record a capital increase, upgrade, re-signing or reduction of a signed project (不重复统计:
    only the change counts, never the project again). ``amount`` is the size of the change in 亿元,
    given as a positive number; the stored delta is +amount (increase, upgrade), −amount
    (reduction) or 0 (re-signing, which takes no amount). Adds a timeline event and one audit row
    for the change."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目登记投资变更。")
    if kind not in InvestmentChangeKind.values:
        raise ValidationError({"kind": "请选择增资、技改升级、重新签约或减资。"})
    label = InvestmentChangeKind(kind).label
    sign = INVESTMENT_CHANGE_SIGN[kind]
    note = (note or "").strip()
    with transaction.atomic():
        current = _locked(project)
        if current.signed_date is None:
            raise ValidationError({"kind": "项目尚未签约，不能登记投资变更；首次签约请在“变更阶段”中登记。"})
        _check_not_future(on, "on")
        if on < current.signed_date:
            raise ValidationError({"on": f"日期不能早于首次签约日期 {current.signed_date:%Y-%m-%d}。"})
        if sign == 0:
            if amount not in (None, 0):
                raise ValidationError({"amount": "重新签约不重复计入签约额，金额按 0 记，请勿填写金额。"})
            delta = Decimal("0.00")
        else:
            if amount is None or amount <= 0:
                raise ValidationError({"amount": f"请填写{label}金额（亿元，正数）。"})
            delta = sign * amount
        if sign < 0:
            so_far = (current.signed_amount or 0) + sum(
                current.investment_changes.values_list("delta", flat=True), Decimal(0))
            if so_far + delta < 0:
                raise ValidationError({"amount": f"减资额不能超过累计签约投资额 {so_far:.2f} 亿元。"})
        change = InvestmentChange(project=current, kind=kind, on=on, delta=delta, note=note, actor=acting_user)
        change.full_clean()
        change.save()
        amount_text = "金额按 0 计（不重复统计）" if sign == 0 else f"{abs(delta):.2f} 亿元"
        ProjectEvent.objects.create(project=current, kind=EventKind.INVESTMENT_CHANGE, occurred_on=on,
                                    actor=acting_user, text=f"{label}：{amount_text}" + (f"。{note}" if note else ""))
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=change, before=None,
                      after=snapshot(change))
    return change


def merge_projects(keep: InvestmentProject, duplicate: InvestmentProject, *, acting_user,
                   note: str = "") -> InvestmentProject:
    """Merge ``duplicate`` into ``keep`` (one identity per project): the duplicate's timeline events,
    files and investment changes move to ``keep``; projects earlier merged into the duplicate now
    point at ``keep``; ``keep`` gets a merge event; both projects' ``last_event_on`` is recomputed;
    the duplicate is marked ``merged_into`` and drops out of every list and total. One transaction;
    two audit rows, one per project.

    Both projects must be editable by the actor (an admin, or an officer of both departments). The
    kept project must be the one that got further: merging a signed duplicate into an unsigned
    project is refused, so no signing drops out of the totals.
    """
    permissions.require(
        permissions.can_edit_project(acting_user, keep) and permissions.can_edit_project(acting_user, duplicate),
        "只有管理员或两个项目所属部门的专员可以合并项目。")
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "不能把项目合并到它自己。"})
    note = (note or "").strip()
    with transaction.atomic():
        # Lock in id order, so two merges of the same pair cannot deadlock each other.
        first, second = sorted([keep, duplicate], key=lambda p: p.pk)
        locked = {p.pk: p for p in (_locked(first), _locked(second))}
        kept, dup = locked[keep.pk], locked[duplicate.pk]
        if dup.signed_date and not kept.signed_date:
            raise ValidationError({"duplicate": (
                f"“{dup.name}”已签约而“{kept.name}”未签约：请保留已签约的项目，把未签约的合并进去。")})
        before_kept, before_dup = snapshot(kept), snapshot(dup)
        moved_events = ProjectEvent.objects.filter(project=dup).update(project=kept)
        moved_files = ProjectFile.objects.filter(project=dup).update(project=kept)
        moved_changes = InvestmentChange.objects.filter(project=dup).update(project=kept)
        InvestmentProject.all_objects.filter(merged_into=dup).update(merged_into=kept)
        dup.merged_into = kept
        dup.merged_at = timezone.now()
        dup.version += 1
        dup.save()
        kept.version += 1
        kept.save()
        # The events moved by update(), past ProjectEvent.save(): recompute both projects' latest
        # event date (after the saves above, which wrote the dates read before the move).
        InvestmentProject.all_objects.filter(pk__in=[kept.pk, dup.pk]).refresh_last_event_on()
        summary = (f"合并重复项目“{dup.name}”（编号 {dup.pk}）：移入 {moved_events} 条动态、"
                   f"{moved_files} 个材料、{moved_changes} 条投资变更")
        ProjectEvent.objects.create(project=kept, kind=EventKind.MERGE, occurred_on=_today(),
                                    actor=acting_user, text=summary + (f"。{note}" if note else "。"))
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=dup, before=before_dup,
                      after=snapshot(dup), reason=f"合并入项目“{kept.name}”（编号 {kept.pk}）")
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=kept, before=before_kept,
                      after=snapshot(kept), reason=summary)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    return keep
