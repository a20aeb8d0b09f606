"""Creating and editing enterprise records, each with one audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.enterprises.models import Enterprise


def save_enterprise(form, *, acting_user) -> Enterprise:
    """Save a validated ``EnterpriseForm`` (create or update), auditing before/after values."""
    permissions.require(permissions.can_edit_enterprises(acting_user), _("您没有维护企业信息的权限。"))
    instance = form.instance
    creating = instance.pk is None
    with transaction.atomic():
        before = None if creating else snapshot(Enterprise.objects.get(pk=instance.pk))
        enterprise = form.save()
        after = snapshot(enterprise)
        if creating or before != after:
            record_change(actor=acting_user,
                          action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                          obj=enterprise, before=before, after=after)
    return enterprise
