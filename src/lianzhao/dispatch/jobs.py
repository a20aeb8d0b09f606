"""Background jobs of the dispatch app: the weekly dispatch report over the whole pipeline, built in
the worker instead of a web request (see lianzhao.jobs)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.accounts import permissions
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.dispatch.forms import WeeklyReportForm
from lianzhao.jobs.registry import job_kind
from lianzhao.jobs.runner import JobFailed, JobResult


class WeeklyReportJobForm(WeeklyReportForm):
    """The weekly report's week and unit, and the file to make."""

    format = forms.ChoiceField(label=gettext_lazy("格式"), choices=[("pdf", "PDF"), ("xlsx", "Excel")])

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, today=timezone.localdate(), **kwargs)


@job_kind("dispatch.weekly_report", label=gettext_lazy("周调度报告"), permission=permissions.can_read,
          form=WeeklyReportJobForm)
def weekly_report(run, *, week, unit, format):
    """The weekly dispatch report for ``week`` as a PDF or an Excel workbook, every row included."""
    from lianzhao.dispatch import queries
    from lianzhao.dispatch.pdf import PdfUnavailable, weekly_pdf
    from lianzhao.dispatch.weekly import build_weekly_report, report_filename
    from lianzhao.dispatch.xlsx import weekly_workbook

    run.progress(0, 3, _("读取 %(week)s 的项目数据") % {"week": week.label}, force=True)
    data = queries.weekly_data(week, today=timezone.localdate(), unit=unit)
    run.progress(1, message=_("汇总周调度表"), force=True)
    report = build_weekly_report(data)
    run.progress(2, message=_("生成文件"), force=True)
    if format == "xlsx":
        return JobResult(content=weekly_workbook(report), filename=report_filename(report["week"], "xlsx"),
                         content_type=XLSX_CONTENT_TYPE)
    try:
        content = weekly_pdf(report)
    except PdfUnavailable as exc:
        raise JobFailed(str(exc)) from exc
    return JobResult(content=content, filename=report_filename(report["week"], "pdf"), content_type="application/pdf")
