"""Chain gaps of one industry: the database's chain map and local presence, handed to
:func:`lianzhao.econ.gaps.find_gaps` with the region's regionalized table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from lianzhao.analysis.engine import RegionalContext
from lianzhao.core.i18n import in_data_language
from lianzhao.core.units import YI
from lianzhao.econ.gaps import ChainNodeInput, GapThresholds, chain_node_inputs, find_gaps
from lianzhao.industries.models import ChainNode

#: Colours of the classes on the chain map (also used in the legend).
CLASS_COLOURS = {"fill": "#d9480f", "strengthen": "#f59f00", "extend": "#7048e8", "advantage": "#2b8a3e",
                 "watch": "#adb5bd"}
#: The classes' names as the UI shows them (econ.gaps names them in Chinese only).
CLASS_LABELS = {"fill": gettext_noop("补链"), "strengthen": gettext_noop("强链"), "extend": gettext_noop("延链"),
                "advantage": gettext_noop("优势"), "watch": gettext_noop("待观察")}


@dataclass(frozen=True)
class IndustryGaps:
    """One industry's gap table with the context it was computed in."""

    industry: object
    table: pd.DataFrame  # one row per node key, columns from find_gaps
    nodes: list  # ChainNode rows, in map order
    thresholds: GapThresholds
    context: RegionalContext


def thresholds_of(context: RegionalContext) -> GapThresholds:
    return GapThresholds.from_dict(context.thresholds) if context.thresholds else GapThresholds()


def node_inputs(industry, context: RegionalContext) -> tuple[list, list[ChainNodeInput]]:
    """The industry's chain nodes (map order) and their inputs to :func:`find_gaps`: sector weights
    from the concordance, local enterprises and local chain leaders, and neighbours (parent,
    children, and the roots of adjacent positions)."""
    nodes = list(ChainNode.objects.filter(industry=industry).with_presence()
                 .select_related("parent").order_by("order", "id"))
    plain = [{"key": n.key, "name": n.name, "position": n.position, "gbt_codes": list(n.gbt_codes),
              "parent": n.parent.key if n.parent_id else None} for n in nodes]
    counts = {n.key: (n.local_count, n.leader_count) for n in nodes}
    inputs = chain_node_inputs(plain, counts, level=context.table_sectors, year=context.table_year)
    return nodes, inputs


def industry_gaps(industry, context: RegionalContext) -> IndustryGaps:
    nodes, inputs = node_inputs(industry, context)
    thresholds = thresholds_of(context)
    table = (find_gaps(context.regional, inputs, thresholds)
             if inputs else pd.DataFrame())
    return IndustryGaps(industry=industry, table=table, nodes=nodes, thresholds=thresholds, context=context)


def rows_for_display(gaps: IndustryGaps, sort: str = "") -> list[dict]:
    """Plain rows (亿元) for the HTML table, the Excel workbook and the CLI, with labels in the active
    language (the exports build them inside :func:`lianzhao.core.i18n.data_language`)."""
    rows = []
    for node in gaps.nodes:
        r = gaps.table.loc[node.key]
        rows.append({
            "key": node.key, "industry": gaps.industry.name, "node": node.name,
            "position": node.get_position_display(), "sectors": r["sectors"],
            "klass": r["klass"],
            "klass_label": gettext(CLASS_LABELS[r["klass"]]) if r["klass"] in CLASS_LABELS else r["klass_label"],
            "demand": float(r["demand"]) / YI, "local_supply": float(r["local_supply"]) / YI,
            "leakage": float(r["leakage"]) / YI,
            "local_share": None if pd.isna(r["local_share"]) else float(r["local_share"]),
            "leakage_share": None if pd.isna(r["leakage_share"]) else float(r["leakage_share"]),
            "local_enterprises": int(r["local_enterprises"]), "chain_leaders": int(r["chain_leaders"]),
            "reason": r["reason"],
        })
    keys = {"leakage": lambda x: -x["leakage"], "demand": lambda x: -x["demand"],
            "local_share": lambda x: (x["local_share"] is None, x["local_share"] or 0),
            "klass": lambda x: list(CLASS_COLOURS).index(x["klass"]) if x["klass"] in CLASS_COLOURS else 99,
            "local_enterprises": lambda x: x["local_enterprises"]}
    if sort in keys:
        rows.sort(key=keys[sort])
    return rows


@in_data_language
def document_rows(gaps: IndustryGaps) -> list[dict]:
    """The rows of the documents sent upward (Excel, PDF): Chinese whatever the UI language, largest
    leakage first."""
    return rows_for_display(gaps, "leakage")


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
    "min_demand": (gettext_lazy("需求阈值"), lambda v: gettext("%(value)s 亿元") % {"value": f"{float(v) / YI:g}"}),
    "strengthen_leakage": (gettext_lazy("强链外溢比例阈值"), lambda v: f"{float(v):.0%}"),
    "extend_linkage": (gettext_lazy("延链联系系数阈值"), lambda v: f"{float(v):g}"),
    "strong_neighbour_share": (gettext_lazy("强环节本地供给比例阈值"), lambda v: f"{float(v):.0%}"),
    "chain_leader_is_strong": (gettext_lazy("有本地链主即为强环节"), lambda v: gettext("是") if v else gettext("否")),
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
    (analysis/_gap_*.html): the rows, the map, the class counts, the context and thresholds."""
    return {"rows": rows, "chart": chart_data(gaps, rows), "counts": class_counts(rows),
            "context": gaps.context, "thresholds": threshold_rows(gaps.thresholds)}
