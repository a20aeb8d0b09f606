"""List pages and the dashboard run a fixed number of queries however many rows there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianzhao.core import memo


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["project_list", "dashboard", "enterprise_list", "industry_list"])
def test_page_queries_do_not_grow_with_rows(client, personas, make_project, url_name, django_assert_num_queries):
    client.force_login(personas["leader"])
    for _ in range(3):
        make_project()
    few = _count(client, reverse(url_name))
    for stage in ["lead", "signed", "production", "dropped"] * 5:
        make_project(stage=stage)
    memo.clear()  # make_project writes without the services' audit rows (test setup)
    with django_assert_num_queries(few):
        client.get(reverse(url_name))


def test_project_list_query_count_is_pinned(client, personas, make_project, django_assert_num_queries):
    client.force_login(personas["leader"])
    for _ in range(30):
        make_project()
    # session + user, the traffic-light rule (one row), count for the paginator, one page of projects
    # with their related rows and the light annotation (an expression over the row, not a query per
    # row), and the filter dropdowns: industries, departments, the ledger's four choice lists (one).
    with django_assert_num_queries(8):
        response = client.get(reverse("project_list"), {"stage": ["lead"], "q": "测试"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_dashboard_query_count_is_pinned(client, personas, make_project, django_assert_num_queries):
    client.force_login(personas["leader"])
    for stage in ["lead", "contacted", "signed", "construction", "dropped"] * 4:
        make_project(stage=stage)
    # 2  session + user
    # 1  traffic-light rule (one row)
    # 2  the data stamp: newest audit id, recent audit rows (core/memo.py)
    # 1  projects grouped by (stage, industry, method, department): count, planned amount, a filtered
    #    count per funnel stage, first signings in the period, in each of its months and all time —
    #    the funnel, current stages, the amount tables, the signed card, the months and the period's
    #    tables by industry and department are sums over these groups
    # 1  investment changes grouped by (industry, method, department), per window
    # 1  funds in place grouped by (industry, department), per window and source
    # 1  industry names, 1 department names
    # 1  light counts (GROUP BY the light expression over the row; last event is a column)
    # 1  indicators
    # 1  recent events (the newest ids picked from the timeline in a subquery)
    # 4  enterprise service by department: answers due, ratings, overdue now, the departments
    #    (a leader has no reminders of their own: no query)
    for period in ("", "2025", "2025-Q2", "2025-03"):  # any period: the same queries
        memo.clear()
        with django_assert_num_queries(17):
            response = client.get(reverse("dashboard"), {"period": period} if period else {})
        assert response.status_code == 200
        # The next reader of the period, before the data changes: session + user, rule, the data
        # stamp, indicators and recent events; the figures, lights and service rates are kept.
        with django_assert_num_queries(7):
            again = client.get(reverse("dashboard"), {"period": period} if period else {})
        assert again.context["stages"] == response.context["stages"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_connections_run_without_jit(db):
    # The weekly report's queries cost high in the planner's eyes (a subquery per row, most never
    # run): with JIT on, PostgreSQL spent 0.5 s compiling a query that runs in 0.1 s.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_kept_dashboard_figures_follow_every_audited_change(client, personas, departments, industry, make_project):
    """The figures are kept per process (core/memo.py) but never stale: a project registered through
    the service (one audit row) is counted at the next request, in this process or any other."""
    from decimal import Decimal

    from lianzhao.projects import services

    client.force_login(personas["leader"])
    make_project()
    before = client.get(reverse("dashboard")).context["total_count"]
    assert client.get(reverse("dashboard")).context["total_count"] == before  # kept
    services.create_project(data={"name": "新登记项目", "industry": industry, "amount": Decimal("2"),
                                  "method": "expo", "department": departments["a"]},
                            acting_user=personas["officer_a"])
    assert client.get(reverse("dashboard")).context["total_count"] == before + 1
