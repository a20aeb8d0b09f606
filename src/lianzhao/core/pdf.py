"""PDF layout shared by every report lianzhao prints (weekly dispatch report, gap report, impact
card): A4 landscape pages, a CJK font found on the system at run time (never vendored), wrapped
paragraphs, and tables with repeated headers — drawn with matplotlib's PDF backend (no pyplot
state, so it is safe inside a web request).
"""

from __future__ import annotations

import functools

from lianzhao.core.tables import Cell, Table

PAGE_W, PAGE_H = 11.69, 8.27  # A4 landscape, inches
MARGIN = 0.45
BODY_W = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN - 0.25  # keep room for the footer
TABLE_SIZE = 7.5
NOTE_SIZE = 7
LINE = 1.35  # line height as a multiple of the font size
MAX_CELL_LINES = 3
#: Rows per table in the PDF, which is for reading and printing; the Excel file lists every row.
MAX_PDF_ROWS = 500

#: Families tried in order; any other installed family whose name mentions CJK comes after them.
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Noto Serif CJK SC",
                "Source Han Serif SC", "AR PL UMing CN", "SimSun"]


class FontNotFound(RuntimeError):
    """No font with Chinese glyphs is installed."""


def find_cjk_family() -> str:
    """The name of an installed font family with Chinese glyphs, from matplotlib's font list."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    others = sorted(n for n in names if "CJK" in n and ("SC" in n or "CN" in n))
    others += sorted(n for n in names if "CJK" in n)
    if others:
        return others[0]
    raise FontNotFound(
        "未找到可显示中文的字体，无法生成 PDF。请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk；"
        "或运行 scripts/ensure_system_deps.sh）后重试；如刚安装，请删除 matplotlib 字体缓存"
        "（~/.cache/matplotlib）。Excel 版本不受影响。")


@functools.lru_cache(maxsize=8192)
def _em_width(ch: str, family: str, bold: bool) -> float:
    """Advance width of one character in em (the glyph's advance, not its ink box)."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties(family=family, weight="bold" if bold else "normal")))
    # matplotlib shares this font object with its renderers, which resize it: set the size each time.
    font.set_size(100, 72)  # 100 pt at 72 dpi: 100 pixels per em
    try:
        return font.load_char(ord(ch)).linearHoriAdvance / 65536 / 100
    except RuntimeError:  # a glyph the font lacks: assume a full-width character
        return 1.0


#: Characters CJK fonts often lack (sub- and superscript digits in formulas such as log₂ or L̄₁₁),
#: written with plain digits in PDFs instead of showing as missing-glyph boxes.
_PLAIN = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")


def plain(text: str) -> str:
    """``text`` with characters the PDF fonts lack replaced by plain equivalents."""
    return text.translate(_PLAIN)


def text_width(text: str, size: float, family: str, bold: bool = False) -> float:
    """Width of ``text`` in inches at ``size`` points."""
    return sum(_em_width(ch, family, bold) for ch in text) * size / 72


def wrap(text: str, width: float, size: float, family: str, *, bold: bool = False,
         max_lines: int | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` inches (by characters: Chinese has no
    spaces), ending with "…" when cut at ``max_lines``. 3 % is kept in hand for renderers that
    round glyph advances to whole pixels."""
    width *= 0.97
    lines, current, used = [], "", 0.0
    for ch in plain(text).replace("\r", ""):
        w = text_width(ch, size, family, bold)
        if ch == "\n" or (used + w > width and current):
            lines.append(current)
            current, used = ("", 0.0) if ch == "\n" else (ch, w)
            continue
        current += ch
        used += w
    lines.append(current)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


class Document:
    """Places text and lines top-down on A4 landscape pages, starting a new page when full."""

    def __init__(self, pdf, family: str, footer: str):
        self.pdf, self.family, self.footer = pdf, family, footer
        self.figure = None
        self.page = 0
        self.y = MARGIN

    def _font(self, size, bold=False):
        from matplotlib.font_manager import FontProperties

        return FontProperties(family=self.family, size=size, weight="bold" if bold else "normal")

    def new_page(self):
        from matplotlib.figure import Figure

        self.flush()
        self.figure = Figure(figsize=(PAGE_W, PAGE_H))
        self.page += 1
        self.y = MARGIN
        self.text(MARGIN, PAGE_H - MARGIN + 0.1, f"{self.footer}　第 {self.page} 页", NOTE_SIZE, color="#555555")

    def flush(self):
        if self.figure is not None:
            self.pdf.savefig(self.figure)
            self.figure = None

    def room(self, height: float) -> None:
        if self.figure is None or self.y + height > BOTTOM:
            self.new_page()

    def text(self, x, y, s, size, *, bold=False, ha="left", color="black"):
        self.figure.text(x / PAGE_W, 1 - y / PAGE_H, s, fontproperties=self._font(size, bold), ha=ha,
                         va="top", color=color)

    def hline(self, x0, x1, y, width=0.4):
        from matplotlib.lines import Line2D

        self.figure.add_artist(Line2D([x0 / PAGE_W, x1 / PAGE_W], [1 - y / PAGE_H] * 2, linewidth=width,
                                      color="#888888"))

    def vline(self, x, y0, y1):
        from matplotlib.lines import Line2D

        self.figure.add_artist(Line2D([x / PAGE_W] * 2, [1 - y0 / PAGE_H, 1 - y1 / PAGE_H], linewidth=0.4,
                                      color="#888888"))

    def paragraph(self, text: str, size: float, *, bold=False, ha="left", gap=0.04):
        height = size / 72 * LINE
        for line in wrap(text, BODY_W, size, self.family, bold=bold):
            self.room(height)
            x = PAGE_W / 2 if ha == "center" else MARGIN
            self.text(x, self.y, line, size, bold=bold, ha=ha)
            self.y += height
        self.y += gap


def draw_table(doc: Document, table: Table) -> None:
    scale = BODY_W / sum(c.width for c in table.columns)
    widths = [c.width * scale for c in table.columns]
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w)
    line_h = TABLE_SIZE / 72 * LINE
    pad = 0.04

    def cell_lines(texts, bold=False):
        return [wrap(t, w - 2 * pad, TABLE_SIZE, doc.family, bold=bold, max_lines=MAX_CELL_LINES)
                for t, w in zip(texts, widths, strict=True)]

    header = cell_lines([c.label for c in table.columns], bold=True)
    header_h = max(len(lines) for lines in header) * line_h + 2 * pad

    state = {"top": None}

    def close_block():
        if state["top"] is not None:
            for x in xs:
                doc.vline(x, state["top"], doc.y)
            state["top"] = None

    def draw_header():
        state["top"] = doc.y
        doc.hline(xs[0], xs[-1], doc.y)
        draw_row(header, bold=True, numeric=[False] * len(widths), height=header_h)

    def draw_row(lines, *, bold, numeric, height):
        for i, cell in enumerate(lines):
            for j, text in enumerate(cell):
                x = xs[i + 1] - pad if numeric[i] else xs[i] + pad
                doc.text(x, doc.y + pad + j * line_h, text, TABLE_SIZE, bold=bold,
                         ha="right" if numeric[i] else "left")
        doc.y += height
        doc.hline(xs[0], xs[-1], doc.y)

    doc.room(0.3 + header_h + line_h * 2)
    doc.paragraph(table.title, 10, bold=True, gap=0.02)
    doc.room(header_h + line_h)
    draw_header()
    rows = [(r, False) for r in table.formatted_rows(MAX_PDF_ROWS)]
    if table.formatted_total:
        rows.append((table.formatted_total, True))
    if not rows:
        rows = [([Cell(table.empty_text, False)] + [Cell("", False)] * (len(widths) - 1), False)]
    for cells, is_total in rows:
        lines = cell_lines([c.text for c in cells], bold=is_total)
        height = max(len(x) for x in lines) * line_h + 2 * pad
        if doc.y + height > BOTTOM:
            close_block()
            doc.new_page()
            draw_header()
        draw_row(lines, bold=is_total, numeric=[c.numeric for c in cells], height=height)
    close_block()
    doc.y += 0.06
    hidden = (table.row_count if table.row_count is not None else len(table.rows)) - MAX_PDF_ROWS
    if hidden > 0:
        doc.paragraph(f"另有 {hidden} 行未在 PDF 中列出，完整名单见 Excel 版。", NOTE_SIZE, bold=True, gap=0.02)
    for note in table.notes:
        doc.paragraph(f"口径：{note}", NOTE_SIZE, gap=0.01)
    doc.y += 0.15
