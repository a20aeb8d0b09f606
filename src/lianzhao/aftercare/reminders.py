"""What is due or overdue for one user (我的待办): every request their department owes an answer to,
answers waiting for the company's rating and requests waiting to be routed (for the service
officer), landing steps of their department or their projects, and visits they planned. Shown on
the start page (the dashboard) and sent in the optional daily e-mail digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from lianzhao.accounts.choices import Role
from lianzhao.accounts.permissions import role_of
from lianzhao.aftercare.choices import AWAITING_ANSWER, TicketStatus
from lianzhao.aftercare.models import LandingStep, Ticket, Visit
from lianzhao.aftercare.permissions import department_ids

#: Things due within this many days (or overdue) are reminded.
AHEAD_DAYS = 7
#: Rows per list on the start page; the counts stay exact.
LIMIT = 20


@dataclass
class Reminder:
    kind: str            # "ticket", "rating", "routing", "step", "visit"
    title: str
    due_on: dt.date | None
    url_name: str
    url_args: tuple
    detail: str = ""
    overdue: bool = False


@dataclass
class Reminders:
    items: list[Reminder] = field(default_factory=list)
    more: int = 0

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.items if r.overdue)


def _cap(queryset) -> tuple[list, int]:
    rows = list(queryset[: LIMIT + 1])
    return rows[:LIMIT], max(0, len(rows) - LIMIT)


def reminders_for(user, today: dt.date) -> Reminders:
    """The user's reminders, overdue first then by date; at most :data:`LIMIT` of each kind (the
    rest counted in ``more``). A fixed number of queries (at most six)."""
    role = role_of(user)
    out = Reminders()
    if role not in (Role.OFFICER, Role.RESPONDER, Role.ADMIN):
        return out
    horizon = today + dt.timedelta(days=AHEAD_DAYS)
    units = department_ids(user)
    if units:
        # Every request the department holds is work to do, however far its deadline.
        rows, more = _cap(Ticket.objects.filter(status__in=AWAITING_ANSWER, department_id__in=units)
                          .select_related("enterprise", "category").order_by("deadline", "pk"))
        out.more += more
        out.items += [Reminder("ticket", f"{t.enterprise} · {t.category}", t.deadline, "ticket_detail", (t.pk,),
                               detail=t.status_label, overdue=t.deadline < today) for t in rows]
    if role == Role.OFFICER:
        mine = Q(enterprise__service_assignment__officer=user)
        rows, more = _cap(Ticket.objects.filter(mine, status__in=[TicketStatus.ANSWERED, TicketStatus.RAISED])
                          .select_related("enterprise", "category").order_by("answered_on", "raised_on", "pk"))
        out.more += more
        for t in rows:
            kind = "rating" if t.status == TicketStatus.ANSWERED else "routing"
            out.items.append(Reminder(kind, f"{t.enterprise} · {t.category}", t.answered_on or t.raised_on,
                                      "ticket_detail", (t.pk,), detail=t.status_label))
        rows, more = _cap(Visit.objects.filter(officer=user, done_on__isnull=True, planned_on__lte=horizon)
                          .select_related("enterprise").order_by("planned_on", "pk"))
        out.more += more
        out.items += [Reminder("visit", str(v.enterprise), v.planned_on, "enterprise_detail", (v.enterprise_id,),
                               detail=v.purpose, overdue=v.planned_on < today) for v in rows]
    step_scope = Q(department_id__in=units)
    if role == Role.OFFICER:
        step_scope |= Q(checklist__project__officer=user)
    if role != Role.ADMIN:
        rows, more = _cap(LandingStep.objects.open().filter(step_scope, due_on__lte=horizon)
                          .select_related("checklist__project", "department").order_by("due_on", "pk"))
        out.more += more
        out.items += [Reminder("step", f"{s.checklist.project} · {s.name}", s.due_on, "project_detail",
                               (s.checklist.project_id,), detail=str(s.department or ""), overdue=s.due_on < today)
                      for s in rows]
    out.items.sort(key=lambda r: (not r.overdue, r.due_on or today))
    return out
