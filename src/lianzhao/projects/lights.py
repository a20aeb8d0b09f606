"""Traffic lights (红黄绿灯) of the project pipeline: the rules as pure functions of dates and
``today``, and the same rules as one SQL expression for lists, filters and dashboard counts.

The rules (thresholds from :class:`lianzhao.projects.models.TrafficLightRule`, editable in the admin;
defaults in brackets):

* no light — the project is closed: 达产, 终止, or merged into another project;
* 黄灯 — the project is 暂缓 (paused). A pause is a decision recorded with its reason, so its plan
  and its activity are not judged while it lasts; the light stays yellow so the pause stays visible;
* 红灯 — a planned stage date lies more than ``red_after_months`` [3] calendar months before today
  and the stage has not been reached (planned < today − 3 months), or a landing step not yet done
  was due that long ago. A landing step is judged exactly like a planned milestone: the project
  keeps the earliest due date of its open steps in ``landing_due_on`` (kept by the aftercare app's
  services), and that date is one more planned date to this rule;
* 黄灯 — a planned stage date has passed by more than ``yellow_after_days`` [0] days and the stage
  has not been reached, or a landing step (落地事项, 高效办成一件事) is past its due date by as much (planned < today − 0 days, i.e. from the day after the planned date), or the
  project has had no timeline event for ``stale_days`` [30] days or more (last event ≤ today − 30;
  without any event the 线索 date stands in);
* 未制定计划 — an open project that is neither red nor yellow, has no planned date for any stage it
  has not reached and no open landing step: with nothing planned it cannot be "on schedule", so it
  is not green;
* 绿灯 — otherwise.

A stage counts as reached when its date is recorded or the project stands at or beyond it on the
main line (for a paused project: where it paused). Every threshold is a date computed from ``today``
once, so the Python rules and the SQL expression compare the same dates and always agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lianzhao.core.i18n import data_label
from lianzhao.projects.choices import (
    PIPELINE,
    PLANNED_DATE_FIELD,
    PLANNED_STAGES,
    STAGE_DATE_FIELD,
    Light,
    ProjectStage,
    counts,
)

CLOSED_STAGES = (ProjectStage.FULL_CAPACITY, ProjectStage.DROPPED)

#: Worst first: the order lists are sorted by on "我的项目" and the dashboard shows the counts in.
SEVERITY = {Light.RED: 0, Light.YELLOW: 1, Light.UNPLANNED: 2, Light.GREEN: 3, Light.NONE: 4}

#: The lights an open project can have, worst first (the dashboard's counts, "我的项目").
OPEN_LIGHTS = (Light.RED, Light.YELLOW, Light.UNPLANNED, Light.GREEN)


def today() -> dt.date:
    """The local date pages judge lights by (Asia/Shanghai). Tests pass ``today`` explicitly."""
    return timezone.localdate()


@dataclass(frozen=True)
class LightInfo:
    """A project's light and the reasons for it, worst first."""

    light: str
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return Light(self.light).label

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


