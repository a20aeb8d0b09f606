"""Bad input gets a clear Chinese message at the field, a 4xx status, and nothing is written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from lianzhao.refdata.uscc import check_character
from tests.conftest import needs_data

VALID_USCC = "91370215MA3C12345" + check_character("91370215MA3C12345")
WRONG_DIGIT = VALID_USCC[:17] + ("0" if VALID_USCC[17] != "0" else "1")


@pytest.fixture
def officer(client, personas):
    client.force_login(personas["officer_a"])
    return client


def _nothing_written(projects_before=None):
    assert not AuditRecord.objects.exists()
    if projects_before is not None:
        assert list(InvestmentProject.objects.values()) == projects_before


def _project_post(industry, departments, **extra):
    data = {"name": "坏输入项目", "industry": industry.pk, "amount": "5", "method": "expo",
            "department": departments["a"].pk}
    data.update(extra)
    return data


@needs_data
def test_a_uscc_with_a_wrong_check_digit_is_refused(officer):
    response = officer.post(reverse("enterprise_create"), {"name": "某新企业", "uscc": WRONG_DIGIT})
    assert response.status_code == 400
    errors = response.context["form"].errors["uscc"]
    assert errors == [f"统一社会信用代码校验位错误：第 18 位应为 {VALID_USCC[17]}，实际为 {WRONG_DIGIT[17]}。"]
    assert not Enterprise.objects.filter(name="某新企业").exists()
    _nothing_written()


@needs_data
def test_a_valid_uscc_is_accepted_and_audited(officer, personas):
    response = officer.post(reverse("enterprise_create"), {"name": "某新企业", "uscc": VALID_USCC.lower(),
                                                           "region_code": "370215", "gbt_code": "3841"})
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name="某新企业")
    assert enterprise.uscc == VALID_USCC
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"] and record.after["uscc"] == VALID_USCC


@pytest.mark.parametrize("code", ["12345", "9999", "X"])
@needs_data
def test_a_gbt_code_that_does_not_exist_is_refused(officer, code):
    response = officer.post(reverse("enterprise_create"), {"name": "某新企业", "gbt_code": code})
    assert response.status_code == 400
    assert any("不存在" in e or "最多" in e or "at most" in e for e in response.context["form"].errors["gbt_code"])
    assert not Enterprise.objects.filter(name="某新企业").exists()
    _nothing_written()


@needs_data
def test_an_unknown_region_code_is_refused(officer):
    response = officer.post(reverse("enterprise_create"), {"name": "某新企业", "region_code": "379999"})
    assert response.status_code == 400
    assert response.context["form"].errors["region_code"] == ["区划代码 379999 不存在（统计用区划代码）。"]


@pytest.mark.parametrize(("amount", "message"), [
    ("-1", "计划投资额不能为负数。"),
    ("很多", "计划投资额须为数字（单位：亿元），如 12.5。"),
])
def test_a_negative_or_non_numeric_amount_is_refused(officer, industry, departments, amount, message):
    response = officer.post(reverse("project_create"), _project_post(industry, departments, amount=amount))
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [message]
    assert not InvestmentProject.objects.exists()
    _nothing_written()


def test_a_duplicate_project_name_for_the_same_investor_is_refused(officer, make_project, industry,
                                                                    departments, investor):
    existing = make_project()
    before = list(InvestmentProject.objects.values())
    response = officer.post(reverse("project_create"),
                            _project_post(industry, departments, name=existing.name, investor=investor.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        f"投资方“{investor.name}”已有同名项目“{existing.name}”，请勿重复登记。"]
    _nothing_written(before)


def test_the_same_name_for_another_investor_is_fine_once_confirmed(officer, make_project, industry, departments):
    existing = make_project()
    # Same industry, one side without investor: flagged as a likely duplicate (see test_duplicates).
    response = officer.post(reverse("project_create"), _project_post(industry, departments, name=existing.name))
    assert response.status_code == 400 and "confirm_duplicate" in response.context["form"].errors
    response = officer.post(reverse("project_create"),
                            _project_post(industry, departments, name=existing.name, confirm_duplicate="on"))
    assert response.status_code == 302
    assert InvestmentProject.objects.filter(name=existing.name).count() == 2


def test_a_chain_node_of_another_industry_is_refused(officer, industry, departments):
    from lianzhao.industries.models import ChainNode, Industry

    other = Industry.objects.create(name="海洋", slug="marine", kind="leading")
    node = ChainNode.objects.create(industry=other, key="m-1", name="海工装备", position="midstream",
                                    gbt_codes=["3734"])
    response = officer.post(reverse("project_create"), _project_post(industry, departments, chain_node=node.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["chain_node"] == ["环节“海工装备”不属于产业“新能源汽车”。"]


@pytest.mark.parametrize("htmx", [False, True])
def test_an_invalid_stage_move_is_refused_at_the_field(officer, make_project, htmx):
    project = make_project(stage="lead")
    headers = {"HX-Request": "true"} if htmx else {}
    response = officer.post(reverse("project_stage", args=[project.pk]),
                            {"to_stage": "signed", "on": "2025-03-01", "signed_amount": "5", "from_stage": "lead"},
                            headers=headers)
    assert response.status_code == 400
    body = response.content.decode()
    # "signed" is not offered from 线索: the transition map's message, at the field.
    assert "不能从“线索”变更为“签约”。当前可变更为：接洽、暂缓、终止。" in body
    project.refresh_from_db()
    assert project.stage == "lead"
    assert not ProjectEvent.objects.filter(project=project).exists()
    _nothing_written()


def test_signing_without_an_amount_is_refused_at_the_field(officer, make_project):
    project = make_project(stage="negotiating")
    response = officer.post(reverse("project_stage", args=[project.pk]),
                            {"to_stage": "signed", "on": "2025-03-01", "from_stage": "negotiating"},
                            headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "签约须填写签约投资额（亿元）。" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "negotiating" and project.signed_amount is None
    _nothing_written()


def test_a_stage_move_by_htmx_returns_the_updated_timeline(officer, make_project, personas):
    project = make_project(stage="lead")
    response = officer.post(reverse("project_stage", args=[project.pk]),
                            {"to_stage": "contacted", "on": "2025-03-01", "note": "首次电话接洽",
                             "from_stage": "lead"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="current-stage">接洽<' in body and "首次电话接洽" in body
    project.refresh_from_db()
    assert project.stage == "contacted" and project.contacted_date.isoformat() == "2025-03-01"
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"]
    assert (record.before["stage"], record.after["stage"]) == ("lead", "contacted")


def test_editing_from_an_old_version_is_refused_with_409(officer, make_project, personas, investor):
    from lianzhao.projects import services

    project = make_project()
    services.update_project(project, changes={"notes": "领导批示"}, acting_user=personas["admin"],
                            expected_version=1)
    response = officer.post(reverse("project_edit", args=[project.pk]), {
        "name": project.name, "investor": investor.pk, "industry": project.industry_id, "amount": "50",
        "method": "expo", "department": project.department_id, "version": 1})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode() and "备注" in response.content.decode()
    project.refresh_from_db()
    assert project.amount == 10 and project.notes == "领导批示"


@pytest.mark.parametrize("shares", ['{"107": NaN}', '{"107": Infinity}', '{"107": true}', '{"107": "abc"}',
                                    '{"107": [1]}'])
def test_impact_shares_that_are_not_numbers_are_refused_at_the_field(shares):
    from lianzhao.analysis.forms import ProjectImpactInputForm

    form = ProjectImpactInputForm({"construction_shares": shares})
    assert not form.is_valid()
    assert form.errors["construction_shares"] == ["比例须为数字。"]
