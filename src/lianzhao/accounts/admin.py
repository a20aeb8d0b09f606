from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.models import Department, User
from lianzhao.audit.admin_mixins import AuditedModelAdmin


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "focus")
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "is_active")
    list_filter = ("role", "department", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + ((_("链招"), {"fields": ("display_name", "role", "department")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("链招"), {"fields": ("display_name", "role", "department")}),)
