from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.core.models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
