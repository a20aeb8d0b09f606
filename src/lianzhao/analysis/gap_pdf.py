"""The gap report of one industry as a PDF: the gap page's blocks — the classified chain map (drawn
as SVG from the page's own layout), the table, the basis and the rules — then the method notes of
the Excel workbook; rendered by WeasyPrint (:mod:`lianzhao.core.pdf`)."""

from __future__ import annotations

from django.utils import timezone

from lianzhao.analysis.chains import IndustryGaps, report_blocks
from lianzhao.analysis.gap_export import METHOD
from lianzhao.core.i18n import in_data_language
from lianzhao.core.pdf import render_pdf

#: The printed map's largest size (mm): the body width of an A4 landscape page, and a height that
#: leaves room for the title and the legend on the first page.
SVG_MAX_WIDTH, SVG_MAX_HEIGHT = 270, 120
_LABEL_ROOM, _TITLE_ROOM, _PAD = 300, 40, 30  # chart units: right of the last column, above, around


def report_title(gaps: IndustryGaps) -> str:
    return f"{gaps.context.region_name} {gaps.industry.name}产业链 补链/强链/延链分析"


def chain_svg(chart: dict) -> dict:
    """The geometry of :func:`lianzhao.analysis.chains.chart_data`'s map as drawn in the PDF
    (``analysis/_chain_svg.html``): the same coordinates, a view box around them, a size in mm."""
    from lianzhao.industries.charts import COLUMN_GAP, ROW_GAP

    where = {n["id"]: (n["x"], n["y"]) for n in chart["nodes"]}
    width = 2 * COLUMN_GAP + _LABEL_ROOM + 2 * _PAD
    height = max(chart["rows"] - 1, 0) * ROW_GAP + _TITLE_ROOM + 2 * _PAD
    scale = min(SVG_MAX_WIDTH / width, SVG_MAX_HEIGHT / height)
    return {
        "view_box": f"{-_PAD} {-_PAD - _TITLE_ROOM} {width} {height}",
        "width_mm": round(width * scale, 1), "height_mm": round(height * scale, 1),
        "columns": [{"x": i * COLUMN_GAP, "y": -_TITLE_ROOM + 6, "label": c} for i, c in enumerate(chart["columns"])],
        "links": [{"x1": where[link["source"]][0], "y1": where[link["source"]][1],
                   "x2": where[link["target"]][0], "y2": where[link["target"]][1]} for link in chart["links"]],
        "nodes": [{**n, "r": round(n["size"] / 2, 1), "label_x": round(n["x"] + n["size"] / 2 + 6, 1),
                   "label_y": n["y"] + 5} for n in chart["nodes"]],
    }


@in_data_language
def gaps_pdf(gaps: IndustryGaps, rows: list[dict]) -> bytes:
    """The PDF bytes of one industry's gap report, in the data language (``rows`` from
    :func:`~lianzhao.analysis.chains.document_rows`).
    Raises :class:`lianzhao.core.pdf.PdfUnavailable` when Pango or a Chinese font is missing."""
    blocks = report_blocks(gaps, rows)
    return render_pdf("analysis/gap_report_pdf.html", {
        **blocks, "industry": gaps.industry, "map": chain_svg(blocks["chart"]), "method": METHOD,
        "doc_title": report_title(gaps), "as_of": timezone.localdate()})


@in_data_language
def gap_report_pdf(industry) -> bytes:
    """The gap report of ``industry`` in the current region as PDF bytes, in Chinese whatever the
    caller's language — for views, commands and background jobs. Raises
    :class:`~lianzhao.analysis.engine.AnalysisUnavailable` or :class:`~lianzhao.core.pdf.PdfUnavailable`."""
    from lianzhao.analysis.chains import document_rows, industry_gaps
    from lianzhao.analysis.engine import regional_context
    from lianzhao.analysis.region import current_region

    gaps = industry_gaps(industry, regional_context(current_region()))
    return gaps_pdf(gaps, document_rows(gaps))
