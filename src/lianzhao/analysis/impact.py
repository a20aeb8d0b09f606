"""A project's impact card: the project's data and the bureau's assumptions, handed to
:func:`lianzhao.econ.impact_card.impact_card` with the region's regionalized table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianzhao.analysis.engine import RegionalContext
from lianzhao.analysis.models import ProjectImpactInput
from lianzhao.core.units import YI
from lianzhao.econ.construction import project_sector_for_codes
from lianzhao.econ.impact_card import KINDS, PARTS, ImpactAssumptions, ImpactCard, impact_card

#: Phase and figure names as the UI shows them, by econ.impact_card's keys (it names them in Chinese only).
PHASE_LABELS = {"construction": gettext_noop("建设期"), "operation": gettext_noop("运营期")}
KIND_LABELS = {"output": gettext_noop("总产出"), "value_added": gettext_noop("增加值"), "jobs": gettext_noop("就业")}


@dataclass(frozen=True)
class ProjectImpact:
    card: ImpactCard
    assumptions: ImpactAssumptions
    inputs: ProjectImpactInput | None
    investment_basis: str
    sector_basis: str
    context: RegionalContext
    #: Where the operation phase's annual output comes from (:func:`output_basis`).
    output_basis: str = ""


def _frozen(value):
    """A hashable stand-in for an assumption's value (mappings as sorted item tuples)."""
    if isinstance(value, Mapping):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def impact_input_of(project) -> ProjectImpactInput | None:
    return ProjectImpactInput.objects.filter(project=project).first()


def output_basis(project, inputs: ProjectImpactInput | None) -> str:
    """Which figure :func:`annual_output_of` took, in the active language."""
    if inputs is not None and inputs.annual_output is not None:
        return _("测算假设中指定的预计达产年产值（分析人员填写，优先于台账）")
    if project.expected_output is not None:
        return _("项目台账的预计年产值（责任人填报）")
    return _("未填（台账与测算假设均无预计年产值，不计算运营期影响）")


def annual_output_of(project, inputs: ProjectImpactInput | None):
    """The operation phase's annual output (亿元): the analyst's assumption when set, else the project
    ledger's 预计年产值 (the officer's figure); None when neither is known."""
    if inputs is not None and inputs.annual_output is not None:
        return inputs.annual_output
    return project.expected_output


def project_impact(project, context: RegionalContext) -> ProjectImpact:
    inputs = impact_input_of(project)
    if project.amount is not None:
        investment, investment_basis = float(project.amount) * YI, _("计划投资额")
    elif project.signed_amount is not None:
        investment, investment_basis = float(project.signed_amount) * YI, _("签约投资额")
    else:
        investment, investment_basis = None, _("未填")
    sector, sector_basis = None, _("未关联产业链环节")
    if inputs and inputs.sector_override:
        sector, sector_basis = inputs.sector_override, _("测算假设中指定")
    elif project.chain_node_id and project.chain_node.gbt_codes:
        sector = project_sector_for_codes(project.chain_node.gbt_codes, level=context.table_sectors,
                                          year=context.table_year)
        sector_basis = _("产业链环节“%(node)s”的行业代码 %(codes)s") % {
            "node": project.chain_node.name, "codes": "、".join(project.chain_node.gbt_codes)}
    a = ImpactAssumptions.for_tables(
        context.national, context.regional,
        investment=investment,
        construction_shares=(inputs.construction_shares or None) if inputs else None,
        annual_output=float(output) * YI if (output := annual_output_of(project, inputs)) is not None else None,
        project_sector=sector,
    )
    # The card is a pure function of the context and the assumptions: computed once per process
    # for each set of them (a changed project or assumption is another key).
    card = context.memoized(("impact_card", *(_frozen(getattr(a, f.name)) for f in fields(a))),
                            lambda: impact_card(context.national, context.regional, a))
    return ProjectImpact(card=card, assumptions=a, inputs=inputs, investment_basis=investment_basis,
                         output_basis=output_basis(project, inputs),
                         sector_basis=sector_basis, context=context)


def phase_rows(impact: ProjectImpact) -> list[dict]:
    """Display rows per phase: output and value added in 亿元, jobs in persons; names in the active
    language."""
    out = []
    for key, phase in impact.card.phases.items():
        if phase is None:
            continue
        rows = []
        for kind, label in KINDS.items():
            if kind not in phase.rows.index:
                continue
            scale = 1.0 if kind == "jobs" else 1 / YI
            values = {part: phase.rows.loc[kind, part] for part in PARTS}
            rows.append({"kind": kind, "label": _(KIND_LABELS[kind]) if kind in KIND_LABELS else label,
                         "unit": _("人") if kind == "jobs" else _("亿元"),
                         **{part: (None if v != v else float(v) * scale) for part, v in values.items()}})
        out.append({"key": key, "label": _(PHASE_LABELS[key]) if key in PHASE_LABELS else phase.label,
                    "rows": rows,
                    "shock": [{"sector": s, "name": r.get("name", ""), "spending": float(r.get("spending", 0)) / YI,
                               "share": r.get("local_purchase_share"), "shock": float(r.get("shock", 0)) / YI,
                               "source": r.get("source", "")}
                              for s, r in phase.detail.iterrows()]})
    return out


def sensitivity_rows(card: ImpactCard) -> list[dict]:
    """Total output (亿元) and jobs per phase for each δ of the card's sensitivity band."""
    rows = []
    for entry in card.sensitivity:
        row = {"delta": entry["delta"], "lambda_star": entry["lambda_star"]}
        for phase in ("construction", "operation"):
            values = entry.get(phase)
            row[phase] = None if values is None else {
                "output": values.get("output", 0) / YI, "value_added": values.get("value_added", 0) / YI,
                "jobs": values.get("jobs")}
        rows.append(row)
    return rows


def card_blocks(project, context: RegionalContext) -> dict:
    """What the impact card page and its PDF both show (their shared blocks, analysis/_impact_*.html):
    the project, its impact, the rows per phase, the sensitivity band and the regional context."""
    impact = project_impact(project, context)
    return {"project": project, "impact": impact, "card": impact.card, "phases": phase_rows(impact),
            "sensitivity": sensitivity_rows(impact.card), "context": context}
