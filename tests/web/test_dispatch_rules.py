"""Pure rules of the dispatch app, without a database: ISO weeks, the ranking, the analytics maths and
the report assembly from hand-made rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lianzhao.dispatch import analytics
from lianzhao.dispatch.queries import stage_on
from lianzhao.dispatch.ranking import DepartmentProgress, rank_departments, score
from lianzhao.dispatch.weekly import WeeklyData, build_weekly_report
from lianzhao.dispatch.weeks import IsoWeek

D = dt.date


@pytest.mark.parametrize("text", ["2025-W13", "2025W13", "2025-w13", " 2025-W13 "])
def test_it_parses_iso_weeks(text):
    week = IsoWeek.parse(text)
    assert (week.start, week.end, week.label) == (D(2025, 3, 24), D(2025, 3, 30), "2025-W13")
    assert week.title == "2025年第13周（2025-03-24 至 2025-03-30）"


def test_iso_week_one_may_start_in_december_and_53_weeks_exist_only_some_years():
    assert IsoWeek.parse("2025-W01").start == D(2024, 12, 30)
    assert IsoWeek.parse("2020-W53").end == D(2021, 1, 3)
    with pytest.raises(ValueError, match="没有第 53 周"):
        IsoWeek.parse("2025-W53")
    with pytest.raises(ValueError, match="2025-W13"):
        IsoWeek.parse("13")


def test_the_default_week_is_the_last_complete_one():
    assert IsoWeek.last_complete(D(2025, 3, 31)).label == "2025-W13"  # a Monday
    assert IsoWeek.last_complete(D(2025, 3, 30)).label == "2025-W12"  # a Sunday: its week is not over
    assert IsoWeek.parse("2025-W01").shifted(-1).label == "2024-W52"


def test_stage_on_a_past_day_follows_the_dates_and_the_side_stage_event():
    dates = {"lead": D(2025, 1, 1), "contacted": D(2025, 2, 1)}
    assert stage_on(stage="contacted", side_on=None, dates=dates, day=D(2024, 12, 31)) is None
    assert stage_on(stage="contacted", side_on=None, dates=dates, day=D(2025, 1, 15)) == "lead"
    assert stage_on(stage="paused", side_on=D(2025, 3, 1), dates=dates, day=D(2025, 2, 28)) == "contacted"
    assert stage_on(stage="paused", side_on=D(2025, 3, 1), dates=dates, day=D(2025, 3, 1)) == "paused"


def _progress(name, targets, actuals, department_id=1):
    return DepartmentProgress(department_id, name, *targets, *actuals)


def test_the_score_averages_the_set_targets_and_caps_each_ratio_at_150_percent():
    p = _progress("甲", (Decimal("10"), 2, None), (Decimal("100"), 1, 0))
    # signed 10.0 capped at 1.5, started 0.5, production not set: (1.5 + 0.5) / 2
    assert score(p) == Decimal("1.0000")
    assert score(_progress("乙", (None, 0, None), (Decimal("5"), 3, 1))) is None


def test_the_ranking_breaks_ties_by_signed_amount_then_shares_the_place():
    rows = [
        _progress("甲", (Decimal("10"), 2, 2), (Decimal("5"), 1, 1)),   # 0.5
        _progress("乙", (Decimal("20"), 2, 2), (Decimal("10"), 1, 1)),  # 0.5, more signed
        _progress("丙", (Decimal("10"), 2, 2), (Decimal("5"), 1, 1)),   # ties 甲 exactly
        _progress("丁", (None, None, None), (Decimal("99"), 9, 9)),     # no targets
        _progress("戊", (Decimal("10"), 1, 1), (Decimal("10"), 1, 1)),  # 1.0
    ]
    ranked = [(r.rank, r.progress.department) for r in rank_departments(rows)]
    assert ranked == [(1, "戊"), (2, "乙"), (3, "甲"), (3, "丙"), (None, "丁")]


def _row(method, **dates):
    return {"method": method, "referrer": "（无引荐人）", "officer": "甲", "industry": "新能源汽车",
            "dates": {k: v for k, v in dates.items()}}


def test_conversion_rates_and_median_days():
    rows = [
        _row("基金招商", lead=D(2025, 1, 1), contacted=D(2025, 1, 11), negotiating=D(2025, 2, 10),
             signed=D(2025, 3, 1), registered=D(2025, 3, 11), construction=D(2025, 4, 1),
             production=D(2025, 6, 1)),
        _row("基金招商", lead=D(2025, 1, 1), contacted=D(2025, 1, 21), negotiating=D(2025, 2, 20),
             signed=D(2025, 4, 1)),
        _row("基金招商", lead=D(2025, 1, 1), contacted=D(2025, 2, 1)),
        _row("基金招商", lead=D(2025, 2, 1)),
        _row("展会招商", negotiating=D(2025, 1, 1)),  # registered at 洽谈: counts as a lead, no lead date
    ]
    table = analytics.conversion_table("method", rows)
    fund = table.row_for("基金招商")
    # leads 4, signed 2 (50 %), production 1 (25 %); 线索→接洽: 10, 20, 31 days → median 20
    assert fund[:6] == ["基金招商", 4, 2, Decimal("0.5"), 1, Decimal("0.25")]
    assert fund[6] == "20.0（3）"
    assert fund[7] == "30.0（2）"  # 接洽→洽谈: 30 and 30
    assert fund[8] == "29.5（2）"  # 洽谈→签约: 19 (Feb 10 → Mar 1) and 40 (Feb 20 → Apr 1)
    assert table.row_for("展会招商")[1:6] == [1, 0, Decimal("0"), 0, Decimal("0")]
    assert table.total[:4] == ["合计", 5, 2, Decimal("0.4")]
    assert analytics.rate_chart("method", rows)["rows"][0] == {
        "name": "基金招商", "leads": 4, "signed_rate": 50.0, "production_rate": 25.0}


def test_the_report_assembles_from_plain_rows():
    week = IsoWeek.parse("2025-W13")
    data = WeeklyData(
        week=week, as_of=week.end, generated_on=D(2025, 4, 1), district="即墨区", unit="即墨区招商办",
        year=2025, ytd_end=week.end, industries=["新能源汽车"], departments=["一科"],
        groups=[{"stage": "lead", "industry": "新能源汽车", "method": "fund", "department": "一科",
                 "count": 2, "amount": Decimal("3.00")},
                {"stage": "dropped", "industry": "新能源汽车", "method": "fund", "department": "一科",
                 "count": 1, "amount": Decimal("7.00")}],
        progress=[_progress("一科", (Decimal("10"), 1, 1), (Decimal("5"), 0, 0))],
    )
    report = build_weekly_report(data)
    assert report["title"] == "即墨区招商引资项目周调度表"
    summary = report["sheets"][0]["tables"]
    by_stage = next(t for t in summary if t.key == "stage")
    assert by_stage.total == ["合计", 3, Decimal("10.00")]  # every stage, 终止 included
    by_industry = next(t for t in summary if t.key == "industry")
    assert by_industry.rows == [["新能源汽车", 2, Decimal("3.00")]]  # 终止 left out of amounts
    ranking = next(s for s in report["sheets"] if s["name"] == "目标完成")["tables"][0]
    assert ranking.rows[0][:3] == [1, "一科", Decimal("0.1667")]
