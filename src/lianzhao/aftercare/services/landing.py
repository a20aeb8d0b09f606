"""高效办成一件事: a signed project's checklist of landing steps, made from a template, each step due
some days after the signing; a step is done only with its date and a reference (a document number
or a file). The project keeps the earliest due date of its open steps (``landing_due_on``), which
the traffic light reads like a planned date."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, OuterRef, Q, Subquery

from lianzhao.accounts import permissions as account_permissions
from lianzhao.aftercare import permissions
from lianzhao.aftercare.models import LandingChecklist, LandingStep, LandingTemplate
from lianzhao.aftercare.services import common
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import EventKind
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from lianzhao.projects.services.files import store_file, stored_file_cleanup
from lianzhao.projects.services.locking import lock_project


def template_for(project) -> LandingTemplate | None:
    """The active template for the project's type (项目类型), else the default one (no type), else None."""
    code = project.project_type_id
    templates = {t.project_type_id: t for t in LandingTemplate.objects.filter(
        Q(project_type__isnull=True) | Q(project_type_id=code) if code else Q(project_type__isnull=True),
        is_active=True)}
    return templates.get(code) or templates.get(None)


def refresh_landing_due(project_ids) -> int:
    """Recompute ``landing_due_on`` (earliest due date of open steps) for these projects — one
    UPDATE. Called by every write here; bulk writers (the benchmark, the demo) call it too."""
    earliest = (LandingStep.objects.filter(checklist__project=OuterRef("pk"), done_on__isnull=True)
                .order_by().values("checklist__project").annotate(first=Min("due_on")).values("first")[:1])
    return InvestmentProject.all_objects.filter(pk__in=list(project_ids)).update(landing_due_on=Subquery(earliest))


@in_data_language
def start_checklist(project, *, acting_user, template: LandingTemplate | None = None) -> LandingChecklist:
    """Make the project's checklist from ``template`` (by default :func:`template_for`): each step due
    the signing date + its days. Only for a signed project without one, by those who edit the
    project. One audit row (the checklist with its steps)."""
    account_permissions.require(permissions.can_edit_checklist(acting_user, project),
                                "只有项目所属部门的招商专员或管理员可以建立落地事项清单。")
    template = template or template_for(project)
    if template is None:
        raise ValidationError("没有可用的落地事项模板，请管理员在“基础数据管理 → 落地事项模板”中建立。")
    with transaction.atomic():
        current = lock_project(project)
        if current.signed_date is None:
            raise ValidationError("项目尚未签约：落地事项清单自签约之日起算，请先登记签约。")
        if LandingChecklist.objects.filter(project=current).exists():
            raise ValidationError("该项目已有落地事项清单。", code="stale")
        checklist = LandingChecklist.objects.create(project=current, template=template,
                                                    started_on=current.signed_date, created_by=acting_user)
        steps = [LandingStep(checklist=checklist, order=s.order, name=s.name, department=s.department,
                             due_on=current.signed_date + dt.timedelta(days=s.due_days))
                 for s in template.steps.select_related("department")]
        if not steps:
            raise ValidationError(f"模板“{template}”没有事项。")
        LandingStep.objects.bulk_create(steps)
        refresh_landing_due([current.pk])
        after = snapshot(checklist)
        after["steps"] = [f"{s.name}｜{s.department or '未指定部门'}｜{s.due_on:%Y-%m-%d}" for s in steps]
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=checklist, before=None, after=after)
    return checklist


def start_on_signing(sender, *, project, acting_user, **kwargs) -> LandingChecklist | None:
    """A project just signed gets its checklist at once (receiver of
    :data:`lianzhao.projects.signals.project_signed`, in the signing's transaction): the steps are
    due from the signing date, so waiting for someone to click would only shorten them. Nothing is
    made — and the project page still offers the button, with its reason — when no active template
    with steps applies, the project has a checklist already, or the signer may not start one."""
    template = template_for(project)
    if (template is None or not template.steps.exists() or not permissions.can_edit_checklist(acting_user, project)
            or LandingChecklist.objects.filter(project=project).exists()):
        return None
    return start_checklist(project, acting_user=acting_user, template=template)


@in_data_language
def complete_step(step: LandingStep, *, done_on: dt.date | None, acting_user, reference: str = "", upload=None,
                  expected_version: int | None = None) -> LandingStep:
    """Mark a step done with its date (not in the future, not before the signing) and a reference —
    a document number, or a file stored with the project's files. Logged on the project's timeline;
    the project's ``landing_due_on`` is recomputed. One audit row."""
    project = step.checklist.project
    account_permissions.require(permissions.can_complete_step(acting_user, step, project),
                                "只有项目所属部门、该事项的责任部门或管理员可以登记办结。")
    reference = (reference or "").strip()
    errors = {}
    if done_on is None:
        errors["done_on"] = "请填写办结日期。"
    elif done_on > common.today():
        errors["done_on"] = f"办结日期 {done_on:%Y-%m-%d} 晚于今天。"
    elif done_on < step.checklist.started_on:
        errors["done_on"] = f"办结日期不能早于签约日期 {step.checklist.started_on:%Y-%m-%d}。"
    checked = None
    if upload is not None:
        try:
            checked = common.checked_uploads([upload], field="file")[0][1]
        except ValidationError as exc:
            errors.update(exc.message_dict)
    elif not reference:
        errors["reference"] = "办结须填写文号（批复、证照编号等）或上传办结材料。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked_project = lock_project(project)
        current = LandingStep.objects.select_for_update().get(pk=step.pk)
        if current.done_on is not None:
            raise ValidationError(f"事项“{current.name}”已于 {current.done_on:%Y-%m-%d} 登记办结，请刷新页面。",
                                  code="stale")
        if expected_version is not None and current.version != expected_version:
            raise ValidationError("该事项已被他人修改，请刷新页面后再操作。", code="stale")
        before = snapshot(current)
        with stored_file_cleanup() as stored:
            if checked is not None:
                stored.append(store_file(locked_project, "", upload, checked, acting_user))
                current.file = stored[-1]
            current.done_on, current.reference, current.done_by = done_on, reference, acting_user
            current.version += 1
            current.save()
            proof = "、".join(p for p in (f"文号 {reference}" if reference else "",
                                          f"材料 {checked.original_name}" if checked else "") if p)
            ProjectEvent.objects.create(project=locked_project, kind=EventKind.NOTE, occurred_on=done_on,
                                        actor=acting_user, text=f"落地事项“{current.name}”已办结（{proof}）")
            refresh_landing_due([locked_project.pk])
            after = snapshot(current)
            if checked is not None:
                after["file_summary"] = common.file_summary(stored[-1])
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before, after=after,
                          reason="落地事项办结")
    step.refresh_from_db()
    return step
