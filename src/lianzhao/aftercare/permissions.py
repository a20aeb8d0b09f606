"""Who may see and do what in enterprise service. The roles are those of
:mod:`lianzhao.accounts.permissions`; these rules also read who serves which company and who works
for which handling department, which live in this app (accounts cannot import them).

* admins see and do everything;
* leaders and analysts read every request, visit, policy and checklist (read-only);
* officers act for the companies they are service officer of (raise, route by hand, rate; visits
  and policies), and for the handling department their bureau department is (accept, forward,
  answer); they see those requests and the ones they raised;
* responders (承办人, staff of departments outside the bureau) see and act on the requests routed to
  their department — nothing else, and never a private note;
* a department that held a request and forwarded it (转办) still reads it, and no longer acts on it;
* landing steps are done by the project's department (as for the project) or the step's department.
"""

from __future__ import annotations

from django.db.models import Q

from lianzhao.accounts.choices import Role
from lianzhao.accounts.permissions import can_edit_project, role_of
from lianzhao.aftercare.choices import TicketEventKind

READ_ALL = (Role.ADMIN, Role.LEADER, Role.ANALYST)
BUREAU = (Role.ADMIN, Role.LEADER, Role.ANALYST, Role.OFFICER)
#: The events that give a request to a department (its ``department`` is the one that then holds it).
HOLDING_EVENTS = (TicketEventKind.ROUTED, TicketEventKind.FORWARDED)


def in_bureau(user) -> bool:
    """Bureau staff read private notes; responders of outside departments do not."""
    return role_of(user) in BUREAU


def can_use_service(user) -> bool:
    """May open the enterprise-service pages at all (their lists show only what the user may see)."""
    return role_of(user) in (*BUREAU, Role.RESPONDER)


def department_ids(user) -> set[int]:
    """The handling departments (承办部门) ``user`` acts for: those they are a member of and, for an
    officer, the one standing for their bureau department. Cached on the user object per request."""
    cached = getattr(user, "_service_department_ids", None)
    if cached is not None:
        return cached
    from lianzhao.aftercare.models import ServiceDepartment

    role = role_of(user)
    ids: set[int] = set()
    if role in (Role.OFFICER, Role.RESPONDER):
        match = Q(members=user)
        if role == Role.OFFICER and user.department_id:
            match |= Q(bureau_department_id=user.department_id)
        ids = set(ServiceDepartment.objects.filter(match).values_list("pk", flat=True))
    user._service_department_ids = ids
    return ids


def serves(user, enterprise) -> bool:
    """The user is the company's service officer."""
    from lianzhao.aftercare.models import ServiceAssignment

    if role_of(user) != Role.OFFICER:
        return False
    enterprise_id = getattr(enterprise, "pk", enterprise)
    return ServiceAssignment.objects.filter(enterprise_id=enterprise_id, officer=user).exists()


def can_raise_tickets(user) -> bool:
    """May open the form that raises a request (which company is then checked by
    :func:`can_serve_company`): officers and admins."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER)


def can_serve_company(user, enterprise) -> bool:
    """Raise requests, plan and record visits, record policies for the company."""
    return role_of(user) == Role.ADMIN or serves(user, enterprise)


def visible_tickets_q(user) -> Q | None:
    """A filter for the requests ``user`` may see (None: all of them; ``Q(pk__in=[])``: none)."""
    role = role_of(user)
    if role in READ_ALL:
        return None
    ids = department_ids(user)
    if role == Role.OFFICER:
        return (Q(enterprise__service_assignment__officer=user) | Q(raised_by=user)
                | _held_by_q(ids))
    if role == Role.RESPONDER:
        return _held_by_q(ids)
    return Q(pk__in=[])


def _held_by_q(ids) -> Q:
    """The requests one of the departments ``ids`` holds or has held: a department that forwarded a
    request (转办) still follows it — who took it, the answer, the company's rating — read-only."""
    from lianzhao.aftercare.models import TicketEvent

    return Q(department_id__in=ids) | Q(pk__in=_holding_events(TicketEvent.objects, ids).values("ticket_id"))


def _holding_events(events, ids):
    """Of ``events``, those that gave a request to one of the departments ``ids``."""
    return events.filter(kind__in=HOLDING_EVENTS, department_id__in=ids)


def can_view_ticket(user, ticket) -> bool:
    role = role_of(user)
    if role in READ_ALL:
        return True
    if role == Role.OFFICER and (ticket.raised_by_id == user.pk or serves(user, ticket.enterprise_id)):
        return True
    if role not in (Role.OFFICER, Role.RESPONDER):
        return False
    ids = department_ids(user)
    return ticket.department_id in ids or _holding_events(ticket.events, ids).exists()


def can_handle_ticket(user, ticket) -> bool:
    """Accept, forward and answer: the department holding the request (or an admin)."""
    if role_of(user) == Role.ADMIN:
        return True
    return (role_of(user) in (Role.OFFICER, Role.RESPONDER) and ticket.department_id is not None
            and ticket.department_id in department_ids(user))


def can_rate_ticket(user, ticket) -> bool:
    """Route by hand, and close with the company's rating or reopen: its service officer (or an admin)."""
    return can_serve_company(user, ticket.enterprise_id)


def can_see_private_notes(user, ticket) -> bool:
    return in_bureau(user) and can_view_ticket(user, ticket)


def can_edit_checklist(user, project) -> bool:
    """Start a project's landing checklist: those who edit the project."""
    return can_edit_project(user, project)


def can_complete_step(user, step, project) -> bool:
    """Mark a landing step done: the project's department or the step's responsible department."""
    if can_edit_project(user, project):
        return True
    return step.department_id is not None and step.department_id in department_ids(user)


def can_view_checklists(user) -> bool:
    return role_of(user) in (*BUREAU, Role.RESPONDER)
