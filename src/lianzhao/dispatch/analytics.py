"""Attraction results by method, referrer, officer and industry (招商成效分析): conversion from lead to
signing and to production, and the median days each stage takes. Pure functions over plain project
rows (``{"method": "基金招商", "referrer": …, "officer": …, "industry": …, "dates": {stage: date | None}}``,
one per project, the group names already readable), so the numbers are tested without a database.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.core.tables import Column, Table, ratio
from lianzhao.projects.choices import PIPELINE, ProjectStage

#: (from stage, to stage) for each step of the main line: 线索→接洽 … 投产→达产.
STAGE_SPANS = [(PIPELINE[i], PIPELINE[i + 1]) for i in range(len(PIPELINE) - 1)]

DIMENSIONS = {
    "method": gettext_lazy("招商方式"),
    "referrer": gettext_lazy("引荐人/机构"),
    "officer": gettext_lazy("责任人"),
    "industry": gettext_lazy("所属产业"),
}

LEADS_DEFINITION = gettext_lazy(
    "线索数：分组内登记的全部项目，每个项目都从线索起算，含之后暂缓、终止的项目；"
    "已合并的重复项目不计。选了“线索年份”时只统计首个登记日期（一般为线索日期）在该年的项目。")
CONVERSION_DEFINITION = gettext_lazy(
    "签约转化率 = 曾签约的项目数（签约日期已登记）÷ 线索数；投产转化率 = 曾投产的项目数"
    "（投产日期已登记）÷ 线索数。与驾驶舱漏斗同一口径（曾到达该阶段）。"
    "近期线索尚未到转化所需的时间，其转化率偏低属正常。")
MEDIAN_DEFINITION = gettext_lazy(
    "各阶段用时（中位数，天）：从该阶段日期到下一阶段日期的天数，只统计两个日期都已登记的项目，"
    "取中位数（偶数个时取中间两数的平均）；括号内为样本项目数。")
RATE_CHART_DEFINITION = gettext_lazy("图：所选维度各分组的签约转化率与投产转化率（%），口径同下表。")


@dataclass
class ConversionRow:
    name: str
    leads: int
    signed: int
    production: int
    median_days: dict[tuple[str, str], Decimal | None]
    samples: dict[tuple[str, str], int]

    @property
    def signed_rate(self) -> Decimal | None:
        return ratio(self.signed, self.leads)

    @property
    def production_rate(self) -> Decimal | None:
        return ratio(self.production, self.leads)


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values)))


def _row(name: str, projects: list[dict]) -> ConversionRow:
    days: dict[tuple[str, str], list[int]] = {span: [] for span in STAGE_SPANS}
    for project in projects:
        dates = project["dates"]
        for span in STAGE_SPANS:
            a, b = dates.get(span[0]), dates.get(span[1])
            if a and b:
                days[span].append((b - a).days)
    return ConversionRow(
        name=name,
        leads=len(projects),
        signed=sum(1 for p in projects if p["dates"].get(ProjectStage.SIGNED)),
        production=sum(1 for p in projects if p["dates"].get(ProjectStage.PRODUCTION)),
        median_days={span: _median(values) for span, values in days.items()},
        samples={span: len(values) for span, values in days.items()},
    )


def conversion_rows(projects: Iterable[dict], dimension: str) -> tuple[list[ConversionRow], ConversionRow]:
    """One :class:`ConversionRow` per value of ``project[dimension]`` (most leads first, then by
    name) and the row over all projects."""
    projects = list(projects)
    groups: dict[str, list[dict]] = {}
    for project in projects:
        groups.setdefault(project[dimension], []).append(project)
    rows = [_row(name, members) for name, members in groups.items()]
    rows.sort(key=lambda r: (-r.leads, r.name))
    return rows, _row(_("合计"), projects)


def span_label(span: tuple[str, str]) -> str:
    return f"{ProjectStage(span[0]).label}→{ProjectStage(span[1]).label}"


def conversion_table(dimension: str, projects: Iterable[dict]) -> Table:
    """The conversion table for one dimension (a key of :data:`DIMENSIONS`)."""
    rows, overall = conversion_rows(projects, dimension)
    columns = [Column(str(DIMENSIONS[dimension]), "text", 24, nowrap=True), Column(_("线索数"), "int", 8),
               Column(_("签约数"), "int", 8), Column(_("签约转化率"), "percent", 10),
               Column(_("投产数"), "int", 8), Column(_("投产转化率"), "percent", 10)]
    columns += [Column(_("%(span)s（天）") % {"span": span_label(s)}, "text", 11) for s in STAGE_SPANS]

    def values(r: ConversionRow) -> list:
        spans = [f"{r.median_days[s]:.1f}（{r.samples[s]}）" if r.median_days[s] is not None else "—"
                 for s in STAGE_SPANS]
        return [r.name, r.leads, r.signed, r.signed_rate, r.production, r.production_rate, *spans]

    return Table(key=dimension, title=_("按%(dimension)s") % {"dimension": DIMENSIONS[dimension]}, columns=columns,
                 rows=[values(r) for r in rows], total=values(overall) if rows else None,
                 notes=[LEADS_DEFINITION, CONVERSION_DEFINITION, MEDIAN_DEFINITION],
                 empty_text=_("没有符合条件的项目。"))


def rate_chart(dimension: str, projects: Iterable[dict]) -> dict:
    """Plain data for the ECharts bar chart (rates as percentages, one decimal)."""
    rows, _ = conversion_rows(projects, dimension)

    def pct(value: Decimal | None) -> float:
        return float(round((value or 0) * 100, 1))

    return {"dimension": DIMENSIONS[dimension],
            "rows": [{"name": r.name, "leads": r.leads, "signed_rate": pct(r.signed_rate),
                      "production_rate": pct(r.production_rate)} for r in rows]}
