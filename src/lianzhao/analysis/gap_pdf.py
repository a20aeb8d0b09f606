"""The gap report of one industry as a PDF: the classified chain map, the table, the method and the
data sources (A4 landscape, drawn with matplotlib and the shared PDF layout helpers)."""

from __future__ import annotations

import io

from lianzhao.analysis.chains import CLASS_COLOURS, IndustryGaps
from lianzhao.analysis.gap_export import COLUMNS, METHOD
from lianzhao.core.i18n import in_data_language
from lianzhao.core.pdf import MARGIN, PAGE_H, PAGE_W, Document, draw_table, find_cjk_family
from lianzhao.core.tables import Table

CHART_H = 4.6  # inches


def _draw_chain(doc: Document, rows: list[dict], gaps: IndustryGaps) -> None:
    """The chain map: three columns (up/mid/downstream), colour = class, area ∝ leakage."""
    from matplotlib.font_manager import FontProperties

    doc.room(CHART_H + 0.2)
    top = doc.y
    ax = doc.figure.add_axes([MARGIN / PAGE_W, 1 - (top + CHART_H) / PAGE_H, 1 - 2 * MARGIN / PAGE_W,
                              CHART_H / PAGE_H])
    font = FontProperties(family=doc.family, size=7)
    column_of = {"upstream": 0, "midstream": 1, "downstream": 2}
    counters = [0, 0, 0]
    place = {}
    by_key = {r["key"]: r for r in rows}
    for node in gaps.nodes:
        c = column_of[node.position]
        place[node.pk] = (c, -counters[c])
        counters[c] += 1
    max_leak = max([max(r["leakage"], 0) for r in rows] or [0]) or 1.0
    for node in gaps.nodes:
        if node.parent_id in place:
            (x0, y0), (x1, y1) = place[node.parent_id], place[node.pk]
            ax.plot([x0, x1], [y0, y1], color="#adb5bd", linewidth=0.6, zorder=1)
    for node in gaps.nodes:
        r = by_key[node.key]
        x, y = place[node.pk]
        size = 30 + 400 * (max(r["leakage"], 0) / max_leak)
        ax.scatter([x], [y], s=size, color=CLASS_COLOURS.get(r["klass"], "#868e96"), zorder=2,
                   edgecolors="#343a40" if r["local_enterprises"] else "none", linewidths=0.8)
        ax.text(x + 0.06, y, f"{node.name}（{r['klass_label']}）", fontproperties=font, va="center", zorder=3)
    for i, label in enumerate(["上游", "中游", "下游"]):
        ax.text(i, 0.9, label, fontproperties=FontProperties(family=doc.family, size=9, weight="bold"),
                ha="left")
    ax.set_xlim(-0.1, 2.9)
    ax.set_ylim(-max(counters) + 0.3, 1.3)
    ax.axis("off")
    doc.y = top + CHART_H + 0.1
    legend = "　".join(f"● {label}" for label in ["补链", "强链", "延链", "优势", "待观察"])
    doc.paragraph(f"图例（颜色依次为橙红、橙、紫、绿、灰）：{legend}；圆面积与外溢额成正比，黑边表示有本地企业。", 7)


@in_data_language
def gaps_pdf(gaps: IndustryGaps, rows: list[dict]) -> bytes:
    family = find_cjk_family()
    from matplotlib.backends.backend_pdf import PdfPages

    ctx = gaps.context
    title = f"{ctx.region_name} {gaps.industry.name}产业链 补链/强链/延链分析"
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "链招 lianzhao"}) as pdf:
        doc = Document(pdf, family, footer=title)
        doc.new_page()
        doc.paragraph(title, 16, bold=True, ha="center", gap=0.05)
        if ctx.base.sample_rows:
            doc.paragraph("【示例】区域基础数据含示例假设（非统计数据），数字仅用于演示方法。", 9, bold=True)
        _draw_chain(doc, rows, gaps)
        table = Table(key="gaps", title="环节明细（金额单位：亿元）", columns=COLUMNS, rows=[
            [r["position"], r["node"], r["sectors"], r["klass_label"], r["demand"], r["local_supply"],
             r["leakage"], r["local_share"], r["local_enterprises"], r["chain_leaders"], r["reason"]]
            for r in rows])
        draw_table(doc, table)
        doc.paragraph("计算依据与数据来源", 11, bold=True)
        for label, value in ctx.assumptions():
            doc.paragraph(f"{label}：{value}", 8, gap=0.01)
        for text in METHOD:
            doc.paragraph(text, 8, gap=0.01)
        thresholds = "；".join(f"{k} = {v}" for k, v in gaps.thresholds.as_dict().items())
        doc.paragraph(f"分类阈值：{thresholds}", 8)
        doc.flush()
    return buffer.getvalue()
