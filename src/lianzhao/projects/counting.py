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

The 口径 constants are Chinese, as the reports sent upward print them; pages show them in the
reader's language with ``gettext(…)`` (they are marked with ``gettext_noop``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_noop

from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, FundsSource, ProjectStage, counts
from lianzhao.projects.models import FundsInPlace, InvestmentChange, InvestmentProject

ZERO = Decimal("0.00")

FUNNEL_DEFINITION = gettext_noop("各阶段为“曾到达该阶段”的项目数（以该阶段日期已登记为准），含之后暂缓或终止的项目；"
                     "已合并的重复项目不计。")
STAGE_COUNT_DEFINITION = gettext_noop("按项目当前阶段计数，每个项目只计一次；已合并的重复项目不计。")
PLANNED_AMOUNT_DEFINITION = gettext_noop("计划投资额合计，单位亿元；不含已终止项目和已合并的重复项目；"
                             "未填投资额的项目不计入金额、计入个数。")
SIGNED_COUNT_DEFINITION = gettext_noop("签约项目数：首次签约日期在统计期内的项目个数。每个项目只在首次签约时计一次，"
                           "重新签约、增资、技改升级不再计数；含签约后暂缓或终止的项目；已合并的重复项目不计。")
SIGNED_TOTAL_DEFINITION = gettext_noop("签约额（亿元）：统计期内首次签约项目的签约投资额之和，加上统计期内登记的增资、"
                           "技改升级的新增投资额，减去减资额；重新签约不重复计入（按 0 计）；"
                           "已合并的重复项目不计。")
FUNDS_DEFINITION = gettext_noop("实际到位资金（亿元）：到位日期在统计期内的到位资金登记额之和，内资、外资分列并合计；"
                    "每笔资金凭佐证材料登记一次，同一项目同日同来源同金额的重复登记不予接受；"
                    "重复项目合并后其到位资金并入保留的项目，只计一次；已合并的重复项目不计。"
                    "到位资金可超过签约额，超出时在项目页标注原因。")
