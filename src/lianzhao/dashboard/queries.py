"""Dashboard figures. Every total comes from :mod:`lianzhao.projects.counting` (不重复统计) or
:mod:`lianzhao.projects.lights`, and is printed with the 口径 defined there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lianzhao.accounts.models import Department
from lianzhao.core.periods import Period
from lianzhao.industries.models import Industry
from lianzhao.projects import counting, lights
from lianzhao.projects.choices import PIPELINE, AttractionMethod, ProjectStage
from lianzhao.projects.models import ProjectEvent


@dataclass(frozen=True)
class PipelineFigures:
    """The dashboard's pipeline totals, read in five queries: counted projects grouped by (stage,
    industry, method, department) with their planned amounts, funnel counts and signings in the
    period, in each of its months and all time; investment changes and funds in place grouped the
    same way; industry and department names. Every figure is a sum over those groups by the
    functions of :mod:`lianzhao.projects.counting` (the 口径 are written once, there)."""

    funnel: list[dict]
    stages: list[dict]
    by_industry: list[dict]
    by_method: list[dict]
    signed: dict[str, counting.SignedSummary]
    funds: dict[str, counting.FundsSummary]
    #: Signed and funds in the period, per industry / department (every one listed) / month.
    period_by_industry: list[dict]
    period_by_department: list[dict]
    months: list[dict]


def _months(period: Period, today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The months of ``period`` that have begun, as counting windows named ``m2025_03``."""
    start, end = period.window(today)
    out, month = {}, Period(start.year, month=start.month)
    while month.start <= end:
        out[f"m{month.year}_{month.month:02d}"] = month.window(today)
        nxt = month.end + dt.timedelta(days=1)
        month = Period(nxt.year, month=nxt.month)
    return out


def pipeline_figures(today: dt.date, period: Period) -> PipelineFigures:
    months = _months(period, today)
    windows = {"period": period.window(today), "all": (None, None), **months}
    by = ("industry", "method", "department")
    rows = counting.grouped(("stage", *by), windows=windows, funnel=True)
    changes = counting.grouped_changes(by, windows)
    funds = counting.grouped_funds(("industry", "department"), windows)
    industries = dict(Industry.objects.values_list("pk", "name"))
    departments = dict(Department.objects.order_by("code").values_list("pk", "name"))
    methods = {m.value: m.label for m in AttractionMethod}
    funnel = counting.funnel_from(rows)
    return PipelineFigures(
        funnel=[{"stage": ProjectStage(s).label, "count": funnel[s]} for s in PIPELINE],
        stages=[{"stage": s, "label": ProjectStage(s).label, **row}
                for s, row in counting.stage_counts_from(rows).items()],
        by_industry=_with_signed(counting.planned_amount_from(rows, "industry", industries),
                                 counting.signed_by_from(rows, changes, "industry", "all", industries)),
        # Ordered by the method's value, as before: the label is only for display.
        by_method=[{**r, "name": methods[r["name"]]} for r in _with_signed(
            counting.planned_amount_from(rows, "method"), counting.signed_by_from(rows, changes, "method", "all"))],
        signed={name: counting.signed_summary_from(rows, changes, name) for name in ("period", "all")},
        funds={name: counting.funds_summary_from(funds, name) for name in ("period", "all")},
        period_by_industry=_period_by(rows, changes, funds, "industry", industries),
        period_by_department=_period_by(rows, changes, funds, "department", departments),
        months=[{"key": name, "label": Period(start.year, month=start.month).label(),
                 "signed": counting.signed_summary_from(rows, changes, name),
                 "funds": counting.funds_summary_from(funds, name)} for name, (start, _) in months.items()],
    )


def _period_by(rows, changes, funds, field: str, names: dict) -> list[dict]:
    """Signed and funds in the period per value of ``field``, every named value listed (zeros too)."""
    signed = counting.signed_by_from(rows, changes, field, "period")
    arrived = counting.funds_by_from(funds, field, "period")
    empty_signed, empty_funds = counting.SignedSummary(), counting.FundsSummary()
    return [{"name": name, "signed": signed.get(pk, empty_signed), "funds": arrived.get(pk, empty_funds)}
            for pk, name in names.items()]


def _with_signed(rows: list[dict], signed: dict) -> list[dict]:
    return [
        {"name": r["key"], "count": r["count"], "amount": float(r["amount"]),
         "signed": float(signed[r["key"]].total) if r["key"] in signed else 0.0}
        for r in rows
    ]


def light_counts(today: dt.date, rule) -> list[dict]:
    """Open projects by light, worst first (one query)."""
    counts = lights.light_counts(counting.counted(), today=today, rule=rule)
    return [{"light": light.value, "label": light.label, "count": counts[light]} for light in lights.OPEN_LIGHTS]


def recent_events(limit: int = 10):
    """The latest timeline events of counted projects, newest first (one query). The newest ids are
    picked from the timeline alone, walking its date index backwards, and only those rows are joined
    to their projects: with the join in the outer query SQLite reads and sorts the whole timeline
    (0.4–0.8 s at a million events)."""
    order = ("-occurred_on", "-recorded_at", "-id")
    newest = ProjectEvent.objects.counted().order_by(*order).values("pk")[:limit]
    return ProjectEvent.objects.filter(pk__in=newest).select_related("project", "actor").order_by(*order)
