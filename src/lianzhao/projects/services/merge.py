"""One identity per project: merging a duplicate into the project that keeps the identity."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import EventKind
from lianzhao.projects.models import FundsInPlace, InvestmentChange, InvestmentProject, ProjectEvent, ProjectFile
from lianzhao.projects.services import common
from lianzhao.projects.services.locking import lock_project


@in_data_language
def merge_projects(keep: InvestmentProject, duplicate: InvestmentProject, *, acting_user,
                   note: str = "") -> InvestmentProject:
    """Merge ``duplicate`` into ``keep`` (one identity per project): the duplicate's timeline events,
    files, investment changes and funds in place move to ``keep`` (funds recorded on both — same day,
    source and amount — only once); projects earlier merged into the duplicate now
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
        locked = {p.pk: p for p in (lock_project(first), lock_project(second))}
        kept, dup = locked[keep.pk], locked[duplicate.pk]
        if dup.signed_date and not kept.signed_date:
            raise ValidationError({"duplicate": (
                f"“{dup.name}”已签约而“{kept.name}”未签约：请保留已签约的项目，把未签约的合并进去。")})
        before_kept, before_dup = snapshot(kept), snapshot(dup)
        moved_events = ProjectEvent.objects.filter(project=dup).update(project=kept)
        moved_files = ProjectFile.objects.filter(project=dup).update(project=kept)
        moved_changes = InvestmentChange.objects.filter(project=dup).update(project=kept)
        # The same money recorded on both projects (same day, source and amount) counts once: the
        # duplicate's copy goes; every other entry moves.
        repeated = FundsInPlace.objects.filter(project=dup).filter(Exists(FundsInPlace.objects.filter(
            project=kept, on=OuterRef("on"), source=OuterRef("source"), amount=OuterRef("amount"))))
        dropped_funds = repeated.count()
        repeated.delete()
        moved_funds = FundsInPlace.objects.filter(project=dup).update(project=kept)
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
                   f"{moved_files} 个材料、{moved_changes} 条投资变更、{moved_funds} 笔到位资金")
        if dropped_funds:
            summary += f"（另有 {dropped_funds} 笔与本项目已登记的到位资金相同，只计一次，未移入）"
        ProjectEvent.objects.create(project=kept, kind=EventKind.MERGE, occurred_on=common.today(),
                                    actor=acting_user, text=summary + (f"。{note}" if note else "。"))
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=dup, before=before_dup,
                      after=snapshot(dup), reason=f"合并入项目“{kept.name}”（编号 {kept.pk}）")
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=kept, before=before_kept,
                      after=snapshot(kept), reason=summary)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    return keep
