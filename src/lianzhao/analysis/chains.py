"""Chain gaps of one industry: the database's chain map, local presence and analyst-set node shares,
handed to :func:`lianzhao.econ.gaps.find_gaps` with the region's regionalized table, and every
verdict tried across the robustness band (:mod:`lianzhao.analysis.scenarios`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from lianzhao.analysis import scenarios as band
from lianzhao.analysis.engine import AnalysisUnavailable, RegionalContext
from lianzhao.core.i18n import in_data_language
from lianzhao.core.units import YI
from lianzhao.econ.gaps import ChainNodeInput, GapThresholds, chain_node_inputs, chain_totals, find_gaps
from lianzhao.econ.node_shares import ShareError
from lianzhao.econ.robust import band_classes, robust_share, stability
from lianzhao.industries.models import ChainNode

#: Colours of the classes on the chain map (also used in the legend).
CLASS_COLOURS = {"fill": "#d9480f", "strengthen": "#f59f00", "extend": "#7048e8", "advantage": "#2b8a3e",
                 "watch": "#adb5bd"}
#: The classes' names as the UI shows them (econ.gaps names them in Chinese only).
CLASS_LABELS = {"fill": gettext_noop("补链"), "strengthen": gettext_noop("强链"), "extend": gettext_noop("延链"),
                "advantage": gettext_noop("优势"), "watch": gettext_noop("待观察")}
STABILITY_LABELS = {"robust": gettext_noop("稳健"), "sensitive": gettext_noop("敏感")}
SHARE_RULE_LABELS = {"classes": gettext_noop("按小类份额"), "even": gettext_noop("按部门均分")}


@dataclass(frozen=True)
class IndustryGaps:
    """One industry's gap table with the context it was computed in, each verdict's stability across
    the band and the chain's totals with every sector counted once."""

    industry: object
    table: pd.DataFrame  # one row per node key, columns from find_gaps
    nodes: list  # ChainNode rows, in map order
    thresholds: GapThresholds
    context: RegionalContext
    stability: pd.DataFrame | None = None  # one row per node key, from econ.robust.stability
    totals: dict | None = None  # econ.gaps.chain_totals, 万元

    @property
    def robust_share(self) -> float:
        return robust_share(self.stability) if self.stability is not None else float("nan")

    @property
    def robust_count(self) -> int:
        return 0 if self.stability is None else int((self.stability["stability"] == "robust").sum())


def thresholds_of(context: RegionalContext) -> GapThresholds:
    return context.thresholds


def chain_nodes(industry) -> list:
    """The industry's chain nodes in map order, with local presence."""
    return list(ChainNode.objects.filter(industry=industry).with_presence()
                .select_related("parent").order_by("order", "id"))


def node_inputs(nodes: list, context: RegionalContext, rule: str | None = None) -> list[ChainNodeInput]:
    """The nodes' inputs to :func:`find_gaps`: sector weights from the concordance, node shares by
    ``rule`` (default: the settings') with the analysts' shares, local enterprises and chain leaders,
    and neighbours (parent, children, and the roots of adjacent positions)."""
    plain = [{"key": n.key, "name": n.name, "position": n.position, "gbt_codes": list(n.gbt_codes),
              "parent": n.parent.key if n.parent_id else None} for n in nodes]
    counts = {n.key: (n.local_count, n.leader_count) for n in nodes}
    fixed = {k: {s: v[0] for s, v in by.items()} for k, by in context.node_shares.items() if k in counts}
    notes = {k: {s: v[1] for s, v in by.items()} for k, by in context.node_shares.items() if k in counts}
    try:
        return chain_node_inputs(plain, counts, level=context.table_sectors, year=context.table_year,
                                 share_rule=rule or context.share_rule, fixed_shares=fixed, fixed_notes=notes)
    except ShareError as exc:
        raise AnalysisUnavailable(gettext("节点份额有误，请在“节点份额”中修正：%(error)s") % {"error": exc}) from exc


