"""The gap table of one industry as an Excel workbook: the table, the method, the data sources."""

from __future__ import annotations

from openpyxl import Workbook

from lianzhao.analysis.chains import IndustryGaps, threshold_rows
from lianzhao.core.i18n import in_data_language
from lianzhao.core.units import YI
from lianzhao.core.xlsx import (
    Column,
    append_row,
    set_widths,
    setup_print,
    workbook_bytes,
    write_banner,
    write_header,
    write_row,
)

COLUMNS = [
    Column("链位", width=8), Column("环节", width=18), Column("投入产出部门", width=24),
    Column("分类", width=8), Column("稳定性", width=8), Column("改变分类的假设", width=28),
    Column("本地中间需求（亿元）", "amount", 14), Column("本地供给（亿元）", "amount", 12),
    Column("外流·国内其他地区（亿元）", "amount", 14), Column("外流·国外进口（亿元）", "amount", 14),
    Column("本地供给比例", "percent", 10), Column("进口占需求比例", "percent", 10), Column("进口替代候选", width=8),
    Column("本地企业数", "int", 9), Column("链主", "int", 6), Column("节点份额", width=36), Column("判断依据", width=60),
]

METHOD = [
    "本地中间需求：区内各部门按全国完全口径（国内产品与进口合计）直接消耗系数对该环节产品的中间需求，"
    "d_i = Σ_j a^T_ij x^r_j；环节需求 D = Σ_i s_i d_i，s_i 为环节在部门 i 中的份额（默认按 GB/T 小类，分析员可设定）。",
    "本地供给：区域化系数 a^L_ij = a^D_ij · min(1, Q_ij)（国内产品系数乘区位商）；不可贸易部门全部本地供给；"
    "外流分为国内其他地区 Σ_j (a^D_ij − a^L_ij) x^r_j 与国外进口 Σ_j a^M_ij x^r_j（153 部门表进口按比例假设分摊）。",
    "区位商 Q 按所选方法（默认 FLQ）由区域与全国分部门产出计算；混合表覆盖以本地数据替换所列的列或行；"
    "环节与部门的对应见“GB/T 4754-2017→投入产出部门对照表”（链招自编，非官方）。",
    "稳定性：在区位商公式、δ 与节点份额规则的全部组合下分类不变为“稳健”，否则为“敏感”并注明改变分类的假设。",
    "需求门槛：典型企业年产值（链招按部门组设定的默认假设，非统计数据）× 倍数；低于门槛的环节本地需求不足以支撑一家典型企业。",
    "分类规则与阈值见“分类规则”一节；各项均为毛量估计，用于排序和讨论，不代替企业调研。",
]


@in_data_language
def gaps_workbook(gaps: IndustryGaps, rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "补链分析"
    ncols = len(COLUMNS)
    ctx = gaps.context
    r = write_banner(ws, 1, f"{ctx.region_name} {gaps.industry.name}产业链 补链/强链/延链分析", ncols, size=14,
                     bold=True, align="center", height=26)
    sample = "（基础数据含示例假设，仅供演示）" if ctx.base.sample_rows else ""
    r = write_banner(ws, r, f"区域基础数据：{ctx.base.name}{sample}", ncols)
    robust = sum(1 for row in rows if row["stability"] == "robust")
    totals = gaps.totals or {}
    r = write_banner(ws, r, f"稳健结论 {robust}/{len(rows)} 个环节；环节需求合计 {totals.get('node_demand', 0) / YI:.2f} 亿元，"
                            f"本链所涉 {totals.get('sectors', 0)} 个部门需求（每个部门只计一次）"
                            f"{totals.get('demand', 0) / YI:.2f} 亿元", ncols)
    header_row = r
    r = write_header(ws, r, COLUMNS)
    for row in rows:
        r = write_row(ws, r, COLUMNS, [row["position"], row["node"], row["sectors"], row["klass_label"],
                                       row["stability_label"], row["flips"], row["demand"], row["local_supply"],
                                       row["leakage_domestic"], row["leakage_abroad"], row["local_share"],
                                       row["abroad_share"], "是" if row["import_substitution"] else "",
                                       row["local_enterprises"], row["chain_leaders"], row["shares"], row["reason"]])
    set_widths(ws, COLUMNS)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    setup_print(ws, header_row=header_row)

    info = wb.create_sheet("方法与来源")
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    append_row(info, ["项目", "内容"])
    for label, value in ctx.assumptions():
        append_row(info, [label, value])
    for i, text in enumerate(METHOD, start=1):
        append_row(info, [f"方法 {i}", text])
    for label, value in threshold_rows(gaps.thresholds):
        append_row(info, [f"阈值 {label}", value])
    append_row(info, ["分类规则", "延链：无本地企业、与本地强环节投入产出联系紧密；补链：无本地企业，本地需求足以支撑一家典型企业且"
                             "大部分外流；强链：有本地企业，需求足以支撑一家典型企业但外溢比例高；优势：有本地企业且本地供给充分；"
                             "待观察：其余（需求不足一家典型企业，或需求主要由区内满足）。"])
    return workbook_bytes(wb)


@in_data_language
def gap_report_xlsx(industry) -> bytes:
    """The gap workbook of ``industry`` in the current region as .xlsx bytes, in Chinese whatever the
    caller's language (the twin of :func:`lianzhao.analysis.gap_pdf.gap_report_pdf`)."""
    from lianzhao.analysis.chains import document_rows, industry_gaps
    from lianzhao.analysis.engine import regional_context
    from lianzhao.analysis.region import current_region

    gaps = industry_gaps(industry, regional_context(current_region()))
    return gaps_workbook(gaps, document_rows(gaps))
