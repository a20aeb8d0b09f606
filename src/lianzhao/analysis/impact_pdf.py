"""The impact card as a one-page PDF (A4 landscape): results per phase, every assumption, the
δ sensitivity — the same numbers as the web card."""

from __future__ import annotations

import io

from lianzhao.core.i18n import in_data_language
from lianzhao.core.pdf import Document, draw_table, find_cjk_family
from lianzhao.core.tables import Table
from lianzhao.core.xlsx import Column

PART_COLUMNS = [Column("指标", width=14), Column("直接", "amount", 10), Column("间接", "amount", 10),
                Column("诱发", "amount", 10), Column("合计", "amount", 10)]


@in_data_language
def impact_pdf(page: dict) -> bytes:
    family = find_cjk_family()
    from matplotlib.backends.backend_pdf import PdfPages

    project, card, impact = page["project"], page["card"], page["impact"]
    title = f"{project.name} 经济影响测算卡"
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "链招 lianzhao"}) as pdf:
        doc = Document(pdf, family, footer=title)
        doc.new_page()
        doc.paragraph(title, 15, bold=True, ha="center", gap=0.04)
        doc.paragraph("毛效应估计（gross）：未扣除替代与挤出；线性、固定系数、无产能约束。"
                      + ("【示例】区域基础数据含示例假设。" if page["context"].base.sample_rows else ""), 8)
        for message in card.missing:
            doc.paragraph(f"缺少：{message}", 8, bold=True, gap=0.01)
        for phase in page["phases"]:
            rows = [[f"{r['label']}（{r['unit']}）", r["direct"], r["indirect"], r["induced"], r["total"]]
                    for r in phase["rows"]]
            draw_table(doc, Table(key=phase["key"], title=phase["label"], columns=PART_COLUMNS, rows=rows,
                                   notes=["产出、增加值单位亿元；就业单位人。"]))
        doc.paragraph("假设与来源", 10, bold=True, gap=0.02)
        doc.paragraph(f"投资额依据：{impact.investment_basis}；所属部门依据：{impact.sector_basis}", 7, gap=0.01)
        for a in card.assumptions:
            doc.paragraph(f"{a.label}：{a.value}（{a.source}）" if a.source else f"{a.label}：{a.value}", 7, gap=0.01)
        if page["sensitivity"]:
            parts = []
            for s in page["sensitivity"]:
                c = s["construction"]["output"] if s["construction"] else None
                o = s["operation"]["output"] if s["operation"] else None
                parts.append(f"δ={s['delta']:g}：建设期总产出 {'—' if c is None else f'{c:.2f}'} 亿元，"
                             f"运营期总产出 {'—' if o is None else f'{o:.2f}'} 亿元")
            doc.paragraph("敏感性：" + "；".join(parts), 7)
        doc.flush()
    return buffer.getvalue()
