"""Project pages: list, detail with timeline, create/edit, stage change with evidence, event logging,
milestone plan, investment changes, evidence files, merging duplicates and "我的项目"."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianzhao.accounts import permissions
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.readable import describe
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.htmx import is_htmx
from lianzhao.core.http import stored_attachment
from lianzhao.projects import counting, evidence, lights, services
from lianzhao.projects.choices import ProjectStage
from lianzhao.projects.duplicates import find_duplicate_candidates
from lianzhao.projects.filters import InvestmentProjectFilterSet
from lianzhao.projects.forms import (
    FundsInPlaceForm,
    InvestmentChangeForm,
    InvestmentProjectForm,
    ProjectEventForm,
    ProjectFileForm,
    ProjectMergeForm,
    ProjectPlanForm,
    StageChangeForm,
    StageEvidenceForm,
)
from lianzhao.projects.funds import funds_flag, funds_rows
from lianzhao.projects.ledger import ledger_facts
from lianzhao.projects.models import InvestmentProject, ProjectFile, TrafficLightRule

PAGE_SIZE = 25


@require_GET
def project_list(request):
    permissions.require(permissions.can_read(request.user))
    today, rule = lights.today(), TrafficLightRule.load()
    filterset = InvestmentProjectFilterSet(
        request.GET, queryset=InvestmentProject.objects.with_related().with_light(today, rule), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for project in page:
        project.light_state = project.light_info(today, rule)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_create": permissions.can_create_project(request.user),
        "light_definition": lights.definition(rule),
    }
    template = "projects/_project_table.html" if is_htmx(request) else "projects/project_list.html"
    return render(request, template, context)


def _workflow_context(request, project, stage_form=None, event_form=None):
    can_edit = permissions.can_edit_project(request.user, project) and not project.is_merged
    return {
        "project": project,
        "can_edit": can_edit,
        "light": project.light_info(lights.today(), TrafficLightRule.load()),
        "events": project.events.select_related("actor"),
        "files": project.files.select_related("uploaded_by"),
        "stage_form": stage_form or (StageChangeForm(project=project) if can_edit else None),
        "event_form": event_form or (ProjectEventForm() if can_edit else None),
    }


def _detail_context(request, project, **forms):
    context = _workflow_context(request, project, forms.pop("stage_form", None), forms.pop("event_form", None))
    can_edit = context["can_edit"]
    context["funds"], context["funds_flag"] = funds_rows(project)
    context["missing_evidence"] = evidence.missing(project, {f.stage for f in context["files"]})
    context.update({
        "history": describe(AuditRecord.objects.for_object(project).select_related("actor")[:50]),
        "investment_changes": project.investment_changes.select_related("actor"),
        "merged_duplicates": project.merged_duplicates.all(),
        "change_definition": _(counting.INVESTMENT_CHANGE_DEFINITION),
        "funds_definition": _(counting.FUNDS_DEFINITION),
        "funds_form": forms.get("funds_form") or (FundsInPlaceForm() if can_edit else None),
        "can_view_audit": permissions.can_view_audit(request.user),
        "ledger": ledger_facts(project),
        "change_form": forms.get("change_form") or (
            InvestmentChangeForm() if can_edit and project.signed_date else None),
        "file_form": forms.get("file_form") or (ProjectFileForm() if can_edit else None),
        "merge_form": forms.get("merge_form") or (ProjectMergeForm() if can_edit else None),
        "merge_candidates": find_duplicate_candidates(
            name=project.name, investor=project.investor, industry=project.industry,
            exclude_pk=project.pk) if can_edit else [],
    })
    return context


def _editable_project(request, pk: int, refusal: str) -> InvestmentProject:
    """The (counted) project ``pk`` if the user may change it; 404 / 403 with ``refusal`` otherwise.
    Checked before the form is read, so an outsider never learns what the form would have said."""
    project = get_object_or_404(InvestmentProject, pk=pk)
    permissions.require(permissions.can_edit_project(request.user, project), refusal)
    return project


def _render_detail(request, project, *, status=200, **forms):
    return render(request, "projects/project_detail.html", _detail_context(request, project, **forms),
                  status=status)


@require_GET
def project_detail(request, pk):
    permissions.require(permissions.can_read(request.user))
    # all_objects: a merged duplicate keeps its page, which says where it went.
    project = get_object_or_404(InvestmentProject.all_objects.with_related(), pk=pk)
    return _render_detail(request, project)


def _respond_workflow(request, project, *, stage_form=None, event_form=None, status=200):
    project.refresh_from_db()
    if is_htmx(request):
        context = _workflow_context(request, project, stage_form, event_form)
        return render(request, "projects/_workflow.html", context, status=status)
    if status == 200:
        return redirect("project_detail", pk=project.pk)
    return _render_detail(request, project, stage_form=stage_form, event_form=event_form, status=status)


#: The forms of the workflow card (answered with the card for htmx); the others are on the page.
WORKFLOW_FORMS = ("stage_form", "event_form")


def _after_post(request, project, saved, success: str, **form):
    """The answer to a form posted on the project page (``form``: its context name and the form):
    saved — the message and the refreshed workflow card (htmx) or the project page; refused — the
    card or page again with the form's errors, 400 (409 when the page was stale)."""
    (name, bound), = form.items()
    if saved:
        messages.success(request, success)
        return _respond_workflow(request, project) if name in WORKFLOW_FORMS else redirect(
            "project_detail", pk=project.pk)
    if name in WORKFLOW_FORMS:
        return _respond_workflow(request, project, status=refusal_status(bound), **form)
    return _render_detail(request, project, status=refusal_status(bound), **form)


