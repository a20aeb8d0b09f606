"""The weekly dispatch report's enterprise-service sheets (企业诉求, 落地事项): overdue requests, each
department's on-time and satisfaction rates this year with the ranking, overdue landing steps and
the steps done in the week — as :class:`~lianzhao.core.tables.Table` rows, judged on the report's
cut-off day. The dispatch app adds them to the report (page, Excel, PDF)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from lianzhao.aftercare import stats
from lianzhao.aftercare.choices import TicketStatus
from lianzhao.aftercare.models import LandingStep, Ticket
from lianzhao.core.i18n import in_data_language
from lianzhao.core.tables import Column, Table
from lianzhao.projects.models import InvestmentProject

OVERDUE_AS_OF_DEFINITION = (
    "超期未答复：截至数据截至日已分派、首次办理时限早于截至日、截至日仍未答复（尚未答复或首次答复晚于截至日）的诉求；"
    "不满意重新办理的诉求按重新办理的时限和当前状态判断。超期天数 = 截至日 − 办理时限。")
STEPS_OVERDUE_DEFINITION = (
    "逾期落地事项：期限（签约日期 + 模板天数）早于数据截至日、截至日尚未办结（未登记办结或办结日期晚于截至日）的事项；"
    "逾期天数 = 截至日 − 期限。红黄绿灯按同一期限判断（见“红黄灯”表的灯色规则）。")
STEPS_DONE_DEFINITION = "本周办结的落地事项：办结日期在本周（周一至周日）内的事项，附文号或办结材料。"


@dataclass
class ServiceReport:
    sheets: list[dict] = field(default_factory=list)
    overdue_tickets: int = 0
    overdue_steps: int = 0


def _officer(display_name: str | None, username: str | None) -> str:
    """A user's name as ``str(user)`` gives it, read from two columns (no model instance)."""
    return display_name or username or ""


def overdue_tickets_as_of(as_of: dt.date):
    first_late = (Q(routed_on__lte=as_of, first_deadline__lt=as_of)
                  & (Q(first_answered_on__isnull=True) | Q(first_answered_on__gt=as_of))
                  & ~Q(status=TicketStatus.REOPENED))
    reopened_late = Q(status=TicketStatus.REOPENED, deadline__lt=as_of)
    return Ticket.objects.filter(first_late | reopened_late)


def _capped(queryset, fields: tuple, limit: int | None) -> tuple[list, int | None]:
    """The rows as dicts of ``fields`` (``limit`` of them in a preview) and, in a preview, the exact
    count. A preview reads the ordered ids of every matching row first (the count, and the first
    ``limit``) and joins the related tables for those rows only — SQLite would otherwise join every
    matching row before sorting them."""
    if limit is None:
        return list(queryset.values(*fields)), None
    ids = list(queryset.values_list("pk", flat=True))
    first = {pk: i for i, pk in enumerate(ids[:limit])}
    rows = sorted(queryset.model.objects.filter(pk__in=list(first)).values(*fields), key=lambda r: first[r["pk"]])
    return rows, len(ids)


TICKET_FIELDS = ("pk", "status", "routed_on", "deadline", "first_deadline", "description", "enterprise__name",
                 "category__name", "department__name", "enterprise__service_assignment__officer__display_name",
                 "enterprise__service_assignment__officer__username")


def _overdue_tickets_table(as_of: dt.date, limit: int | None) -> Table:
    # Plain values, not model instances: the full report lists every overdue request.
    found, count = _capped(overdue_tickets_as_of(as_of).order_by("deadline", "pk"), TICKET_FIELDS, limit)
    rows = []
    for t in found:
        deadline = t["deadline"] if t["status"] == TicketStatus.REOPENED else t["first_deadline"]
        rows.append([t["pk"], t["enterprise__name"], t["category__name"], t["department__name"] or "",
                     t["routed_on"], deadline, (as_of - deadline).days, TicketStatus(t["status"]).label,
                     _officer(t["enterprise__service_assignment__officer__display_name"],
                              t["enterprise__service_assignment__officer__username"]),
                     t["description"][:80]])
    return Table(key="overdue_tickets", title="超期未答复的企业诉求（红色）", row_count=count,
                 columns=[Column("编号", "int", 8), Column("企业", "text", 28), Column("类别", "text", 10),
                          Column("承办部门", "text", 16), Column("分派日期", "date", 12), Column("办理时限", "date", 12),
                          Column("超期天数", "int", 10), Column("当前状态", "text", 10), Column("服务专员", "text", 12),
                          Column("诉求内容", "text", 40)],
                 rows=rows, notes=[OVERDUE_AS_OF_DEFINITION], empty_text="没有超期未答复的诉求。")


