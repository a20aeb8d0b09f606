"""Writing audit records. Every service that changes business data calls :func:`record_change`
inside its own transaction, so the change and its audit row commit or roll back together."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.db import models

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.core.i18n import data_language


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The object's concrete field values (foreign keys as ids) and many-to-many ids, JSON-ready.
    Fields the model lists in ``audit_exclude`` (derived data nobody edits) are left out."""
    exclude = (*exclude, *getattr(obj, "audit_exclude", ()))
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in ("created_at", "updated_at"):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name or ""  # the stored path, not the file object
        elif isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
            # Same text whether the value came from a form ("5.5") or the database ("5.50").
            value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        data[field.attname] = _jsonable(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name not in exclude:
                data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def record_change(
    *, actor, action: str, obj: models.Model, before: dict | None, after: dict | None, reason: str = ""
) -> AuditRecord:
    """Write one audit row for ``obj``. ``before`` is None on create, ``after`` None on delete."""
    record = audit_record(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)
    record.save()
    return record


def record_saved(obj: models.Model, *, before: dict | None, actor, reason: str = "") -> AuditRecord | None:
    """Audit ``obj`` just saved: a creation when ``before`` is None, else an update — or nothing when
    no field changed (saving the same values again leaves no trail)."""
    after = snapshot(obj)
    if before is not None and after == before:
        return None
    return record_change(actor=actor, action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
                         obj=obj, before=before, after=after, reason=reason)


def audit_record(
    *, actor, action: str, obj: models.Model, before: dict | None, after: dict | None, reason: str = ""
) -> AuditRecord:
    """The unsaved audit row :func:`record_change` writes, for services that write many rows at once
    with ``AuditRecord.objects.bulk_create`` (the Excel import) in their own transaction."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    actor_obj = actor if getattr(actor, "pk", None) else None
    with data_language():  # an object's name may include a choice label; the trail stays Chinese
        object_repr = str(obj)[:255]
    return AuditRecord(
        actor=actor_obj,
        actor_name=(str(actor_obj) if actor_obj else "系统"),
        action=action,
        app_label=obj._meta.app_label,
        model_name=obj._meta.model_name,
        object_id=str(obj.pk),
        object_repr=object_repr,
        before=before,
        after=after,
        reason=reason[:255],
    )


def record_account_event(*, action: str, user, username: str, address: str, reason: str = "") -> AuditRecord:
    """One audit row for a login, a failed login or a lockout. ``user`` is the account when it
    exists (None for a name nobody has); ``username`` is the name as typed, ``address`` the client's."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    actor = user if getattr(user, "pk", None) else None
    return AuditRecord.objects.create(
        actor=actor if action == AuditAction.LOGIN else None,
        actor_name=str(actor) if action == AuditAction.LOGIN else "",
        action=action,
        app_label="accounts",
        model_name="user",
        object_id=str(actor.pk) if actor else "",
        object_repr=(str(actor) if actor else username)[:255],
        before=None,
        after={"username": username[:150], "address": address},
        reason=reason[:255],
    )


#: How far below the newest audit row :func:`data_stamp` counts rows (see there).
_STAMP_WINDOW = 10_000


def data_stamp() -> str:
    """A value that changes with every change to the business data: every such change writes an
    audit row (:func:`record_change`, the bulk imports' set-based audit rows, logins). It is the
    newest row's id and the number of rows among the last 10,000 ids — the count catches a long
    transaction (an import) that took its ids before a shorter one and committed after it, which
    the newest id alone would miss on PostgreSQL. Two indexed reads."""
    newest = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    recent = AuditRecord.objects.filter(pk__gt=newest - _STAMP_WINDOW).count()
    return f"{newest}:{recent}"