INVESTMENT_CHANGE_DEFINITION = gettext_noop("投资变更（亿元）：统计期内登记的增资、技改升级新增额（正）与减资额（负）之和，"
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


@dataclass(frozen=True)
class FundsSummary:
    """Funds in place in one window, by source (亿元)."""

    domestic: Decimal = ZERO
    foreign: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.domestic + self.foreign


def counted(queryset: QuerySet | None = None) -> QuerySet:
    """The projects that count: ``queryset`` (default: all) without merged duplicates
    (:func:`lianzhao.projects.choices.counts`)."""
    base = InvestmentProject.objects.all() if queryset is None else queryset
    return base.filter(counts())


def _window(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q(**{f"{field}__isnull": False})
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def _of_counted(rows: QuerySet, queryset: QuerySet | None) -> QuerySet:
    """Rows of a project's related table (investment changes, funds) whose project counts and, with
    ``queryset``, is one of its projects."""
    rows = rows.filter(counts("project__"))
    if queryset is not None:
        rows = rows.filter(project__in=queryset.values("pk"))
    return rows


def _changes(queryset: QuerySet | None) -> QuerySet:
    return _of_counted(InvestmentChange.objects.all(), queryset)


def _funds(queryset: QuerySet | None) -> QuerySet:
    return _of_counted(FundsInPlace.objects.all(), queryset)


Windows = dict[str, tuple[dt.date | None, dt.date | None]]


# --- the rules as aggregate expressions, and sums over groups -------------------------------------
#
# Every total is a sum over groups of counted projects: one grouped query (:func:`grouped`) carries
# the sums of several totals, so a page showing many of them (the dashboard, the weekly report)
# reads the projects once, and the single-purpose functions further down are the same sums over a
# query of their own. Each rule is written once, here.

def signed_aggregates(windows: Windows) -> dict:
    """For each named window: ``<name>__n``, projects first signed in it, and ``<name>__amount``,
    their signed amount (:data:`SIGNED_COUNT_DEFINITION`), as aggregate expressions to combine with
    others in one ``aggregate()``/``annotate()`` over counted projects."""
    out = {}
    for name, (start, end) in windows.items():
        window = _window("signed_date", start, end)
        out[f"{name}__n"] = Count("pk", filter=window)
        out[f"{name}__amount"] = Sum("signed_amount", filter=window)
    return out


def change_aggregates(windows: Windows) -> dict:
    """For each named window: Σ investment-change deltas dated in it (:data:`INVESTMENT_CHANGE_DEFINITION`),
    as aggregate expressions over investment changes."""
    return {name: Sum("delta", filter=_window("on", start, end)) for name, (start, end) in windows.items()}


def grouped(by: tuple[str, ...] = (), *, windows: Windows | None = None, funnel: bool = False,
            queryset: QuerySet | None = None, extra: dict | None = None) -> list[dict]:
    """Counted projects of ``queryset`` grouped by ``by`` (project fields or annotations of
    ``queryset``; none: one row for all), one query. Each row holds the ``by`` values, ``n``
    (projects) and ``amount`` (planned, None when no project of the group has one); with ``funnel``,
    under each main-line stage's value the projects that reached it (its date recorded); for each
    window, :func:`signed_aggregates`; and the ``extra`` aggregates a caller adds."""
    aggregates = {"n": Count("pk"), "amount": Sum("amount"), **signed_aggregates(windows or {}), **(extra or {})}
    if funnel:
        aggregates.update({stage.value: Count("pk", filter=Q(**{f"{STAGE_DATE_FIELD[stage]}__isnull": False}))
                           for stage in PIPELINE})
    if not by:
        return [counted(queryset).aggregate(**aggregates)]
    return list(counted(queryset).order_by().values(*by).annotate(**aggregates))


def _grouped_by_project(rows: QuerySet, by: tuple[str, ...], aggregates: dict) -> list[dict]:
    """``aggregates`` over ``rows`` of a project's related table, grouped by the projects' fields
    ``by`` (none: one row for all), one query; each row keyed by the ``by`` names and the aggregates'."""
    if not by:
        return [rows.aggregate(**aggregates)]
    grouped_rows = rows.order_by().values(*[f"project__{f}" for f in by]).annotate(**aggregates)
    return [{**{f: r[f"project__{f}"] for f in by}, **{name: r[name] for name in aggregates}} for r in grouped_rows]


def grouped_changes(by: tuple[str, ...], windows: Windows, queryset: QuerySet | None = None) -> list[dict]:
    """Investment changes of counted projects of ``queryset`` grouped by the projects' fields ``by``,
    one query. Each row holds the ``by`` values and, for each window, Σ deltas dated in it (None
    without any)."""
    return _grouped_by_project(_changes(queryset), by, change_aggregates(windows))


def funds_aggregates(windows: Windows) -> dict:
    """For each named window: ``<name>__domestic`` and ``<name>__foreign``, Σ funds in place dated in
    it by source (:data:`FUNDS_DEFINITION`), as aggregate expressions over funds entries."""
    return {f"{name}__{source}": Sum("amount", filter=_window("on", start, end) & Q(source=source))
            for name, (start, end) in windows.items() for source in FundsSource.values}


def grouped_funds(by: tuple[str, ...], windows: Windows, queryset: QuerySet | None = None) -> list[dict]:
    """Funds in place of counted projects of ``queryset`` grouped by the projects' fields ``by``, one
    query: the ``by`` values and :func:`funds_aggregates` (None where nothing arrived)."""
    return _grouped_by_project(_funds(queryset), by, funds_aggregates(windows))


def funds_summary_from(rows: list[dict], window: str) -> FundsSummary:
    """:class:`FundsSummary` of ``window`` over :func:`grouped_funds` rows (any grouping)."""
    return FundsSummary(domestic=sum((r[f"{window}__domestic"] or ZERO for r in rows), ZERO),
                        foreign=sum((r[f"{window}__foreign"] or ZERO for r in rows), ZERO))


def funds_by_from(rows: list[dict], field: str, window: str, labels: dict | None = None) -> dict:
    """:class:`FundsSummary` of ``window`` per value of ``field`` (or ``labels[value]``) from
    :func:`grouped_funds` rows that include ``field``; groups where nothing arrived are absent."""
    out: dict = {}
    for r in rows:
        domestic, foreign = r[f"{window}__domestic"], r[f"{window}__foreign"]
        if domestic is None and foreign is None:
            continue
        key = labels[r[field]] if labels is not None else r[field]
        base = out.get(key, FundsSummary())
        out[key] = FundsSummary(base.domestic + (domestic or ZERO), base.foreign + (foreign or ZERO))
    return out


def funnel_from(rows: list[dict]) -> dict[str, int]:
    """:data:`FUNNEL_DEFINITION` from :func:`grouped` rows loaded with ``funnel=True``."""
    return {stage.value: sum(r[stage.value] for r in rows) for stage in PIPELINE}


def stage_counts_from(rows: list[dict]) -> dict[str, dict]:
    """:data:`STAGE_COUNT_DEFINITION` from :func:`grouped` rows that include ``stage`` in ``by``;
    every stage present."""
    out = {s.value: {"count": 0, "amount": ZERO} for s in ProjectStage}
    for r in rows:
        out[r["stage"]]["count"] += r["n"]
        out[r["stage"]]["amount"] += r["amount"] or ZERO
    return out


def planned_amount_from(rows: list[dict], field: str, labels: dict | None = None) -> list[dict]:
    """:data:`PLANNED_AMOUNT_DEFINITION` per value of ``field`` (shown as ``labels[value]`` when
    given) from :func:`grouped` rows that include ``field`` and ``stage`` in ``by``: without 终止
    projects, largest amount first, then by value; a group whose projects have no amount last."""
    groups: dict = {}
    for r in rows:
        if r["stage"] == ProjectStage.DROPPED:
            continue
        key = labels[r[field]] if labels is not None else r[field]
        count, amount = groups.get(key, (0, None))
        groups[key] = (count + r["n"], amount if r["amount"] is None else (amount or ZERO) + r["amount"])
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][1] is None, -(kv[1][1] or ZERO), kv[0] is not None, kv[0]))
    return [{"key": key, "count": count, "amount": amount or ZERO} for key, (count, amount) in ordered]


