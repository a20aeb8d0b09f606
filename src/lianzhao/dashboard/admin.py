from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.dashboard.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ("label", "qualifier", "value", "unit", "year", "source", "is_sample")
