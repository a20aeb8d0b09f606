"""Fields of the project form that help the officer: the investor found by name (with a search that
fills the browser's suggestion list, and a new company added on the spot), chain nodes that follow
the chosen industry, and the ledger's choice lists as the admin keeps them."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode
from lianzhao.projects.choices import LEDGER_FIELD
from lianzhao.projects.models import LedgerChoice

#: How many suggestions the investor search returns.
SUGGESTIONS = 20


class EnterpriseNameField(forms.ModelChoiceField):
    """An enterprise typed by its full name (as the registry holds it) in a text box with the
    browser's suggestion list (``<datalist>``), which htmx refills from the registry's search as the
    officer types; without JavaScript the full name typed is enough. A number is taken as the
    enterprise's id (what a form posted by a program or an older page sends)."""

    widget = forms.TextInput

    def __init__(self, queryset=None, **kwargs):
        kwargs["to_field_name"] = "name"
        super().__init__(queryset=Enterprise.objects.all(), **kwargs)
        self.widget.attrs.update({
            "list": "investor-options", "autocomplete": "off",
            "hx-get": reverse_lazy("project_investor_options"), "hx-trigger": "input changed delay:300ms",
            "hx-target": "#investor-options", "hx-swap": "innerHTML",
            "placeholder": _("输入企业名称或统一社会信用代码查找"),
        })

    def prepare_value(self, value):
        if isinstance(value, Enterprise):
            return value.name
        if isinstance(value, int):  # the instance's id, as ModelForm gives it
            return Enterprise.objects.filter(pk=value).values_list("name", flat=True).first() or ""
        return super().prepare_value(value)

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        found = self.queryset.filter(name=text).first()
        if found is None and str(text).isdigit():
            found = self.queryset.filter(pk=int(text)).first()
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": text})
        return found


def investor_suggestions(text: str) -> list[Enterprise]:
    """The registry's companies matching ``text`` (name or USCC, the registry's own search)."""
    text = (text or "").strip()
    if not text:
        return []
    return list(Enterprise.objects.search(text).order_by("name")[:SUGGESTIONS])


def chain_node_choices(industry_id=None) -> list:
    """The chain nodes offered: those of ``industry_id``, or — no industry chosen yet, or no
    JavaScript to refill the list — every industry's nodes grouped under its name."""
    nodes = ChainNode.objects.select_related("industry").order_by("industry__order", "industry_id", "order", "pk")
    if industry_id:
        return [("", "---------"), *((n.pk, n.name) for n in nodes.filter(industry_id=industry_id))]
    groups: dict[str, list] = {}
    for node in nodes:
        groups.setdefault(node.industry.name, []).append((node.pk, node.name))
    return [("", "---------"), *groups.items()]


def chain_node_trigger() -> dict:
    """htmx attributes for the industry select: refill the chain-node list on change."""
    return {"hx-get": reverse_lazy("project_chain_node_options"), "hx-trigger": "change",
            "hx-target": "#id_chain_node", "hx-swap": "innerHTML"}


def limit_ledger_choices(form: forms.ModelForm) -> None:
    """Each ledger list's choices: any of the list is accepted (the import may name a retired one a
    project already has; :func:`retired_choice_errors` refuses others), the form offers the active
    ones plus the one the project already has."""
    for ledger_list, field_name in LEDGER_FIELD.items():
        field = form.fields.get(field_name)
        if field is None:
            continue
        field.queryset = LedgerChoice.objects.filter(list=ledger_list)
        current = getattr(form.instance, f"{field_name}_id", None)
        field.choices = [("", "---------"), *((c.pk, c.name) for c in field.queryset
                                              if c.is_active or c.pk == current)]


def retired_choice_errors(form: forms.ModelForm) -> None:
    """A retired choice stays on the projects that have it, but is not chosen anew."""
    for field_name in LEDGER_FIELD.values():
        choice = form.cleaned_data.get(field_name)
        if choice is not None and not choice.is_active and choice.pk != getattr(form.instance, f"{field_name}_id"):
            form.add_error(field_name, _("“%(name)s”已停用，请选择其他选项。") % {"name": choice.name})
