"""Reading the rows of the weekly report, the department targets and the analytics from the database.

Each function runs a fixed number of queries whatever the number of projects (the benchmark in
``bench/pipeline_bench.py`` times them on 100,000 projects). Totals follow the counting rules of
:mod:`lianzhao.projects.counting` (merged duplicates never count; signed amounts counted once).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from lianzhao.accounts.models import Department
from lianzhao.aftercare.weekly import service_report
from lianzhao.core.i18n import in_data_language
from lianzhao.core.region import DistrictUnknown, district
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.ranking import DepartmentProgress
from lianzhao.dispatch.weekly import WeeklyData
from lianzhao.dispatch.weeks import IsoWeek
from lianzhao.industries.models import Industry
from lianzhao.projects import counting, lights
from lianzhao.projects.choices import (
    PIPELINE,
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    AttractionMethod,
    EventKind,
    Light,
    ProjectStage,
)
from lianzhao.projects.models import FundsInPlace, InvestmentProject, ProjectEvent, TrafficLightRule

ZERO = Decimal("0.00")
SIDE_STAGES = (ProjectStage.PAUSED, ProjectStage.DROPPED)
#: Stages in which a project is expected to move and so can stall (投产 and later are judged by
#: output, 暂缓 and 终止 are decisions recorded with a reason).
STALL_STAGES = PIPELINE[: PIPELINE.index(ProjectStage.CONSTRUCTION) + 1]


def district_name() -> str:
    """The district's name (:func:`lianzhao.core.region.district`), else "本区"."""
    try:
        return district().name
    except DistrictUnknown:
        return "本区"


def default_unit(district: str) -> str:
    return f"{district}招商办"


# --- a project's stage on a past day --------------------------------------------------------------

def stage_on(*, stage: str, side_on: dt.date | None, dates: dict, day: dt.date) -> str | None:
    """The stage a project stood at on ``day``, or None when it had no recorded date yet.

    The furthest main-line stage whose date is on or before ``day`` — except that a project now at
    暂缓/终止 stood there from the day that change was recorded (``side_on``; without such a record,
    from whenever it already existed). :func:`stage_on_expression` is the same rule in SQL.
    """
    reached = [s for s in PIPELINE if dates.get(s) and dates[s] <= day]
    if not reached:
        return None
    if stage in SIDE_STAGES and (side_on is None or side_on <= day):
        return stage
    return reached[-1].value


def _entered_side_stage():
    """The row's stage-change events into its current stage (for 暂缓/终止: when it got there)."""
    return ProjectEvent.objects.filter(project=OuterRef("pk"), kind=EventKind.STAGE_CHANGE,
                                       to_stage=OuterRef("stage"))


def _side_stage_entered_after(day: dt.date):
    """Ids of projects now at 暂缓/终止 that recorded that change after ``day``. Used as ``pk IN (…)``:
    SQLite builds the set once — the few 暂缓/终止 rows, found by the stage index — instead of checking
    the timeline from every row of the outer query; only rows with some event after ``day`` (their
    ``last_event_on`` says so) are looked up on the timeline index."""
    later = _entered_side_stage().filter(occurred_on__gt=day)
    return (InvestmentProject.all_objects.filter(stage__in=SIDE_STAGES, last_event_on__gt=day)
            .filter(Exists(later)).values("pk"))


def _side_on(day: dt.date) -> Q:
    """The row is at 暂缓/终止 on ``day`` (given it had some stage date by then)."""
    return Q(stage__in=SIDE_STAGES) & ~Q(pk__in=_side_stage_entered_after(day))


def stage_on_expression(day: dt.date) -> Case:
    """:func:`stage_on` as a CASE over the row."""
    whens = [When(_side_on(day) & _reached_by(day), then=F("stage"))]  # cheap stage test first
    whens += [When(**{f"{STAGE_DATE_FIELD[s]}__lte": day}, then=Value(s.value)) for s in reversed(PIPELINE)]
    return Case(*whens, default=Value(None), output_field=CharField())


def _reached_by(day: dt.date) -> Q:
    """The project had recorded at least one stage date on or before ``day``."""
    return functools.reduce(operator.or_, (Q(**{f"{f}__lte": day}) for f in STAGE_DATE_FIELD.values()))


def _officer(row: dict, prefix: str = "officer") -> str:
    return row.get(f"{prefix}__display_name") or row.get(f"{prefix}__username") or ""


# --- weekly report ---------------------------------------------------------------------------------