def industry_gaps(industry, context: RegionalContext) -> IndustryGaps:
    nodes = chain_nodes(industry)
    thresholds = thresholds_of(context)
    if not nodes:
        return IndustryGaps(industry=industry, table=pd.DataFrame(), nodes=nodes, thresholds=thresholds,
                            context=context)
    rules = dict.fromkeys([context.share_rule, *band.BAND.share_rules])
    inputs = {rule: node_inputs(nodes, context, rule) for rule in rules}
    base = inputs[context.share_rule]
    table = find_gaps(context.regional, base, thresholds)
    scenario_list = band.scenarios(context)
    classes = band_classes(band.band_regionals(context), inputs, scenario_list, thresholds)
    return IndustryGaps(industry=industry, table=table, nodes=nodes, thresholds=thresholds, context=context,
                        stability=stability(classes, scenario_list), totals=chain_totals(context.regional, base))


def _share(value) -> float | None:
    return None if pd.isna(value) else float(value)


def rows_for_display(gaps: IndustryGaps, sort: str = "") -> list[dict]:
    """Plain rows (亿元) for the HTML table, the Excel workbook and the CLI, with labels in the active
    language (the exports build them inside :func:`lianzhao.core.i18n.data_language`). The default
    order puts 稳健 verdicts first (map order within each group)."""
    rows = []
    for node in gaps.nodes:
        r = gaps.table.loc[node.key]
        st = gaps.stability.loc[node.key] if gaps.stability is not None else None
        rows.append({
            "key": node.key, "industry": gaps.industry.name, "node": node.name,
            "position": node.get_position_display(), "sectors": r["sectors"], "shares": r["shares"],
            "klass": r["klass"],
            "klass_label": gettext(CLASS_LABELS[r["klass"]]) if r["klass"] in CLASS_LABELS else r["klass_label"],
            "demand": float(r["demand"]) / YI, "local_supply": float(r["local_supply"]) / YI,
            "leakage": float(r["leakage"]) / YI, "leakage_domestic": float(r["leakage_domestic"]) / YI,
            "leakage_abroad": float(r["leakage_abroad"]) / YI,
            "local_share": _share(r["local_share"]), "leakage_share": _share(r["leakage_share"]),
            "abroad_share": _share(r["abroad_share"]), "plant_output": _share(r["plant_output"] / YI),
            "plants": _share(r["plants"]), "import_substitution": bool(r["import_substitution"]),
            "local_enterprises": int(r["local_enterprises"]), "chain_leaders": int(r["chain_leaders"]),
            "stability": None if st is None else st["stability"],
            "stability_label": None if st is None else gettext(STABILITY_LABELS[st["stability"]]),
            "flips": "" if st is None else st["flips"],
            "agreement": None if st is None else float(st["agreement"]),
            "reason": r["reason"],
        })
    keys = {"leakage": lambda x: -x["leakage"], "demand": lambda x: -x["demand"],
            "local_share": lambda x: (x["local_share"] is None, x["local_share"] or 0),
            "abroad": lambda x: -x["leakage_abroad"], "domestic": lambda x: -x["leakage_domestic"],
            "klass": lambda x: list(CLASS_COLOURS).index(x["klass"]) if x["klass"] in CLASS_COLOURS else 99,
            "local_enterprises": lambda x: x["local_enterprises"],
            "map": None}
    if sort in keys and keys[sort] is not None:
        rows.sort(key=keys[sort])
    elif sort != "map":
        rows.sort(key=lambda x: x["stability"] != "robust")
    return rows


@in_data_language
def document_rows(gaps: IndustryGaps) -> list[dict]:
    """The rows of the documents sent upward (Excel, PDF): Chinese whatever the UI language, 稳健
    verdicts first, then the largest leakage."""
    return sorted(rows_for_display(gaps, "leakage"), key=lambda x: x["stability"] != "robust")


