from django.contrib import admin

from lianzhao.audit.admin_mixins import AuditedModelAdmin
from lianzhao.industries.models import ChainNode, Industry, IndustryLink


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "order", "source")
    list_filter = ("kind",)
    prepopulated_fields = {}


@admin.register(IndustryLink)
class IndustryLinkAdmin(AuditedModelAdmin):
    list_display = ("source", "target", "kind", "citation")


@admin.register(ChainNode)
class ChainNodeAdmin(AuditedModelAdmin):
    list_display = ("name", "industry", "position", "parent", "gbt_codes")
    list_filter = ("industry", "position")
    search_fields = ("name", "key")
