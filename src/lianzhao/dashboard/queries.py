"""Dashboard figures. Every total comes from :mod:`lianzhao.projects.counting` (不重复统计) or
:mod:`lianzhao.projects.lights`, and is printed with the 口径 defined there."""

from __future__ import annotations

import datetime as dt

from lianzhao.projects import counting, lights
from lianzhao.projects.choices import PIPELINE, AttractionMethod, Light, ProjectStage

FUNNEL_DEFINITION = counting.FUNNEL_DEFINITION
AMOUNT_DEFINITION = counting.PLANNED_AMOUNT_DEFINITION
STAGE_DEFINITION = counting.STAGE_COUNT_DEFINITION
SIGNED_COUNT_DEFINITION = counting.SIGNED_COUNT_DEFINITION
SIGNED_TOTAL_DEFINITION = counting.SIGNED_TOTAL_DEFINITION


def funnel() -> list[dict]:
    """Projects that reached each main-line stage (one query)."""
    counts = counting.funnel_counts()
    return [{"stage": ProjectStage(s).label, "count": counts[s]} for s in PIPELINE]


def current_stages() -> list[dict]:
    """Projects by current stage with their planned amount (one query)."""
    return [{"stage": s, "label": ProjectStage(s).label, **row} for s, row in counting.stage_counts().items()]


def _with_signed(rows: list[dict], signed: dict, label) -> list[dict]:
    return [
        {"name": label(r["key"]), "count": r["count"], "amount": float(r["amount"]),
         "signed": float(signed[r["key"]].total) if r["key"] in signed else 0.0}
        for r in rows
    ]


def amount_by_industry() -> list[dict]:
    """Planned amount (one query) and all-time signed amount (two queries) per industry."""
    return _with_signed(counting.planned_amount_by("industry__name"),
                        counting.signed_total_by("industry__name"), str)


def amount_by_method() -> list[dict]:
    """Planned amount (one query) and all-time signed amount (two queries) per attraction method."""
    return _with_signed(counting.planned_amount_by("method"), counting.signed_total_by("method"),
                        lambda key: AttractionMethod(key).label)


def signed(today: dt.date) -> dict[str, counting.SignedSummary]:
    """Signed projects and amounts this year (1 January to today) and all time (two queries)."""
    return counting.signed_summaries({"year": (dt.date(today.year, 1, 1), today), "all": (None, None)})


def light_counts(today: dt.date, rule) -> list[dict]:
    """Open projects by light, worst first (one query)."""
    counts = lights.light_counts(counting.counted(), today=today, rule=rule)
    return [{"light": light.value, "label": light.label, "count": counts[light]}
            for light in (Light.RED, Light.YELLOW, Light.GREEN)]
