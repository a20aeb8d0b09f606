"""The company record's forms (visits planned and made, policies received) and the landing
checklist's actions (start it, mark a step done), plus the list of landing steps a department is
responsible for. Each view checks permission first, then hands the form to a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianzhao.accounts import permissions as account_permissions
from lianzhao.aftercare import permissions, services
from lianzhao.aftercare.forms import PolicyForm, StepDoneForm, VisitPlanForm, VisitRecordForm
from lianzhao.aftercare.models import LandingStep, Visit
from lianzhao.aftercare.services import common
from lianzhao.core.forms import refusal_status, submit
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects.models import InvestmentProject


def _served(request, pk) -> Enterprise:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    account_permissions.require(permissions.can_serve_company(request.user, enterprise),
                                _("只有该企业的服务专员或管理员可以登记。"))
    return enterprise


def _company_form(request, enterprise, form, *, save, success: str, title: str, visit=None):
    status = 200
    if request.method == "POST":
        if submit(form, save):
            messages.success(request, success)
            return redirect(reverse("enterprise_detail", args=[enterprise.pk]) + "#service-visits")
        status = refusal_status(form)
    return render(request, "aftercare/company_form.html",
                  {"form": form, "enterprise": enterprise, "title": title, "visit": visit}, status=status)


@require_http_methods(["GET", "POST"])
def visit_plan(request, enterprise_pk):
    enterprise = _served(request, enterprise_pk)
    form = VisitPlanForm(request.POST or None, enterprise=enterprise)
    return _company_form(request, enterprise, form, title=_("计划走访"), success=_("走访计划已保存。"),
                         save=lambda d: services.plan_visit(enterprise, acting_user=request.user, **d))


@require_http_methods(["GET", "POST"])
def visit_record(request, enterprise_pk, visit_pk=None):
    """Record a visit made: a new one, or the planned visit ``visit_pk``."""
    enterprise = _served(request, enterprise_pk)
    visit = get_object_or_404(Visit, pk=visit_pk, enterprise=enterprise) if visit_pk else None
    initial = ({"people": visit.people, "purpose": visit.purpose, "project": visit.project_id,
                "done_on": common.today()} if visit else {"done_on": common.today()})
    form = VisitRecordForm(request.POST or None, enterprise=enterprise, initial=initial)
    return _company_form(request, enterprise, form, title=_("登记走访"), success=_("走访记录已保存。"), visit=visit,
                         save=lambda d: services.record_visit(enterprise, visit=visit, acting_user=request.user, **d))


@require_http_methods(["GET", "POST"])
def policy_record(request, enterprise_pk):
    enterprise = _served(request, enterprise_pk)
    form = PolicyForm(request.POST or None)
    return _company_form(request, enterprise, form, title=_("登记政策兑现"), success=_("政策兑现已登记。"),
                         save=lambda d: services.record_policy(enterprise, acting_user=request.user, **d))


@require_POST
def checklist_start(request, project_pk):
    project = get_object_or_404(InvestmentProject, pk=project_pk)
    account_permissions.require(permissions.can_edit_checklist(request.user, project),
                                _("只有项目所属部门的招商专员或管理员可以建立落地事项清单。"))
    try:
        services.start_checklist(project, acting_user=request.user)
        messages.success(request, _("落地事项清单已建立。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(reverse("project_detail", args=[project.pk]) + "#landing-steps")


@require_POST
def step_done(request, pk):
    step = get_object_or_404(LandingStep.objects.select_related("checklist__project"), pk=pk)
    project = step.checklist.project
    account_permissions.require(permissions.can_complete_step(request.user, step, project),
                                _("只有项目所属部门、该事项的责任部门或管理员可以登记办结。"))
    form = StepDoneForm(request.POST, request.FILES, prefix=f"step{step.pk}")
    if submit(form, lambda d: services.complete_step(step, done_on=d["done_on"], reference=d["reference"],
                                                     upload=d["file"], acting_user=request.user,
                                                     expected_version=d["version"])):
        messages.success(request, _("事项“%(name)s”已登记办结。") % {"name": step.name})
        return redirect(_safe_next(request) or reverse("project_detail", args=[project.pk]) + "#landing-steps")
    return render(request, "aftercare/step_done.html", {"form": form, "step": step, "project": project},
                  status=refusal_status(form))


def _safe_next(request) -> str:
    """The page to return to, when it is one of ours (a path on this site, never another host)."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else ""


@require_GET
def step_list(request):
    """Open landing steps the user's departments are responsible for (and, for officers, the steps
    of the projects they answer for), earliest due first."""
    account_permissions.require(permissions.can_view_checklists(request.user))
    ids = permissions.department_ids(request.user)
    steps = (LandingStep.objects.open().filter(department_id__in=ids)
             | LandingStep.objects.open().filter(checklist__project__officer=request.user))
    steps = steps.select_related("checklist__project", "department").order_by("due_on", "pk")[:200]
    return render(request, "aftercare/step_list.html", {
        "steps": [(s, StepDoneForm(prefix=f"step{s.pk}", initial={"version": s.version, "done_on": common.today()}))
                  for s in steps],
        "today": common.today()})


