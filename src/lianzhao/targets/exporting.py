"""The candidate list as an Excel workbook (the same rows as the page, through the core writer, so
company names or products that look like formulas stay text)."""

from __future__ import annotations

from openpyxl import Workbook

from lianzhao.core import xlsx
from lianzhao.core.i18n import in_data_language
from lianzhao.econ.targets import PART_LABELS, PARTS
from lianzhao.targets.candidates import CandidateList, candidate_dict, stock_codes


@in_data_language
def candidates_workbook(result: CandidateList) -> bytes:
    node = result.node
    columns = [xlsx.Column("排名", "int", 6), xlsx.Column("企业", "text", 30), xlsx.Column("上市代码", "text", 11),
               xlsx.Column("所在地区", "text", 14), xlsx.Column("得分", "days", 8), xlsx.Column("匹配", "text", 8),
               *[xlsx.Column(PART_LABELS[k], "days", 9) for k in PARTS],
               xlsx.Column("推荐理由", "text", 60), xlsx.Column("数据来源", "text", 36),
               xlsx.Column("已在项目库", "text", 24)]
    wb = Workbook()
    ws = wb.active
    ws.title = "候选企业"
    xlsx.set_widths(ws, columns)
    gap = f"（{result.gap['label']}）" if result.gap else ""
    row = xlsx.write_banner(ws, 1, f"招商目标推荐：{node.industry.name}·{node.name}{gap}", len(columns), size=14, bold=True)
    weights = "，".join(f"{PART_LABELS[k]} {getattr(result.weights, k):g}" for k in PARTS)
    row = xlsx.write_banner(ws, row, f"得分 = 100 × Σ 权重 × 分项值 / Σ 权重；权重：{weights}。分项含义见 docs/targets.md。"
                                     f"共 {result.total} 家候选企业（主营产品相符 {result.by_product} 家，其余仅行业代码相同），"
                                     f"列出前 {len(result.candidates)} 家。", len(columns),
                            height=30)
    if result.product_matches:
        row = xlsx.write_banner(ws, row, f"主营相关产品的企业共 {result.product_matches} 家，只取产品匹配最好的一部分评分。",
                                len(columns))
    if result.unmatchable:
        row = xlsx.write_banner(ws, row, result.unmatchable, len(columns))
    header = row
    row = xlsx.write_header(ws, row, columns)
    stocks = stock_codes(result.candidates)
    for rank, c in enumerate(result.candidates, start=1):
        d = candidate_dict(c, rank, result.pipeline.get(c.company.id, []), stocks.get(c.company.id, ""))
        pipeline = "；".join(f"{p['name']}（{p['stage_label']}）" for p in d["pipeline"])
        row = xlsx.write_row(ws, row, columns, [
            rank, d["name"], d["stock_code"] or "", d["region"], d["score"],
            "产品" if d["match"] == "product" else "仅行业",
            *[d["parts"][k]["points"] for k in PARTS], d["reason"], "；".join(d["sources"]), pipeline])
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    xlsx.setup_print(ws)
    return xlsx.workbook_bytes(wb)