@require_POST
def project_stage(request, pk):
    project = _editable_project(request, pk, _("您只能推进本部门的项目。"))
    form = StageChangeForm(request.POST, request.FILES, project=project)

    def save(data):
        return services.change_stage(project, data["to_stage"], acting_user=request.user, on=data["on"],
                                     note=data["note"], from_stage=data["from_stage"] or None,
                                     evidence=form.evidence(), upload=data["evidence_file"])

    saved = submit(form, save)
    response = _after_post(request, project, saved, _("阶段已更新。"), stage_form=form)
    if saved and is_htmx(request) and form.cleaned_data["to_stage"] == ProjectStage.SIGNED:
        # The signing started the landing checklist, a card outside the workflow card: reload the page.
        response["HX-Refresh"] = "true"
    return response


@require_POST
def project_event_add(request, pk):
    project = _editable_project(request, pk, _("您只能为本部门的项目记录动态。"))
    form = ProjectEventForm(request.POST)
    saved = submit(form, lambda data: services.add_event(project, acting_user=request.user, **data))
    return _after_post(request, project, saved, _("动态已记录。"), event_form=form)


@require_http_methods(["GET", "POST"])
def project_create(request):
    permissions.require(permissions.can_create_project(request.user), _("您没有新建项目的权限。"))
    form = InvestmentProjectForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        project = submit(form, lambda data: services.create_project(
            data={**{k: data[k] for k in services.EDITABLE_FIELDS if k in data}, **form.planned()},
            new_investor=form.new_investor_name, acting_user=request.user))
        if project:
            messages.success(request, _("项目“%(name)s”已登记为线索。") % {"name": project.name})
            return redirect("project_detail", pk=project.pk)
        status = refusal_status(form)
    return render(request, "projects/project_form.html", {"form": form, "creating": True}, status=status)


def _versioned_form_page(request, project, form, *, save, success: str, template: str, context=None):
    """GET shows the form; POST saves through ``save(cleaned_data)``: a redirect to the project on
    success, 409 when someone else saved in between (optimistic locking), 400 for other errors."""
    status = 200
    if request.method == "POST":
        if submit(form, save):
            messages.success(request, success)
            return redirect("project_detail", pk=project.pk)
        status = refusal_status(form)
    return render(request, template, {"form": form, "project": project, **(context or {})}, status=status)


@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _editable_project(request, pk, _("您只能修改本部门的项目。"))
    form = InvestmentProjectForm(request.POST or None, instance=project, user=request.user, versioned=True)

    def save(data):
        return services.update_project(project, changes={k: data[k] for k in services.EDITABLE_FIELDS},
                                       acting_user=request.user, expected_version=data.get("version"),
                                       new_investor=form.new_investor_name)

    return _versioned_form_page(request, project, form, save=save, success=_("项目信息已保存。"),
                                template="projects/project_form.html", context={"creating": False})


@require_http_methods(["GET", "POST"])
def project_evidence(request, pk):
    """Fill in the stage evidence a project lacks (佐证待补); a save from an out-of-date page is
    refused with 409."""
    project = _editable_project(request, pk, _("您只能为本部门的项目补录佐证。"))
    form = StageEvidenceForm(request.POST or None, project=project)

    def save(data):
        return services.fill_evidence(project, values=form.values(), acting_user=request.user,
                                      expected_version=data.get("version"))

    filed = set(project.files.values_list("stage", flat=True))
    return _versioned_form_page(request, project, form, save=save, success=_("佐证已补录。"),
                                template="projects/project_evidence.html",
                                context={"missing_evidence": evidence.missing(project, filed)})


