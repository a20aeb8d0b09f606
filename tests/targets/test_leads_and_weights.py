"""Turning a candidate into a lead (who may, for which department; the project, its source and the
audit rows), the analyst's weights (who may; refused values; audit), and the permission matrix of the
target pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects.models import InvestmentProject
from lianzhao.targets.models import LeadOrigin, TargetWeightsSetting

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "norole", "leader", "analyst", "officer_a", "officer_b", "admin"]
READERS = {"leader", "analyst", "officer_a", "officer_b", "admin"}


def login(client, world, who):
    if who != "anonymous":
        client.force_login(world["personas"][who])
    return client


def lead_post(world, department="a", officer="officer_a", enterprise="specialist", **extra):
    return {"enterprise": world[enterprise].pk, "department": world["departments"][department].pk,
            "officer": world["personas"][officer].pk if officer else "", "method": "referral", **extra}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("department", ["a", "b"])
def test_who_may_generate_a_lead_for_which_department(client, world, who, department):
    officer = {"a": "officer_a", "b": "officer_b"}[department]
    response = login(client, world, who).post(reverse("target_lead", args=["t-separator"]),
                                              lead_post(world, department, officer))
    allowed = who == "admin" or (who, department) in {("officer_a", "a"), ("officer_b", "b")}
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif not allowed:
        assert response.status_code in (400, 403)  # another department is not even a choice of the form
    if allowed:
        project = InvestmentProject.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("project_detail", args=[project.pk])
    else:
        assert not InvestmentProject.objects.exists() and not AuditRecord.objects.exists()


def test_a_lead_is_a_project_at_lead_with_the_node_as_its_source_and_two_audit_rows(client, world):
    officer = world["personas"]["officer_a"]
    response = login(client, world, "officer_a").post(reverse("target_lead", args=["t-separator"]), lead_post(world))
    project = InvestmentProject.objects.get()
    assert response.status_code == 302
    assert (project.stage, project.investor, project.chain_node, project.department, project.officer) == (
        "lead", world["specialist"], world["separator"], world["departments"]["a"], officer)
    assert project.name == "甲隔膜股份有限公司·隔膜招商线索" and project.method == "referral"
    assert project.source == "招商目标推荐：新能源汽车·隔膜"
    assert "主营湿法隔膜（营收占比 62%）" in project.notes and "得分 60.7" in project.notes
    origin = LeadOrigin.objects.get()
    assert (origin.project, origin.node, origin.enterprise, origin.created_by) == (
        project, world["separator"], world["specialist"], officer)
    assert origin.score == pytest.approx(60.65) and [p["key"] for p in origin.parts][0] == "product"
    assert origin.reason.startswith("主营湿法隔膜") and origin.weights["product"] == 0.45
    records = list(AuditRecord.objects.order_by("pk"))
    assert [(r.model_name, r.action, r.actor) for r in records] == [
        ("investmentproject", "create", officer), ("leadorigin", "create", officer)]
    assert records[1].after["reason"] == origin.reason
    mine = client.get(reverse("my_projects")).content.decode()
    assert project.name in mine


def test_a_company_already_in_the_pipeline_needs_a_confirmation(client, world):
    existing = InvestmentProject.objects.create(name="甲隔膜旧项目", investor=world["specialist"], industry=world["nev"],
                                                method="other", stage="contacted", department=world["departments"]["b"])
    url = reverse("target_lead", args=["t-separator"])
    response = login(client, world, "officer_a").post(url, lead_post(world))
    page = response.content.decode()
    assert response.status_code == 400 and "该企业已有项目" in page and existing.name in page and "接洽" in page
    assert InvestmentProject.objects.count() == 1
    assert client.post(url, lead_post(world, confirm="on")).status_code == 302
    assert InvestmentProject.objects.count() == 2


def test_a_company_that_is_not_a_candidate_is_refused(client, world):
    for enterprise in ("unrelated", "local_rival"):
        response = login(client, world, "officer_a").post(reverse("target_lead", args=["t-separator"]),
                                                          lead_post(world, enterprise=enterprise))
        assert response.status_code == 400 and "不是环节“隔膜”的候选企业" in response.content.decode()
    assert not InvestmentProject.objects.exists()


def test_the_officer_must_belong_to_the_department(client, world):
    response = login(client, world, "admin").post(reverse("target_lead", args=["t-separator"]),
                                                  lead_post(world, department="a", officer="officer_b"))
    assert response.status_code == 400 and "责任人须为责任部门" in response.content.decode()
    assert not InvestmentProject.objects.exists()


def weights_post(**values):
    data = {"product": "0.5", "industry": "0.2", "supply": "0.1", "scale": "0.1", "region": "0.1",
            "preferred_regions": "32, 3205"}
    data.update(values)
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_only_analysts_and_admins_change_the_weights(client, world, who):
    response = login(client, world, who).post(reverse("target_weights"), weights_post())
    if who in ("analyst", "admin"):
        assert response.status_code == 302
        setting = TargetWeightsSetting.objects.get()
        assert (setting.product, setting.preferred_regions) == (0.5, ["32", "3205"])
        record = AuditRecord.objects.get()
        assert (record.action, record.actor, record.before, record.after["product"]) == (
            "create", world["personas"][who], None, 0.5)
    else:
        assert response.status_code in (302, 403) and not TargetWeightsSetting.objects.exists()
        assert not AuditRecord.objects.exists()


def test_a_weights_change_is_audited_with_before_and_after(client, world):
    login(client, world, "analyst").post(reverse("target_weights"), weights_post())
    client.post(reverse("target_weights"), weights_post(product="0.7"))
    record = AuditRecord.objects.order_by("pk").last()
    assert (record.action, record.before["product"], record.after["product"]) == ("update", 0.5, 0.7)
    assert TargetWeightsSetting.objects.get().version == 2


@pytest.mark.parametrize(("values", "message"), [
    ({"product": "-1"}, "0"),
    ({"product": "0", "industry": "0", "supply": "0", "scale": "0", "region": "0"}, "权重不能全部为 0"),
    ({"scale": "nan"}, ""), ({"region": "inf"}, ""), ({"supply": "很多"}, ""),
    ({"preferred_regions": "99"}, "区划代码 99 不存在"),
])
def test_refused_weights_change_nothing(client, world, values, message):
    response = login(client, world, "analyst").post(reverse("target_weights"), weights_post(**values))
    assert response.status_code == 400 and message in response.content.decode()
    assert not TargetWeightsSetting.objects.exists() and not AuditRecord.objects.exists()


@pytest.mark.parametrize("who", PERSONAS)
def test_the_target_pages_are_for_readers(client, world, who):
    login(client, world, who)
    e = world["specialist"].pk
    pages = [reverse("target_overview"), reverse("node_candidates", args=["t-separator"]),
             reverse("node_candidates_xlsx", args=["t-separator"]), reverse("target_weights"),
             reverse("enterprise_detail", args=[e])]
    for url in pages:
        status = client.get(url).status_code
        if who == "anonymous":
            assert status == 302, url
        else:
            assert status == (200 if who in READERS else 403), url
    lead_page = client.get(reverse("target_lead", args=["t-separator"]) + f"?enterprise={e}").status_code
    expected = 302 if who == "anonymous" else 200 if who in {"officer_a", "officer_b", "admin"} else 403
    assert lead_page == expected
