"""Project import and export pages: the Excel template, the export of the filtered list, the upload."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lianzhao.accounts import permissions
from lianzhao.core.http import attachment
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.jobs.services import start_job
from lianzhao.projects import exporting, importing, lights
from lianzhao.projects.filters import InvestmentProjectFilterSet
from lianzhao.projects.importing import ProjectImportForm, import_projects, runs_in_background
from lianzhao.projects.models import InvestmentProject, TrafficLightRule


def _xlsx(content: bytes, filename: str, ascii_name: str):
    return attachment(content, filename=filename, content_type=XLSX_CONTENT_TYPE, fallback=ascii_name)


@require_GET
def project_export(request):
    """The project list as filtered on the list page (same filter set and parameters), as Excel."""
    permissions.require(permissions.can_read(request.user))
    queryset = InvestmentProject.objects.with_related().with_light(lights.today(), TrafficLightRule.load())
    filterset = InvestmentProjectFilterSet(request.GET, queryset=queryset, request=request)
    today = timezone.localdate()
    content = exporting.export_workbook(filterset.qs)  # the Chinese import format, whatever the UI language
    return _xlsx(content, f"招商项目_{today:%Y%m%d}.xlsx", f"projects-{today:%Y%m%d}.xlsx")


@require_GET
def project_import_template(request):
    permissions.require(permissions.can_read(request.user))
    content = exporting.template_workbook()
    return _xlsx(content, "招商项目导入模板.xlsx", "project-import-template.xlsx")


@require_http_methods(["GET", "POST"])
def project_import(request):
    """Upload a filled template; all rows are imported or none, with every error listed. A file of
    more than ``BACKGROUND_ROWS`` rows is imported as a background job (its page shows progress)."""
    permissions.require(permissions.can_create_project(request.user), _("您没有导入项目的权限。"))
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "errors": [], "columns": exporting.COLUMNS, "limits": {
        "rows": f"{importing.MAX_ROWS:,}", "mb": importing.MAX_BYTES // 1024 // 1024,
        "background": f"{importing.BACKGROUND_ROWS:,}"}}
    if request.method == "POST":
        if form.is_valid() and runs_in_background(form.cleaned_data["file"]):
            # Thousands of rows take a while: the worker imports them and the job page shows progress.
            job = start_job("projects.import", acting_user=request.user, input_file=form.cleaned_data["file"])
            return redirect("job_detail", job.pk)
        if form.is_valid():
            # The file's headers, stages and methods are Chinese, and so are the row errors that quote them.
            result = import_projects(form.cleaned_data["file"], acting_user=request.user)
            if result.ok:
                messages.success(request, _(
                    "导入完成：新建 %(created)s 个项目，更新 %(updated)s 个（其中阶段变更 %(moved)s 个），"
                    "%(unchanged)s 个无变化。") % {"created": len(result.created), "updated": len(result.updated),
                                                  "moved": result.stage_changes, "unchanged": result.unchanged})
                return redirect("project_list")
            context["errors"] = [str(e) for e in result.errors]
        return render(request, "projects/project_import.html", context, status=400)
    return render(request, "projects/project_import.html", context)
