"""One identity per project: likely duplicates are shown before creating, and duplicates are merged
(timelines, files and investment changes kept; audit rows; merged projects out of every list and
total; their page says where they went)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects import counting, services
from lianzhao.projects.duplicates import find_duplicate_candidates, name_similarity, normalise_name
from lianzhao.projects.models import InvestmentChange, InvestmentProject, ProjectEvent
from tests.web.evidence_kit import upload


@pytest.mark.parametrize(("name", "normalised"), [
    ("示例·正极材料生产基地项目", "正极材料"),
    ("正极材料基地（二期）项目", "正极材料"),
    ("某某电池有限公司 动力电池 项目", "某某电池动力电池"),
])
def test_names_are_normalised_before_comparing(name, normalised):
    assert normalise_name(name) == normalised


@pytest.mark.parametrize(("a", "b", "similar"), [
    ("示例·正极材料生产基地项目", "正极材料基地二期项目", True),
    ("华电海上风电项目", "华能海上风电项目", True),
    ("示例·电驱动总成项目", "示例·充电桩生产线项目", False),
    ("测试项目1", "测试项目2", True),
])
def test_name_similarity_threshold(a, b, similar):
    assert (name_similarity(a, b) >= 0.6) is similar


def test_candidates_need_the_same_investor_or_industry(make_project, industry, investor):
    existing = make_project(name="示例·正极材料生产基地项目")
    assert [c.project for c in find_duplicate_candidates(name="正极材料基地二期", investor=investor,
                                                        industry=industry)] == [existing]
    other = Enterprise.objects.create(name="另一家公司")
    assert find_duplicate_candidates(name="正极材料基地二期", investor=other, industry=industry) == []
    candidate = find_duplicate_candidates(name="正极材料基地二期", investor=None, industry=industry)[0]
    assert candidate.project == existing and "同一产业" in candidate.reason


def test_merged_projects_are_never_candidates(make_project, industry, investor, personas):
    keep = make_project(name="正极材料项目")
    dup = make_project(name="正极材料基地项目")
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    found = [c.project for c in find_duplicate_candidates(name="正极材料", investor=investor, industry=industry)]
    assert found == [keep]


def _create_post(industry, departments, investor, **extra):
    data = {"name": "正极材料基地二期项目", "industry": industry.pk, "investor": investor.pk, "amount": "5",
            "method": "expo", "department": departments["a"].pk}
    data.update(extra)
    return data


def test_creating_a_likely_duplicate_shows_the_candidates_and_writes_nothing(
        client, personas, make_project, industry, departments, investor):
    existing = make_project(name="示例·正极材料生产基地项目")
    client.force_login(personas["officer_a"])
    before = list(InvestmentProject.all_objects.values())
    response = client.post(reverse("project_create"), _create_post(industry, departments, investor))
    assert response.status_code == 400
    assert "勾选“仍然创建”" in response.context["form"].errors["confirm_duplicate"][0]
    body = response.content.decode()
    assert f'href="/projects/{existing.pk}/"' in body and "示例·正极材料生产基地项目" in body
    assert list(InvestmentProject.all_objects.values()) == before and not AuditRecord.objects.exists()


def test_confirming_creates_the_project_anyway(client, personas, make_project, industry, departments, investor):
    make_project(name="示例·正极材料生产基地项目")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_create"),
                           _create_post(industry, departments, investor, confirm_duplicate="on"))
    assert response.status_code == 302
    created = InvestmentProject.objects.get(name="正极材料基地二期项目")
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"] and record.after["name"] == created.name


def test_a_distinct_project_is_created_without_a_warning(client, personas, make_project, industry, departments,
                                                         investor):
    make_project(name="示例·电驱动总成项目")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_create"),
                           _create_post(industry, departments, investor, name="示例·充电桩生产线项目"))
    assert response.status_code == 302


# --- merging ----------------------------------------------------------------------------------------

@pytest.fixture
def pair(make_project, personas):
    keep = make_project(stage="signed", name="正极材料基地项目")
    dup = make_project(stage="negotiating", name="正极材料基地二期项目")
    ProjectEvent.objects.create(project=dup, kind="visit", occurred_on=dt.date(2025, 2, 2), text="重复登记的走访")
    services.attach_file(dup, upload("洽谈纪要.pdf"), stage="negotiating", acting_user=personas["officer_a"])
    AuditRecord.objects.all().delete()
    return keep, dup


def test_merging_moves_the_history_and_marks_the_duplicate(pair, personas):
    keep, dup = pair
    dup_events = set(dup.events.values_list("pk", flat=True))
    services.merge_projects(keep, dup, acting_user=personas["officer_a"], note="同一项目重复登记")
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == keep and dup.merged_at is not None
    assert dup_events <= set(keep.events.values_list("pk", flat=True)) and not dup.events.exists()
    assert keep.files.get().original_name == "洽谈纪要.pdf"
    merge_event = keep.events.get(kind="merge")
    assert f"合并重复项目“{dup.name}”（编号 {dup.pk}）：移入 2 条动态、1 个材料、0 条投资变更、0 笔到位资金。同一项目重复登记" == merge_event.text
    dup_record = AuditRecord.objects.for_object(dup).get()
    assert dup_record.actor == personas["officer_a"]
    assert dup_record.before["merged_into_id"] is None and dup_record.after["merged_into_id"] == keep.pk
    keep_record = AuditRecord.objects.for_object(keep).get()
    assert keep_record.actor == personas["officer_a"] and "合并重复项目" in keep_record.reason
    assert AuditRecord.objects.count() == 2


def test_investment_changes_follow_the_merge(make_project, personas):
    keep = make_project(stage="signed", name="A项目")
    dup = make_project(stage="signed", name="A项目二期")
    InvestmentChange.objects.create(project=dup, kind="capital_increase", on=dt.date(2025, 3, 1), delta=Decimal("2"))
    assert counting.signed_total() == Decimal("22.00")
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    assert keep.investment_changes.count() == 1
    assert counting.signed_total() == Decimal("12.00") and counting.signed_count() == 1


def test_merged_projects_drop_out_of_lists_and_totals(client, pair, personas):
    keep, dup = pair
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    assert list(InvestmentProject.objects.all()) == [keep]
    assert counting.funnel_counts()["lead"] == 1
    client.force_login(personas["leader"])
    listed = [p.pk for p in client.get(reverse("project_list")).context["page"]]
    assert listed == [keep.pk]
    assert client.get(reverse("dashboard")).context["total_count"] == 1


def test_a_merged_project_page_says_where_it_went(client, pair, personas):
    keep, dup = pair
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    client.force_login(personas["leader"])
    response = client.get(reverse("project_detail", args=[dup.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "本项目是重复登记" in body and f'href="/projects/{keep.pk}/"' in body
    assert "合并入项目" in body  # the duplicate's own history is kept
    client.force_login(personas["officer_a"])
    assert 'id="stage-form"' not in client.get(reverse("project_detail", args=[dup.pk])).content.decode()
    assert client.post(reverse("project_event_add", args=[dup.pk]),
                       {"kind": "visit", "occurred_on": "2025-03-01", "text": "x"}).status_code == 404


def test_merging_needs_both_projects_editable(make_project, personas):
    keep = make_project(stage="signed", department="b")
    dup = make_project(stage="lead", department="a")
    with pytest.raises(PermissionDenied):
        services.merge_projects(keep, dup, acting_user=personas["officer_a"])
    dup.refresh_from_db()
    assert dup.merged_into is None and not AuditRecord.objects.exists()


def test_a_signed_duplicate_is_not_merged_into_an_unsigned_project(make_project, personas):
    keep = make_project(stage="negotiating")
    dup = make_project(stage="signed")
    with pytest.raises(ValidationError, match="请保留已签约的项目"):
        services.merge_projects(keep, dup, acting_user=personas["admin"])
    with pytest.raises(ValidationError, match="不能把项目合并到它自己"):
        services.merge_projects(keep, keep, acting_user=personas["admin"])
    assert not AuditRecord.objects.exists()


def test_a_duplicate_cannot_be_merged_twice(make_project, personas):
    keep, other, dup = make_project(stage="signed"), make_project(stage="signed"), make_project()
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    with pytest.raises(ValidationError, match="已合并入"):
        services.merge_projects(other, dup, acting_user=personas["admin"])


def test_the_merge_form_merges_and_redirects_to_the_kept_project(client, pair, personas):
    keep, dup = pair
    client.force_login(personas["officer_a"])
    page = client.get(reverse("project_detail", args=[dup.pk])).content.decode()
    assert f'href="/projects/{keep.pk}/"' in page.split('id="merge-card"')[1]  # suggested as a duplicate
    response = client.post(reverse("project_merge", args=[dup.pk]), {"keep": keep.pk, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/projects/{keep.pk}/"
    dup.refresh_from_db()
    assert dup.merged_into == keep and AuditRecord.objects.count() == 2


def test_the_merge_form_needs_a_confirmation_and_an_existing_project(client, pair, personas):
    keep, dup = pair
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_merge", args=[dup.pk]), {"keep": keep.pk})
    assert response.status_code == 400 and response.context["merge_form"].errors["confirm"] == ["请勾选确认合并。"]
    response = client.post(reverse("project_merge", args=[dup.pk]), {"keep": 9999, "confirm": "on"})
    assert response.status_code == 400
    assert response.context["merge_form"].errors["keep"] == ["没有编号为 9999 的项目（或它已被合并）。"]
    assert not AuditRecord.objects.exists()


def test_a_new_project_may_not_take_a_merged_projects_name(client, pair, personas, industry, departments, investor):
    keep, dup = pair
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_create"),
                           _create_post(industry, departments, investor, name=dup.name, confirm_duplicate="on"))
    assert response.status_code == 400 and "请勿重复登记" in response.context["form"].errors["name"][0]
