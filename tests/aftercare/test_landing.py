"""高效办成一件事: a signed project's checklist from the template, steps done only with a date and a
reference, and the project's light turning yellow/red on a late step (the one light rule)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.aftercare import services
from lianzhao.aftercare.models import LandingChecklist, LandingStep, LandingTemplate
from lianzhao.audit.models import AuditRecord
from lianzhao.projects import lights
from lianzhao.projects.choices import LedgerList
from lianzhao.projects.models import InvestmentProject, LedgerChoice, TrafficLightRule
from tests.aftercare.conftest import TODAY
from tests.web.evidence_kit import upload

RULE = TrafficLightRule()


@pytest.fixture
def signed(service, make_project):
    project = make_project(stage="signed", department="a", signed_date=TODAY - dt.timedelta(days=40),
                           last_event_on=TODAY)
    return project


def test_the_checklist_follows_the_default_template_from_the_signing(service, signed):
    checklist = services.start_checklist(signed, acting_user=service["officer_a"])
    steps = list(checklist.steps.all())
    template = LandingTemplate.objects.get(project_type__isnull=True)
    assert [s.name for s in steps] == [s.name for s in template.steps.all()]
    assert steps[0].name == "企业设立登记" and steps[0].due_on == signed.signed_date + dt.timedelta(days=30)
    signed.refresh_from_db()
    assert signed.landing_due_on == steps[0].due_on
    (audit,) = AuditRecord.objects.filter(model_name="landingchecklist")
    assert audit.actor == service["officer_a"] and len(audit.after["steps"]) == len(steps)


def test_a_template_for_the_project_type_wins_when_the_project_has_one(service, signed):
    industrial = LedgerChoice.objects.create(code="industrial", list=LedgerList.PROJECT_TYPE, name="工业项目")
    special = LandingTemplate.objects.create(name="工业项目清单", project_type=industrial)
    special.steps.create(order=0, name="能评", due_days=10)
    signed.project_type = industrial  # the ledger's 项目类型, picked on the project
    assert services.template_for(signed) == special
    signed.project_type_id = "type-new"  # a type without a template of its own: the default one
    assert services.template_for(signed).project_type is None
    signed.project_type = None
    assert services.template_for(signed).project_type is None
    special.is_active = False
    special.save()
    signed.project_type = industrial
    assert services.template_for(signed).project_type is None


def test_a_template_names_its_type_from_the_project_type_list(db):
    """An admin picks the type from the 项目类型 list (no code typed as text, which had made a mistyped
    template silently never apply); a choice of another list is refused."""
    nature = LedgerChoice.objects.filter(list=LedgerList.INVESTOR_NATURE).first()
    template = LandingTemplate(name="外资项目清单", project_type=nature)
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "project_type" in refused.value.message_dict
    template.project_type = LedgerChoice.objects.get(code="type-new")
    template.full_clean()


def test_only_a_signed_project_gets_a_checklist_and_only_once(service, make_project, signed):
    with pytest.raises(ValidationError, match="尚未签约"):
        services.start_checklist(make_project(stage="negotiating"), acting_user=service["officer_a"])
    with pytest.raises(PermissionDenied):
        services.start_checklist(signed, acting_user=service["officer_b"])
    services.start_checklist(signed, acting_user=service["officer_a"])
    with pytest.raises(ValidationError, match="已有"):
        services.start_checklist(signed, acting_user=service["admin"])
    assert LandingChecklist.objects.count() == 1


def test_a_late_step_turns_the_light_yellow_then_red(service, signed):
    checklist = services.start_checklist(signed, acting_user=service["officer_a"])
    first = checklist.steps.first()  # due signing + 30 = TODAY - 10
    signed.refresh_from_db()
    info = signed.light_info(TODAY, RULE)
    assert info.light == "yellow" and "落地事项" in info.reason and "已逾期 10 天" in info.reason
    later = TODAY + dt.timedelta(days=100)
    assert signed.light_info(later, RULE).light == "red"
    sql = {p.pk: p.light for p in InvestmentProject.objects.with_light(TODAY, RULE)}
    assert sql[signed.pk] == "yellow"
    assert lights.light_counts(InvestmentProject.objects.filter(pk=signed.pk), today=later, rule=RULE)["red"] == 1
    services.complete_step(first, done_on=TODAY, reference="即自然资预〔2025〕12号", acting_user=service["officer_a"])
    signed.refresh_from_db()
    assert signed.landing_due_on == checklist.steps.open().order_by("due_on").first().due_on
    assert signed.light_info(TODAY, RULE).light == "green"


@pytest.mark.parametrize("values, field", [
    ({"done_on": None, "reference": "x"}, "done_on"),
    ({"reference": ""}, "reference"),
    ({"done_on": TODAY + dt.timedelta(days=1), "reference": "x"}, "done_on"),
    ({"reference": "", "upload": upload("批复.exe", b"MZ")}, "file"),
])
def test_no_step_is_done_without_its_date_and_a_reference(service, signed, values, field):
    step = services.start_checklist(signed, acting_user=service["officer_a"]).steps.first()
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.complete_step(step, acting_user=service["officer_a"], **{"done_on": TODAY, **values})
    assert field in caught.value.message_dict
    step.refresh_from_db()
    assert step.done_on is None and AuditRecord.objects.count() == before


def test_a_file_is_a_reference_and_joins_the_projects_files(service, signed):
    step = services.start_checklist(signed, acting_user=service["officer_a"]).steps.first()
    done = services.complete_step(step, done_on=TODAY, upload=upload("营业执照.pdf"), acting_user=service["officer_a"])
    assert done.file.project == signed and done.file.original_name == "营业执照.pdf"
    assert "营业执照.pdf" in signed.events.first().text
    (audit,) = AuditRecord.objects.filter(model_name="landingstep")
    assert audit.before["done_on"] is None and audit.after["done_on"] == TODAY.isoformat()


def test_the_steps_department_may_mark_it_done(service, signed):
    checklist = services.start_checklist(signed, acting_user=service["officer_a"])
    step = checklist.steps.first()
    LandingStep.objects.filter(pk=step.pk).update(department=service["land"])
    step.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.complete_step(step, done_on=TODAY, reference="x", acting_user=service["responder_other"])
    services.complete_step(step, done_on=TODAY, reference="x", acting_user=service["responder"])


def test_the_admin_offers_the_project_types_to_pick_for_a_template(client, service):
    import re

    client.force_login(service["admin"])
    page = client.get(reverse("admin:aftercare_landingtemplate_add")).content.decode()
    choices = re.search(r'<select name="project_type".*?</select>', page, re.S).group(0)
    offered = set(re.findall(r'<option value="([^"]+)"', choices))
    assert offered == set(LedgerChoice.objects.filter(list=LedgerList.PROJECT_TYPE).values_list("code", flat=True))
    assert offered and "nature-private" not in offered


def test_signing_starts_the_checklist_from_the_signing_date(service, make_project, settings, tmp_path):
    """The landing steps are due from the signing: the checklist is there as the project is signed,
    in the same transaction, written by the signer (one audit row), not when someone thinks of it."""
    from lianzhao.projects import services as project_services
    from tests.web.evidence_kit import stage_kwargs

    settings.MEDIA_ROOT = tmp_path
    project = make_project(stage="negotiating")
    signed_on = TODAY - dt.timedelta(days=3)
    project_services.change_stage(project, "signed", acting_user=service["officer_a"], on=signed_on,
                                  **stage_kwargs("signed"))
    checklist = LandingChecklist.objects.get(project=project)
    template = LandingTemplate.objects.get(project_type__isnull=True)
    first = template.steps.order_by("order").first()
    assert checklist.started_on == signed_on and checklist.created_by == service["officer_a"]
    assert checklist.steps.order_by("order").first().due_on == signed_on + dt.timedelta(days=first.due_days)
    project.refresh_from_db()
    assert project.landing_due_on is not None
    (audit,) = AuditRecord.objects.filter(model_name="landingchecklist")
    assert audit.actor == service["officer_a"]


def test_a_signing_without_a_template_still_signs_and_an_import_of_old_signings_starts_none(
        client, service, make_project, settings, tmp_path):
    from lianzhao.projects import services as project_services
    from tests.web.evidence_kit import stage_kwargs
    from tests.web.import_kit import import_row, upload_workbook

    settings.MEDIA_ROOT = tmp_path
    LandingTemplate.objects.update(is_active=False)
    project = make_project(stage="negotiating")
    project_services.change_stage(project, "signed", acting_user=service["officer_a"], on=TODAY,
                                  **stage_kwargs("signed"))
    project.refresh_from_db()
    assert project.stage == "signed" and not LandingChecklist.objects.exists()

    # Projects the bureau registers at a later stage were signed long ago: a checklist due from
    # then would only turn them all red at once.
    LandingTemplate.objects.update(is_active=True)
    client.force_login(service["admin"])
    row = import_row(项目名称="原台账项目", 阶段="投产", 签约日期="2023-03-01", 投产日期="2024-05-01",
                     **{"签约投资额（亿元）": "3", "责任部门": service["officer_a"].department.name})
    response = client.post(reverse("project_import"), {"file": upload_workbook([row])})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert not LandingChecklist.objects.exists()
