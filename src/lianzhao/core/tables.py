"""The table every report is made of. One :class:`Table` is rendered three ways — the HTML preview
and the PDF (both through the template ``reports/_table.html``) and an Excel sheet section — so the
three always show the same numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from lianzhao.core.i18n import resolved
from lianzhao.core.xlsx import Column

__all__ = ["MAX_PDF_ROWS", "PREVIEW_ROWS", "Column", "Table", "format_value", "ratio"]

#: Rows per table on a preview page; the Excel download always holds every row.
PREVIEW_ROWS = 100
#: Rows per table in a PDF, which is for reading and printing; the rows beyond are counted under the
#: table with a pointer to the Excel file. WeasyPrint lays out ~200 table rows a second on the 2-core
#: machine (bench/pdf_bench.py), so six full tables stay within a reasonable wait.
MAX_PDF_ROWS = 500
#: The width of a PDF page's body (A4 landscape less report.css's margins: 272 mm) in CSS pixels.
PDF_BODY_WIDTH_PX = 1028


def ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator as a Decimal, or None when the denominator is 0 or missing."""
    if denominator in (None, 0) or numerator is None:
        return None
    return Decimal(numerator) / Decimal(denominator)


def format_value(value, kind: str) -> str:
    """How a cell reads on screen and in the PDF (Excel keeps the raw value and a number format)."""
    if value is None or value == "":
        return "—" if kind != "text" else ""
    if isinstance(value, str):
        return value
    if kind == "amount":
        return f"{Decimal(value):,.2f}"
    if kind == "percent":
        return f"{Decimal(value) * 100:.1f}%"
    if kind == "days":
        return f"{Decimal(value):.1f}"
    if kind == "int":
        return f"{int(value):d}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


#: Text columns at most this wide (Excel units, a CJK character two: a department, a person, a
#: stage) keep their value on one line on screen; the table scrolls in its card instead of squeezing
#: them to a character a line beside wide numeric columns.
SHORT_TEXT_WIDTH = 16


def _nowrap(column: Column) -> bool:
    if column.nowrap is not None:
        return column.nowrap
    return column.kind == "date" or (column.kind == "text" and column.width <= SHORT_TEXT_WIDTH)


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    #: Read on one line on screen (a date, a short name); the PDF keeps its fixed column widths.
    nowrap: bool = False


@dataclass
class Table:
    """A titled table with typed columns, an optional total row and its 口径 notes."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    notes: list[str] = field(default_factory=list)
    empty_text: str = "无。"
    #: The full number of rows when ``rows`` holds only the first ones (a preview); None: all here.
    row_count: int | None = None

    def __post_init__(self):
        width = len(self.columns)
        for row in [*self.rows, *([self.total] if self.total else [])]:
            if len(row) != width:
                raise ValueError(f"table {self.key}: row of {len(row)} values for {width} columns")
        # Choice labels (stages, methods) are lazy translations: fix each in the language the table is
        # built in, so the page, the Excel sheet and the PDF of one table read the same.
        self.rows = [[resolved(value) for value in row] for row in self.rows]
        if self.total:
            self.total = [resolved(value) for value in self.total]
        self.title = resolved(self.title)
        self.columns = [replace(c, label=resolved(c.label)) for c in self.columns]
        self.notes = [resolved(note) for note in self.notes]
        self.empty_text = resolved(self.empty_text)

    def _cells(self, row) -> list[Cell]:
        return [Cell(format_value(v, c.kind), c.numeric, _nowrap(c)) for c, v in zip(self.columns, row, strict=True)]

    def formatted_rows(self, limit: int | None = None) -> list[list[Cell]]:
        rows = self.rows if limit is None else self.rows[:limit]
        return [self._cells(r) for r in rows]

    def rows_beyond(self, limit: int) -> int:
        """How many rows a rendering that shows the first ``limit`` rows leaves out."""
        total = len(self.rows) if self.row_count is None else self.row_count
        return max(0, total - min(len(self.rows), limit))

    @property
    def preview_rows(self) -> list[list[Cell]]:
        return self.formatted_rows(PREVIEW_ROWS)

    @property
    def hidden_rows(self) -> int:
        return self.rows_beyond(PREVIEW_ROWS)

    @property
    def pdf_widths_px(self) -> list[int]:
        """Column widths on paper, in CSS pixels (1/96 inch; the templates set them as ``width``
        attributes, since no template carries inline styles): the Excel widths (character units) at
        6 px (1.6 mm) each, scaled down to fit the body of an A4 landscape page, so a narrow table
        stays narrow."""
        total = sum(c.width for c in self.columns)
        per_unit = min(6.0, PDF_BODY_WIDTH_PX / total) if total else 0
        return [int(c.width * per_unit) for c in self.columns]

    @property
    def pdf_width_px(self) -> int:
        """The table's width on paper (the sum of :attr:`pdf_widths_px`): a fixed width lets WeasyPrint
        use the fixed table layout instead of measuring every cell's text first (5× faster)."""
        return sum(self.pdf_widths_px)

    @property
    def pdf_rows(self) -> list[list[Cell]]:
        return self.formatted_rows(MAX_PDF_ROWS)

    @property
    def pdf_hidden_rows(self) -> int:
        return self.rows_beyond(MAX_PDF_ROWS)

    @property
    def formatted_total(self) -> list[Cell] | None:
        return self._cells(self.total) if self.total else None

    def column(self, label: str) -> list:
        """The values of one column (tests and callers read tables by header)."""
        index = [c.label for c in self.columns].index(label)
        return [row[index] for row in self.rows]

    def row_for(self, first_value) -> list:
        """The row whose first cell equals ``first_value``."""
        for row in self.rows:
            if row[0] == first_value:
                return row
        raise KeyError(first_value)