def chart_data(gaps: IndustryGaps, rows: list[dict]) -> dict:
    """The chain map coloured by class and sized by leakage: for charts.js on the page and, through
    :func:`lianzhao.analysis.gap_pdf.chain_svg`, for the printed report (both from
    :func:`lianzhao.industries.charts.chain_layout`)."""
    from lianzhao.industries.charts import chain_layout

    layout = chain_layout(gaps.nodes)
    by_key = {r["key"]: r for r in rows}
    max_leak = max([r["leakage"] for r in rows] or [0]) or 1.0
    out_nodes = []
    for node in gaps.nodes:
        r = by_key[node.key]
        x, y = layout.positions[node.pk]
        out_nodes.append({
            "id": str(node.pk), "name": node.name, "position": r["position"], "x": x, "y": y,
            "klass": r["klass"], "label": r["klass_label"], "colour": CLASS_COLOURS.get(r["klass"], "#868e96"),
            "size": 14 + 36 * (max(r["leakage"], 0) / max_leak) ** 0.5,
            "demand": round(r["demand"], 2), "leakage": round(r["leakage"], 2),
            "local_share": None if r["local_share"] is None else round(r["local_share"], 3),
            "local": r["local_enterprises"], "reason": r["reason"],
        })
    legend = [{"klass": k, "colour": c} for k, c in CLASS_COLOURS.items()]
    return {"nodes": out_nodes, "links": [{"source": str(a), "target": str(b)} for a, b in layout.links],
            "legend": legend, "columns": layout.columns, "rows": layout.rows}


THRESHOLD_LABELS = {
    "min_demand": (gettext_lazy("需求门槛下限"), lambda v: gettext("%(value)s 亿元") % {"value": f"{float(v) / YI:g}"}),
    "plant_share": (gettext_lazy("需求门槛（典型企业年产值的倍数）"), lambda v: f"{float(v):g}"),
    "strengthen_leakage": (gettext_lazy("强链外溢比例阈值"), lambda v: f"{float(v):.0%}"),
    "extend_linkage": (gettext_lazy("延链联系系数阈值"), lambda v: f"{float(v):g}"),
    "strong_neighbour_share": (gettext_lazy("强环节本地供给比例阈值"), lambda v: f"{float(v):.0%}"),
    "chain_leader_is_strong": (gettext_lazy("有本地链主即为强环节"), lambda v: gettext("是") if v else gettext("否")),
    "import_substitution_share": (gettext_lazy("进口替代候选的进口比例阈值"), lambda v: f"{float(v):.0%}"),
}


def threshold_rows(thresholds) -> list[tuple[str, str]]:
    """(label, formatted value) for each gap threshold, unknown keys shown as they are."""
    rows = []
    for key, value in thresholds.as_dict().items():
        label, fmt = THRESHOLD_LABELS.get(key, (key, str))
        rows.append((gettext("%(label)s（%(key)s）") % {"label": label, "key": key}, fmt(value)))
    return rows


def class_counts(rows: list[dict]) -> dict[str, int]:
    """How many nodes fall in each class (the map's legend)."""
    return {k: sum(1 for r in rows if r["klass"] == k) for k in CLASS_COLOURS}


def report_blocks(gaps: IndustryGaps, rows: list[dict]) -> dict:
    """What the gap page and the gap report's PDF both show, for their shared template blocks
    (analysis/_gap_*.html): the rows, the map, the class counts, the context and thresholds, the
    share of 稳健 verdicts and the chain's totals (亿元, every sector counted once)."""
    totals = {k: v / YI if isinstance(v, float) else v for k, v in (gaps.totals or {}).items()}
    return {"rows": rows, "chart": chart_data(gaps, rows), "counts": class_counts(rows),
            "context": gaps.context, "thresholds": threshold_rows(gaps.thresholds), "totals": totals,
            "robust": {"count": gaps.robust_count, "nodes": len(rows), "share": gaps.robust_share},
            "band": band_text(gaps.context)}


def band_text(context: RegionalContext) -> str:
    """The band in words, for the page's note on 稳健/敏感."""
    b = band.BAND
    methods = "、".join(m.upper() for m in dict.fromkeys([context.method, *b.methods]))
    deltas = "、".join(f"{d:g}" for d in sorted(set(b.deltas) | {context.delta}))
    rules = "、".join(gettext(SHARE_RULE_LABELS[r]) for r in b.share_rules)
    return gettext("区位商公式 %(methods)s × δ %(deltas)s × 节点份额规则（%(rules)s），共 %(n)s 种假设组合") % {
        "methods": methods, "deltas": deltas, "rules": rules, "n": len(band.scenarios(context))}
