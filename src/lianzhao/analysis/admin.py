from django.contrib import admin

from lianzhao.analysis.models import AnalysisSettings, ProjectImpactInput, RegionalBase
from lianzhao.audit.admin_mixins import AuditedModelAdmin


@admin.register(AnalysisSettings)
class AnalysisSettingsAdmin(AuditedModelAdmin):
    list_display = ("region", "table_year", "table_sectors", "method", "delta", "version")
    readonly_fields = ("version",)


@admin.register(RegionalBase)
class RegionalBaseAdmin(AuditedModelAdmin):
    list_display = ("name", "region", "measure", "is_active", "created_at")
    readonly_fields = ("imported_by",)


@admin.register(ProjectImpactInput)
class ProjectImpactInputAdmin(AuditedModelAdmin):
    list_display = ("project", "annual_output", "sector_override")
