"""Service-request pages: the list (what the user may see), raising a request, and the request's
page with the one action form each role may use on it (route, accept, forward, answer, rate), notes
and attachments. Views check permission, bind the form and hand it to a service with
:func:`lianzhao.core.forms.submit`; a refused form is shown again on the request's page (400, or
409 when someone acted first — the page then shows what they did)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianzhao.accounts import permissions as account_permissions
from lianzhao.aftercare import permissions, services
from lianzhao.aftercare.choices import TicketStatus
from lianzhao.aftercare.forms import (
    AcceptForm,
    AnswerForm,
    ForwardForm,
    NoteForm,
    RateForm,
    RouteForm,
    TicketFileForm,
    TicketFilterForm,
    TicketForm,
)
from lianzhao.aftercare.models import Ticket, TicketFile
from lianzhao.aftercare.services import common
from lianzhao.aftercare.stats import OVERDUE_DEFINITION
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.http import stored_attachment

PAGE_SIZE = 30


def _visible(user):
    queryset = Ticket.objects.all()
    scope = permissions.visible_tickets_q(user)
    return queryset if scope is None else queryset.filter(scope).distinct()


@require_GET
def ticket_list(request):
    account_permissions.require(permissions.can_use_service(request.user))
    form = TicketFilterForm(request.GET or None)
    queryset = _visible(request.user).with_related().order_by("-raised_on", "-pk")
    today = common.today()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["category"]:
            queryset = queryset.filter(category=data["category"])
        if data["overdue"]:
            queryset = queryset.overdue(today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for ticket in page:
        ticket.overdue = ticket.is_overdue(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "aftercare/ticket_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "today": today,
        "overdue_definition": OVERDUE_DEFINITION,
        "can_raise": permissions.can_raise_tickets(request.user),
    })


@require_http_methods(["GET", "POST"])
def ticket_create(request):
    account_permissions.require(permissions.can_raise_tickets(request.user),
                                _("只有服务专员或管理员可以代企业提出诉求。"))
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = TicketForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        ticket = submit(form, lambda data: services.raise_ticket(
            enterprise=data["enterprise"], category=data["category"], description=data["description"],
            project=data["project"], uploads=[data["file"]] if data["file"] else [], acting_user=request.user))
        if ticket:
            messages.success(request, _("诉求已提出（编号 %(pk)s）。") % {"pk": ticket.pk})
            return redirect("ticket_detail", pk=ticket.pk)
        status = refusal_status(form)
    return render(request, "aftercare/ticket_form.html", {"form": form}, status=status)


def _viewable(request, pk) -> Ticket:
    ticket = get_object_or_404(Ticket.objects.with_related(), pk=pk)
    account_permissions.require(permissions.can_view_ticket(request.user, ticket), _("您不能查看该诉求。"))
    return ticket


def _forms(user, ticket: Ticket, bound: dict) -> dict:
    """The action forms the user may use on the request in its state (a bound one when refused)."""
    out = {}
    version = {"version": ticket.version}
    handle, rate = permissions.can_handle_ticket(user, ticket), permissions.can_rate_ticket(user, ticket)
    moves = [s for s in TicketStatus if ticket.can_move_to(s)]
    if rate and TicketStatus.ROUTED in moves:
        out["route_form"] = RouteForm(initial={**version, "department": ticket.category.department_id})
    if handle and TicketStatus.ACCEPTED in moves:
        out["accept_form"] = AcceptForm(initial=version)
    if handle and TicketStatus.ANSWERED in moves:
        out["answer_form"] = AnswerForm(initial=version)
    if handle and TicketStatus.FORWARDED in moves:
        out["forward_form"] = ForwardForm(initial=version)
    if rate and TicketStatus.CLOSED in moves:
        out["rate_form"] = RateForm(initial=version)
    if handle or rate:
        out["file_form"] = TicketFileForm()
    out["note_form"] = NoteForm()
    out.update(bound)
    return out


def _render(request, ticket: Ticket, *, status=200, **bound):
    ticket.refresh_from_db()
    private = permissions.can_see_private_notes(request.user, ticket)
    notes = ticket.notes.select_related("author")
    return render(request, "aftercare/ticket_detail.html", {
        "ticket": ticket, "today": common.today(), "overdue": ticket.is_overdue(common.today()),
        "events": ticket.events.select_related("actor", "department"),
        "notes": notes if private else notes.filter(private=False),
        "files": ticket.files.select_related("uploaded_by"),
        "can_private": permissions.in_bureau(request.user),
        "overdue_definition": OVERDUE_DEFINITION,
        **_forms(request.user, ticket, bound),
    }, status=status)


@require_GET
def ticket_detail(request, pk):
    return _render(request, _viewable(request, pk))


#: action -> (form class, context name, allowed(user, ticket), refusal, service call, success message)
ACTIONS = {
    "route": (RouteForm, "route_form", permissions.can_rate_ticket, gettext_noop("只有该企业的服务专员或管理员可以分派诉求。"),
              lambda t, d, u: services.route_ticket(t, department=d["department"], deadline=d["deadline"],
                                                    acting_user=u, expected_version=d["version"]), gettext_noop("诉求已分派。")),
    "accept": (AcceptForm, "accept_form", permissions.can_handle_ticket, gettext_noop("只有承办部门可以受理该诉求。"),
               lambda t, d, u: services.accept_ticket(t, acting_user=u, expected_version=d["version"]), gettext_noop("已受理。")),
    "forward": (ForwardForm, "forward_form", permissions.can_handle_ticket, gettext_noop("只有承办部门可以转办该诉求。"),
                lambda t, d, u: services.forward_ticket(t, department=d["department"], reason=d["reason"],
                                                        acting_user=u, expected_version=d["version"]), gettext_noop("已转办。")),
    "answer": (AnswerForm, "answer_form", permissions.can_handle_ticket, gettext_noop("只有承办部门可以答复该诉求。"),
               lambda t, d, u: services.answer_ticket(t, answer=d["answer"], acting_user=u,
                                                      expected_version=d["version"]), gettext_noop("答复已提交。")),
    "rate": (RateForm, "rate_form", permissions.can_rate_ticket, gettext_noop("只有该企业的服务专员或管理员可以代企业评价。"),
             lambda t, d, u: services.rate_ticket(t, rating=d["rating"], comment=d["comment"], deadline=d["deadline"],
                                                  acting_user=u, expected_version=d["version"]), gettext_noop("评价已登记。")),
}


@require_POST
def ticket_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    form_class, name, allowed, refusal, call, success = ACTIONS[action]
    ticket = _viewable(request, pk)
    account_permissions.require(allowed(request.user, ticket), _(refusal))
    form = form_class(request.POST)
    if submit(form, lambda data: call(ticket, data, request.user)):
        messages.success(request, _(success))
        return redirect("ticket_detail", pk=ticket.pk)
    return _render(request, ticket, status=refusal_status(form), **{name: form})


@require_POST
def ticket_note(request, pk):
    ticket = _viewable(request, pk)
    form = NoteForm(request.POST)
    if submit(form, lambda d: services.add_ticket_note(ticket, text=d["text"], private=d["private"],
                                                       acting_user=request.user)):
        messages.success(request, _("备注已保存。"))
        return redirect("ticket_detail", pk=ticket.pk)
    return _render(request, ticket, status=refusal_status(form), note_form=form)


@require_POST
def ticket_file_upload(request, pk):
    ticket = _viewable(request, pk)
    account_permissions.require(permissions.can_rate_ticket(request.user, ticket)
                                or permissions.can_handle_ticket(request.user, ticket),
                                _("只有服务专员或承办部门可以上传附件。"))
    form = TicketFileForm(request.POST, request.FILES)
    if submit(form, lambda d: services.attach_ticket_file(ticket, d["file"], acting_user=request.user)):
        messages.success(request, _("附件已上传。"))
        return redirect("ticket_detail", pk=ticket.pk)
    return _render(request, ticket, status=refusal_status(form), file_form=form)


@require_GET
def ticket_file_download(request, pk, file_pk):
    """An attachment, to those who may see the request, always as a download."""
    ticket = _viewable(request, pk)
    stored = get_object_or_404(TicketFile, pk=file_pk, ticket=ticket)
    return stored_attachment(stored.file, filename=stored.original_name, content_type=stored.content_type)
