"""The counting rules (统计口径) of the pipeline, in one place. Every total shown anywhere — the
dashboard, the weekly report, exports — comes from these functions, and prints the 口径 string that
goes with it.

不重复统计 (count once):

* a project merged into another (a duplicate) never counts;
* a project counts as signed once, at its first signing (``signed_date``), with its signed amount;
* after that, a capital increase or an upgrade adds only its increase, on the day it is recorded;
  a reduction subtracts; a re-signing adds nothing (its delta is 0 by rule) — see
  :class:`lianzhao.projects.models.InvestmentChange`.

Windows are inclusive dates: ``start <= date <= end``; ``None`` leaves that side open. Amounts are
亿元 as :class:`~decimal.Decimal`. Each function takes an optional ``queryset`` of projects to
restrict to (a department, an industry…); merged projects are removed from it in every case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, ProjectStage
from lianzhao.projects.models import InvestmentChange, InvestmentProject

ZERO = Decimal("0.00")

FUNNEL_DEFINITION = ("各阶段为“曾到达该阶段”的项目数（以该阶段日期已登记为准），含之后暂缓或终止的项目；"
                     "已合并的重复项目不计。")
STAGE_COUNT_DEFINITION = "按项目当前阶段计数，每个项目只计一次；已合并的重复项目不计。"
PLANNED_AMOUNT_DEFINITION = ("计划投资额合计，单位亿元；不含已终止项目和已合并的重复项目；"
                             "未填投资额的项目不计入金额、计入个数。")
SIGNED_COUNT_DEFINITION = ("签约项目数：首次签约日期在统计期内的项目个数。每个项目只在首次签约时计一次，"
                           "重新签约、增资、技改升级不再计数；含签约后暂缓或终止的项目；已合并的重复项目不计。")
SIGNED_TOTAL_DEFINITION = ("签约额（亿元）：统计期内首次签约项目的签约投资额之和，加上统计期内登记的增资、"
                           "技改升级的新增投资额，减去减资额；重新签约不重复计入（按 0 计）；"
                           "已合并的重复项目不计。")
INVESTMENT_CHANGE_DEFINITION = ("投资变更（亿元）：统计期内登记的增资、技改升级新增额（正）与减资额（负）之和，"
                                "重新签约按 0 计。")


@dataclass(frozen=True)
class SignedSummary:
    """Signed projects and amounts in one window: ``total = first_signed_amount + change_amount``."""

    count: int = 0
    first_signed_amount: Decimal = ZERO
    change_amount: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.first_signed_amount + self.change_amount


def counted(queryset: QuerySet | None = None) -> QuerySet:
    """The projects that count: ``queryset`` (default: all) without merged duplicates."""
    base = InvestmentProject.objects.all() if queryset is None else queryset
    return base.filter(merged_into__isnull=True)


def _window(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q(**{f"{field}__isnull": False})
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def _changes(queryset: QuerySet | None) -> QuerySet:
    changes = InvestmentChange.objects.filter(project__merged_into__isnull=True)
    if queryset is not None:
        changes = changes.filter(project__in=queryset.values("pk"))
    return changes


def signed_summaries(windows: dict[str, tuple[dt.date | None, dt.date | None]],
                     queryset: QuerySet | None = None) -> dict[str, SignedSummary]:
    """:class:`SignedSummary` for several named windows at once (two queries in all)."""
    projects = counted(queryset).aggregate(**{
        f"{name}__{part}": agg
        for name, (start, end) in windows.items()
        for part, agg in (("n", Count("pk", filter=_window("signed_date", start, end))),
                          ("amount", Sum("signed_amount", filter=_window("signed_date", start, end))))
    }) if windows else {}
    deltas = _changes(queryset).aggregate(**{
        name: Sum("delta", filter=_window("on", start, end)) for name, (start, end) in windows.items()
    }) if windows else {}
    return {
        name: SignedSummary(count=projects[f"{name}__n"],
                            first_signed_amount=projects[f"{name}__amount"] or ZERO,
                            change_amount=deltas[name] or ZERO)
        for name in windows
    }


def signed_summary(queryset: QuerySet | None = None, start: dt.date | None = None,
                   end: dt.date | None = None) -> SignedSummary:
    """Signed projects and amounts in one window (two queries)."""
    return signed_summaries({"window": (start, end)}, queryset)["window"]


def signed_count(queryset: QuerySet | None = None, start: dt.date | None = None,
                 end: dt.date | None = None) -> int:
    """Projects first signed in the window, each once (:data:`SIGNED_COUNT_DEFINITION`)."""
    window = _window("signed_date", start, end)
    return counted(queryset).filter(window).count()


def signed_total(queryset: QuerySet | None = None, start: dt.date | None = None,
                 end: dt.date | None = None) -> Decimal:
    """Σ signed amount of projects first signed in the window + Σ investment-change deltas dated in
    the window (:data:`SIGNED_TOTAL_DEFINITION`)."""
    return signed_summary(queryset, start, end).total


def investment_change_total(queryset: QuerySet | None = None, start: dt.date | None = None,
                            end: dt.date | None = None) -> Decimal:
    """Σ deltas of investment changes dated in the window (:data:`INVESTMENT_CHANGE_DEFINITION`)."""
    return _changes(queryset).filter(_window("on", start, end)).aggregate(s=Sum("delta"))["s"] or ZERO


def signed_total_by(field: str, queryset: QuerySet | None = None, start: dt.date | None = None,
                    end: dt.date | None = None) -> dict:
    """:class:`SignedSummary` per value of a project field (e.g. ``"industry__name"``,
    ``"method"``, ``"department__name"``), two queries. Groups with nothing signed are absent."""
    rows = (counted(queryset).filter(_window("signed_date", start, end)).order_by().values(field)
            .annotate(n=Count("pk"), amount=Sum("signed_amount")))
    out = {r[field]: SignedSummary(r["n"], r["amount"] or ZERO) for r in rows}
    deltas = (_changes(queryset).filter(_window("on", start, end)).order_by().values(f"project__{field}")
              .annotate(s=Sum("delta")))
    for r in deltas:
        key = r[f"project__{field}"]
        base = out.get(key, SignedSummary())
        out[key] = SignedSummary(base.count, base.first_signed_amount, base.change_amount + (r["s"] or ZERO))
    return out


def funnel_counts(queryset: QuerySet | None = None) -> dict[str, int]:
    """Projects that reached each main-line stage (:data:`FUNNEL_DEFINITION`), one query."""
    row = counted(queryset).aggregate(**{
        stage: Count("pk", filter=Q(**{f"{STAGE_DATE_FIELD[stage]}__isnull": False})) for stage in PIPELINE
    })
    return {stage: row[stage] for stage in PIPELINE}


def stage_counts(queryset: QuerySet | None = None) -> dict[str, dict]:
    """Projects and planned amount by current stage (:data:`STAGE_COUNT_DEFINITION`), one query;
    every stage present."""
    rows = {r["stage"]: r for r in counted(queryset).order_by().values("stage")
            .annotate(n=Count("pk"), amount=Sum("amount"))}
    return {s.value: {"count": rows.get(s, {}).get("n", 0), "amount": rows.get(s, {}).get("amount") or ZERO}
            for s in ProjectStage}


def planned_amount_by(field: str, queryset: QuerySet | None = None) -> list[dict]:
    """Projects and planned amount per value of ``field`` (:data:`PLANNED_AMOUNT_DEFINITION`),
    largest amount first, one query."""
    return [
        {"key": r[field], "count": r["n"], "amount": r["amount"] or ZERO}
        for r in counted(queryset).exclude(stage=ProjectStage.DROPPED).values(field)
        .annotate(n=Count("pk"), amount=Sum("amount")).order_by("-amount", field)
    ]
