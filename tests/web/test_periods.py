"""Reporting periods: a year, quarter or month, parsed from the URL, counted up to today while they
run, and named in every 口径 line; analytics and rankings for any of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from lianzhao.core.periods import Period, recent_periods

D = dt.date


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2025", D(2025, 1, 1), D(2025, 12, 31), "2025年"),
    ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31), "2025年第1季度"),
    ("2024-q4", D(2024, 10, 1), D(2024, 12, 31), "2024年第4季度"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
])
def test_a_period_is_a_year_a_quarter_or_a_month(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label()) == (start, end, label)
    assert Period.parse(period.key) == period


@pytest.mark.parametrize("text", ["", "25", "2025-Q5", "2025-13", "2025-00", "1999", "2025/03", "abc"])
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(ValueError, match="统计期"):
        Period.parse(text)


def test_a_running_period_counts_up_to_today_and_says_so():
    today = D(2026, 5, 20)
    assert Period(2026, quarter=2).window(today) == (D(2026, 4, 1), D(2026, 5, 20))
    assert Period(2026, quarter=2).describe(today) == "2026年第2季度（2026-04-01 至 2026-05-20，截至今天）"
    assert Period(2025).describe(today) == "2025年（2025-01-01 至 2025-12-31）"
    with translation.override("en"):
        assert Period(2026, month=3).label() == "3/2026"
    menu = recent_periods(today)
    assert menu[:4] == [Period(2026), Period(2026, quarter=2), Period(2026, quarter=1), Period(2026, month=5)]
    assert Period(2024, month=1) in menu and Period(2026, month=6) not in menu


def test_the_dashboard_refuses_a_period_not_begun(client, personas):
    client.force_login(personas["leader"])
    response = client.get(reverse("dashboard"), {"period": "2099"})
    assert response.status_code == 400 and "尚未开始" in response.content.decode()


def test_analytics_filter_by_a_quarter_of_first_dates(client, personas, make_project):
    make_project(stage="contacted", lead_date=D(2025, 2, 1), contacted_date=D(2025, 2, 5))
    make_project(stage="contacted", lead_date=D(2025, 5, 1), contacted_date=D(2025, 5, 5))
    client.force_login(personas["leader"])
    q1 = client.get(reverse("dispatch_analytics"), {"period": "2025-Q1"})
    assert q1.status_code == 200 and q1.context["tables"][0].total[1] == 1
    assert client.get(reverse("dispatch_analytics"), {"year": "2025"}).context["tables"][0].total[1] == 2  # old links


def test_the_ranking_for_a_quarter_says_its_period(client, personas, make_project):
    client.force_login(personas["leader"])
    response = client.get(reverse("targets"), {"period": "2025-Q1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2025年第1季度目标完成与进位争先" in body and "口径（2025年第1季度（2025-01-01 至 2025-03-31））" in body
    assert response.context["ranking_table"].title == "2025年第1季度目标完成情况与进位争先排名"
