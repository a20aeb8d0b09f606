"""The weekly report as a PDF: A4 landscape, a CJK font found on the system at run time (never vendored),
the same sections and tables as the workbook, table headers repeated on each page, page numbers.

Drawn with matplotlib's PDF backend (already a dependency): text and lines placed in inches on
``Figure`` objects — no pyplot state, so it is safe inside a web request.
"""

from __future__ import annotations

import io

from lianzhao.core.i18n import in_data_language
from lianzhao.core.pdf import Document, FontNotFound, draw_table, find_cjk_family

__all__ = ["FontNotFound", "weekly_pdf"]


@in_data_language
def weekly_pdf(report: dict) -> bytes:
    """The PDF bytes of a report dict from :func:`lianzhao.dispatch.weekly.build_weekly_report`.
    Raises :class:`FontNotFound` when no Chinese font is installed."""
    family = find_cjk_family()
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"{report['title']} {report['week'].label}",
                                    "Creator": "链招 lianzhao"}) as pdf:
        doc = Document(pdf, family, footer=f"{report['title']}　{report['period']}")
        doc.new_page()
        doc.paragraph(report["title"], 18, bold=True, ha="center", gap=0.02)
        doc.paragraph(f"统计周期：{report['period']}", 10, ha="center")
        doc.paragraph(f"填报单位：{report['unit']}　　数据截至：{report['as_of']:%Y-%m-%d}"
                      f"　　生成日期：{report['generated_on']:%Y-%m-%d}", 9, gap=0.12)
        for number, sheet in enumerate(report["sheets"], start=1):
            doc.room(0.8)
            doc.paragraph(f"{_chinese_number(number)}、{sheet['name']}", 13, bold=True, gap=0.06)
            for table in sheet["tables"]:
                draw_table(doc, table)
        doc.flush()
    return buffer.getvalue()


def _chinese_number(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


