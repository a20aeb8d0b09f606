"""The project ledger (招商项目台账): its choice lists as data, and how a project's source is named."""

from __future__ import annotations

from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from lianzhao.paths import DataDirError
from lianzhao.projects.choices import DEFAULT_LEDGER_CHOICES
from lianzhao.refdata.divisions import load_divisions


def ensure_default_choices(sender=None, *, apps=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> int:
    """Give every ledger list that has no choice at all its defaults
    (:data:`~lianzhao.projects.choices.DEFAULT_LEDGER_CHOICES`); a list an admin has filled (or
    retired every choice of) is left alone. Runs after ``migrate`` (a ``post_migrate`` receiver, so a
    new installation and a flushed test database start with them). Returns the choices added."""
    if apps is None:
        from django.apps import apps
    try:
        model = apps.get_model("projects", "LedgerChoice")
    except LookupError:  # migrating backwards, before the table exists
        return 0
    filled = set(model.objects.using(using).values_list("list", flat=True).distinct())
    new = [model(code=code, list=ledger_list, name=name, order=order)
           for ledger_list, choices in DEFAULT_LEDGER_CHOICES.items() if ledger_list not in filled
           for order, (code, name) in enumerate(choices, start=1)]
    model.objects.using(using).bulk_create(new, ignore_conflicts=True)
    return len(new)


def origin_label(project) -> str:
    """Where the investor comes from: the division's full name ("广东省深圳市", code kept when the
    reference data cannot be read) or the foreign country or region; "" when not recorded."""
    if project.origin_country_id:
        return project.origin_country.name
    if not project.origin_division:
        return ""
    try:
        return load_divisions().full_name(project.origin_division) or project.origin_division
    except DataDirError:
        return project.origin_division


def ledger_facts(project) -> list[tuple[str, str]]:
    """The project's ledger fields as (label, text) for its page, in the form's order; the two
    fields of the investor's origin shown as one. Empty values as "—" so a gap in the ledger shows."""
    from lianzhao.projects.services import LEDGER_FIELDS

    facts = []
    for name in LEDGER_FIELDS:
        if name == "origin_country":
            continue
        field = project._meta.get_field(name)
        if name == "origin_division":
            facts.append((_("投资方来源地"), origin_label(project) or "—"))
            continue
        value = getattr(project, name)
        if isinstance(value, bool):
            text = _("是") if value else _("否")
        elif value is None or value == "":
            text = "—"
        elif isinstance(value, Decimal):
            text = f"{value.normalize():f}"
        else:
            text = str(value)
        facts.append((str(field.verbose_name), text))
    return facts
