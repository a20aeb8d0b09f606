"""The row lock every project write takes: no write lands on a merged duplicate, and an edit made
from an out-of-date page is refused (optimistic locking on ``version``), naming what changed; and
the save that follows a plain change of fields (a new version and one audit row, or nothing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import record_change, snapshot
from lianzhao.projects.models import InvestmentProject


def lock_project(project: InvestmentProject, expected_version: int | None = None) -> InvestmentProject:
    """The project's row, locked for this transaction and re-read. Refused when it was merged into
    another project, or (with ``expected_version``) when someone else saved it in between."""
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


def _changed_since(current: InvestmentProject, version: int) -> str:
    """"，他人修改了：…" naming the fields changed since ``version`` (the copy the user edited): those
    of the audit rows written from that version on, newest first; the older history is not theirs."""
    labels: list[str] = []
    records = AuditRecord.objects.for_object(current).filter(action=AuditAction.UPDATE)
    for record in records[:50]:
        if (record.before or {}).get("version", 0) < version:
            break  # written before the user's copy: already on their page
        for label, _, _ in record.changes():
            if label not in labels:
                labels.append(label)
    return "，他人修改了：" + "、".join(labels) if labels else ""


def save_fields(current: InvestmentProject, values: dict, *, acting_user, reason: str) -> bool:
    """Set ``values`` on the locked project (from :func:`lock_project`); when that changed anything,
    save it as a new version with one audit row giving ``reason``. Returns whether it changed."""
    before = snapshot(current)
    for name, value in values.items():
        setattr(current, name, value)
    if snapshot(current) == before:
        return False
    current.version += 1
    current.save()
    record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                  after=snapshot(current), reason=reason)
    return True
