"""No lost updates, clear conflicts on the web paths: an edit must say which version it was made
from; a repeated stage move is told what happened; a 409 names only what changed since the user's
copy; responsible officers come from the project's department. And bad input on the dispatch and
enterprise pages gets a clear 400, not a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects import services
from lianzhao.projects.models import ProjectEvent


def _edit_post(project, **extra):
    data = {"name": project.name, "investor": project.investor_id or "", "industry": project.industry_id,
            "amount": "50", "method": "expo", "department": project.department_id}
    data.update(extra)
    return data


@pytest.fixture
def officer(client, personas):
    client.force_login(personas["officer_a"])
    return client


# --- versions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", [None, "", "abc"])
def test_an_edit_without_its_version_is_refused(officer, make_project, version):
    project = make_project()
    data = _edit_post(project) if version is None else _edit_post(project, version=version)
    response = officer.post(reverse("project_edit", args=[project.pk]), data)
    assert response.status_code == 400
    assert "页面缺少版本号" in response.content.decode()
    project.refresh_from_db()
    assert project.amount == 10 and project.version == 1 and not AuditRecord.objects.exists()


def test_a_plan_without_its_version_is_refused(officer, make_project):
    project = make_project(stage="negotiating")
    response = officer.post(reverse("project_plan", args=[project.pk]), {"planned_signed_date": "2025-09-01"})
    assert response.status_code == 400 and "页面缺少版本号" in response.content.decode()
    project.refresh_from_db()
    assert project.planned_signed_date is None and not AuditRecord.objects.exists()


def test_an_edit_with_its_version_is_saved(officer, make_project, personas):
    project = make_project()
    response = officer.post(reverse("project_edit", args=[project.pk]), _edit_post(project, version=1))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.amount == 50 and project.version == 2
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"] and record.after["amount"] == "50.00"


def test_the_409_names_only_what_changed_since_the_users_copy(officer, make_project, personas):
    project = make_project(stage="negotiating")
    services.update_project(project, changes={"notes": "早先的修改"}, acting_user=personas["admin"],
                            expected_version=1)  # version 1 → 2: already on the user's page
    project.refresh_from_db()
    services.update_project(project, changes={"referrer": "某商会"}, acting_user=personas["admin"],
                            expected_version=2)  # 2 → 3: after the user's copy
    response = officer.post(reverse("project_plan", args=[project.pk]),
                            {"version": 2, "planned_signed_date": "2025-09-01"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "他人修改了：引荐人/机构" in body and "备注" not in body
    project.refresh_from_db()
    assert project.planned_signed_date is None and AuditRecord.objects.count() == 2


# --- repeated stage moves --------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True])
def test_a_second_identical_stage_move_is_told_the_stage_has_changed(officer, make_project, htmx):
    project = make_project(stage="lead")
    post = {"to_stage": "contacted", "on": "2025-03-01", "from_stage": "lead"}
    headers = {"HX-Request": "true"} if htmx else {}
    first = officer.post(reverse("project_stage", args=[project.pk]), post, headers=headers)
    assert first.status_code in (200, 302)
    second = officer.post(reverse("project_stage", args=[project.pk]), post, headers=headers)
    assert second.status_code == 409
    body = second.content.decode()
    assert "项目阶段已变为“接洽”，请刷新页面后再操作。" in body and "选择一个有效的选项" not in body
    project.refresh_from_db()
    assert project.stage == "contacted" and project.version == 2
    assert ProjectEvent.objects.filter(project=project, to_stage="contacted").count() == 1
    assert AuditRecord.objects.count() == 1


# --- responsible officers --------------------------------------------------------------------------

def test_an_officer_is_offered_only_officers_of_their_department(officer, personas):
    form = officer.get(reverse("project_create")).context["form"]
    assert list(form.fields["officer"].queryset) == [personas["officer_a"]]


def test_another_departments_officer_cannot_be_made_responsible(officer, make_project, personas):
    project = make_project()
    response = officer.post(reverse("project_edit", args=[project.pk]),
                            _edit_post(project, version=1, officer=personas["officer_b"].pk))
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.officer is None and not AuditRecord.objects.exists()


def test_an_admin_cannot_either_and_the_service_refuses_it_too(client, personas, make_project, departments):
    from django.core.exceptions import ValidationError

    project = make_project()
    client.force_login(personas["admin"])
    response = client.post(reverse("project_edit", args=[project.pk]),
                           _edit_post(project, version=1, officer=personas["officer_b"].pk))
    assert response.status_code == 400
    assert response.context["form"].errors["officer"] == ["责任人须为责任部门（投资促进一科）的招商专员。"]
    with pytest.raises(ValidationError) as info:
        services.update_project(project, changes={"officer": personas["officer_b"]}, acting_user=personas["admin"])
    assert "officer" in info.value.message_dict
    # Moving the project to department B with B's officer is fine.
    services.update_project(project, changes={"officer": personas["officer_b"], "department": departments["b"]},
                            acting_user=personas["admin"])
    project.refresh_from_db()
    assert project.officer == personas["officer_b"] and AuditRecord.objects.count() == 1


# --- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["", "xlsx", "pdf"])
@pytest.mark.parametrize("week", ["0001-W01", "1999-W52"])
def test_a_week_before_2000_is_refused_clearly(client, personas, fmt, week):
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": week, **({"format": fmt} if fmt else {})})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f"{int(week[:4])} 年过早：周调度表从 2000 年起。" in response.content.decode()


@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999999"])
def test_an_out_of_range_chain_node_id_is_an_invalid_choice(officer, value):
    response = officer.post(reverse("enterprise_create"), {"name": "某新企业", "chain_nodes": value})
    assert response.status_code == 400
    assert response.context["form"].errors["chain_nodes"] == [f"没有编号为 {value} 的产业链环节。"]
    assert not Enterprise.objects.filter(name="某新企业").exists() and not AuditRecord.objects.exists()


def test_a_known_chain_node_is_still_accepted(officer, industry):
    node = industry.chain_nodes.first()
    response = officer.post(reverse("enterprise_create"), {"name": "某新企业", "chain_nodes": [node.pk]})
    assert response.status_code == 302
    assert list(Enterprise.objects.get(name="某新企业").chain_nodes.all()) == [node]
