"""Benchmark of the PDF reports (WeasyPrint) against the Excel file of the same table (openpyxl):
how long one weekly-report table of N rows takes to render, which sets MAX_PDF_ROWS (the PDF lists
at most that many rows per table and points to the Excel file for the rest). Prints one Markdown table.

    python bench/pdf_bench.py                     # 100, 500, 1000, 2000 rows, 3 runs each
    python bench/pdf_bench.py --rows 500 --runs 1 # quick check

The table has the stalled-projects list's shape (9 columns, a 50-character Chinese note per row);
the report around it is one sheet with the usual title lines. No database is needed. One warm-up
render loads WeasyPrint and the font first. Times are wall-clock medians with min–max. Not part of
``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")


def _report(rows: int) -> dict:
    from lianzhao.core.tables import Column, Table
    from lianzhao.dispatch.weeks import IsoWeek

    columns = [Column("序号", "int", 6), Column("项目名称", width=30), Column("阶段", width=10),
               Column("责任部门", width=14), Column("责任人", width=12), Column("最近动态日期", "date", 12),
               Column("无动态天数", "int", 10), Column("最近动态类型", width=10), Column("最近动态内容", width=50)]
    note = "走访：企业负责人表示扩产计划仍在论证，用地、能耗指标待区里协调，下周再约。"
    table = Table(key="stalled", title="停滞项目", columns=columns, rows=[
        [i, f"示例·某新能源装备项目{i:05d}", "洽谈", "投资促进一科", "officer", dt.date(2025, 1, 1) + dt.timedelta(days=i % 90),
         30 + i % 200, "走访", note] for i in range(1, rows + 1)])
    week = IsoWeek.parse("2025-W13")
    return {"title": "示例区招商引资项目周调度表", "week": week, "period": week.title, "unit": "示例区招商办",
            "as_of": week.end, "generated_on": week.end, "sheets": [{"name": "停滞项目", "tables": [table]}]}


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 500, 1000, 2000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    import django
    from pdfminer.pdfpage import PDFPage  # the test extra

    django.setup()
    from django.utils import translation

    from lianzhao.core import tables
    from lianzhao.dispatch.pdf import weekly_pdf
    from lianzhao.dispatch.xlsx import weekly_workbook

    tables.MAX_PDF_ROWS = max(args.rows)  # render every row: the cap is what is being measured
    translation.activate("zh-hans")
    weekly_pdf(_report(10))  # warm-up: WeasyPrint, Pango and the CJK font
    print(f"PDF (WeasyPrint) vs Excel (openpyxl) for one weekly-report table — {dt.date.today():%Y-%m-%d}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print()
    print("| rows | PDF s (median, min–max) | PDF rows/s | pages | Excel s (median) | PDF ÷ Excel |")
    print("|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        report = _report(rows)
        pdf_bytes = weekly_pdf(report)
        pdf = _time(lambda report=report: weekly_pdf(report), args.runs)
        xlsx = _time(lambda report=report: weekly_workbook(report), args.runs)
        pages = sum(1 for _ in PDFPage.get_pages(io.BytesIO(pdf_bytes)))
        p, x = statistics.median(pdf), statistics.median(xlsx)
        print(f"| {rows:,} | {p:.2f} ({min(pdf):.2f}–{max(pdf):.2f}) | {rows / p:,.0f} | {pages} | "
              f"{x:.2f} | {p / x:.1f}× |")


if __name__ == "__main__":
    main()
