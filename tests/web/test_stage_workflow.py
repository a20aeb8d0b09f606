"""Every allowed and refused stage transition, the data each stage needs, and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import services
from lianzhao.projects.choices import PIPELINE, TRANSITIONS, ProjectStage
from lianzhao.projects.models import ProjectEvent
from tests.web.evidence_kit import stage_kwargs

ALL = list(ProjectStage.values)
TODAY = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(services.common, "today", lambda: TODAY)


def _kwargs(target):
    return {"on": TODAY, "note": "", **stage_kwargs(target)}


ALLOWED = [(s, t) for s in ALL for t in TRANSITIONS[s] if s != ProjectStage.PAUSED]
REFUSED = [(s, t) for s in ALL for t in ALL if t not in TRANSITIONS[s] and s != ProjectStage.PAUSED]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_it_allows_each_move_in_the_transition_map(make_project, personas, source, target):
    project = make_project(stage=source)
    event = services.change_stage(project, target, acting_user=personas["officer_a"], **_kwargs(target))
    project.refresh_from_db()
    assert project.stage == target
    assert event.from_stage == source and event.to_stage == target
    records = AuditRecord.objects.for_object(project)
    assert records.count() == 1
    record = records.get()
    assert record.actor == personas["officer_a"]
    assert record.before["stage"] == source and record.after["stage"] == target


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_it_refuses_moves_outside_the_map_and_changes_nothing(make_project, personas, source, target):
    project = make_project(stage=source)
    version = project.version
    with pytest.raises(ValidationError) as info:
        services.change_stage(project, target, acting_user=personas["officer_a"], **_kwargs(target))
    assert "to_stage" in info.value.message_dict
    assert "不能从" in info.value.message_dict["to_stage"][0]
    project.refresh_from_db()
    assert project.stage == source and project.version == version
    assert not AuditRecord.objects.exists()
    assert not ProjectEvent.objects.filter(project=project).exists()


def test_the_main_line_is_walked_one_step_at_a_time(make_project, personas):
    project = make_project(stage="lead")
    for target in PIPELINE[1:]:
        services.change_stage(project, target, acting_user=personas["admin"], **_kwargs(target))
    project.refresh_from_db()
    assert project.stage == ProjectStage.FULL_CAPACITY
    assert project.signed_amount == Decimal("12.5") and project.full_capacity_date == TODAY
    assert project.events.count() == len(PIPELINE) - 1
    assert AuditRecord.objects.for_object(project).count() == len(PIPELINE) - 1


def test_it_rejects_skipping_stages(make_project, personas):
    project = make_project(stage="lead")
    with pytest.raises(ValidationError, match="当前可变更为：接洽、暂缓、终止"):
        services.change_stage(project, "signed", acting_user=personas["officer_a"], on=TODAY,
                              signed_amount=Decimal("1"))


@pytest.mark.parametrize("paused_from", [s.value for s in PIPELINE[:-1]])
def test_a_paused_project_resumes_only_to_where_it_paused(make_project, personas, paused_from):
    project = make_project(stage="paused", paused_from=paused_from)
    for other in [s for s in PIPELINE if s != paused_from]:
        with pytest.raises(ValidationError):
            services.change_stage(project, other, acting_user=personas["officer_a"], **_kwargs(other))
    date_field = f"{paused_from}_date"
    original_date = getattr(project, date_field)
    services.change_stage(project, paused_from, acting_user=personas["officer_a"], on=TODAY, note="恢复推进")
    project.refresh_from_db()
    assert project.stage == paused_from and project.paused_from == ""
    assert getattr(project, date_field) == original_date  # resuming does not re-date the stage


def test_a_paused_project_can_be_dropped(make_project, personas):
    project = make_project(stage="paused", paused_from="negotiating")
    services.change_stage(project, "dropped", acting_user=personas["officer_a"], on=TODAY, note="企业撤回")
    project.refresh_from_db()
    assert project.stage == "dropped"


def test_pausing_remembers_the_stage(make_project, personas):
    project = make_project(stage="construction")
    services.change_stage(project, "paused", acting_user=personas["officer_a"], on=TODAY, note="用地待批")
    project.refresh_from_db()
    assert project.stage == "paused" and project.paused_from == "construction"


def test_signing_needs_an_amount(make_project, personas):
    project = make_project(stage="negotiating")
    with pytest.raises(ValidationError) as info:
        services.change_stage(project, "signed", acting_user=personas["officer_a"], on=TODAY)
    assert info.value.message_dict["signed_amount"] == ["签约须填写签约投资额（亿元）。"]
    project.refresh_from_db()
    assert project.stage == "negotiating" and project.signed_date is None


def test_signing_records_date_and_amount(make_project, personas):
    project = make_project(stage="negotiating")
    services.change_stage(project, "signed", acting_user=personas["officer_a"], on=TODAY,
                          **{**stage_kwargs("signed"), "signed_amount": Decimal("30.00")})
    project.refresh_from_db()
    assert project.signed_date == TODAY and project.signed_amount == Decimal("30.00")


@pytest.mark.parametrize("target", ["paused", "dropped"])
def test_pausing_or_dropping_needs_a_reason(make_project, personas, target):
    project = make_project(stage="contacted")
    with pytest.raises(ValidationError) as info:
        services.change_stage(project, target, acting_user=personas["officer_a"], on=TODAY, note="  ")
    assert "note" in info.value.message_dict


def test_it_refuses_a_future_date(make_project, personas):
    project = make_project(stage="lead")
    with pytest.raises(ValidationError) as info:
        services.change_stage(project, "contacted", acting_user=personas["officer_a"],
                              on=TODAY + dt.timedelta(days=1))
    assert "on" in info.value.message_dict


def test_it_refuses_a_date_before_the_previous_stage(make_project, personas):
    project = make_project(stage="contacted")  # contacted on 2025-01-02
    with pytest.raises(ValidationError, match="不能早于上一阶段日期 2025-01-02"):
        services.change_stage(project, "negotiating", acting_user=personas["officer_a"],
                              on=dt.date(2024, 12, 31))


def test_a_stale_form_cannot_move_a_project_twice(make_project, personas):
    project = make_project(stage="lead")
    services.change_stage(project, "contacted", acting_user=personas["officer_a"], on=TODAY, from_stage="lead")
    with pytest.raises(ValidationError, match="请刷新页面"):
        services.change_stage(project, "negotiating", acting_user=personas["officer_a"], on=TODAY,
                              from_stage="lead")


@pytest.mark.parametrize("who", ["officer_b", "leader", "analyst", "norole"])
def test_only_the_owning_department_or_admin_may_move_a_project(make_project, personas, who):
    project = make_project(stage="lead", department="a")
    with pytest.raises(PermissionDenied):
        services.change_stage(project, "contacted", acting_user=personas[who], on=TODAY)
    project.refresh_from_db()
    assert project.stage == "lead"
    assert not AuditRecord.objects.exists()
