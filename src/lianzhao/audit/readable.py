"""Audit records as people read them: field labels instead of column names, choice labels instead of
stored values (签约, not ``signed``), the names of related objects instead of their ids (新能源汽车,
not ``industry_id: 1``), 是/否 for yes/no — and on creation only the fields that were filled in.

Related names are read for a whole page of records at once (:func:`describe`: one query per kind of
related object), never one query per value."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.audit.choices import AuditAction

EMPTY = "—"

#: Keys services add to a snapshot beside the model's fields.
EXTRA_LABELS = {
    "evidence_file": gettext_lazy("佐证材料"),
    "username": gettext_lazy("登录名"),
    "address": gettext_lazy("地址"),
}


@dataclass(frozen=True)
class Change:
    """One field of a record: its label and its values before and after, as text."""

    label: str
    before: str
    after: str


def _model(record):
    try:
        return apps.get_model(record.app_label, record.model_name)
    except LookupError:
        return None


def _field(model, key: str):
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        # The model's own columns and many-to-many fields; a reverse relation's name is just a key.
        if field.concrete or (field.many_to_many and not field.auto_created):
            return field
    return None


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def describe(records) -> list:
    """Attach ``readable`` (a list of :class:`Change`) to each record of ``records`` and return
    them: the related objects they name are fetched in one query per related model."""
    records = list(records)
    wanted: dict[type, set] = defaultdict(set)
    for record in records:
        model = _model(record)
        for key in {*(record.before or {}), *(record.after or {})}:
            field = _field(model, key)
            if field is not None and field.is_relation and field.related_model is not None:
                for snap in (record.before or {}, record.after or {}):
                    value = snap.get(key)
                    for pk in value if isinstance(value, list) else [value]:
                        if not _is_empty(pk):
                            wanted[field.related_model].add(pk)
    names = {}
    for related, pks in wanted.items():
        manager = related._base_manager
        names.update({(related, str(obj.pk)): str(obj) for obj in manager.filter(pk__in=pks)})
    for record in records:
        record.readable = _changes(record, names)
        model = _model(record)
        record.model_label = str(model._meta.verbose_name) if model is not None else record.model_name
    return records


def _text(field, value, names: dict) -> str:
    if _is_empty(value):
        return EMPTY
    if field is None:
        return str(value)
    if field.is_relation and field.related_model is not None:
        values = value if isinstance(value, list) else [value]
        return "、".join(names.get((field.related_model, str(pk)), f"#{pk}") for pk in values)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    return str(value)


def _label(model, key: str, field) -> str:
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return str(EXTRA_LABELS.get(key, key))


def _changes(record, names: dict) -> list[Change]:
    model = _model(record)
    before, after = record.before or {}, record.after or {}
    out = []
    for key in dict.fromkeys([*before, *after]):
        if key in ("id", "version"):
            continue
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if record.action == AuditAction.CREATE and _is_empty(new):
            continue  # a field left empty on creation is not a change anyone made
        if record.action == AuditAction.DELETE and _is_empty(old):
            continue
        field = _field(model, key)
        out.append(Change(_label(model, key, field), _text(field, old, names), _text(field, new, names)))
    return out