def service_table(year: int, as_of: dt.date) -> Table:
    """Each department's on-time and satisfaction rates from 1 January to ``as_of``, ranked."""
    rows = stats.department_service(dt.date(year, 1, 1), as_of)
    body = [[r.rank if r.rank is not None else "未排名", r.row.department, r.row.due, r.row.on_time,
             r.row.on_time_rate, r.row.ratings, r.row.satisfied, r.row.satisfaction_rate, r.row.overdue_now]
            for r in stats.rank_service(rows)]
    t = stats.total(rows)
    return Table(key="service_ranking", title=f"{year} 年各承办部门诉求办理情况与排名",
                 columns=[Column("名次", "text", 8), Column("承办部门", "text", 18), Column("应答复（件）", "int", 10),
                          Column("按时答复（件）", "int", 10), Column("按时答复率", "percent", 10),
                          Column("评价（次）", "int", 10), Column("满意（次）", "int", 10), Column("满意率", "percent", 10),
                          Column("当前超期（件）", "int", 10)],
                 rows=body, total=["", "合计", t.due, t.on_time, t.on_time_rate, t.ratings, t.satisfied,
                                   t.satisfaction_rate, t.overdue_now],
                 notes=[stats.SERVICE_RANKING_RULE, stats.ON_TIME_DEFINITION, stats.SATISFACTION_DEFINITION],
                 empty_text="尚未设定承办部门。")


STEP_FIELDS = ("pk", "due_on", "done_on", "reference", "name", "department__name", "checklist__project__name",
               "checklist__project__department__name", "checklist__project__officer__display_name",
               "checklist__project__officer__username", "file__original_name")


def _step_row(s: dict) -> list:
    return [s["checklist__project__name"], s["name"], s["department__name"] or "未指定", s["due_on"],
            s["checklist__project__department__name"],
            _officer(s["checklist__project__officer__display_name"], s["checklist__project__officer__username"])]


def _steps_tables(week_start: dt.date, as_of: dt.date, limit: int | None) -> list[Table]:
    # Late on as_of: open, or done only after it. Written as two index ranges on (done_on, due_on),
    # and merged duplicates left out by a small subquery, so SQLite starts from the late steps rather
    # than from every project.
    merged = InvestmentProject.all_objects.filter(merged_into__isnull=False).values("pk")
    not_merged = ~Q(checklist__project_id__in=merged)
    late = (LandingStep.objects.filter(Q(done_on__isnull=True, due_on__lt=as_of)
                                       | Q(done_on__gt=as_of, due_on__lt=as_of))
            .filter(not_merged).order_by("due_on", "pk"))
    late_found, late_count = _capped(late, STEP_FIELDS, limit)
    late_rows = [[*_step_row(s), (as_of - s["due_on"]).days] for s in late_found]
    done = (LandingStep.objects.filter(done_on__gte=week_start, done_on__lte=as_of).filter(not_merged)
            .order_by("done_on", "pk"))
    done_found, done_count = _capped(done, STEP_FIELDS, limit)
    done_rows = [[*_step_row(s), s["done_on"], s["reference"] or s["file__original_name"] or ""] for s in done_found]
    head = [Column("项目名称", "text", 28), Column("事项", "text", 14), Column("责任部门", "text", 16),
            Column("期限", "date", 12), Column("项目责任部门", "text", 14), Column("项目责任人", "text", 12)]
    return [
        Table(key="steps_overdue", title="逾期未办结的落地事项（高效办成一件事）", row_count=late_count,
              columns=[*head, Column("逾期天数", "int", 10)], rows=late_rows, notes=[STEPS_OVERDUE_DEFINITION],
              empty_text="没有逾期的落地事项。"),
        Table(key="steps_done", title="本周办结的落地事项", row_count=done_count,
              columns=[*head, Column("办结日期", "date", 12), Column("文号/材料", "text", 24)],
              rows=done_rows, notes=[STEPS_DONE_DEFINITION], empty_text="本周没有办结的落地事项。"),
    ]


@in_data_language
def service_report(week_start: dt.date, as_of: dt.date, *, year: int, preview: int | None = None) -> ServiceReport:
    """The two sheets for the week ``week_start``–``as_of``; with ``preview`` the overdue lists hold
    that many rows (their counts stay exact)."""
    tickets = _overdue_tickets_table(as_of, preview)
    steps = _steps_tables(week_start, as_of, preview)
    return ServiceReport(
        sheets=[{"name": "企业诉求", "tables": [tickets, service_table(year, as_of)]},
                {"name": "落地事项", "tables": steps}],
        overdue_tickets=tickets.row_count if tickets.row_count is not None else len(tickets.rows),
        overdue_steps=steps[0].row_count if steps[0].row_count is not None else len(steps[0].rows),
    )