@require_http_methods(["GET", "POST"])
def project_plan(request, pk):
    """Edit the milestone plan; a save from an out-of-date page is refused with 409."""
    project = _editable_project(request, pk, _("您只能修改本部门项目的计划节点。"))
    form = ProjectPlanForm(request.POST or None, instance=project)

    def save(data):
        return services.update_plan(project, planned={k: data[k] for k in ProjectPlanForm.Meta.fields},
                                    acting_user=request.user, expected_version=data.get("version"))

    return _versioned_form_page(request, project, form, save=save, success=_("计划节点已保存。"),
                                template="projects/project_plan.html")


@require_POST
def project_investment_change(request, pk):
    project = _editable_project(request, pk, _("您只能为本部门的项目登记投资变更。"))
    form = InvestmentChangeForm(request.POST)
    saved = submit(form, lambda data: services.record_investment_change(project, acting_user=request.user, **data))
    return _after_post(request, project, saved, _("投资变更已登记。"), change_form=form)


@require_POST
def project_funds(request, pk):
    """Record funds in place with their evidence; the page then flags a total above the signed amount."""
    project = _editable_project(request, pk, _("您只能为本部门的项目登记到位资金。"))
    form = FundsInPlaceForm(request.POST, request.FILES)
    saved = submit(form, lambda data: services.record_funds(
        project, on=data["on"], amount=data["amount"], source=data["source"], upload=data["evidence_file"],
        note=data["note"], acting_user=request.user))
    if saved and (flag := funds_flag(project)):
        messages.warning(request, flag)
    return _after_post(request, project, saved, _("到位资金已登记。"), funds_form=form)


@require_POST
def project_file_upload(request, pk):
    project = _editable_project(request, pk, _("您只能为本部门的项目上传材料。"))
    form = ProjectFileForm(request.POST, request.FILES)
    saved = submit(form, lambda data: services.attach_file(project, data["file"], stage=data["stage"],
                                                           acting_user=request.user))
    return _after_post(request, project, saved, _("材料已上传。"), file_form=form)


@require_GET
def project_file_download(request, pk, file_pk):
    """Serve a stored file to any reader, always as a download (never rendered inline)."""
    permissions.require(permissions.can_read(request.user))
    stored = get_object_or_404(ProjectFile, pk=file_pk, project_id=pk)
    # The content type is the one check_upload derived from the extension and the content, never
    # the browser's; the stored name on disk is random (projects.models.project_file_path).
    return stored_attachment(stored.file, filename=stored.original_name, content_type=stored.content_type)


@require_POST
def project_merge(request, pk):
    """Merge this project (a duplicate) into the project named in the form."""
    duplicate = _editable_project(request, pk, _("您只能合并本部门的项目。"))
    form = ProjectMergeForm(request.POST)

    def save(data):
        keep = InvestmentProject.objects.filter(pk=data["keep"]).first()
        if keep is None:
            raise ValidationError({"keep": _("没有编号为 %(pk)s 的项目（或它已被合并）。") % {"pk": data["keep"]}})
        return services.merge_projects(keep, duplicate, acting_user=request.user, note=data["note"])

    kept = submit(form, save)
    if kept:
        messages.success(request, _("已将“%(name)s”合并入本项目。") % {"name": duplicate.name})
        return redirect("project_detail", pk=kept.pk)
    return _render_detail(request, duplicate, merge_form=form, status=refusal_status(form))


@require_GET
def my_projects(request):
    """The signed-in officer's open projects, most urgent first: red, yellow, green; within a colour
    by the next planned milestone (none last)."""
    permissions.require(permissions.can_read(request.user))
    today, rule = lights.today(), TrafficLightRule.load()
    projects = (InvestmentProject.objects.with_related().with_light(today, rule)
                .filter(officer=request.user).exclude(stage__in=lights.CLOSED_STAGES))
    rows = []
    for project in projects:
        info = project.light_info(today, rule)
        upcoming = lights.next_milestone(stage=project.stage, paused_from=project.paused_from,
                                         stage_dates=project.stage_dates(), planned=project.planned_dates())
        days_left = (upcoming[1] - today).days if upcoming else None
        rows.append({"project": project, "light": info, "next": upcoming, "days_left": days_left,
                     "days_overdue": -days_left if days_left is not None and days_left < 0 else 0})
    rows.sort(key=lambda r: (lights.SEVERITY[r["light"].light], r["next"][1] if r["next"] else dt.date.max,
                             r["project"].pk))
    return render(request, "projects/my_projects.html", {
        "rows": rows, "today": today, "light_definition": lights.definition(rule),
    })