def _new_leads(week: IsoWeek) -> list[dict]:
    rows = (counting.counted().filter(lead_date__range=(week.start, week.end)).order_by("lead_date", "pk")
            .values("name", "investor__name", "industry__name", "chain_node__name", "amount", "method",
                    "source", "department__name", "officer__display_name", "officer__username", "lead_date"))
    return [{"name": r["name"], "investor": r["investor__name"] or "", "industry": r["industry__name"],
             "chain_node": r["chain_node__name"] or "", "amount": r["amount"], "method": r["method"],
             "source": r["source"], "department": r["department__name"], "officer": _officer(r),
             "lead_date": r["lead_date"]} for r in rows]


def _funds_entries(week: IsoWeek) -> list[dict]:
    """The week's funds in place, one row per entry, oldest first (one query)."""
    rows = (FundsInPlace.objects.counted().filter(on__range=(week.start, week.end)).order_by("on", "pk")
            .values("on", "source", "amount", "note", "project__name", "project__signed_amount",
                    "project__department__name", "project__officer__display_name", "project__officer__username",
                    "evidence__original_name"))
    return [{"on": r["on"], "name": r["project__name"], "source": r["source"], "amount": r["amount"],
             "signed_amount": r["project__signed_amount"], "department": r["project__department__name"],
             "officer": _officer(r, "project__officer"), "evidence": r["evidence__original_name"] or "",
             "note": r["note"]} for r in rows]


def _stage_moves(week: IsoWeek) -> list[dict]:
    rows = (ProjectEvent.objects.counted()  # the week's events found by the date index
            .filter(kind=EventKind.STAGE_CHANGE, occurred_on__range=(week.start, week.end))
            .exclude(to_stage=ProjectStage.LEAD)
            .order_by("occurred_on", "recorded_at", "pk")
            .values("occurred_on", "from_stage", "to_stage", "text", "project__name", "project__amount",
                    "project__signed_amount", "project__department__name", "project__officer__display_name",
                    "project__officer__username"))
    return [{"occurred_on": r["occurred_on"], "name": r["project__name"], "from_stage": r["from_stage"],
             "to_stage": r["to_stage"], "amount": r["project__amount"],
             "signed_amount": r["project__signed_amount"] if r["to_stage"] == ProjectStage.SIGNED else None,
             "department": r["project__department__name"], "officer": _officer(r, "project__officer"),
             "text": r["text"]} for r in rows]


def last_event_on_or_before(day: dt.date) -> Case:
    """The date of the row's latest timeline event on or before ``day`` (NULL without one).

    Usually the project's ``last_event_on`` column: when its latest event is on or before ``day``
    (or it has none) that is the answer. Only projects with events after ``day`` — few, for a recent
    week — are looked up on the timeline's (project, date) index (ORDER BY … LIMIT 1: one seek).
    """
    seek = (ProjectEvent.objects.filter(project=OuterRef("pk"), occurred_on__lte=day)
            .order_by("-occurred_on").values("occurred_on")[:1])
    return Case(When(Q(last_event_on__isnull=True) | Q(last_event_on__lte=day), then=F("last_event_on")),
                default=Subquery(seek), output_field=DateField())


def activity_on(day: dt.date) -> Coalesce:
    """The row's last activity on ``day`` as the lights judge it: its latest event by then, or
    without one its 线索 date (:func:`lianzhao.projects.lights.light_for`)."""
    return Coalesce(last_event_on_or_before(day), "lead_date")


def _events(after: dt.date, upto: dt.date, **filters) -> Q:
    """Some timeline event of the row's project dated in (after, upto]: only rows whose latest event
    is after ``after`` are looked up (one index range seek each)."""
    window = ProjectEvent.objects.filter(project=OuterRef("pk"), occurred_on__gt=after, occurred_on__lte=upto,
                                         **filters)
    return Q(last_event_on__gt=after) & Q(Exists(window))


