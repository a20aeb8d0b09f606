"""Dashboard figures: a handful of aggregate queries, each with its 口径 written next to it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, AttractionMethod, ProjectStage
from lianzhao.projects.models import InvestmentProject

FUNNEL_DEFINITION = "各阶段为“曾到达该阶段”的项目数（以该阶段日期已登记为准），含之后暂缓或终止的项目。"
AMOUNT_DEFINITION = "计划投资额合计，单位亿元；不含已终止项目；未填投资额的项目不计入金额、计入个数。"


def funnel() -> list[dict]:
    """Projects that reached each main-line stage (one query)."""
    aggregates = {
        stage: Count("id", filter=Q(**{f"{STAGE_DATE_FIELD[stage]}__isnull": False}))
        for stage in PIPELINE
    }
    row = InvestmentProject.objects.aggregate(**aggregates)
    return [{"stage": ProjectStage(s).label, "count": row[s]} for s in PIPELINE]


def current_stages() -> list[dict]:
    """Projects by current stage with their planned amount (one query)."""
    rows = {
        r["stage"]: r
        for r in InvestmentProject.objects.values("stage").annotate(n=Count("id"), amount=Sum("amount"))
    }
    return [
        {"stage": s.value, "label": s.label, "count": rows.get(s, {}).get("n", 0),
         "amount": rows.get(s, {}).get("amount") or Decimal("0")}
        for s in ProjectStage
    ]


def _by(field: str) -> list[dict]:
    return list(
        InvestmentProject.objects.exclude(stage=ProjectStage.DROPPED)
        .values(field)
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("-amount", field)
    )


def amount_by_industry() -> list[dict]:
    return [
        {"name": r["industry__name"], "count": r["n"], "amount": float(r["amount"] or 0)}
        for r in _by("industry__name")
    ]


def amount_by_method() -> list[dict]:
    return [
        {"name": AttractionMethod(r["method"]).label, "count": r["n"], "amount": float(r["amount"] or 0)}
        for r in _by("method")
    ]
