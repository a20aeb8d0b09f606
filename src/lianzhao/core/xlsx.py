"""Excel helpers shared by every workbook lianzhao writes (reports sent upward, project exports and
import templates): typed columns with number formats and widths, title rows, header style, notes.

Every cell is written by :func:`set_cell`, and text is always stored as text: a value typed by a
user or imported, such as ``=HYPERLINK(...)``, never becomes a formula in the file someone else
opens — nor when they edit the cell or save the sheet as CSV (:func:`set_cell` marks such text with
Excel's quote prefix, the leading apostrophe). Reading workbooks is not this module's business.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

#: Number formats by column kind; amounts are 亿元 with two decimals, as in the bureau's forms.
NUMBER_FORMATS = {
    "int": "0",
    "amount": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "days": "0.0",
    "text": "@",
}

_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass(frozen=True)
class Column:
    """One column of a table: its Chinese header, its kind (a key of :data:`NUMBER_FORMATS`) and
    its width in Excel character units (a CJK character is about two units)."""

    label: str
    kind: str = "text"
    width: float = 12
    #: On screen, keep each value on one line (None: dates and narrow text columns do, see
    #: :data:`lianzhao.core.tables.SHORT_TEXT_WIDTH`); a row label wider in Excel may ask for it.
    nowrap: bool | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "amount", "percent", "days")


#: Leading characters that make spreadsheet programs read typed text as a formula (OWASP's list for
#: CSV/formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def set_cell(ws, row: int, col: int, value, kind: str = "text"):
    """Write one value with its number format. Text stays text: stored as a string, never a
    formula, and quote-prefixed when it starts like one so it stays text when edited."""
    if isinstance(value, float) and kind == "amount":
        value = Decimal(str(value))
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl guesses "f" for text starting with "="
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    if value is not None and kind != "text":
        cell.number_format = NUMBER_FORMATS[kind]
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = NUMBER_FORMATS["date"]
    return cell


def append_row(ws, values) -> int:
    """Write ``values`` (plain, unstyled) on the row after the last used one; returns that row."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(row=1, column=1).value is not None else 1
    for col, value in enumerate(values, start=1):
        set_cell(ws, row, col, value)
    return row


def write_banner(ws, row: int, text: str, ncols: int, *, size: int = 11, bold: bool = False,
                 align: str = "left", height: float | None = None) -> int:
    """A line of text merged across ``ncols`` columns (titles, 填报单位, 口径 notes); returns the
    next free row."""
    cell = set_cell(ws, row, 1, text)
    cell.font = Font(size=size, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    if height:
        ws.row_dimensions[row].height = height
    return row + 1


def note_height(text: str, columns: list[Column]) -> float:
    """Row height (points) for a wrapped note across the columns' total width."""
    width = max(10.0, sum(c.width for c in columns))
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    lines = max(1, -(-units // int(width)))
    return 15.0 * lines


def write_header(ws, row: int, columns: list[Column]) -> int:
    for col, column in enumerate(columns, start=1):
        cell = set_cell(ws, row, col, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 30
    return row + 1


def write_row(ws, row: int, columns: list[Column], values, *, total: bool = False) -> int:
    for col, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
        cell = set_cell(ws, row, col, value, column.kind)
        _apply_body_style(ws, cell, column, total)
    return row + 1


def _apply_body_style(ws, cell, column: Column, total: bool) -> None:
    """Border, alignment, font and fill of a body cell. Registering a style in the workbook costs far
    more than writing a value, and reports can run to tens of thousands of rows: the first cell of
    each kind is styled through the public API and later cells copy its style array — openpyxl's own
    idiom for copying styles (``cell._style = copy(other._style)``)."""
    key = (column.kind, total, cell.number_format, cell.quotePrefix)
    cache = ws.parent.__dict__.setdefault("_lianzhao_body_styles", {})
    if key in cache:
        cell._style = copy.copy(cache[key])
        return
    cell.border = BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=column.kind == "text",
                               horizontal="right" if column.numeric else None)
    if total:
        cell.font = Font(bold=True)
        cell.fill = TOTAL_FILL
    cache[key] = copy.copy(cell._style)


def set_widths(ws, columns: list[Column]) -> None:
    for col, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = column.width


def setup_print(ws, *, header_row: int | None = None) -> None:
    """A4 landscape, fit to one page wide, header row repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