def light_changes(week: IsoWeek, as_of: dt.date, rule) -> list[dict]:
    """Projects whose light on ``as_of`` is worse than on the Sunday before the week.

    Lights are judged by :func:`lianzhao.projects.lights.light_for` on each day's state (stage
    reached by then, events up to then). SQL first narrows the projects to those whose light can have
    got worse in the week: moving forward on the main line or logging an event only ever improves a
    light, so only three things can worsen it — a planned date crossing the yellow or red threshold, a
    pause, or the last activity crossing the no-activity threshold. Only those rows reach Python.
    """
    before = week.start - dt.timedelta(days=1)
    cut0, cut1 = lights.thresholds(before, rule), lights.thresholds(as_of, rule)
    planned = functools.reduce(operator.or_, (
        Q(**{f"{f}__gte": cut0.yellow_before, f"{f}__lt": cut1.yellow_before})
        | Q(**{f"{f}__gte": cut0.red_before, f"{f}__lt": cut1.red_before})
        for f in (*PLANNED_DATE_FIELD.values(), "landing_due_on")))
    paused = Q(stage=ProjectStage.PAUSED) & _events(before, as_of, kind=EventKind.STAGE_CHANGE,
                                                    to_stage=ProjectStage.PAUSED)
    # Idle on as_of but not on the Sunday before: the last activity (an event, or the lead date when
    # there is none) on as_of lies between the two no-activity thresholds.
    went_quiet = Q(quiet_since__gt=cut0.stale_on_or_before, quiet_since__lte=cut1.stale_on_or_before)
    side_on = Subquery(_entered_side_stage().order_by("-occurred_on").values("occurred_on")[:1])
    fields = [*STAGE_DATE_FIELD.values(), *PLANNED_DATE_FIELD.values()]
    rows = (counting.counted().filter(_reached_by(before)).annotate(quiet_since=activity_on(as_of))
            .filter(planned | paused | went_quiet)
            .annotate(side_on=Case(When(stage__in=SIDE_STAGES, then=side_on), output_field=DateField()),
                      last_before=last_event_on_or_before(before), last_after=last_event_on_or_before(as_of))
            .order_by()
            .values("pk", "name", "stage", "paused_from", "side_on", "last_before", "last_after",
                    "department__name", "officer__display_name", "officer__username", "landing_due_on",
                    *fields))
    out = []
    for r in rows:
        planned_on = {s: r[f] for s, f in PLANNED_DATE_FIELD.items()}

        def light(day, last):
            dates = {s: r[f] for s, f in STAGE_DATE_FIELD.items() if r[f] and r[f] <= day}
            stage = stage_on(stage=r["stage"], side_on=r["side_on"], dates=dates, day=day)
            info = lights.light_for(stage=stage, paused_from=r["paused_from"], stage_dates=dates,
                                    planned=planned_on, last_event_on=last, today=day, rule=rule,
                                    landing_due_on=r["landing_due_on"]) if stage else None
            return stage, info

        stage, now = light(as_of, r["last_after"])
        if now is None or now.light not in (Light.RED, Light.YELLOW):
            continue  # green or closed on Sunday: not worse than anything
        _, was = light(before, r["last_before"])
        if was and lights.SEVERITY[now.light] < lights.SEVERITY[was.light]:
            out.append({"name": r["name"], "stage": stage, "light_before": str(was.light),
                        "light_after": str(now.light), "reason": now.reason,
                        "department": r["department__name"], "officer": _officer(r)})
    out.sort(key=lambda x: (lights.SEVERITY[x["light_after"]], x["department"], x["name"]))
    return out


def stalled(as_of: dt.date, stale_days: int, limit: int | None = None) -> tuple[list[dict], int]:
    """Projects at 线索…开工 on ``as_of`` with no timeline event for ``stale_days`` days or more,
    longest idle first, with their last event; with ``limit``, only that many rows (and the count)."""
    cutoff = as_of - dt.timedelta(days=stale_days)
    # At 线索…开工 on as_of: some stage date by then, neither 投产 nor 达产 by then, not paused or
    # dropped by then. Written as column tests (not the CASE of stage_on_expression) so SQLite
    # checks them cheaply on every row before looking at any event.
    not_yet = [Q(**{f"{STAGE_DATE_FIELD[s]}__isnull": True}) | Q(**{f"{STAGE_DATE_FIELD[s]}__gt": as_of})
               for s in PIPELINE[PIPELINE.index(ProjectStage.PRODUCTION):]]
    in_stall_stage = _reached_by(as_of) & functools.reduce(operator.and_, not_yet) & ~_side_on(as_of)
    matched = counting.counted().filter(in_stall_stage).annotate(activity=activity_on(as_of)).filter(
        activity__lte=cutoff)
    last = ProjectEvent.objects.filter(project=OuterRef("pk"), occurred_on__lte=as_of).order_by(
        "-occurred_on", "-recorded_at", "-pk")
    detail = (matched.annotate(last_on=last_event_on_or_before(as_of))
              .annotate(stage_then=stage_on_expression(as_of), last_kind=Subquery(last.values("kind")[:1]),
                        last_text=Subquery(last.values("text")[:1]))
              .order_by("activity", "name")
              .values("pk", "name", "stage_then", "department__name", "officer__display_name",
                      "officer__username", "last_on", "activity", "last_kind", "last_text"))
    if limit is None:
        rows = list(detail)
        total = len(rows)
    else:
        # One pass finds and orders every stalled project by id; only the first rows get their details.
        order = list(matched.order_by("activity", "name").values_list("pk", flat=True))
        total, first = len(order), order[:limit]
        by_pk = {r["pk"]: r for r in detail.order_by().filter(pk__in=first)}
        rows = [by_pk[pk] for pk in first]
    kinds = dict(EventKind.choices)
    return [{"name": r["name"], "stage": r["stage_then"], "department": r["department__name"],
             "officer": _officer(r), "last_on": r["last_on"], "idle_days": (as_of - r["activity"]).days,
             "last_kind": kinds.get(r["last_kind"], r["last_kind"] or "（无动态，按线索日期）"),
             "last_text": r["last_text"] or ""} for r in rows], total


