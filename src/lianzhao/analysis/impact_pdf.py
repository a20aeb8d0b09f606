"""The impact card as a PDF (A4 landscape): the card page's blocks — results per phase, every
assumption, the δ sensitivity — rendered by WeasyPrint (:mod:`lianzhao.core.pdf`)."""

from __future__ import annotations

from django.utils import timezone

from lianzhao.core.i18n import in_data_language
from lianzhao.core.pdf import render_pdf


@in_data_language
def impact_pdf(page: dict) -> bytes:
    """The PDF bytes of the card whose blocks are ``page`` (from
    :func:`lianzhao.analysis.impact.card_blocks`, built in the data language).
    Raises :class:`lianzhao.core.pdf.PdfUnavailable` when Pango or a Chinese font is missing."""
    return render_pdf("analysis/impact_card_pdf.html", {
        **page, "doc_title": f"{page['project'].name} 经济影响测算卡", "as_of": timezone.localdate()})


@in_data_language
def impact_card_pdf(project) -> bytes:
    """The impact card of ``project`` in the current region as PDF bytes, in Chinese whatever the
    caller's language — for views, commands and background jobs. Raises
    :class:`~lianzhao.analysis.engine.AnalysisUnavailable` or :class:`~lianzhao.core.pdf.PdfUnavailable`."""
    from lianzhao.analysis.engine import regional_context
    from lianzhao.analysis.impact import card_blocks
    from lianzhao.analysis.region import current_region

    return impact_pdf(card_blocks(project, regional_context(current_region())))
