"""Template tags for the blocks a page and its PDF share (``{% load reports %}``)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> dict:
    """The rows of a :class:`lianzhao.core.tables.Table` that this rendering shows, and how many it
    leaves out (the Excel file lists them): the preview's first rows on a page, up to
    ``MAX_PDF_ROWS`` in a PDF (:func:`lianzhao.core.pdf.render_pdf` sets ``pdf``).
    Usage: ``{% table_rows table as shown %}`` … ``shown.rows`` … ``shown.hidden``."""
    if context.get("pdf"):
        return {"rows": table.pdf_rows, "hidden": table.pdf_hidden_rows}
    return {"rows": table.preview_rows, "hidden": table.hidden_rows}
