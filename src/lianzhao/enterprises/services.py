"""Creating and editing enterprise records, each with one audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.enterprises.models import Enterprise

#: What a user may set on an enterprise (the form's fields; ``chain_nodes`` is a list of nodes).
EDITABLE_FIELDS = ("name", "uscc", "region_code", "gbt_code", "chain_nodes", "is_local", "is_chain_leader",
                   "scale", "note")


@in_data_language
def save_enterprise(enterprise: Enterprise | None = None, *, data: dict, acting_user) -> Enterprise:
    """Create an enterprise (``enterprise`` None) or change one: ``data`` maps fields of
    :data:`EDITABLE_FIELDS` to cleaned values. The row is validated (``full_clean``: unique name and
    USCC, check digit, GB/T code) and written with its chain nodes in one transaction, with one audit
    row of the before/after values (none when nothing changed)."""
    permissions.require(permissions.can_edit_enterprises(acting_user), _("您没有维护企业信息的权限。"))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")
    with transaction.atomic():
        if enterprise is None:
            current, before = Enterprise(), None
        else:
            current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
            before = snapshot(current)
        for field, value in data.items():
            if field != "chain_nodes":
                setattr(current, field, value)
        current.full_clean()
        current.save()
        if "chain_nodes" in data:
            current.chain_nodes.set(data["chain_nodes"])
        after = snapshot(current)
        if before != after:
            record_change(actor=acting_user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                          obj=current, before=before, after=after)
    return current
