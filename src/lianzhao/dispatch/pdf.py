"""The weekly dispatch report as a PDF: the page's head and tables (the same template blocks),
rendered by WeasyPrint on A4 landscape pages — see :mod:`lianzhao.core.pdf`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lianzhao.core.i18n import in_data_language
from lianzhao.core.pdf import FontNotFound, PdfUnavailable, render_pdf
from lianzhao.dispatch.queries import weekly_data
from lianzhao.dispatch.weekly import build_weekly_report

__all__ = ["FontNotFound", "PdfUnavailable", "weekly_pdf", "weekly_report_pdf"]


@in_data_language
def weekly_pdf(report: dict) -> bytes:
    """The PDF bytes of a report dict from :func:`lianzhao.dispatch.weekly.build_weekly_report`
    (in the data language, as it was built). Raises :class:`PdfUnavailable` when Pango or a
    Chinese font is missing."""
    return render_pdf("dispatch/weekly_report_pdf.html", {
        "report": report, "doc_title": f"{report['title']} {report['week'].label}", "as_of": report["as_of"]})


@in_data_language
def weekly_report_pdf(week, *, unit: str = "", today: dt.date | None = None) -> bytes:
    """The weekly report of ``week`` (an :class:`~lianzhao.dispatch.weeks.IsoWeek`) as PDF bytes,
    read from the database and written in Chinese whatever the caller's language — for the
    command, background jobs and anyone who has only the week."""
    return weekly_pdf(build_weekly_report(weekly_data(week, today=today or timezone.localdate(), unit=unit)))