@dataclass(frozen=True)
class Thresholds:
    """The three cut-off dates for one ``today`` and one rule."""

    red_before: dt.date      # planned < red_before → 红灯
    yellow_before: dt.date   # planned < yellow_before → 黄灯
    stale_on_or_before: dt.date  # last event ≤ this → 黄灯


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months (negative: back), clamped to the month's last day
    (2025-05-31 − 3 months = 2025-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def thresholds(today: dt.date, rule) -> Thresholds:
    return _thresholds(today, int(rule.yellow_after_days), int(rule.red_after_months), int(rule.stale_days))


@functools.lru_cache(maxsize=64)
def _thresholds(today: dt.date, yellow_after_days: int, red_after_months: int, stale_days: int) -> Thresholds:
    # Cached on the rule's values (not the rule object, which an admin may edit): the weekly report
    # judges thousands of projects on the same two days.
    return Thresholds(
        red_before=add_months(today, -red_after_months),
        yellow_before=today - dt.timedelta(days=yellow_after_days),
        stale_on_or_before=today - dt.timedelta(days=stale_days),
    )


def is_closed(stage: str, merged: bool = False) -> bool:
    """Closed projects (达产, 终止, merged) have no light."""
    return merged or stage in CLOSED_STAGES


def stage_reached(stage: str, current: str, stage_dates: dict, paused_from: str = "") -> bool:
    """Whether a project standing at ``current`` has reached ``stage`` of the main line."""
    if stage_dates.get(stage):
        return True
    position = paused_from if current == ProjectStage.PAUSED else current
    if position in PIPELINE and stage in PIPELINE:
        return PIPELINE.index(position) >= PIPELINE.index(stage)
    return False


def overdue_milestones(*, stage: str, paused_from: str, stage_dates: dict, planned: dict,
                       today: dt.date, rule) -> list[tuple[str, dt.date, int, str]]:
    """(stage, planned date, days overdue, light) for each planned stage not reached whose date has
    passed beyond the yellow grace, earliest planned first."""
    cut = thresholds(today, rule)
    out = []
    for milestone in PLANNED_STAGES:
        planned_on = planned.get(milestone)
        if planned_on is None or stage_reached(milestone, stage, stage_dates, paused_from):
            continue
        if planned_on < cut.red_before:
            out.append((milestone, planned_on, (today - planned_on).days, Light.RED))
        elif planned_on < cut.yellow_before:
            out.append((milestone, planned_on, (today - planned_on).days, Light.YELLOW))
    return sorted(out, key=lambda row: row[1])


def landing_overdue(landing_due_on: dt.date | None, *, today: dt.date, rule) -> tuple[int, str] | None:
    """(days overdue, light) when the earliest open landing step's due date has passed beyond the
    yellow grace — the same thresholds as a planned milestone — else None."""
    if landing_due_on is None:
        return None
    cut = thresholds(today, rule)
    if landing_due_on < cut.red_before:
        return (today - landing_due_on).days, Light.RED
    if landing_due_on < cut.yellow_before:
        return (today - landing_due_on).days, Light.YELLOW
    return None


def light_for(*, stage: str, paused_from: str = "", merged: bool = False, stage_dates: dict,
              planned: dict, last_event_on: dt.date | None, today: dt.date, rule,
              landing_due_on: dt.date | None = None) -> LightInfo:
    """The light of one project on ``today`` (see the module docstring for the rules). The reasons
    are Chinese sentences (the data language), stage names in them too, whoever reads them.

    ``stage_dates`` and ``planned`` map stage values to dates (missing or None when not set);
    ``last_event_on`` is the date of the latest timeline event; ``landing_due_on`` the earliest due
    date of the project's open landing steps (None without any).
    """
    if is_closed(stage, merged):
        return LightInfo(Light.NONE)
    if stage == ProjectStage.PAUSED:
        before = f"（暂缓前：{data_label(ProjectStage(paused_from))}）" if paused_from else ""
        return LightInfo(Light.YELLOW, (f"项目暂缓中{before}",))
    reasons: list[tuple[str, str]] = []
    for milestone, planned_on, days, light in overdue_milestones(
            stage=stage, paused_from=paused_from, stage_dates=stage_dates, planned=planned,
            today=today, rule=rule):
        beyond = f"，超过 {rule.red_after_months} 个月" if light == Light.RED else ""
        reasons.append((light, f"计划{data_label(ProjectStage(milestone))} {planned_on:%Y-%m-%d} "
                               f"已逾期 {days} 天{beyond}"))
    if late := landing_overdue(landing_due_on, today=today, rule=rule):
        days, light = late
        beyond = f"，超过 {rule.red_after_months} 个月" if light == Light.RED else ""
        reasons.append((light, f"落地事项 {landing_due_on:%Y-%m-%d} 到期未办结，已逾期 {days} 天{beyond}"))
    activity = last_event_on or stage_dates.get(ProjectStage.LEAD)
    if activity is not None and activity <= thresholds(today, rule).stale_on_or_before:
        reasons.append((Light.YELLOW, f"已 {(today - activity).days} 天无动态（最近 {activity:%Y-%m-%d}）"))
    if landing_due_on is None and next_milestone(stage=stage, paused_from=paused_from, stage_dates=stage_dates,
                                                 planned=planned) is None:
        # Nothing planned ahead, neither a milestone nor an open landing step: the project cannot be
        # "on schedule" (a yellow light keeps its colour).
        reasons.append((Light.UNPLANNED, "未制定计划"))
    if not reasons:
        return LightInfo(Light.GREEN, ("按计划推进",))
    reasons.sort(key=lambda r: SEVERITY[r[0]])
    return LightInfo(reasons[0][0], tuple(text for _, text in reasons))


def next_milestone(*, stage: str, paused_from: str, stage_dates: dict,
                   planned: dict) -> tuple[str, dt.date] | None:
    """The earliest planned date among stages not yet reached, or None."""
    pending = [(planned[s], s) for s in PLANNED_STAGES
               if planned.get(s) and not stage_reached(s, stage, stage_dates, paused_from)]
    if not pending:
        return None
    on, milestone = min(pending)
    return milestone, on


def definition(rule) -> str:
    """The 口径 of the lights, printed wherever they are shown, in the active language (the weekly
    report builds it in the data language)."""
    grace = _("超过 %(days)s 天") % {"days": rule.yellow_after_days} if rule.yellow_after_days else ""
    return _("红灯：有计划节点或落地事项逾期%(grace)s超过 %(months)s 个月仍未到达（办结）；"
             "黄灯：有计划节点或落地事项日期已过%(grace)s仍未到达（办结），或已 %(stale)s 天以上无项目动态，"
             "或项目暂缓中；"
             "未制定计划：其余在推进项目中，尚未到达的阶段都没有计划日期、也没有未办结落地事项的（不亮绿灯）；"
             "绿灯：其余在推进项目；已达产、已终止和已合并的项目不亮灯。按今天的日期计算。") % {
        "grace": grace, "months": rule.red_after_months, "stale": rule.stale_days}


# --- the same rules in SQL ------------------------------------------------------------------------

def _not_reached(stage: str) -> Q:
    later = PIPELINE[PIPELINE.index(stage):]
    return Q(**{f"{STAGE_DATE_FIELD[stage]}__isnull": True}) & ~Q(stage__in=later)


def _planned_ahead() -> Q:
    """Some stage not yet reached has a planned date (the row form of :func:`next_milestone`), or a
    landing step is open (it has a due date)."""
    return functools.reduce(operator.or_, (
        Q(**{f"{PLANNED_DATE_FIELD[stage]}__isnull": False}) & _not_reached(stage) for stage in PLANNED_STAGES
    ), Q(landing_due_on__isnull=False))


def _overdue(before: dt.date) -> Q:
    return functools.reduce(operator.or_, (
        Q(**{f"{PLANNED_DATE_FIELD[stage]}__lt": before}) & _not_reached(stage) for stage in PLANNED_STAGES
    ), Q(landing_due_on__lt=before))


def annotate_light(queryset, *, today: dt.date, rule):
    """Annotate ``light``: a CASE over the row, reading the latest event's date from the project's
    denormalised ``last_event_on`` column — no subquery, a fixed number of queries however many
    projects."""
    cut = thresholds(today, rule)
    return queryset.annotate(
        light_activity_on=Coalesce("last_event_on", "lead_date"),
    ).annotate(light=Case(
        When(~counts() | Q(stage__in=CLOSED_STAGES), then=Value(Light.NONE.value)),
        When(stage=ProjectStage.PAUSED, then=Value(Light.YELLOW.value)),
        When(_overdue(cut.red_before), then=Value(Light.RED.value)),
        When(_overdue(cut.yellow_before) | Q(light_activity_on__lte=cut.stale_on_or_before),
             then=Value(Light.YELLOW.value)),
        When(~_planned_ahead(), then=Value(Light.UNPLANNED.value)),
        default=Value(Light.GREEN.value),
        output_field=CharField(),
    ))


def light_counts(queryset, *, today: dt.date, rule) -> dict[str, int]:
    """Projects of ``queryset`` by light, every light present (one query)."""
    rows = (annotate_light(queryset, today=today, rule=rule).order_by().values("light")
            .annotate(n=Count("pk")))
    counts = {light.value: 0 for light in Light}
    for row in rows:
        counts[row["light"]] = row["n"]
    return counts
