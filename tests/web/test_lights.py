"""Traffic lights: each rule at its boundaries (today passed explicitly, never the wall clock), the SQL
annotation agreeing with the Python rules, and the lights on the list, project page, dashboard and
"我的项目"; the milestone plan edit (audited, optimistic locking)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import lights, services
from lianzhao.projects.choices import Light
from lianzhao.projects.models import InvestmentProject, ProjectEvent, TrafficLightRule

TODAY = dt.date(2025, 8, 1)
RULE = TrafficLightRule()  # defaults: yellow after 0 days, red after 3 months, stale after 30 days
#: A plan ahead (达产 next year), so a project on time is 绿灯 rather than 未制定计划.
AHEAD = {"full_capacity": dt.date(2026, 12, 31)}


def _light(*, stage="negotiating", planned=None, last_event_on=TODAY, today=TODAY, rule=RULE, **kw):
    dates = {"lead": dt.date(2025, 1, 1), "contacted": dt.date(2025, 1, 2), "negotiating": dt.date(2025, 1, 3)}
    dates.update(kw.pop("stage_dates", {}))
    return lights.light_for(stage=stage, stage_dates=dates, planned=AHEAD if planned is None else planned,
                            last_event_on=last_event_on, today=today, rule=rule, **kw)


@pytest.mark.parametrize(("planned", "expected"), [
    (TODAY + dt.timedelta(days=1), Light.GREEN),   # not yet due
    (TODAY, Light.GREEN),                          # due today: not yet passed
    (TODAY - dt.timedelta(days=1), Light.YELLOW),  # passed yesterday
])
def test_a_planned_date_turns_yellow_the_day_after_it_passes(planned, expected):
    info = _light(planned={"signed": planned})
    assert info.light == expected
    if expected == Light.YELLOW:
        assert info.reasons == ("计划签约 2025-07-31 已逾期 1 天",)


@pytest.mark.parametrize(("planned", "expected"), [
    (dt.date(2025, 5, 2), Light.YELLOW),   # 2 months 30 days overdue
    (dt.date(2025, 5, 1), Light.YELLOW),   # exactly 3 months: still "within the last 3 months"
    (dt.date(2025, 4, 30), Light.RED),     # more than 3 months
])
def test_an_overdue_milestone_turns_red_after_three_months(planned, expected):
    info = _light(planned={"construction": planned})
    assert info.light == expected
    if expected == Light.RED:
        assert info.reasons[0] == "计划开工 2025-04-30 已逾期 93 天，超过 3 个月"


def test_red_months_are_calendar_months_clamped_to_the_month_end():
    assert lights.add_months(dt.date(2025, 5, 31), -3) == dt.date(2025, 2, 28)
    assert lights.add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert lights.add_months(dt.date(2025, 1, 15), -13) == dt.date(2023, 12, 15)
    end_of_may = dt.date(2025, 5, 31)
    assert _light(planned={"signed": dt.date(2025, 2, 28)}, today=end_of_may).light == Light.YELLOW
    assert _light(planned={"signed": dt.date(2025, 2, 27)}, today=end_of_may).light == Light.RED


@pytest.mark.parametrize(("days_since", "expected"), [(29, Light.GREEN), (30, Light.YELLOW), (31, Light.YELLOW)])
def test_thirty_days_without_an_event_turn_yellow(days_since, expected):
    last = TODAY - dt.timedelta(days=days_since)
    info = _light(last_event_on=last)
    assert info.light == expected
    if expected == Light.YELLOW:
        assert info.reasons == (f"已 {days_since} 天无动态（最近 {last:%Y-%m-%d}）",)


def test_without_any_event_the_lead_date_stands_in():
    assert _light(last_event_on=None, stage_dates={"lead": TODAY - dt.timedelta(days=30)}).light == Light.YELLOW
    assert _light(last_event_on=None, stage_dates={"lead": TODAY - dt.timedelta(days=29)}).light == Light.GREEN


def test_the_rule_thresholds_are_editable():
    rule = TrafficLightRule(yellow_after_days=7, red_after_months=1, stale_days=10)
    assert _light(planned={"signed": TODAY - dt.timedelta(days=7)}, rule=rule).light == Light.GREEN
    assert _light(planned={"signed": TODAY - dt.timedelta(days=8)}, rule=rule).light == Light.YELLOW
    assert _light(planned={"signed": dt.date(2025, 6, 30)}, rule=rule).light == Light.RED
    assert _light(last_event_on=TODAY - dt.timedelta(days=10), rule=rule).light == Light.YELLOW


def test_reached_stages_are_not_overdue():
    planned = {"signed": dt.date(2025, 2, 1), **AHEAD}
    assert _light(stage="signed", planned=planned, stage_dates={"signed": dt.date(2025, 3, 1)}).light == Light.GREEN
    # standing beyond the stage counts as reached even when its date was never recorded
    assert _light(stage="registered", planned=planned).light == Light.GREEN


def test_red_wins_and_every_reason_is_listed_worst_first():
    info = _light(planned={"signed": dt.date(2025, 7, 1), "registered": dt.date(2025, 7, 20),
                           "construction": dt.date(2025, 4, 1)}, last_event_on=dt.date(2025, 6, 1))
    assert info.light == Light.RED
    assert info.reasons[0].startswith("计划开工 2025-04-01")
    assert len(info.reasons) == 4 and "已 61 天无动态" in info.reason


@pytest.mark.parametrize("stage", ["full_capacity", "dropped"])
def test_closed_projects_have_no_light(stage):
    assert _light(stage=stage, planned={"signed": dt.date(2024, 1, 1)}, last_event_on=None).light == Light.NONE


def test_a_project_with_nothing_planned_ahead_is_unplanned_not_green():
    info = _light(planned={})
    assert info.light == Light.UNPLANNED and info.reasons == ("未制定计划",)
    # a plan only for stages already reached is no plan ahead either
    reached = _light(stage="signed", planned={"signed": dt.date(2025, 2, 1)}, stage_dates={"signed": dt.date(2025, 3, 1)})
    assert reached.light == Light.UNPLANNED
    # staleness still turns it yellow, with the missing plan said as well
    stale = _light(planned={}, last_event_on=TODAY - dt.timedelta(days=40))
    assert stale.light == Light.YELLOW and stale.reasons[-1] == "未制定计划"


def test_merged_projects_have_no_light():
    assert _light(merged=True, planned={"signed": dt.date(2024, 1, 1)}).light == Light.NONE


def test_paused_projects_are_yellow_whatever_their_plan():
    info = _light(stage="paused", paused_from="negotiating", planned={"signed": dt.date(2024, 1, 1)},
                  last_event_on=dt.date(2024, 1, 1))
    assert info.light == Light.YELLOW and info.reasons == ("项目暂缓中（暂缓前：洽谈）",)


def test_next_milestone_is_the_earliest_planned_stage_not_reached():
    planned = {"signed": dt.date(2025, 9, 1), "registered": dt.date(2025, 10, 1), "contacted": dt.date(2025, 1, 1)}
    assert lights.next_milestone(stage="negotiating", paused_from="", stage_dates={},
                                 planned=planned) == ("signed", dt.date(2025, 9, 1))
    assert lights.next_milestone(stage="full_capacity", paused_from="", stage_dates={}, planned=planned) is None


# --- SQL and Python agree ---------------------------------------------------------------------------

@pytest.fixture
def varied(make_project):
    """Projects covering every rule; each with one event dated as given."""
    specs = [
        ("negotiating", {"planned_signed_date": dt.date(2025, 7, 31)}, dt.date(2025, 7, 20)),
        ("negotiating", {"planned_signed_date": dt.date(2025, 8, 1)}, dt.date(2025, 7, 20)),
        ("negotiating", {"planned_signed_date": dt.date(2025, 5, 1)}, dt.date(2025, 7, 20)),
        ("negotiating", {"planned_signed_date": dt.date(2025, 4, 30)}, dt.date(2025, 7, 20)),
        ("signed", {"planned_signed_date": dt.date(2024, 1, 1)}, dt.date(2025, 7, 20)),
        ("registered", {"planned_signed_date": dt.date(2024, 1, 1), "signed_date": None}, dt.date(2025, 7, 20)),
        ("contacted", {}, dt.date(2025, 7, 2)),
        ("contacted", {}, dt.date(2025, 7, 3)),
        ("contacted", {}, None),
        ("paused", {"paused_from": "negotiating", "planned_signed_date": dt.date(2024, 1, 1)}, dt.date(2025, 7, 20)),
        ("dropped", {"planned_signed_date": dt.date(2024, 1, 1)}, None),
        ("full_capacity", {}, None),
    ]
    projects = []
    for stage, extra, event_on in specs:
        project = make_project(stage=stage, **extra)
        if event_on:
            ProjectEvent.objects.create(project=project, kind="visit", occurred_on=event_on, text="走访")
        projects.append(project)
    merged = make_project(stage="lead", planned_contacted_date=dt.date(2024, 1, 1))
    merged.merged_into = projects[0]
    merged.save()
    return projects


@pytest.mark.parametrize("today", [TODAY, dt.date(2025, 8, 2), dt.date(2025, 7, 31), dt.date(2025, 11, 1)])
def test_the_sql_annotation_gives_the_python_light(varied, today):
    rule = TrafficLightRule()
    annotated = InvestmentProject.all_objects.with_light(today, rule)
    seen = set()
    for project in annotated:
        python = project.light_info(today, rule).light
        assert project.light == python, (project.name, project.stage, project.light, python)
        seen.add(python)
    if today == TODAY:
        assert seen == {"red", "yellow", "unplanned", "green", "none"}


def test_light_counts_count_each_open_project_once(varied):
    counts = lights.light_counts(InvestmentProject.objects.all(), today=TODAY, rule=RULE)
    # unplanned: the signed and registered projects (their one plan reached) and the contacted one
    # active 29 days ago with no plan at all
    assert counts == {"red": 1, "yellow": 5, "unplanned": 3, "green": 1, "none": 2}


# --- pages ------------------------------------------------------------------------------------------

@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(lights, "today", lambda: TODAY)


def test_the_list_shows_the_light_with_its_reason_and_filters_by_it(client, personas, varied, frozen):
    client.force_login(personas["leader"])
    response = client.get(reverse("project_list"), {"light": "red"})
    assert response.status_code == 200
    names = [p.name for p in response.context["page"]]
    assert names == [varied[3].name]
    body = response.content.decode()
    assert "计划签约 2025-04-30 已逾期 93 天，超过 3 个月" in body and "红黄绿灯口径" in body
    assert {p.name for p in client.get(reverse("project_list"), {"light": "none"}).context["page"]} == {
        varied[10].name, varied[11].name}


def test_the_project_page_shows_light_reason_and_plan(client, personas, varied, frozen):
    client.force_login(personas["leader"])
    body = client.get(reverse("project_detail", args=[varied[3].pk])).content.decode()
    assert 'class="light light-red"' in body and "计划签约 2025-04-30 已逾期 93 天" in body
    assert "2025-04-30" in body.split('id="plan-card"')[1]


def test_the_dashboard_counts_projects_by_light(client, personas, varied, frozen):
    client.force_login(personas["leader"])
    response = client.get(reverse("dashboard"))
    assert [(row["light"], row["count"]) for row in response.context["lights"]] == [
        ("red", 1), ("yellow", 5), ("unplanned", 3), ("green", 1)]
    body = response.content.decode()
    assert 'id="light-count-red">1<' in body and "红灯：有计划节点或落地事项逾期超过 3 个月仍未到达" in body


def test_my_projects_lists_the_officers_open_projects_most_urgent_first(client, personas, make_project, frozen):
    officer = personas["officer_a"]
    green_late = make_project(stage="negotiating", officer=officer, planned_signed_date=dt.date(2025, 12, 1))
    green_soon = make_project(stage="negotiating", officer=officer, planned_signed_date=dt.date(2025, 9, 1))
    red = make_project(stage="negotiating", officer=officer, planned_signed_date=dt.date(2025, 1, 1))
    no_plan = make_project(stage="contacted", officer=officer)
    make_project(stage="full_capacity", officer=officer)
    make_project(stage="negotiating", officer=personas["officer_b"], department="b")
    for project in (green_late, green_soon, red, no_plan):
        ProjectEvent.objects.create(project=project, kind="visit", occurred_on=TODAY, text="走访")
    client.force_login(officer)
    response = client.get(reverse("my_projects"))
    assert response.status_code == 200
    # 未制定计划 comes before the projects on schedule: it needs a plan
    assert [r["project"] for r in response.context["rows"]] == [red, no_plan, green_soon, green_late]
    body = response.content.decode()
    assert "还有 31 天" in body and "已逾期 212 天" in body
    assert '<a href="/projects/mine/" class="active" aria-current="page">我的项目</a>' in body


def test_my_projects_runs_a_fixed_number_of_queries(client, personas, make_project, django_assert_num_queries,
                                                    frozen):
    officer = personas["officer_a"]
    for _ in range(3):
        make_project(stage="negotiating", officer=officer, planned_signed_date=dt.date(2025, 9, 1))
    client.force_login(officer)
    # session + user, the traffic-light rule, the officer's projects with related rows and the light
    # annotation (last event as a correlated subquery), the officer's department in the page header.
    with django_assert_num_queries(5):
        client.get(reverse("my_projects"))
    for stage in ["lead", "signed", "construction", "paused"] * 5:
        make_project(stage=stage, officer=officer, paused_from="negotiating" if stage == "paused" else "")
    with django_assert_num_queries(5):
        response = client.get(reverse("my_projects"))
    assert len(response.context["rows"]) == 23


def test_the_create_form_asks_for_confirmation_only_when_there_are_candidates(client, personas):
    client.force_login(personas["officer_a"])
    assert "仍然创建" not in client.get(reverse("project_create")).content.decode()


def test_my_projects_is_in_the_nav_for_officers_only(client, personas):
    client.force_login(personas["leader"])
    assert "我的项目" not in client.get(reverse("dashboard")).content.decode()
    client.force_login(personas["officer_a"])
    assert "我的项目" in client.get(reverse("dashboard")).content.decode()


def test_the_rule_is_edited_in_the_admin_with_an_audit_row(client, personas):
    client.force_login(personas["admin"])
    response = client.post("/admin/projects/trafficlightrule/add/",
                           {"yellow_after_days": "0", "red_after_months": "2", "stale_days": "14"})
    assert response.status_code == 302
    assert TrafficLightRule.load().red_after_months == 2
    record = AuditRecord.objects.get()
    assert record.actor == personas["admin"] and record.after["stale_days"] == 14
    assert client.get("/admin/projects/trafficlightrule/add/").status_code == 403  # one row only


# --- milestone plan ---------------------------------------------------------------------------------

def _plan_post(project, **dates):
    data = {"version": project.version}
    data.update({f"planned_{k}_date": v for k, v in dates.items()})
    return data


def test_the_plan_is_saved_with_one_audit_row(client, personas, make_project):
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_plan", args=[project.pk]),
                           _plan_post(project, signed="2025-09-01", construction="2026-03-01"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.planned_signed_date == dt.date(2025, 9, 1) and project.version == 2
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"] and record.reason == "修改计划节点"
    assert record.before["planned_signed_date"] is None and record.after["planned_signed_date"] == "2025-09-01"


def test_a_plan_saved_from_an_old_page_is_refused_with_409(client, personas, make_project):
    project = make_project(stage="negotiating")
    services.update_project(project, changes={"notes": "别人改了"}, acting_user=personas["admin"],
                            expected_version=project.version)
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_plan", args=[project.pk]), _plan_post(
        InvestmentProject(version=1), signed="2025-09-01"))
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    project.refresh_from_db()
    assert project.planned_signed_date is None and AuditRecord.objects.count() == 1


def test_planned_dates_cannot_run_backwards(client, personas, make_project):
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_plan", args=[project.pk]),
                           _plan_post(project, signed="2025-09-01", registered="2025-08-01"))
    assert response.status_code == 400
    assert response.context["form"].errors["planned_registered_date"] == [
        "计划注册日期 2025-08-01 不能早于计划签约日期 2025-09-01。"]
    project.refresh_from_db()
    assert project.planned_registered_date is None and not AuditRecord.objects.exists()
