"""``InvestmentProject.last_event_on`` — the latest timeline event's date, denormalised so lights and the
weekly report need not look it up among a million events — stays equal to the timeline's own latest
date after every path that writes events, and the migration fills it for existing projects."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import lights, services
from lianzhao.projects.models import InvestmentProject, ProjectEvent, TrafficLightRule
from tests.web.evidence_kit import stage_kwargs, upload
from tests.web.import_kit import import_row, upload_workbook

TODAY = dt.date(2025, 8, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(services.common, "today", lambda: TODAY)
    monkeypatch.setattr(lights, "today", lambda: TODAY)


def _timeline_latest(project) -> dt.date | None:
    return ProjectEvent.objects.filter(project=project).aggregate(m=Max("occurred_on"))["m"]


def assert_in_step(*projects):
    """Each project's column equals its timeline's latest date, read back from the database."""
    for project in projects:
        stored = InvestmentProject.all_objects.get(pk=project.pk).last_event_on
        assert stored == _timeline_latest(project), project.name


def test_creating_a_project_dates_its_lead_event(personas, departments, industry):
    project = services.create_project(
        data={"name": "新线索", "industry": industry, "method": "expo", "department": departments["a"],
              "lead_date": dt.date(2025, 7, 1)}, acting_user=personas["officer_a"])
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on == dt.date(2025, 7, 1)
    assert_in_step(project)


def test_a_stage_change_a_logged_visit_a_file_and_an_investment_change_each_move_it(make_project, personas):
    officer = personas["officer_a"]
    project = make_project(stage="negotiating")
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on is None  # built without a timeline
    services.change_stage(project, "signed", acting_user=officer, on=dt.date(2025, 5, 6), **stage_kwargs("signed"))
    assert_in_step(project)
    assert project.last_event_on == dt.date(2025, 5, 6)  # the service hands back the fresh row
    services.add_event(project, kind="visit", occurred_on=dt.date(2025, 6, 1), text="走访", acting_user=officer)
    assert_in_step(project)
    # An event dated before the latest one leaves the latest date as it was.
    services.add_event(project, kind="call", occurred_on=dt.date(2025, 2, 1), text="补记电话", acting_user=officer)
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on == dt.date(2025, 6, 1)
    services.record_investment_change(project, kind="capital_increase", on=dt.date(2025, 7, 10),
                                      amount=Decimal("2"), acting_user=officer)
    assert_in_step(project)
    services.attach_file(project, upload("会谈纪要.pdf"), acting_user=officer)  # dated today
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on == TODAY
    assert_in_step(project)


def test_merging_moves_the_duplicates_latest_date_to_the_kept_project(make_project, personas):
    keep = make_project(stage="signed", name="正极材料基地项目")
    dup = make_project(stage="negotiating", name="正极材料基地二期项目")
    ProjectEvent.objects.create(project=keep, kind="visit", occurred_on=dt.date(2025, 1, 5), text="走访")
    ProjectEvent.objects.create(project=dup, kind="visit", occurred_on=dt.date(2025, 3, 9), text="重复登记的走访")
    services.merge_projects(keep, dup, acting_user=personas["officer_a"])
    # The kept project now holds both timelines and the merge event (today); the duplicate holds none.
    assert InvestmentProject.objects.get(pk=keep.pk).last_event_on == TODAY
    assert InvestmentProject.all_objects.get(pk=dup.pk).last_event_on is None
    assert_in_step(keep, dup)


def test_deleting_or_redating_an_event_recomputes_it(make_project):
    project = make_project()
    early = ProjectEvent.objects.create(project=project, kind="visit", occurred_on=dt.date(2025, 1, 5), text="走访")
    late = ProjectEvent.objects.create(project=project, kind="note", occurred_on=dt.date(2025, 4, 1), text="备注")
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on == dt.date(2025, 4, 1)
    late.occurred_on = dt.date(2025, 3, 1)  # a date corrected
    late.save()
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on == dt.date(2025, 3, 1)
    late.delete()
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on == dt.date(2025, 1, 5)
    early.delete()
    assert InvestmentProject.objects.get(pk=project.pk).last_event_on is None


def test_an_excel_import_dates_the_new_projects_stage_events(client, personas, industry):
    client.force_login(personas["admin"])
    rows = [import_row(线索日期="2025-01-02"),
            import_row(项目名称="导入项目乙", 阶段="洽谈", 线索日期="2025-01-02", 洽谈日期="2025-02-01")]
    response = client.post(reverse("project_import"), {"file": upload_workbook(rows)})
    assert response.status_code == 302
    first, second = (InvestmentProject.objects.get(name=n) for n in ("导入项目甲", "导入项目乙"))
    assert (first.last_event_on, second.last_event_on) == (dt.date(2025, 1, 2), dt.date(2025, 2, 1))


def test_it_is_no_audited_field(make_project, personas):
    project = make_project()
    services.add_event(project, kind="visit", occurred_on=dt.date(2025, 6, 1), text="走访",
                       acting_user=personas["officer_a"])
    services.update_project(project, changes={"notes": "已走访"}, acting_user=personas["officer_a"])
    record = AuditRecord.objects.filter(model_name="investmentproject").get()
    assert "last_event_on" not in record.before and "last_event_on" not in record.after
    assert [label for label, _, _ in record.changes()] == ["备注"]


def test_the_migration_fills_it_and_the_light_reads_it(make_project):
    """0003 backfills the column from the timelines; the light then needs no timeline query."""
    ahead = {"lead_date": dt.date(2025, 1, 1), "planned_signed_date": dt.date(2025, 12, 1)}  # a plan: not 未制定计划
    quiet = make_project(stage="negotiating", **ahead)
    active = make_project(stage="negotiating", **ahead)
    ProjectEvent.objects.create(project=quiet, kind="visit", occurred_on=dt.date(2025, 6, 1), text="走访")
    ProjectEvent.objects.create(project=active, kind="visit", occurred_on=dt.date(2025, 7, 20), text="走访")
    InvestmentProject.all_objects.update(last_event_on=None)  # as before the migration
    migration = importlib.import_module("lianzhao.projects.migrations.0003_last_event_on")
    migration.backfill_last_event_on(apps, None)
    assert_in_step(quiet, active)
    rule = TrafficLightRule.load()
    rows = dict(InvestmentProject.objects.with_light(TODAY, rule).values_list("pk", "light"))
    assert (rows[quiet.pk], rows[active.pk]) == ("yellow", "green")  # 61 days quiet; 12 days
    assert InvestmentProject.objects.get(pk=quiet.pk).light_info(TODAY, rule).reasons == (
        "已 61 天无动态（最近 2025-06-01）",)


def test_demo_load_keeps_every_project_in_step(demo):
    assert_in_step(*InvestmentProject.all_objects.all())
