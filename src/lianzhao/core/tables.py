"""The table every dispatch output is made of. One :class:`Table` is rendered three ways — the HTML
preview, an Excel sheet section and a PDF section — so the three always show the same numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from lianzhao.core.i18n import resolved
from lianzhao.core.xlsx import Column

__all__ = ["Column", "Table", "format_value", "ratio"]

#: Rows per table on a preview page; downloads always hold every row.
PREVIEW_ROWS = 100


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


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


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
        return [Cell(format_value(v, c.kind), c.numeric) for c, v in zip(self.columns, row, strict=True)]

    def formatted_rows(self, limit: int | None = None) -> list[list[Cell]]:
        rows = self.rows if limit is None else self.rows[:limit]
        return [self._cells(r) for r in rows]

    @property
    def preview_rows(self) -> list[list[Cell]]:
        return self.formatted_rows(PREVIEW_ROWS)

    @property
    def hidden_rows(self) -> int:
        total = len(self.rows) if self.row_count is None else self.row_count
        return max(0, total - min(len(self.rows), PREVIEW_ROWS))

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
