"""Reading back what lianzhao writes: the text of a PDF (pdfminer.six) and the formulas of a workbook."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook


def pdf_pages(data: bytes) -> list[str]:
    """The extractable text of each page (what a reader selects and copies), in reading order.

    A PDF stores text in painting order (WeasyPrint paints a table column by column), so the text is
    grouped by position: a small ``char_margin`` keeps neighbouring table cells apart, and the lines
    of one wrapped cell form one block."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    params = LAParams(char_margin=0.5, line_margin=0.3)
    return ["".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
            for page in extract_pages(io.BytesIO(data), laparams=params)]


def flat(text: str) -> str:
    """``text`` without white space: a sentence wrapped over several lines reads as one."""
    return re.sub(r"\s+", "", text)


def chars_off_the_page(data: bytes) -> list[str]:
    """Characters drawn (partly) outside their page: text that did not wrap."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    def chars(item):
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            for child in item:
                yield from chars(child)

    off = []
    for page in extract_pages(io.BytesIO(data)):
        x0, y0, x1, y1 = page.bbox
        off += [c.get_text() for c in chars(page) if c.x0 < x0 - 0.5 or c.x1 > x1 + 0.5 or c.y0 < y0 or c.y1 > y1]
    return off


def live_formulas(data: bytes) -> list[str]:
    """Every formula stored in the workbook's sheets (``<f>`` elements)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(r"<f[ >].*?</f>|<f/>", z.read(name).decode())
    return found


def unguarded_formula_text(data: bytes) -> list[str]:
    """Text cells that start like a formula but lack the quote prefix (they would turn into a
    formula when edited or saved as CSV)."""
    wb = load_workbook(io.BytesIO(data))
    return [f"{ws.title}!{cell.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@" and not cell.quotePrefix]
