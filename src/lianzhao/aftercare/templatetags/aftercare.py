"""Enterprise-service sections placed on other apps' pages: the company page (service officer,
requests, visits, policies), the project page (the landing checklist) and the start page (the
user's reminders, the departments' rates). Each section reads a fixed number of queries."""

from __future__ import annotations

from django import template

from lianzhao.aftercare import permissions, reminders, stats
from lianzhao.aftercare.forms import StepDoneForm
from lianzhao.aftercare.models import LandingChecklist, ServiceAssignment, Ticket
from lianzhao.aftercare.services import common
from lianzhao.core.memo import memoized
from lianzhao.core.tables import format_value
from lianzhao.projects.choices import EventKind
from lianzhao.projects.models import ProjectEvent

register = template.Library()


@register.inclusion_tag("aftercare/_company_service.html", takes_context=True)
def company_service(context, enterprise):
    """The company's service record: its service officer, requests and their state, visits planned
    and made (those logged on its projects' timelines too), policies it received."""
    user = context["request"].user
    tickets = Ticket.objects.filter(enterprise=enterprise).select_related("category", "department")
    scope = permissions.visible_tickets_q(user)
    if scope is not None:
        tickets = tickets.filter(scope).distinct()
    assignment = ServiceAssignment.objects.filter(enterprise=enterprise).select_related("officer").first()
    visits = list(enterprise.visits.select_related("officer", "project"))
    logged = (ProjectEvent.objects.counted().filter(project__investor=enterprise, kind=EventKind.VISIT,
                                                    visit__isnull=True).select_related("project", "actor"))
    today = common.today()
    return {
        "enterprise": enterprise, "assignment": assignment, "today": today,
        "tickets": [_flag_overdue(t, today) for t in tickets.order_by("-raised_on", "-pk")],
        "planned": [v for v in visits if not v.done_on],
        "done": sorted([v for v in visits if v.done_on], key=lambda v: v.done_on, reverse=True),
        "logged": logged,
        "policies": enterprise.policy_benefits.all(),
        "can_serve": permissions.can_serve_company(user, enterprise),
    }


def _flag_overdue(ticket, today):
    ticket.overdue = ticket.is_overdue(today)
    return ticket


@register.inclusion_tag("aftercare/_landing_steps.html", takes_context=True)
def landing_steps(context, project):
    """The project's landing checklist (高效办成一件事) with a done-form on each step the user may
    mark done, or the button that starts it for a signed project."""
    user = context["request"].user
    checklist = LandingChecklist.objects.filter(project=project).select_related("template").first()
    today = common.today()
    rows = []
    if checklist is not None:
        for step in checklist.steps.select_related("department", "file", "done_by"):
            form = None
            if step.done_on is None and permissions.can_complete_step(user, step, project):
                form = StepDoneForm(prefix=f"step{step.pk}", initial={"version": step.version, "done_on": today})
            rows.append({"step": step, "form": form, "overdue": step.is_overdue(today)})
    return {
        "project": project, "checklist": checklist, "rows": rows, "today": today,
        "can_start": checklist is None and project.signed_date is not None and not project.is_merged
        and permissions.can_edit_checklist(user, project),
        "request": context["request"],
    }


@register.inclusion_tag("aftercare/_reminders.html", takes_context=True)
def my_reminders(context):
    user = context["request"].user
    return {"reminders": reminders.reminders_for(user, common.today()), "ahead": reminders.AHEAD_DAYS}


@register.inclusion_tag("aftercare/_service_rates.html")
def service_rates(today, data_stamp: str = ""):
    """The handling departments' on-time and satisfaction rates this year (with the page's
    ``data_stamp``: computed once per change of the data, see core/memo.py)."""
    start, end = stats.year_window(today)
    if data_stamp:
        rows = memoized("service.rates", (start, end), data_stamp=data_stamp,
                        build=lambda: stats.department_service(start, end))
    else:
        rows = stats.department_service(start, end)
    total = stats.total(rows)
    ranked = [{"rank": r.rank, "row": r.row, "on_time": format_value(r.row.on_time_rate, "percent"),
               "satisfaction": format_value(r.row.satisfaction_rate, "percent")} for r in stats.rank_service(rows)]
    return {"ranked": ranked, "total": total, "start": start, "end": end,
            "total_on_time": format_value(total.on_time_rate, "percent"),
            "total_satisfaction": format_value(total.satisfaction_rate, "percent"),
            "on_time_definition": stats.ON_TIME_DEFINITION, "satisfaction_definition": stats.SATISFACTION_DEFINITION,
            "ranking_rule": stats.SERVICE_RANKING_RULE, "overdue_definition": stats.OVERDUE_DEFINITION}
