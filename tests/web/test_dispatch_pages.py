"""Targets (editing, audit, ranking page), the analytics page, and the query counts of every new page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.core import memo
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.ranking import RANKING_RULE
from tests.web.dispatch_world import WEEK, D, build_world, dated_project


def _target_url(departments, year=2025, key="a"):
    return reverse("target_edit", args=[year, departments[key].pk])


def test_an_admin_sets_a_target_with_one_audit_row(client, personas, departments):
    client.force_login(personas["admin"])
    response = client.post(_target_url(departments), {"signed_amount": "50", "projects_started": "3",
                                                      "projects_in_production": "1", "note": "区委下达"})
    assert response.status_code == 302 and response["Location"] == "/dispatch/targets/?year=2025"
    target = DepartmentTarget.objects.get()
    assert (target.department, target.year, target.signed_amount) == (departments["a"], 2025, Decimal("50.00"))
    record = AuditRecord.objects.get()
    assert record.action == "create" and record.actor == personas["admin"] and record.before is None
    assert record.after["signed_amount"] == "50.00" and record.after["year"] == 2025


def test_changing_a_target_records_before_and_after_and_a_resave_records_nothing(client, personas, departments):
    target = DepartmentTarget.objects.create(department=departments["a"], year=2025, signed_amount=Decimal("50"),
                                             projects_started=3, projects_in_production=1)
    client.force_login(personas["admin"])
    data = {"signed_amount": "60.5", "projects_started": "3", "projects_in_production": "1", "note": ""}
    assert client.post(_target_url(departments), data).status_code == 302
    target.refresh_from_db()
    assert target.signed_amount == Decimal("60.50")
    record = AuditRecord.objects.get()
    assert record.action == "update" and (record.before["signed_amount"], record.after["signed_amount"]) == (
        "50.00", "60.50")
    assert client.post(_target_url(departments), data).status_code == 302
    assert AuditRecord.objects.count() == 1


@pytest.mark.parametrize("field,value,message", [
    ("signed_amount", "-1", "签约额目标不能为负数。"),
    ("signed_amount", "五十", "签约额目标须为数字"),
    ("projects_started", "", "请填写开工项目数目标。"),
])
def test_bad_target_input_is_refused_at_its_field(client, personas, departments, field, value, message):
    client.force_login(personas["admin"])
    data = {"signed_amount": "50", "projects_started": "3", "projects_in_production": "1", field: value}
    response = client.post(_target_url(departments), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not DepartmentTarget.objects.exists() and not AuditRecord.objects.exists()


def test_an_admin_site_edit_of_a_target_is_audited(client, personas, departments):
    client.force_login(personas["admin"])
    response = client.post("/admin/dispatch/departmenttarget/add/", {
        "department": departments["b"].pk, "year": 2026, "signed_amount": "12", "projects_started": "1",
        "projects_in_production": "0", "note": ""})
    assert response.status_code == 302
    record = AuditRecord.objects.get()
    assert record.model_name == "departmenttarget" and record.actor == personas["admin"]
    assert record.reason == "管理后台"


def test_the_targets_page_shows_progress_the_ranking_and_its_rule(client, personas, departments, industry):
    build_world(departments, industry)
    DepartmentTarget.objects.create(department=departments["a"], year=2025, signed_amount=Decimal("40"),
                                    projects_started=2, projects_in_production=1)
    client.force_login(personas["leader"])
    response = client.get(reverse("targets"))
    page = response.content.decode()
    assert response.context["year"] == 2025  # this year has no targets yet: the latest year that has
    assert RANKING_RULE in page
    ranked = response.context["ranked"]
    assert [(r.rank, r.progress.department) for r in ranked] == [(1, "投资促进一科"), (None, "投资促进二科")]
    # 投资促进一科: 20.00 of 40.00 signed (50 %), 0 of 2 started, 1 of 1 in production → 50 %
    assert ranked[0].score == Decimal("0.5000")
    assert "<progress" in page and "修改目标" not in page  # leaders read, admins edit


def test_the_analytics_page_states_each_definition_and_escapes_chart_data(client, personas, departments,
                                                                             industry):
    projects = build_world(departments, industry)
    projects["red"].referrer = "<script>alert(1)</script>某商会"
    projects["red"].save()
    client.force_login(personas["analyst"])
    response = client.get(reverse("dispatch_analytics"), {"chart": "referrer"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page
    assert '<script id="chart-data" type="application/json">' in page
    for text in ("线索数：", "签约转化率 = ", "各阶段用时（中位数，天）"):
        assert text in page
    method = response.context["tables"][0]
    # 展会招商: 停滞丙, 转黄丁, 开工子, 未来癸 → 4 leads, 1 signed (开工子)
    assert method.row_for("展会招商")[:4] == ["展会招商", 4, 1, Decimal("0.25")]
    assert response.context["charts"]["rates"]["dimension"] == "引荐人/机构"


def test_the_analytics_year_filter_uses_the_first_recorded_date(client, personas, departments, industry):
    build_world(departments, industry)
    client.force_login(personas["leader"])
    response = client.get(reverse("dispatch_analytics"), {"year": "2023"})
    assert response.context["tables"][0].total[:3] == ["合计", 1, 1]  # only 上年投产壬 (lead 2023-03-01)


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name,params,pinned", [
    # session + user, the data stamp (newest audit id, recent audit rows: core/memo.py), then: rule,
    # region, every project grouped by (stage on the Sunday, industry,
    # method, department) with the week's and the year's signings, starts and production (the stage
    # tables, the week's figures and the departments' year to date are sums over these groups),
    # investment changes by department (week, year), funds in place by department (week, year),
    # stalled (order, then details of the previewed rows), industries, departments, new leads,
    # moves, the week's funds entries, light candidates, targets; enterprise service: overdue
    # requests, departments' rates (answers, ratings, overdue now, departments), overdue landing
    # steps, steps done in the week — each list reads its ordered ids, then (only when there are
    # some, not here) the previewed rows.
    ("weekly_report", {"week": WEEK}, 25),
    # session + user, default year, targets, YTD signed (2), YTD counts, YTD funds, departments; the
    # handling departments' service ranking (answers due, ratings, overdue now, departments).
    ("targets", {}, 13),
    # session + user, projects, department filter choices.
    ("dispatch_analytics", {}, 4),
])
def test_new_pages_run_a_fixed_number_of_queries(client, personas, departments, industry, url_name, params,
                                                 pinned, django_assert_num_queries):
    client.force_login(personas["leader"])
    build_world(departments, industry)
    few = _count(client, reverse(url_name), params)
    for i in range(15):
        dated_project(f"加量{i}", departments["b"], industry, "expo", "1.00", "signed",
                      {"lead": D(2025, 3, 24), "signed": D(2025, 3, 25)}, signed_amount="1.00",
                      events=[(D(2025, 3, 25), "visit", "走访", None)])
    memo.clear()  # the rows above were written without the services' audit rows (test setup)
    with django_assert_num_queries(few):
        client.get(reverse(url_name), params)
    assert few == pinned
