"""Enterprise registry pages: list with filters and full-text search, create and edit, the import
(template, upload, background job for large files) and the import batches. The company profile is
lianzhao.targets.views.enterprise_profile (it reads the pipeline and the chain matches)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lianzhao.accounts import permissions
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.htmx import is_htmx
from lianzhao.core.http import attachment
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.enterprises import importing
from lianzhao.enterprises.filters import EnterpriseFilterSet
from lianzhao.enterprises.forms import EnterpriseForm, EnterpriseImportForm
from lianzhao.enterprises.models import Enterprise, ImportBatch
from lianzhao.enterprises.services import EDITABLE_FIELDS, save_enterprise
from lianzhao.jobs.services import start_job

PAGE_SIZE = 30


@require_GET
def enterprise_list(request):
    permissions.require(permissions.can_read(request.user))
    queryset = Enterprise.objects.annotate(project_count=Count("projects", distinct=True)).order_by("name")
    filterset = EnterpriseFilterSet(request.GET, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode(),
               "can_edit": permissions.can_edit_enterprises(request.user)}
    template = "enterprises/_enterprise_table.html" if is_htmx(request) else "enterprises/enterprise_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def enterprise_form(request, pk=None):
    permissions.require(permissions.can_edit_enterprises(request.user), _("您没有维护企业信息的权限。"))
    instance = get_object_or_404(Enterprise, pk=pk) if pk else None
    form = EnterpriseForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        enterprise = submit(form, lambda data: save_enterprise(
            instance, data={k: data[k] for k in EDITABLE_FIELDS}, acting_user=request.user))
        if enterprise:
            messages.success(request, _("企业“%(name)s”已保存。") % {"name": enterprise.name})
            return redirect("enterprise_detail", pk=enterprise.pk)
        status = refusal_status(form)
    return render(request, "enterprises/enterprise_form.html",
                  {"form": form, "enterprise": instance}, status=status)


@require_GET
def enterprise_import_template(request):
    permissions.require(permissions.can_read(request.user))
    return attachment(importing.template_workbook(), filename="企业库导入模板.xlsx", content_type=XLSX_CONTENT_TYPE,
                      fallback="enterprise-import-template.xlsx")


@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    """Upload a filled template (.xlsx) or a CSV; all rows are imported or none, with every error
    listed. A file of more than ``BACKGROUND_ROWS`` rows runs as a background job with progress."""
    permissions.require(permissions.can_edit_enterprises(request.user), _("您没有维护企业信息的权限。"))
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "errors": [], "columns": importing.COLUMNS, "background_rows": importing.BACKGROUND_ROWS}
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if importing.count_rows(upload, upload.name) > importing.BACKGROUND_ROWS:
                job = start_job("enterprises.import", acting_user=request.user,
                                input_file=upload)
                return redirect("job_detail", job.pk)
            result = importing.import_enterprises(upload, filename=upload.name, acting_user=request.user)
            if result.ok:
                messages.success(request, result.summary())
                return redirect("import_batch_list")
            context["errors"] = result.errors
        return render(request, "enterprises/enterprise_import.html", context, status=400)
    return render(request, "enterprises/enterprise_import.html", context)


@require_GET
def import_batch_list(request):
    permissions.require(permissions.can_read(request.user))
    batches = ImportBatch.objects.select_related("actor")[:100]
    return render(request, "enterprises/import_batches.html", {"batches": batches})
