"""Creating and editing enterprise records, each with one audit row. (Many at once — an import, the
reference data — go through :mod:`lianzhao.enterprises.registry`.)"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct

#: What a user may set on an enterprise (the form's fields; ``chain_nodes`` is a list of nodes,
#: ``products`` a list of (name, revenue share or None) replacing the company's main products).
EDITABLE_FIELDS = ("name", "short_name", "uscc", "region_code", "gbt_code", "csrc_code", "stock_code",
                   "registered_capital", "founded_on", "chain_nodes", "is_local", "is_chain_leader", "scale",
                   "products", "note")
#: The source recorded for products typed in the form.
MANUAL_SOURCE = "手工维护"


def product_list(enterprise: Enterprise) -> list[str]:
    """The company's products as the audit trail and the form show them: "隔膜（62%）"."""
    if enterprise.pk is None:
        return []
    return [f"{p.name}（{float(p.share):.0%}）" if p.share is not None else p.name
            for p in enterprise.products.order_by("order", "id")]


@in_data_language
def save_enterprise(enterprise: Enterprise | None = None, *, data: dict, acting_user) -> Enterprise:
    """Create an enterprise (``enterprise`` None) or change one: ``data`` maps fields of
    :data:`EDITABLE_FIELDS` to cleaned values. The row is validated (``full_clean``: unique name and
    USCC, check digit, GB/T code) and written with its chain nodes and products in one transaction,
    with one audit row of the before/after values (none when nothing changed)."""
    permissions.require(permissions.can_edit_enterprises(acting_user), _("您没有维护企业信息的权限。"))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")
    with transaction.atomic():
        if enterprise is None:
            current, before = Enterprise(), None
        else:
            current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
            before = {**snapshot(current), "products": product_list(current)}
        for field, value in data.items():
            if field not in ("chain_nodes", "products"):
                setattr(current, field, value)
        current.full_clean()
        current.save()
        if "chain_nodes" in data:
            current.chain_nodes.set(data["chain_nodes"])
        if "products" in data and [(p.name, p.share) for p in current.products.order_by("order", "id")] != list(
                data["products"]):
            current.products.all().delete()
            EnterpriseProduct.objects.bulk_create([
                EnterpriseProduct(enterprise=current, name=name, share=share, source=MANUAL_SOURCE, order=i)
                for i, (name, share) in enumerate(data["products"])])
            current.save()  # the search text covers the products
        after = {**snapshot(current), "products": product_list(current)}
        if before != after:
            record_change(actor=acting_user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                          obj=current, before=before, after=after)
    return current
