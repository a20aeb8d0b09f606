from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.projects.models import TrafficLightRule


@admin.register(TrafficLightRule)
class TrafficLightRuleAdmin(AuditedModelAdmin):
    """The one traffic-light rule row: editable, never added twice or deleted."""

    list_display = ("__str__", "yellow_after_days", "red_after_months", "stale_days")

    def has_add_permission(self, request):
        return not TrafficLightRule.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
