"""The weekly report as an Excel workbook laid out like the forms bureaus send upward: a title row
with the district and week, the reporting unit (填报单位) and cut-off date, each table with a bold
header, a total row and its 口径 notes underneath, the header frozen, widths and number formats set,
A4 landscape when printed."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from lianzhao.core import xlsx
from lianzhao.core.i18n import in_data_language
from lianzhao.core.tables import Table
from lianzhao.dispatch.queries import weekly_data
from lianzhao.dispatch.weekly import build_weekly_report


def _widths(tables: list[Table]) -> list[xlsx.Column]:
    """Per column position, the widest column any table of the sheet has there."""
    width = max(len(t.columns) for t in tables)
    out = []
    for i in range(width):
        candidates = [t.columns[i] for t in tables if i < len(t.columns)]
        out.append(max(candidates, key=lambda c: c.width))
    return out


def write_table(ws, row: int, table: Table, ncols: int, *, with_title: bool) -> tuple[int, int]:
    """Write one table from ``row``; returns (header row, next free row)."""
    if with_title:
        row = xlsx.write_banner(ws, row, table.title, ncols, size=12, bold=True)
    header_row = row
    row = xlsx.write_header(ws, row, table.columns)
    for values in table.rows:
        row = xlsx.write_row(ws, row, table.columns, values)
    if not table.rows:
        row = xlsx.write_banner(ws, row, table.empty_text, len(table.columns))
    if table.total:
        row = xlsx.write_row(ws, row, table.columns, table.total, total=True)
    for note in table.notes:
        text = f"口径：{note}"
        row = xlsx.write_banner(ws, row, text, ncols, size=9, height=xlsx.note_height(text, table.columns))
    return header_row, row + 1


def write_sheet(wb, name: str, tables: list[Table], report: dict) -> None:
    ws = wb.create_sheet(title=name)
    columns = _widths(tables)
    ncols = len(columns)
    xlsx.set_widths(ws, columns)
    row = xlsx.write_banner(ws, 1, f"{report['title']}——{name}", ncols, size=16, bold=True,
                            align="center", height=30)
    row = xlsx.write_banner(ws, row, f"统计周期：{report['period']}", ncols, align="center")
    row = xlsx.write_banner(ws, row, f"填报单位：{report['unit']}　　数据截至：{report['as_of']:%Y-%m-%d}"
                                     f"　　生成日期：{report['generated_on']:%Y-%m-%d}", ncols)
    single = len(tables) == 1
    first_header = None
    for table in tables:
        header_row, row = write_table(ws, row, table, ncols, with_title=not single)
        first_header = first_header or header_row
    # One table: keep its header in view; several stacked tables: keep the title lines in view.
    ws.freeze_panes = ws.cell(row=first_header + 1 if single else 4, column=1)
    xlsx.setup_print(ws, header_row=first_header if single else None)


@in_data_language
def weekly_workbook(report: dict) -> bytes:
    """The .xlsx bytes of a report dict from :func:`lianzhao.dispatch.weekly.build_weekly_report`."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in report["sheets"]:
        write_sheet(wb, sheet["name"], sheet["tables"], report)
    wb.properties.title = f"{report['title']} {report['week'].label}"
    wb.properties.creator = "链招 lianzhao"
    return xlsx.workbook_bytes(wb)


@in_data_language
def weekly_report_xlsx(week, *, unit: str = "", today=None) -> bytes:
    """The weekly report of ``week`` as .xlsx bytes, read from the database and written in Chinese
    whatever the caller's language (the twin of :func:`lianzhao.dispatch.pdf.weekly_report_pdf`)."""
    return weekly_workbook(build_weekly_report(weekly_data(week, today=today or timezone.localdate(), unit=unit)))
