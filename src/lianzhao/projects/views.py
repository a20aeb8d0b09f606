"""Project pages: list, detail with timeline, create/edit, stage change and event logging."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianzhao.accounts import permissions
from lianzhao.audit.models import AuditRecord
from lianzhao.core.forms import apply_validation_error
from lianzhao.core.htmx import is_htmx
from lianzhao.projects import services
from lianzhao.projects.filters import InvestmentProjectFilterSet
from lianzhao.projects.forms import InvestmentProjectForm, ProjectEventForm, StageChangeForm
from lianzhao.projects.models import InvestmentProject

PAGE_SIZE = 25


@require_GET
def project_list(request):
    permissions.require(permissions.can_read(request.user))
    filterset = InvestmentProjectFilterSet(
        request.GET, queryset=InvestmentProject.objects.with_related(), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_create": permissions.can_create_project(request.user),
    }
    template = "projects/_project_table.html" if is_htmx(request) else "projects/project_list.html"
    return render(request, template, context)


def _workflow_context(request, project, stage_form=None, event_form=None):
    can_edit = permissions.can_edit_project(request.user, project)
    return {
        "project": project,
        "can_edit": can_edit,
        "events": project.events.select_related("actor"),
        "stage_form": stage_form or (StageChangeForm(project=project) if can_edit else None),
        "event_form": event_form or (ProjectEventForm() if can_edit else None),
    }


@require_GET
def project_detail(request, pk):
    permissions.require(permissions.can_read(request.user))
    project = get_object_or_404(InvestmentProject.objects.with_related(), pk=pk)
    context = _workflow_context(request, project)
    context["history"] = AuditRecord.objects.for_object(project).select_related("actor")[:50]
    return render(request, "projects/project_detail.html", context)


def _respond_workflow(request, project, *, stage_form=None, event_form=None, status=200):
    project.refresh_from_db()
    context = _workflow_context(request, project, stage_form, event_form)
    if is_htmx(request):
        return render(request, "projects/_workflow.html", context, status=status)
    if status == 200:
        return redirect("project_detail", pk=project.pk)
    context["history"] = AuditRecord.objects.for_object(project).select_related("actor")[:50]
    return render(request, "projects/project_detail.html", context, status=status)


@require_POST
def project_stage(request, pk):
    project = get_object_or_404(InvestmentProject, pk=pk)
    permissions.require(permissions.can_edit_project(request.user, project), "您只能推进本部门的项目。")
    form = StageChangeForm(request.POST, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_stage(project, data["to_stage"], acting_user=request.user, on=data["on"],
                                  note=data["note"], signed_amount=data["signed_amount"],
                                  from_stage=data["from_stage"] or None)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "阶段已更新。")
            return _respond_workflow(request, project)
    return _respond_workflow(request, project, stage_form=form, status=400)


@require_POST
def project_event_add(request, pk):
    project = get_object_or_404(InvestmentProject, pk=pk)
    permissions.require(permissions.can_edit_project(request.user, project), "您只能为本部门的项目记录动态。")
    form = ProjectEventForm(request.POST)
    if form.is_valid():
        try:
            services.add_event(project, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "动态已记录。")
            return _respond_workflow(request, project)
    return _respond_workflow(request, project, event_form=form, status=400)


@require_http_methods(["GET", "POST"])
def project_create(request):
    permissions.require(permissions.can_create_project(request.user), "您没有新建项目的权限。")
    form = InvestmentProjectForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                project = services.create_project(data=data, acting_user=request.user)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"项目“{project.name}”已登记为线索。")
                return redirect("project_detail", pk=project.pk)
        status = 400
    return render(request, "projects/project_form.html", {"form": form, "creating": True}, status=status)


@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = get_object_or_404(InvestmentProject, pk=pk)
    permissions.require(permissions.can_edit_project(request.user, project), "您只能修改本部门的项目。")
    form = InvestmentProjectForm(request.POST or None, instance=project, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS}
            try:
                services.update_project(project, changes=changes, acting_user=request.user,
                                        expected_version=form.cleaned_data.get("version"))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "项目信息已保存。")
                return redirect("project_detail", pk=project.pk)
        status = 409 if form.has_error("__all__", "stale") else 400
    return render(request, "projects/project_form.html",
                  {"form": form, "project": project, "creating": False}, status=status)
