"""Dispatch pages (统筹调度): the weekly report with its downloads, targets and ranking, analytics."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lianzhao.accounts import permissions
from lianzhao.accounts.models import Department
from lianzhao.aftercare.weekly import service_table
from lianzhao.audit.services import data_stamp
from lianzhao.core.documents import cached_document
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.http import attachment
from lianzhao.core.memo import memoized
from lianzhao.core.periods import Period
from lianzhao.core.tables import PREVIEW_ROWS
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.dispatch import analytics, queries
from lianzhao.dispatch.forms import AnalyticsFilterForm, DepartmentTargetForm, TargetYearForm, WeeklyReportForm
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.pdf import PdfUnavailable, weekly_pdf
from lianzhao.dispatch.ranking import RANKING_RULE, TARGET_DEFINITION, rank_departments
from lianzhao.dispatch.services import TARGET_FIELDS, can_edit_targets, save_department_target
from lianzhao.dispatch.weekly import build_weekly_report, ranking_table, report_filename
from lianzhao.dispatch.weeks import IsoWeek
from lianzhao.dispatch.xlsx import weekly_workbook
from lianzhao.projects.counting import FUNDS_DEFINITION, SIGNED_TOTAL_DEFINITION


def _attachment(content: bytes, content_type: str, filename: str):
    return attachment(content, filename=filename, content_type=content_type,
                      fallback=f"weekly-report.{filename.rsplit('.', 1)[1]}")


@require_GET
def weekly_report(request):
    """Choose a week, preview the report, download it as Excel (``?format=xlsx``) or PDF (``pdf``)."""
    permissions.require(permissions.can_read(request.user))
    today = timezone.localdate()
    data = request.GET if "week" in request.GET else {"week": IsoWeek.last_complete(today).label}
    form = WeeklyReportForm(data, today=today)
    if not form.is_valid():
        return render(request, "dispatch/weekly_report.html", {"form": form}, status=400)
    week, unit = form.cleaned_data["week"], form.cleaned_data["unit"]
    fmt = request.GET.get("format", "")
    # The page previews the first rows of each list; the downloads carry every row.
    preview = None if fmt in ("xlsx", "pdf") else PREVIEW_ROWS
    # The report is sent upward in Chinese: read, built and downloaded in the data language (each
    # function is decorated with in_data_language); the page shows it as it will be sent, inside the UI
    # of the user's language.
    if fmt in ("xlsx", "pdf"):
        # Every reader of a week gets the same document: built once, then shared by all processes
        # until the data changes (core/documents.py).
        def build_report():
            return build_weekly_report(queries.weekly_data(week, today=today, unit=unit))

        name = report_filename(week, fmt)
        params = {"week": week.label, "unit": unit}
        if fmt == "xlsx":
            content = cached_document("weekly.xlsx", params, data_stamp=data_stamp(), today=today,
                                      build=lambda: weekly_workbook(build_report()))
            return _attachment(content, XLSX_CONTENT_TYPE, name)
        try:
            content = cached_document("weekly.pdf", params, data_stamp=data_stamp(), today=today,
                                      build=lambda: weekly_pdf(build_report()))
            return _attachment(content, "application/pdf", name)
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
    # The preview is the same for every reader of the week today: built once per change of the data.
    report = memoized("weekly.preview", (week.label, unit, today, preview), data_stamp=data_stamp(),
                      build=lambda: build_weekly_report(queries.weekly_data(week, today=today, unit=unit,
                                                                            preview=preview)))
    following = week.shifted(1)
    return render(request, "dispatch/weekly_report.html", {
        "form": form, "report": report,
        "download_query": urlencode({"week": week.label, **({"unit": unit} if unit else {})}),
        "previous_week": week.shifted(-1).label,
        "next_week": following.label if following.start <= today else "",
    })


def _default_year(today) -> int:
    """This year; until this year's targets are set, the latest earlier year that has targets."""
    latest = (DepartmentTarget.objects.filter(year__lte=today.year).order_by("-year")
              .values_list("year", flat=True).first())
    return latest or today.year


@require_GET
def targets(request):
    """Progress of every department against its annual targets, and the ranking with its rule."""
    permissions.require(permissions.can_read(request.user))
    today = timezone.localdate()
    form = TargetYearForm(request.GET or None, today=today)
    valid = form.is_valid()
    period = form.cleaned_data.get("period") if valid else None
    year = period.year if period else (form.cleaned_data.get("year") if valid else None) or _default_year(today)
    if not form.is_bound:
        form = TargetYearForm(initial={"year": year}, today=today)
    period = period or Period(year)
    window = period.window(today)
    progress = queries.department_progress(year, today, window=window)
    ranked = rank_departments(progress)
    return render(request, "dispatch/targets.html", {
        "form": form, "year": year, "period": period, "period_text": period.describe(today), "as_of": window[1],
        "ranked": ranked,
        "ranking_table": ranking_table(progress, year, period.label() if period.kind != "year" else ""),
        # Enterprise service: the handling departments' on-time and satisfaction ranking (its own rule).
        "service_table": service_table(year, window[1]),
        "ranking_rule": _(RANKING_RULE), "target_definition": _(TARGET_DEFINITION),
        "signed_definition": _(SIGNED_TOTAL_DEFINITION), "funds_definition": _(FUNDS_DEFINITION),
        "can_edit": can_edit_targets(request.user), "years": [year - 1, year, year + 1],
    }, status=200 if valid or not form.is_bound else 400)


@require_http_methods(["GET", "POST"])
def target_edit(request, year: int, department_id: int):
    """Set or change one department's targets for one year (admins)."""
    permissions.require(can_edit_targets(request.user), _("只有管理员可以设定部门年度目标。"))
    department = get_object_or_404(Department, pk=department_id)
    if not 2000 <= year <= 2100:
        raise Http404(_("年度应在 2000 至 2100 之间。"))
    instance = (DepartmentTarget.objects.filter(department=department, year=year).first()
                or DepartmentTarget(department=department, year=year))
    form = DepartmentTargetForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if submit(form, lambda data: save_department_target(
                department, year, data={k: data[k] for k in TARGET_FIELDS}, acting_user=request.user)):
            messages.success(request, _("%(department)s %(year)s 年度目标已保存。") % {"department": department, "year": year})
            return redirect(f"{reverse('targets')}?year={year}")
        status = refusal_status(form)
    return render(request, "dispatch/target_form.html",
                  {"form": form, "department": department, "year": year}, status=status)


@require_GET
def analytics_view(request):
    """Conversion and stage durations by method, referrer, officer and industry, each with its 口径."""
    permissions.require(permissions.can_read(request.user))
    form = AnalyticsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    department = filters.get("department")
    chart_dimension = filters.get("chart") or "method"
    projects = queries.analytics_projects(window=form.window() if filters else None, department=department)
    tables = [analytics.conversion_table(dimension, projects) for dimension in analytics.DIMENSIONS]
    return render(request, "dispatch/analytics.html", {
        "form": form, "tables": tables, "charts": {"rates": analytics.rate_chart(chart_dimension, projects)},
        "chart_definition": analytics.RATE_CHART_DEFINITION,
    }, status=200 if form.is_valid() or not form.is_bound else 400)
