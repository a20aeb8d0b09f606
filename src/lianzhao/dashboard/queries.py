"""Dashboard figures. Every total comes from :mod:`lianzhao.projects.counting` (不重复统计) or
:mod:`lianzhao.projects.lights`, and is printed with the 口径 defined there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lianzhao.industries.models import Industry
from lianzhao.projects import counting, lights
from lianzhao.projects.choices import PIPELINE, AttractionMethod, Light, ProjectStage
from lianzhao.projects.models import ProjectEvent

FUNNEL_DEFINITION = counting.FUNNEL_DEFINITION
AMOUNT_DEFINITION = counting.PLANNED_AMOUNT_DEFINITION
STAGE_DEFINITION = counting.STAGE_COUNT_DEFINITION
SIGNED_COUNT_DEFINITION = counting.SIGNED_COUNT_DEFINITION
SIGNED_TOTAL_DEFINITION = counting.SIGNED_TOTAL_DEFINITION


@dataclass(frozen=True)
class PipelineFigures:
    """The dashboard's pipeline totals, read in three queries: counted projects grouped by (stage,
    industry, method) with their planned amounts, funnel counts and signings this year and all time;
    investment changes grouped by (industry, method); industry names. Every figure is a sum over those
    groups by the functions of :mod:`lianzhao.projects.counting` (the 口径 are written once, there);
    the figures are those of its single-purpose functions, which would read the projects seven times."""

    funnel: list[dict]
    stages: list[dict]
    by_industry: list[dict]
    by_method: list[dict]
    signed: dict[str, counting.SignedSummary]


def pipeline_figures(today: dt.date) -> PipelineFigures:
    windows = {"year": (dt.date(today.year, 1, 1), today), "all": (None, None)}
    rows = counting.grouped(("stage", "industry", "method"), windows=windows, funnel=True)
    changes = counting.grouped_changes(("industry", "method"), windows)
    industries = dict(Industry.objects.values_list("pk", "name"))
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
        signed={name: counting.signed_summary_from(rows, changes, name) for name in windows},
    )


def _with_signed(rows: list[dict], signed: dict) -> list[dict]:
    return [
        {"name": r["key"], "count": r["count"], "amount": float(r["amount"]),
         "signed": float(signed[r["key"]].total) if r["key"] in signed else 0.0}
        for r in rows
    ]


def light_counts(today: dt.date, rule) -> list[dict]:
    """Open projects by light, worst first (one query)."""
    counts = lights.light_counts(counting.counted(), today=today, rule=rule)
    return [{"light": light.value, "label": light.label, "count": counts[light]}
            for light in (Light.RED, Light.YELLOW, Light.GREEN)]


def recent_events(limit: int = 10):
    """The latest timeline events of counted projects, newest first (one query). The newest ids are
    picked from the timeline alone, walking its date index backwards, and only those rows are joined
    to their projects: with the join in the outer query SQLite reads and sorts the whole timeline
    (0.4–0.8 s at a million events)."""
    order = ("-occurred_on", "-recorded_at", "-id")
    newest = ProjectEvent.objects.counted().order_by(*order).values("pk")[:limit]
    return ProjectEvent.objects.filter(pk__in=newest).select_related("project", "actor").order_by(*order)
