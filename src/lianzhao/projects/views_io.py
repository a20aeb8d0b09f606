"""Project import and export pages: the Excel template, the export of the filtered list, the upload."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lianzhao.accounts import permissions
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.projects import exporting, lights
from lianzhao.projects.filters import InvestmentProjectFilterSet
from lianzhao.projects.importing import ProjectImportForm, import_projects
from lianzhao.projects.models import InvestmentProject, TrafficLightRule


def _xlsx(content: bytes, filename: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
def project_export(request):
    """The project list as filtered on the list page (same filter set and parameters), as Excel."""
    permissions.require(permissions.can_read(request.user))
    queryset = InvestmentProject.objects.with_related().with_light(lights.today(), TrafficLightRule.load())
    filterset = InvestmentProjectFilterSet(request.GET, queryset=queryset, request=request)
    today = timezone.localdate()
    return _xlsx(exporting.export_workbook(filterset.qs), f"招商项目_{today:%Y%m%d}.xlsx",
                 f"projects-{today:%Y%m%d}.xlsx")


@require_GET
def project_import_template(request):
    permissions.require(permissions.can_read(request.user))
    return _xlsx(exporting.template_workbook(), "招商项目导入模板.xlsx", "project-import-template.xlsx")


@require_http_methods(["GET", "POST"])
def project_import(request):
    """Upload a filled template; all rows are imported or none, with every error listed."""
    permissions.require(permissions.can_create_project(request.user), "您没有导入项目的权限。")
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "errors": [], "columns": exporting.COLUMNS}
    if request.method == "POST":
        if form.is_valid():
            result = import_projects(form.cleaned_data["file"], acting_user=request.user)
            if result.ok:
                messages.success(request, (
                    f"导入完成：新建 {len(result.created)} 个项目，更新 {len(result.updated)} 个"
                    f"（其中阶段变更 {result.stage_changes} 个），{result.unchanged} 个无变化。"))
                return redirect("project_list")
            context["errors"] = [str(e) for e in result.errors]
        return render(request, "projects/project_import.html", context, status=400)
    return render(request, "projects/project_import.html", context)
