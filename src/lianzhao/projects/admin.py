from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.projects.models import LedgerChoice, TrafficLightRule


@admin.register(TrafficLightRule)
class TrafficLightRuleAdmin(AuditedModelAdmin):
    """The one traffic-light rule row: editable, never added twice or deleted."""

    list_display = ("__str__", "yellow_after_days", "red_after_months", "stale_days")

    def has_add_permission(self, request):
        return not TrafficLightRule.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerChoice)
class LedgerChoiceAdmin(AuditedModelAdmin):
    """The ledger's choice lists (项目类型, 投资方性质, 重点项目级别, 落地园区/街道, 境外国别): a district
    renames, orders, retires and adds its own. A choice in use cannot be deleted (retire it instead)."""

    list_display = ("name", "list", "code", "order", "is_active")
    list_filter = ("list", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        # The code is the choice's identity (projects point at it): set once.
        return ("code",) if obj is not None else ()
