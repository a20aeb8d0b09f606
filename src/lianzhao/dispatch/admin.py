from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.dispatch.models import DepartmentTarget


@admin.register(DepartmentTarget)
class DepartmentTargetAdmin(AuditedModelAdmin):
    list_display = ("year", "department", "signed_amount", "projects_started", "projects_in_production", "note")
    list_filter = ("year", "department")
    list_select_related = ("department",)
