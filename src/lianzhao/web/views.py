"""Pages of the web shell: the read-only audit log for admins and leaders."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord


@require_GET
def audit_list(request):
    permissions.require(permissions.can_view_audit(request.user), _("只有管理员和领导可以查看审计日志。"))
    records = AuditRecord.objects.select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        records = records.filter(action=action)
    model = request.GET.get("model", "").strip()
    if model:
        records = records.filter(model_name=model)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {
        "page": page, "actions": AuditAction.choices, "action": action, "model": model,
        "models": AuditRecord.objects.order_by().values_list("model_name", flat=True).distinct(),
    })
