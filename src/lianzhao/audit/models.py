"""The audit trail: one row per change to business data, never edited afterwards."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhao.audit.choices import AuditAction


class AuditRecordQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            app_label=obj._meta.app_label, model_name=obj._meta.model_name, object_id=str(obj.pk)
        )


class AuditRecord(models.Model):
    """Who changed which object when, with the field values before and after the change."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_name = models.CharField(_("操作人（记录时）"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices)
    app_label = models.CharField(max_length=64)
    model_name = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=255)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=255, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["app_label", "model_name", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each field whose value differs (all fields on create and
        delete); labels are the model's verbose names where the model still has the field (other keys,
        such as a count a service adds, or a reverse relation's name, are shown as they are)."""
        before, after = self.before or {}, self.after or {}
        keys = [k for k in dict.fromkeys([*before.keys(), *after.keys()]) if k not in ("id", "version")]
        return [(self._label(k), before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def _label(self, attname: str) -> str:
        try:
            model = apps.get_model(self.app_label, self.model_name)
            field = model._meta.get_field(attname.removesuffix("_id"))
        except (LookupError, FieldDoesNotExist):
            return attname
        if not hasattr(field, "verbose_name"):  # a reverse relation (RegionalBase.rows) has none
            return attname
        return str(field.verbose_name)