def _dated(field: str, start: dt.date, end: dt.date) -> Count:
    """Projects whose ``field`` (开工日期, 投产日期) lies in [start, end]."""
    return Count("pk", filter=Q(**{f"{field}__range": (start, end)}))


def pipeline_groups(as_of: dt.date, windows: counting.Windows) -> list[dict]:
    """Every counted project in one grouped query, by (stage on ``as_of`` — None when it had no
    stage date yet —, industry, method, department; ids, no joins), with the sums the report is made
    of: count and planned amount, first signings per window (:func:`counting.signed_aggregates`) and,
    per window, the projects that started construction (``<window>_started``) or production
    (``<window>_production``) in it. The stage tables, the week's figures and the departments' year to
    date are sums over these groups: one pass over the projects instead of five."""
    extra = {f"{name}_{what}": _dated(field, start, end) for name, (start, end) in windows.items()
             for what, field in (("started", "construction_date"), ("production", "production_date"))}
    stage_then = counting.counted().annotate(stage_then=stage_on_expression(as_of))
    return counting.grouped(("stage_then", "industry", "method", "department"), windows=windows,
                            queryset=stage_then, extra=extra)


def stage_groups(groups: list[dict], industries: dict[int, str], departments: dict[int, str]) -> list[dict]:
    """Projects and planned amount by (stage on the cut-off day, industry, method, department), names
    mapped from ids, from :func:`pipeline_groups`; projects first recorded after the day left out.
    The report sums them along each dimension."""
    return [{"stage": r["stage_then"], "industry": industries[r["industry"]], "method": r["method"],
             "department": departments[r["department"]], "count": r["n"], "amount": r["amount"] or ZERO}
            for r in groups if r["stage_then"] is not None]


def ytd_window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """1 January of ``year`` to ``as_of`` (31 December for a past year)."""
    return dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31))


def department_actuals(start: dt.date, end: dt.date) -> dict[int, dict]:
    """{department id: signed (SignedSummary), funds (FundsSummary), started, production} in the
    window [start, end], four queries; departments without any are absent."""
    started, production = Q(construction_date__range=(start, end)), Q(production_date__range=(start, end))
    # Only rows that count in either total are grouped (a sort of a few thousand rows, not of all).
    rows = (counting.counted().filter(started | production).order_by().values("department")
            .annotate(started=Count("pk", filter=started), production=Count("pk", filter=production)))
    funds = counting.grouped_funds(("department",), {"window": (start, end)})
    return _actuals(counting.signed_total_by("department", start=start, end=end),
                    {r["department"]: r for r in rows}, counting.funds_by_from(funds, "department", "window"))


def _department_actuals_from(groups: list[dict], changes: list[dict], funds: list[dict]) -> dict[int, dict]:
    """:func:`department_actuals` as sums over :func:`pipeline_groups` rows, and
    :func:`counting.grouped_changes` and :func:`counting.grouped_funds` by department (window ``ytd``)."""
    counts: dict[int, dict] = {}
    for g in groups:
        row = counts.setdefault(g["department"], {"started": 0, "production": 0})
        row["started"] += g["ytd_started"]
        row["production"] += g["ytd_production"]
    return _actuals(counting.signed_by_from(groups, changes, "department", "ytd"), counts,
                    counting.funds_by_from(funds, "department", "ytd"))


def _actuals(signed: dict, counts: dict, funds: dict) -> dict[int, dict]:
    return {pk: {"signed": signed.get(pk, counting.SignedSummary()), "funds": funds.get(pk, counting.FundsSummary()),
                 "started": counts.get(pk, {}).get("started", 0),
                 "production": counts.get(pk, {}).get("production", 0)} for pk in {*signed, *counts, *funds}}


