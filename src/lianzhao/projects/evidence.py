"""Stage evidence a project records as text (签约主体, 新设企业统一社会信用代码, 施工许可证号, 达产产能) —
the rules shared by the stage change, the import and filling in what a project lacks: how a value is
checked, which stages' evidence a project lacks, and whether a value may fill a gap.

A project created at a later stage (the bureau's old 台账 imported, the demo) may lack the evidence of
stages it reached; it is shown as 佐证待补 and filled in afterwards — only where blank: evidence once
recorded is what the stage change proved and is not rewritten."""

from __future__ import annotations

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lianzhao.projects.choices import PIPELINE, STAGE_SPECS, EvidenceField, ProjectStage
from lianzhao.projects.models import InvestmentProject, ProjectFile
from lianzhao.refdata.uscc import uscc_error

#: The required text evidence of the main-line stages, by field name: (stage, spec). The signed
#: amount is a number with rules of its own (不重复统计); the signing agreement is a file.
TEXT_EVIDENCE: dict[str, tuple[ProjectStage, EvidenceField]] = {
    f.name: (ProjectStage(spec.stage), f) for spec in STAGE_SPECS.values() for f in spec.evidence
    if f.required and f.kind != "number"}

AGREEMENT = _("签约协议文件")


def formfield(field: EvidenceField) -> forms.Field:
    """The form field of one piece of stage evidence: its label from the stage spec, its size from
    the model field; never required here — the stage service decides, per target stage."""
    model_field = InvestmentProject._meta.get_field(field.name)
    if field.kind == "number":
        return forms.DecimalField(label=field.label, required=False, min_value=0,
                                  max_digits=model_field.max_digits, decimal_places=model_field.decimal_places,
                                  error_messages={"invalid": field.invalid, "min_value": field.negative})
    widget = forms.TextInput(attrs={"placeholder": field.placeholder}) if field.placeholder else None
    return forms.CharField(label=field.label, required=False, max_length=model_field.max_length, widget=widget)


@functools.cache
def _text_formfield(name: str) -> forms.Field:
    return formfield(TEXT_EVIDENCE[name][1])  # built once: an import checks it on every row


def clean_text(name: str, text: str) -> str:
    """A text evidence value as stored (stripped; a USCC upper-cased with its check digit checked);
    raises ValidationError with the reasons."""
    field = TEXT_EVIDENCE[name][1]
    value = _text_formfield(name).clean(text)
    if field.kind == "uscc":
        value = value.upper()
        if problem := uscc_error(value):
            raise ValidationError(problem)
    return value


def reached(project, stage: str) -> bool:
    return getattr(project, STAGE_SPECS[stage].date_field) is not None


def fill_problem(project, name: str, value: str) -> str | None:
    """Why ``value`` may not fill the project's ``name`` evidence (a stage not reached, a different
    value already recorded), or None."""
    stage, field = TEXT_EVIDENCE[name]
    if not reached(project, stage):
        return f"项目尚未到“{stage.label}”，不应填写{field.label}。"
    current = getattr(project, name)
    if current and current != value:
        return f"已登记的{field.label}为“{current}”，不能修改（佐证只能补填空缺的）。"
    return None


def gaps(project) -> list[str]:
    """The names of the text evidence the project lacks for the stages it has reached."""
    return [name for name, (stage, _field) in TEXT_EVIDENCE.items()
            if reached(project, stage) and not getattr(project, name)]


def missing(project, filed_stages) -> list[tuple[ProjectStage, list]]:
    """(stage, labels) of the required evidence each reached main-line stage lacks — text evidence
    and a document the stage must have on file (``filed_stages``: the stages the project has files
    under)."""
    out = []
    for stage in PIPELINE:
        if not reached(project, stage):
            continue
        spec = STAGE_SPECS[stage]
        lacking = [f.label for f in spec.evidence if f.name in TEXT_EVIDENCE and not getattr(project, f.name)]
        if spec.needs_file and stage not in filed_stages:
            lacking.append(AGREEMENT)
        if lacking:
            out.append((stage, lacking))
    return out


def lacking_q() -> Q:
    """The projects :func:`missing` finds something for, as one filter (the project list's 佐证待补,
    and the export that follows it: fill the evidence in the file, import it again)."""
    q = Q()
    for name, (stage, _field) in TEXT_EVIDENCE.items():
        q |= Q(**{f"{STAGE_SPECS[stage].date_field}__isnull": False, name: ""})
    for stage in PIPELINE:
        spec = STAGE_SPECS[stage]
        if spec.needs_file:
            q |= Q(**{f"{spec.date_field}__isnull": False}) & ~Exists(
                ProjectFile.objects.filter(project=OuterRef("pk"), stage=stage))
    return q
