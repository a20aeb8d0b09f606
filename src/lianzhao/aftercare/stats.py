"""The service figures and their 口径, written once: each department's on-time rate (按时答复率) and
satisfaction rate (满意率), read by the dashboard, the weekly report and the ranking. Each function
reads a fixed number of queries however many requests there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from lianzhao.aftercare.choices import AWAITING_ANSWER, SATISFIED_RATINGS, TicketEventKind
from lianzhao.aftercare.models import ServiceDepartment, Ticket, TicketEvent
from lianzhao.core.tables import ratio

# Printed beside every figure (Chinese, as the reports sent upward; pages translate them).
ON_TIME_DEFINITION = gettext_noop(
    "按时答复率 = 按时答复件数 ÷ 应答复件数。应答复件数：统计期内首次答复的诉求，加上办理时限在统计期内且早于截至日、"
    "截至日仍未答复的诉求；按时答复：首次答复日期不晚于办理时限（时限当天答复算按时，日期按北京时间）。"
    "计入首次答复的承办部门，未答复的计入当前承办部门。转办不改变办理时限，转办件计入最终答复的部门，转出部门不计；"
    "不满意重新办理的诉求只按首次答复计一次，重新办理不另计。")
SATISFACTION_DEFINITION = gettext_noop(
    "满意率 =（满意 + 基本满意）评价次数 ÷ 评价总次数。统计期内企业对答复的每次评价（由服务专员代为登记）都计入，"
    "计入被评价答复的承办部门；评价“不满意”的诉求退回重新办理，重新答复后的再次评价另计一次。")
OVERDUE_DEFINITION = gettext_noop(
    "超期：诉求已分派、承办部门尚未答复（已分派、已受理、已转办、重新办理），且办理时限早于今天（时限当天仍不算超期）。")
SERVICE_RANKING_RULE = gettext_noop(
    "企业诉求办理排名规则：按本年按时答复率从高到低排名；按时答复率相同的，满意率高者在前；仍相同的，应答复件数多者在前；"
    "再相同的名次并列。本年没有应答复诉求的部门列在最后，不参与排名。")


@dataclass(frozen=True)
class DepartmentService:
    """One handling department's service figures for a period, judged on ``as_of``."""

    department_id: int | None
    department: str
    due: int = 0            # 应答复件数
    on_time: int = 0        # 按时答复件数
    late_open: int = 0      # of ``due``: deadline passed by as_of, not answered
    ratings: int = 0        # 评价次数
    satisfied: int = 0      # 满意 + 基本满意
    overdue_now: int = 0    # 当前超期未答复 (on as_of)

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.on_time, self.due)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return ratio(self.satisfied, self.ratings)


def _unit():
    return Coalesce("first_answer_department", "department")


def department_service(start: dt.date, end: dt.date, *, as_of: dt.date | None = None) -> list[DepartmentService]:
    """Every active handling department's figures for the period ``start``–``end`` (inclusive),
    judged on ``as_of`` (default ``end``), in department order; departments with requests but no
    longer active are listed too. Four queries."""
    as_of = as_of or end
    answered = Q(first_answered_on__gte=start, first_answered_on__lte=end)
    late_open = (Q(first_deadline__gte=start, first_deadline__lte=end, first_deadline__lt=as_of)
                 & (Q(first_answered_on__isnull=True) | Q(first_answered_on__gt=as_of))
                 & Q(routed_on__lte=as_of))
    tickets = {r["unit"]: r for r in Ticket.objects.filter(answered | late_open).order_by().values(unit=_unit()).annotate(
        due=Count("pk"), on_time=Count("pk", filter=answered & Q(first_answered_on__lte=F("first_deadline"))),
        late_open=Count("pk", filter=~answered))}
    ratings = {r["department"]: r for r in TicketEvent.objects.filter(
        kind__in=[TicketEventKind.CLOSED, TicketEventKind.REOPENED], occurred_on__gte=start, occurred_on__lte=end,
        rating__gt="").order_by().values("department").annotate(
        n=Count("pk"), satisfied=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)))}
    overdue = dict(Ticket.objects.filter(status__in=AWAITING_ANSWER, deadline__lt=as_of, routed_on__lte=as_of)
                   .order_by().values("department").annotate(n=Count("pk")).values_list("department", "n"))
    used = set(tickets) | set(ratings) | set(overdue)
    out = []
    for pk, name in ServiceDepartment.objects.filter(Q(is_active=True) | Q(pk__in=used)).values_list("pk", "name"):
        t, r = tickets.get(pk, {}), ratings.get(pk, {})
        out.append(DepartmentService(pk, name, due=t.get("due", 0), on_time=t.get("on_time", 0),
                                     late_open=t.get("late_open", 0), ratings=r.get("n", 0),
                                     satisfied=r.get("satisfied", 0), overdue_now=overdue.get(pk, 0)))
    return out


def total(rows: list[DepartmentService]) -> DepartmentService:
    """The district's figures: the sums of the departments' (each request counts once)."""
    return DepartmentService(None, "合计", due=sum(r.due for r in rows), on_time=sum(r.on_time for r in rows),
                             late_open=sum(r.late_open for r in rows), ratings=sum(r.ratings for r in rows),
                             satisfied=sum(r.satisfied for r in rows), overdue_now=sum(r.overdue_now for r in rows))


@dataclass(frozen=True)
class RankedService:
    row: DepartmentService
    rank: int | None


def rank_service(rows: list[DepartmentService]) -> list[RankedService]:
    """Departments in the order of :data:`SERVICE_RANKING_RULE`, standard competition ranks (1, 2, 2,
    4); departments without requests due follow, unranked."""
    def key(r: DepartmentService):
        return (-(r.on_time_rate or 0), -(r.satisfaction_rate or 0), -r.due)

    ranked = sorted((r for r in rows if r.due), key=key)
    out, previous, previous_rank = [], None, 0
    for position, r in enumerate(ranked, start=1):
        rank = previous_rank if key(r) == previous else position
        out.append(RankedService(r, rank))
        previous, previous_rank = key(r), rank
    out.extend(RankedService(r, None) for r in rows if not r.due)
    return out


def year_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """This year so far: 1 January to ``today``."""
    return dt.date(today.year, 1, 1), today
