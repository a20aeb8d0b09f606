from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.targets.models import LeadOrigin


@admin.register(LeadOrigin)
class LeadOriginAdmin(AuditedModelAdmin):
    list_display = ("project", "enterprise", "node", "gap_class", "score", "created_at")
    readonly_fields = ("project", "enterprise", "node", "gap_class", "score", "parts", "reason", "sources", "weights",
                       "created_by")
