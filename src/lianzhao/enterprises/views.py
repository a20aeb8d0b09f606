"""Enterprise registry pages: list with filters, detail, create and edit."""

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
from lianzhao.enterprises.filters import EnterpriseFilterSet
from lianzhao.enterprises.forms import EnterpriseForm
from lianzhao.enterprises.models import Enterprise
from lianzhao.enterprises.services import EDITABLE_FIELDS, save_enterprise
from lianzhao.refdata.gbt4754 import load_classification

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


@require_GET
def enterprise_detail(request, pk):
    permissions.require(permissions.can_read(request.user))
    enterprise = get_object_or_404(Enterprise, pk=pk)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise,
        "gbt_label": load_classification().label(enterprise.gbt_code) if enterprise.gbt_code else "",
        "nodes": enterprise.chain_nodes.select_related("industry"),
        "projects": enterprise.projects.select_related("industry", "department"),
        "can_edit": permissions.can_edit_enterprises(request.user),
    })


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
