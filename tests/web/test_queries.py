"""List pages and the dashboard run a fixed number of queries however many rows there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


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
    with django_assert_num_queries(few):
        client.get(reverse(url_name))


def test_project_list_query_count_is_pinned(client, personas, make_project, django_assert_num_queries):
    client.force_login(personas["leader"])
    for _ in range(30):
        make_project()
    # session + user, the traffic-light rule (one row), count for the paginator, one page of projects
    # with their related rows and the light annotation (last event as a correlated subquery, not a
    # query per row), and the two filter dropdowns (industries, departments).
    with django_assert_num_queries(7):
        response = client.get(reverse("project_list"), {"stage": ["lead"], "q": "测试"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_dashboard_query_count_is_pinned(client, personas, make_project, django_assert_num_queries):
    client.force_login(personas["leader"])
    for stage in ["lead", "contacted", "signed", "construction", "dropped"] * 4:
        make_project(stage=stage)
    # 2  session + user
    # 1  traffic-light rule (one row)
    # 1  funnel (one aggregate with a filtered count per stage)
    # 3  by industry: planned amount; signed amount of first signings; investment-change deltas
    # 3  by method: the same three
    # 1  current stages
    # 2  signed this year and all time: one aggregate over projects, one over investment changes
    # 1  light counts (GROUP BY the light expression, last event as a correlated subquery)
    # 1  indicators
    # 1  recent events
    with django_assert_num_queries(16):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
