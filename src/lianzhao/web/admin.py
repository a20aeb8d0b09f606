"""Admin pages of the shared reference rows that live in core, audited like every other admin page
(core sits below audit, so its models are registered here)."""

from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.core.models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
