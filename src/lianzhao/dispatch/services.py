"""Writes of the dispatch app: setting a department's annual targets (admins only, audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.dispatch.models import DepartmentTarget

#: What a target holds besides its department and year.
TARGET_FIELDS = ("signed_amount", "new_projects", "funds_in_place", "projects_started", "projects_in_production",
                 "note")


def can_edit_targets(user) -> bool:
    """Targets are set by the bureau's administrators (the leaders read them, departments compete)."""
    return permissions.role_of(user) == Role.ADMIN


@in_data_language
def save_department_target(department, year: int, *, data: dict, acting_user) -> DepartmentTarget:
    """Create or change ``department``'s targets for ``year``: ``data`` maps :data:`TARGET_FIELDS`
    to cleaned values. The row is locked, validated (year 2000–2100, no negative target) and
    written with one audit row of the before/after values (none when nothing changed)."""
    permissions.require(can_edit_targets(acting_user), _("只有管理员可以设定部门年度目标。"))
    unknown = set(data) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")
    with transaction.atomic():
        stored = DepartmentTarget.objects.select_for_update().filter(department=department, year=year).first()
        before = snapshot(stored) if stored else None
        target = stored or DepartmentTarget(department=department, year=year)
        for field, value in data.items():
            setattr(target, field, value)
        target.full_clean()
        target.save()
        after = snapshot(target)
        if before != after:
            record_change(actor=acting_user, action=AuditAction.UPDATE if stored else AuditAction.CREATE,
                          obj=target, before=before, after=after, reason=f"{target.year} 年度目标")
    return target
