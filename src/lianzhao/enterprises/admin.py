from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ("name", "uscc", "region_code", "gbt_code", "is_local", "is_chain_leader", "is_sample")
    list_filter = ("is_local", "is_chain_leader", "scale", "is_sample")
    search_fields = ("name", "uscc")
    filter_horizontal = ("chain_nodes",)
