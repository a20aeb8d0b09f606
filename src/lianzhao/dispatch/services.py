"""Writes of the dispatch app: setting a department's annual targets (admins only, audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.dispatch.models import DepartmentTarget


def can_edit_targets(user) -> bool:
    """Targets are set by the bureau's administrators (the leaders read them, departments compete)."""
    return permissions.role_of(user) == Role.ADMIN


def save_department_target(form, *, acting_user) -> DepartmentTarget:
    """Create or update the target of a validated :class:`DepartmentTargetForm` whose instance carries
    the department and year; one audit row with before/after values (none when nothing changed)."""
    permissions.require(can_edit_targets(acting_user), _("只有管理员可以设定部门年度目标。"))
    target = form.instance
    with transaction.atomic():
        stored = DepartmentTarget.objects.select_for_update().filter(pk=target.pk).first() if target.pk else None
        before = snapshot(stored) if stored else None
        target.full_clean()
        target.save()
        after = snapshot(target)
        if before != after:
            record_change(actor=acting_user, action=AuditAction.UPDATE if stored else AuditAction.CREATE,
                          obj=target, before=before, after=after, reason=f"{target.year} 年度目标")
    return target
