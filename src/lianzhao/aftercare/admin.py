"""Reference tables an admin edits (audited): handling departments and their staff, request
categories (routing and deadline), landing-step templates, service officers."""

from django import forms
from django.contrib import admin
from django.db import transaction

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import User
from lianzhao.aftercare.models import (
    LandingTemplate,
    LandingTemplateStep,
    ServiceAssignment,
    ServiceDepartment,
    TicketCategory,
)
from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot


@admin.register(ServiceDepartment)
class ServiceDepartmentAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "bureau_department", "order", "is_active")
    filter_horizontal = ("members",)


@admin.register(TicketCategory)
class TicketCategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "department", "days", "order", "is_active")
    list_editable = ("department", "days", "order", "is_active")

    def has_delete_permission(self, request, obj=None):
        # A category in use cannot be deleted (PROTECT); switching it off keeps its history readable.
        return obj is not None and not obj.tickets.exists() and super().has_delete_permission(request, obj)


class LandingTemplateStepInline(admin.TabularInline):
    model = LandingTemplateStep
    extra = 1


@admin.register(LandingTemplate)
class LandingTemplateAdmin(AuditedModelAdmin):
    list_display = ("name", "project_type", "is_active")
    inlines = [LandingTemplateStepInline]

    @staticmethod
    def _steps(template) -> list[str]:
        return [f"{s.order}｜{s.name}｜{s.department or '未指定部门'}｜{s.due_days} 天"
                for s in template.steps.select_related("department")] if template.pk else []

    def save_model(self, request, obj, form, change):
        request._landing_steps_before = self._steps(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # The steps are edited inline: the one audit row holds them before and after.
        with transaction.atomic():
            admin.ModelAdmin.save_related(self, request, form, formsets, change)
            obj, before, changed = request._lianzhao_audit
            if before is not None:
                before = {**before, "steps": request._landing_steps_before}
            record_change(actor=request.user, action=AuditAction.UPDATE if changed else AuditAction.CREATE,
                          obj=obj, before=before, after={**snapshot(obj), "steps": self._steps(obj)},
                          reason="管理后台")


class ServiceAssignmentForm(forms.ModelForm):
    """Only an active 招商专员 can serve a company (lianzhao.aftercare.permissions.serves): anyone else
    named here would hold the company without being able to raise its requests or record its visits.
    The same rule as :func:`lianzhao.aftercare.services.assign_service_officer`."""

    class Meta:
        model = ServiceAssignment
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        officer.queryset = User.objects.filter(role=Role.OFFICER, is_active=True, is_superuser=False)
        officer.error_messages["invalid_choice"] = "服务专员须为在岗的招商专员。"


@admin.register(ServiceAssignment)
class ServiceAssignmentAdmin(AuditedModelAdmin):
    form = ServiceAssignmentForm
    list_display = ("enterprise", "officer", "since")
    autocomplete_fields = ("enterprise",)
    list_select_related = ("enterprise", "officer")