def department_progress(year: int, as_of: dt.date, *, window: tuple[dt.date, dt.date] | None = None,
                        actuals: dict[int, dict] | None = None,
                        departments: dict[int, str] | None = None) -> list[DepartmentProgress]:
    """Every department's targets for ``year`` and its results in ``window`` — by default from
    1 January to ``as_of`` — (:func:`department_actuals` unless the caller summed them already, as
    the weekly report does)."""
    targets = {t.department_id: t for t in DepartmentTarget.objects.filter(year=year)}
    if actuals is None:
        actuals = department_actuals(*(window or ytd_window(year, as_of)))
    if departments is None:
        departments = dict(Department.objects.order_by("code").values_list("pk", "name"))
    out = []
    for pk, name in departments.items():
        t = targets.get(pk)
        a = actuals.get(pk, {})
        out.append(DepartmentProgress(
            department_id=pk, department=name,
            target_signed_amount=t.signed_amount if t else None,
            target_started=t.projects_started if t else None,
            target_production=t.projects_in_production if t else None,
            target_funds=t.funds_in_place if t else None,
            target_new_projects=t.new_projects if t else None,
            signed_amount=a["signed"].total if a else ZERO, new_projects=a["signed"].count if a else 0,
            funds=a["funds"].total if a else ZERO,
            started=a.get("started", 0), production=a.get("production", 0), note=t.note if t else ""))
    return out


def week_as_of(week: IsoWeek, today: dt.date) -> dt.date:
    """The report's cut-off day: the week's Sunday, or today while the week is still running."""
    return min(week.end, today)


@in_data_language
def weekly_data(week: IsoWeek, *, today: dt.date, unit: str = "", preview: int | None = None) -> WeeklyData:
    """Read every row of the weekly report for ``week`` as it stood on its Sunday (or ``today``).
    With ``preview``, the stalled list (the one that grows with the whole pipeline) holds only that
    many rows; its count stays exact."""
    if week.start > today:
        raise ValueError(f"{week.label} 尚未开始，不能生成周调度表。")
    as_of = week_as_of(week, today)
    rule = TrafficLightRule.load()
    district = district_name()
    year = week.year
    windows = {"week": (week.start, week.end), "ytd": ytd_window(year, as_of)}
    groups = pipeline_groups(as_of, windows)
    changes = counting.grouped_changes(("department",), windows)
    funds = counting.grouped_funds(("department",), windows)
    signed = counting.signed_summary_from(groups, changes, "week")
    stalled_rows, stalled_count = stalled(as_of, rule.stale_days, limit=preview)
    industries = dict(Industry.objects.values_list("pk", "name"))
    departments = dict(Department.objects.order_by("code").values_list("pk", "name"))
    return WeeklyData(
        week=week, as_of=as_of, generated_on=today, district=district, unit=unit or default_unit(district),
        year=year, ytd_end=windows["ytd"][1],
        new_leads=_new_leads(week), stage_moves=_stage_moves(week), funds_entries=_funds_entries(week),
        light_changes=light_changes(week, as_of, rule), stalled=stalled_rows, stalled_count=stalled_count,
        groups=stage_groups(groups, industries, departments),
        industries=list(industries.values()),
        departments=list(departments.values()),
        week_signed_count=signed.count, week_signed_amount=signed.total,
        week_funds=counting.funds_summary_from(funds, "week"),
        week_started=sum(g["week_started"] for g in groups), week_production=sum(g["week_production"] for g in groups),
        progress=department_progress(year, as_of, departments=departments,
                                     actuals=_department_actuals_from(groups, changes, funds)),
        lights_definition=lights.definition(rule), stale_days=rule.stale_days,
        service=service_report(week.start, as_of, year=year, preview=preview),
    )


# --- analytics -------------------------------------------------------------------------------------

def first_date_expression():
    return Coalesce(*[F(f) for f in STAGE_DATE_FIELD.values()])


def analytics_projects(*, window: tuple[dt.date, dt.date] | None = None, department=None) -> list[dict]:
    """One row per counted project for :mod:`lianzhao.dispatch.analytics`: its readable method,
    referrer, officer and industry, and its stage dates; with ``window``, only projects whose first
    recorded date lies in it. One query."""
    queryset = counting.counted()
    if window:
        queryset = queryset.annotate(first_on=first_date_expression()).filter(first_on__range=window)
    if department is not None:
        queryset = queryset.filter(department=department)
    rows = queryset.order_by().values("method", "referrer", "officer__display_name", "officer__username",
                                      "industry__name", *STAGE_DATE_FIELD.values())
    methods = dict(AttractionMethod.choices)
    return [{"method": methods.get(r["method"], r["method"]),
             "referrer": r["referrer"].strip() or "（无引荐人）",
             "officer": _officer(r) or "（未指定责任人）",
             "industry": r["industry__name"],
             "dates": {s: r[f] for s, f in STAGE_DATE_FIELD.items()}} for r in rows]
