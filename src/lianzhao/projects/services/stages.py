"""Moving a project along the pipeline: one step of the transition map at a time, with the evidence
the target stage requires; and filling in the evidence a project created at a later stage lacks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects import evidence as stage_evidence
from lianzhao.projects.choices import STAGE_DATE_FIELD, STAGE_SPECS, EventKind, ProjectStage, StageSpec
from lianzhao.projects.files import ALLOWED_LABEL, MAX_UPLOAD_BYTES, check_upload
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from lianzhao.projects.services import common
from lianzhao.projects.services.files import file_summary, store_file, stored_file_cleanup
from lianzhao.projects.services.locking import lock_project, save_fields
from lianzhao.projects.signals import project_signed
from lianzhao.refdata.uscc import uscc_error


@in_data_language
def change_stage(project: InvestmentProject, to_stage: str, *, acting_user, on: dt.date | None = None,
                 note: str = "", signed_amount: Decimal | None = None,
                 from_stage: str | None = None, evidence: dict | None = None,
                 upload=None) -> ProjectEvent:
    """Move a project to ``to_stage``: checks the transition map, the actor's permission and what
    the target stage's spec requires (:data:`~lianzhao.projects.choices.STAGE_SPECS`: evidence
    fields, a document unless one is on file, a reason), then sets the stage, its date and evidence, stores the
    uploaded file, adds a timeline event and one audit row (the file's name and hash in ``after``),
    all in one transaction. Raises ValidationError (field-keyed, Chinese) or PermissionDenied and
    changes nothing — no row, no file — when refused.

    ``from_stage`` is the stage the user saw; if the project has moved since, the change is refused.
    ``evidence`` maps evidence field names to values; ``upload`` is an uploaded file.
    """
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能推进本部门的项目。")
    on = on or common.today()
    note = (note or "").strip()
    evidence = dict(evidence or {})
    if signed_amount is not None:
        evidence.setdefault("signed_amount", signed_amount)
    with transaction.atomic():
        current = lock_project(project)
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
        common.check_not_future(on)
        last = _last_stage_date(current)
        if last and on < last:
            raise ValidationError({"on": f"日期不能早于上一阶段日期 {last:%Y-%m-%d}。"})
        spec = STAGE_SPECS[to_stage]
        # Resuming from 暂缓 returns to a stage already proven: nothing is asked again.
        resuming = current.stage == ProjectStage.PAUSED and to_stage != ProjectStage.DROPPED
        errors, values = ({}, {}) if resuming else _evidence(spec, evidence)
        checked = None
        if upload is not None:
            try:
                checked = check_upload(upload)
            except ValidationError as exc:
                errors["evidence_file"] = exc.messages
        elif spec.needs_file and not resuming and not current.files.filter(stage=to_stage).exists():
            errors["evidence_file"] = spec.file_missing.format(types=ALLOWED_LABEL,
                                                               mb=MAX_UPLOAD_BYTES // 1024 // 1024)
        if spec.needs_reason and not note:
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
        # The entry says "A → B" itself: its text is the user's note only, and what the stage recorded
        # goes in as values (the signing's amount and counterparty …), rendered in the reader's language.
        event = ProjectEvent.objects.create(project=current, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                            actor=acting_user, from_stage=from_label, to_stage=to_stage,
                                            text=note, params=_params(values))
        after = snapshot(current)
        with stored_file_cleanup() as stored:
            if checked is not None:
                stored.append(store_file(current, to_stage, upload, checked, acting_user))
                after["evidence_file"] = file_summary(stored[-1])
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                          after=after, reason=f"阶段变更：{ProjectStage(from_label).label} → {ProjectStage(to_stage).label}")
        if to_stage == ProjectStage.SIGNED and not resuming:
            project_signed.send(sender=InvestmentProject, project=current, acting_user=acting_user)
    project.refresh_from_db()
    return event


def _params(values: dict) -> dict:
    """Evidence values as the timeline keeps them: JSON-ready text, empty ones left out."""
    return {k: f"{v:.2f}" if isinstance(v, Decimal) else str(v) for k, v in values.items() if v not in (None, "")}


def _last_stage_date(project: InvestmentProject) -> dt.date | None:
    dates = [getattr(project, f) for f in STAGE_DATE_FIELD.values() if getattr(project, f)]
    return max(dates) if dates else None


def _evidence(spec: StageSpec, evidence: dict) -> tuple[dict, dict]:
    """(errors, values to set) for the evidence ``spec`` records; messages name the field."""
    errors, values = {}, {}
    for field in spec.evidence:
        value = evidence.get(field.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if field.required:
                errors[field.name] = field.missing
                continue
            value = "" if field.kind == "text" else None
        elif field.kind == "uscc":
            value = value.upper()
            if problem := uscc_error(value):
                errors[field.name] = problem
        elif field.kind == "number" and value < 0:
            errors[field.name] = field.negative
        values[field.name] = value
    return errors, values


@in_data_language
def fill_evidence(project: InvestmentProject, *, values: dict, acting_user,
                  expected_version: int | None = None) -> InvestmentProject:
    """Fill in the text evidence (签约主体, 新设企业统一社会信用代码, 施工许可证号, 达产产能) a project lacks
    for stages it has reached — a project imported or loaded at a later stage (佐证待补). Only blank
    evidence is filled: a recorded value is what its stage change proved. Same permission and
    optimistic check as editing the project (409 on a stale version); one audit row."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目补录佐证。")
    unknown = set(values) - set(stage_evidence.TEXT_EVIDENCE)
    if unknown:
        raise ValueError(f"not text evidence fields: {sorted(unknown)}")
    errors, cleaned = {}, {}
    for name, text in values.items():
        if text in (None, ""):
            continue
        try:
            cleaned[name] = stage_evidence.clean_text(name, text)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError("请至少填写一项佐证。")
    with transaction.atomic():
        current = lock_project(project, expected_version)
        errors = {name: problem for name, value in cleaned.items()
                  if (problem := stage_evidence.fill_problem(current, name, value))}
        if errors:
            raise ValidationError(errors)
        save_fields(current, cleaned, acting_user=acting_user, reason="补录阶段佐证")
    project.refresh_from_db()
    return project
