"""Django admin edits of reference tables are business-data changes too: audit them."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit row in the same transaction."""

    audit_exclude: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = type(obj)._default_manager.get(pk=obj.pk)
            before = snapshot(old, exclude=self.audit_exclude)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            request._lianzhao_audit = (obj, before, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values are saved here, after save_model; snapshot only once they are in.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj, before, changed = getattr(request, "_lianzhao_audit", (form.instance, None, change))
            record_change(
                actor=request.user,
                action=AuditAction.UPDATE if changed else AuditAction.CREATE,
                obj=obj,
                before=before,
                after=snapshot(obj, exclude=self.audit_exclude),
                reason="管理后台",
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = snapshot(obj, exclude=self.audit_exclude)
            record_change(actor=request.user, action=AuditAction.DELETE, obj=obj, before=before,
                          after=None, reason="管理后台")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record_change(actor=request.user, action=AuditAction.DELETE, obj=obj,
                              before=snapshot(obj, exclude=self.audit_exclude), after=None,
                              reason="管理后台批量删除")
            super().delete_queryset(request, queryset)