def signed_by_from(rows: list[dict], changes: dict, field: str, window: str,
                   labels: dict | None = None) -> dict:
    """:class:`SignedSummary` of ``window`` per value of ``field`` (or ``labels[value]``) from
    :func:`grouped` rows and :func:`grouped_changes` rows that include ``field`` in ``by``. Groups
    with nothing signed and no change in the window are absent."""
    out: dict = {}
    for r in rows:
        if r[f"{window}__n"]:
            key = labels[r[field]] if labels is not None else r[field]
            base = out.get(key, SignedSummary())
            out[key] = SignedSummary(base.count + r[f"{window}__n"],
                                     base.first_signed_amount + (r[f"{window}__amount"] or ZERO))
    for c in changes:
        if c[window] is not None:
            key = labels[c[field]] if labels is not None else c[field]
            base = out.get(key, SignedSummary())
            out[key] = SignedSummary(base.count, base.first_signed_amount, base.change_amount + c[window])
    return out


def signed_summary_from(rows: list[dict], changes: dict, window: str) -> SignedSummary:
    """:class:`SignedSummary` of ``window`` from :func:`grouped` rows and :func:`grouped_changes`
    (any grouping): the sums over all groups."""
    return SignedSummary(count=sum(r[f"{window}__n"] for r in rows),
                         first_signed_amount=sum((r[f"{window}__amount"] or ZERO for r in rows), ZERO),
                         change_amount=sum((c[window] or ZERO for c in changes), ZERO))


# --- single totals -------------------------------------------------------------------------------

def signed_summaries(windows: Windows, queryset: QuerySet | None = None) -> dict[str, SignedSummary]:
    """:class:`SignedSummary` for several named windows at once (two queries in all)."""
    if not windows:
        return {}
    rows, changes = grouped(windows=windows, queryset=queryset), grouped_changes((), windows, queryset)
    return {name: signed_summary_from(rows, changes, name) for name in windows}


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
    windows = {"window": (start, end)}
    # Only projects first signed in the window are grouped: the others add nothing to its sums.
    signed = counted(queryset).filter(_window("signed_date", start, end))
    return signed_by_from(grouped((field,), windows=windows, queryset=signed),
                          grouped_changes((field,), windows, queryset), field, "window")


def funds_summaries(windows: Windows, queryset: QuerySet | None = None) -> dict[str, FundsSummary]:
    """:class:`FundsSummary` for several named windows at once (one query)."""
    rows = grouped_funds((), windows, queryset)
    return {name: funds_summary_from(rows, name) for name in windows}


def funds_total(queryset: QuerySet | None = None, start: dt.date | None = None,
                end: dt.date | None = None) -> Decimal:
    """Σ funds in place dated in the window (:data:`FUNDS_DEFINITION`), one query."""
    return funds_summaries({"window": (start, end)}, queryset)["window"].total


def funnel_counts(queryset: QuerySet | None = None) -> dict[str, int]:
    """Projects that reached each main-line stage (:data:`FUNNEL_DEFINITION`), one query."""
    return funnel_from(grouped(funnel=True, queryset=queryset))


def stage_counts(queryset: QuerySet | None = None) -> dict[str, dict]:
    """Projects and planned amount by current stage (:data:`STAGE_COUNT_DEFINITION`), one query;
    every stage present."""
    return stage_counts_from(grouped(("stage",), queryset=queryset))


def planned_amount_by(field: str, queryset: QuerySet | None = None) -> list[dict]:
    """Projects and planned amount per value of ``field`` (:data:`PLANNED_AMOUNT_DEFINITION`),
    largest amount first, one query."""
    return planned_amount_from(grouped((field, "stage"), queryset=queryset), field)
