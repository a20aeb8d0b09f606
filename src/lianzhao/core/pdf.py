"""PDF reports (weekly dispatch report, gap report, impact card) rendered from HTML templates by
WeasyPrint: the report templates include the same blocks as the pages they mirror, and
``static/lianzhao/report.css`` lays them out for A4 paper — tables that repeat their header and break
across pages, Chinese lines wrapped by Pango, title, as-of date and page numbers in the margins.

WeasyPrint needs Pango from the operating system and a font with Chinese glyphs (never vendored:
``fonts-noto-cjk`` on Debian). When either is missing, :func:`render_pdf` raises
:class:`PdfUnavailable` with a message that says what to install; the pages and the Excel files work
without them.
"""

from __future__ import annotations

import functools
import threading

from django.template.loader import render_to_string

from lianzhao.paths import PACKAGE_DIR

PDF_CONTENT_TYPE = "application/pdf"
REPORT_CSS = PACKAGE_DIR / "static" / "lianzhao" / "report.css"

#: Families the report stylesheet asks for, in order (report.css names the same ones); any other
#: installed font with Chinese glyphs is used by fontconfig's fallback.
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC"]
_PROBE = "中"  # a character every Chinese font has and no Latin-only font has

#: Debian's packages for WeasyPrint's system libraries and the font (scripts/ensure_system_deps.sh).
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
FONT_PACKAGE = "fonts-noto-cjk"


class PdfUnavailable(RuntimeError):
    """PDFs cannot be made on this machine (a system library or a Chinese font is missing)."""


class PangoNotFound(PdfUnavailable):
    """WeasyPrint could not load Pango (or another of its system libraries)."""


class FontNotFound(PdfUnavailable):
    """No font with Chinese glyphs is installed."""


FONT_MESSAGE = (f"未找到可显示中文的字体，无法生成 PDF。请安装中文字体（Debian/Ubuntu：apt-get install {FONT_PACKAGE}；"
                "或运行 scripts/ensure_system_deps.sh）后重试。Excel 版本不受影响。")
PANGO_MESSAGE = (f"未找到生成 PDF 所需的系统库 Pango（{{error}}）。请安装（Debian/Ubuntu：apt-get install "
                 f"{SYSTEM_PACKAGES}；或运行 scripts/ensure_system_deps.sh）后重试。Excel 版本不受影响。")

# Pango and fontconfig make no promise of thread safety, and WeasyPrint none either: one document at a
# time per process (the server runs several processes; a PDF takes well under a second on the demo).
_RENDER_LOCK = threading.Lock()


def _weasyprint():
    """The weasyprint module; :class:`PangoNotFound` when its system libraries cannot be loaded."""
    try:
        import weasyprint
    except OSError as exc:  # cffi's dlopen: "cannot load library 'libpango-1.0-0': …"
        raise PangoNotFound(PANGO_MESSAGE.format(error=exc)) from exc
    return weasyprint


def find_cjk_font() -> str:
    """The file of the font fontconfig (and so Pango) picks for Chinese text, checked to really have
    Chinese glyphs. Raises :class:`FontNotFound` when there is none (fontconfig then offers a Latin font).
    """
    _weasyprint()
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()  # reads FONTCONFIG_FILE and the font dirs afresh
    pattern = fontconfig.FcPatternCreate()
    try:
        for family in CJK_FAMILIES:
            fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcPatternAddString(pattern, b"lang", b"zh-cn")
        fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        path = None
        if match != ffi.NULL:
            value = ffi.new("FcChar8 **")
            if fontconfig.FcPatternGetString(match, b"file", 0, value) == 0:  # FcResultMatch
                path = ffi.string(value[0]).decode()
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)
    if not path or not _has_glyph(path, _PROBE):
        raise FontNotFound(FONT_MESSAGE)
    return path


@functools.lru_cache(maxsize=16)
def _has_glyph(path: str, char: str) -> bool:
    """Whether the font file (or the first font of a collection) maps ``char`` to a glyph."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=0, lazy=True)
        try:
            return font.getBestCmap().get(ord(char)) is not None
        finally:
            font.close()
    except Exception:  # noqa: BLE001 — a font fontTools cannot read (e.g. a bitmap font) has no use here
        return False


def _no_fetch(url, *args, **kwargs):
    """Reports load nothing: the stylesheet is passed in, the chain map is inline SVG. Refusing every
    URL keeps text from the database from ever reaching a file or the network."""
    raise ValueError(f"reports load no external resources ({url})")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a report template (which extends ``reports/pdf_base.html``) to PDF bytes.

    The template is rendered in the active language (reports are built inside
    :func:`lianzhao.core.i18n.data_language`); ``pdf=True`` in its context lets shared blocks choose
    the printed variant (for example every row up to :data:`lianzhao.core.tables.MAX_PDF_ROWS`
    instead of the page's preview). Raises :class:`PdfUnavailable` when Pango or a Chinese font
    is missing.
    """
    weasyprint = _weasyprint()
    find_cjk_font()
    html = render_to_string(template_name, {**context, "pdf": True})
    with _RENDER_LOCK:
        document = weasyprint.HTML(string=html, url_fetcher=_no_fetch)
        # presentational_hints: the tables' column widths come as width attributes (_table.html).
        return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(REPORT_CSS))], presentational_hints=True)
