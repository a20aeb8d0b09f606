"""A node's candidate list on a hand-made registry: who is listed, in which order, with which parts and
reasons; filters; pipeline status; what a badly defined node says; the page, the Excel export and
`lianzhao targets` showing the same list."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianzhao.projects.models import InvestmentProject
from lianzhao.targets.candidates import Filters, candidates_for
from lianzhao.targets.models import TargetWeightsSetting
from tests.targets.conftest import company

pytestmark = pytest.mark.django_db


def names(result):
    return [c.company.name for c in result.candidates]


def test_candidates_are_external_matching_companies_ranked_by_the_weighted_parts(world):
    result = candidates_for(world["separator"], with_gap=False)
    assert names(result) == ["乙膜业有限公司", "甲隔膜股份有限公司", "丙电子股份有限公司"]
    city, specialist, by_code = result.candidates
    # 0.45 × 1 + 0.15 × 1 (same 小类) + 0.1 × 0.6 (中型) + 0.1 × 1 (same city as the district)
    assert city.score == pytest.approx(76.0)
    # 0.45 × (½ + ½ × 0.62) + 0.2 × (½ + ½ × 0.62) (湿法隔膜, a material of the leader's 动力电池) + 0.1 × 0.8
    # (listed); its 冷轧板 also goes into the leader's 汽车, but that says nothing about it as a separator maker.
    assert specialist.score == pytest.approx(100 * (0.45 * 0.81 + 0.2 * 0.81 + 0.1 * 0.8))
    assert specialist.reason == ("主营湿法隔膜（营收占比 62%）；主营湿法隔膜为本地链主示例·本地整车厂（动力电池）的上游材料；"
                                 "上市公司")
    assert by_code.score == pytest.approx(100 * (0.15 * 0.3 + 0.1 * 0.8))
    assert by_code.reason.startswith("证监会行业 C39（与环节同属大类 39）")
    assert specialist.sources == ("测试来源", "产品上下游关系（产业链知识图谱）", "测试名录")
    assert city.company.region_name == "山东省青岛市胶州市"


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(listed=True), ["甲隔膜股份有限公司", "丙电子股份有限公司"]),
    (Filters(listed=False), ["乙膜业有限公司"]),
    (Filters(province="32"), ["甲隔膜股份有限公司"]),
    (Filters(scale="medium"), ["乙膜业有限公司"]),
    (Filters(match="product"), ["乙膜业有限公司", "甲隔膜股份有限公司"]),
    (Filters(match="industry"), ["丙电子股份有限公司"]),
])
def test_filters_by_listing_province_scale_and_match(world, filters, expected):
    assert names(candidates_for(world["separator"], filters=filters, with_gap=False)) == expected


def test_the_page_and_the_command_filter_by_how_a_candidate_matches(world, client):
    client.force_login(world["personas"]["officer_a"])
    page = client.get(reverse("node_candidates", args=["t-separator"]), {"match": "product"}).content.decode()
    assert f'data-enterprise="{world["specialist"].pk}"' in page
    assert f'data-enterprise="{world["by_code"].pk}"' not in page
    out = StringIO()
    call_command("targets", "--node", "隔膜", "--match", "industry", "--format", "json", stdout=out)
    assert [r["name"] for r in json.loads(out.getvalue())] == ["丙电子股份有限公司"]


def test_the_analysts_weights_decide_the_order(world):
    TargetWeightsSetting.objects.create(product=0, industry=1, supply=0, scale=0, region=0)
    assert names(candidates_for(world["separator"], with_gap=False))[:2] == ["乙膜业有限公司", "丙电子股份有限公司"]


def test_a_node_without_codes_lists_by_keywords_and_says_what_it_lacks(world):
    company("己锂电材料有限公司", [("磷酸铁锂", None)])
    result = candidates_for(world["keywords_only"], with_gap=False)
    assert result.lacks == ["行业代码"] and names(result) == ["己锂电材料有限公司"]


def test_a_node_without_keywords_or_codes_lists_nobody_and_says_why(world, client):
    result = candidates_for(world["bare"], with_gap=False)
    assert result.candidates == [] and "既没有产品关键词也没有行业代码" in result.unmatchable
    client.force_login(world["personas"]["analyst"])
    page = client.get(reverse("node_candidates", args=["t-bare"])).content.decode()
    assert "既没有产品关键词也没有行业代码" in page and 'id="candidates"' not in page


def test_the_page_shows_parts_reasons_sources_and_pipeline_stage(world, client):
    project = InvestmentProject.objects.create(name="甲隔膜项目", investor=world["specialist"], industry=world["nev"],
                                               method="referral", stage="negotiating",
                                               department=world["departments"]["a"])
    client.force_login(world["personas"]["leader"])
    page = client.get(reverse("node_candidates", args=["t-separator"])).content.decode()
    assert "主营湿法隔膜（营收占比 62%）" in page and "来源：测试来源" in page
    assert "产品匹配 36.5" in page and "配套关系 16.2" in page
    assert reverse("project_detail", args=[project.pk]) in page and "洽谈" in page
    assert "生成线索" not in page  # leaders may not create projects


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_candidates(world, client):
    client.force_login(world["personas"]["leader"])
    url = reverse("node_candidates", args=["t-separator"])
    client.get(url)  # the first request of a session reads a few things once
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        company(f"新隔膜企业{i}", [("涂覆隔膜", None)], region_code="44")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count("data-enterprise=") == 9
    assert len(many) == len(few)


def test_the_excel_export_lists_the_same_rows_and_keeps_formula_text_as_text(world, client):
    company("=HYPERLINK(\"http://x\")隔膜公司", [("涂覆隔膜", None)])
    client.force_login(world["personas"]["officer_a"])
    response = client.get(reverse("node_candidates_xlsx", args=["t-separator"]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "排名")
    listed = [ws.cell(r, 2).value for r in range(header_row + 1, ws.max_row + 1)]
    assert listed == names(candidates_for(world["separator"], with_gap=False))
    formula = next(r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, 2).value.startswith("="))
    assert ws.cell(formula, 2).data_type == "s"


def test_the_command_prints_the_page_list_as_json(world):
    out = StringIO()
    call_command("targets", "--node", "隔膜", "--industry", "nev", "--limit", "2", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["name"] for r in rows] == ["乙膜业有限公司", "甲隔膜股份有限公司"]
    specialist = rows[1]
    assert specialist["stock_code"] == "300001.SZ" and specialist["score"] == pytest.approx(60.65)
    assert specialist["parts"]["supply"]["points"] == pytest.approx(16.2)
    assert specialist["reason"].startswith("主营湿法隔膜（营收占比 62%）")
    assert rows[0]["stock_code"] is None


def test_the_command_asks_for_the_industry_when_the_node_name_is_not_unique(world):
    from lianzhao.industries.models import ChainNode, Industry

    other = Industry.objects.create(name="储能", slug="storage", kind="emerging")
    ChainNode.objects.create(industry=other, key="s-separator", name="隔膜", position="upstream", gbt_codes=["3985"])
    with pytest.raises(CommandError, match="不唯一，请用 --industry"):
        call_command("targets", "--node", "隔膜", stdout=StringIO())
    with pytest.raises(CommandError, match="没有名为"):
        call_command("targets", "--node", "不存在的环节", stdout=StringIO())
    with pytest.raises(CommandError, match="既没有产品关键词也没有行业代码"):
        call_command("targets", "--node", "其他配套", stdout=StringIO())


def test_companies_matched_by_industry_alone_come_most_specific_code_first_up_to_the_cap(world, monkeypatch):
    from lianzhao.targets import candidates

    same_class = company("壬电子有限公司", gbt_code="3985")  # the node's own 小类
    company("己电子有限公司", gbt_code="3989")
    company("庚电子有限公司", gbt_code="3910")
    company("辛电子有限公司", gbt_code="3989")
    company("癸食品有限公司", gbt_code="1469")  # another 大类: never an industry match
    by_product = {"甲隔膜股份有限公司", "乙膜业有限公司"}
    monkeypatch.setattr(candidates, "INDUSTRY_POOL", 4)
    found = candidates.candidate_pool(world["separator"], Filters())
    pool, capped = found.companies, found.industry_capped
    # The 小类 first, then the 大类 by code, highest first: 丙 (C39, no GB/T code) is the one left out.
    assert {e.name for e in pool} == by_product | {same_class.name, "己电子有限公司", "辛电子有限公司", "庚电子有限公司"}
    assert capped
    monkeypatch.setattr(candidates, "INDUSTRY_POOL", 5)
    found = candidates.candidate_pool(world["separator"], Filters())
    pool, capped = found.companies, found.industry_capped
    assert {e.name for e in pool} == by_product | {same_class.name, "己电子有限公司", "辛电子有限公司", "庚电子有限公司",
                                                   "丙电子股份有限公司"}
    assert not capped



def test_companies_matched_by_a_product_are_cut_to_those_that_match_best(world, monkeypatch):
    from lianzhao.targets import candidates

    company("子隔膜有限公司", [("锂电池隔膜", Decimal("0.9"))], source="测试名录")
    company("丑化工有限公司", [("隔膜", Decimal("0.05")), ("涂料", Decimal("0.95"))], source="测试名录")
    monkeypatch.setattr(candidates, "PRODUCT_POOL", 3)
    # Product parts: 乙 1.0 (its only product), 子 0.95, 甲 0.81 (湿法隔膜 62 %), 丑 0.525.
    result = candidates_for(world["separator"], limit=None, with_gap=False)
    assert result.product_matches == 4
    assert {"乙膜业有限公司", "子隔膜有限公司", "甲隔膜股份有限公司"} <= set(names(result))
    assert "丑化工有限公司" not in names(result)
    monkeypatch.setattr(candidates, "PRODUCT_POOL", 4)
    result = candidates_for(world["separator"], limit=None, with_gap=False)
    assert result.product_matches == 0 and "丑化工有限公司" in names(result)


def test_exclusion_words_are_a_list_that_leaves_the_nodes_own_products_alone(world, client):
    from django.core.exceptions import ValidationError

    from lianzhao.audit.models import AuditRecord

    node = world["separator"]
    node.exclude_keywords = "液碱"  # a string would be read character by character
    with pytest.raises(ValidationError, match="应为词语列表"):
        node.full_clean()
    node.exclude_keywords = ["膜"]  # inside 湿法隔膜: every separator would be excluded
    with pytest.raises(ValidationError, match="排除词“膜”出现在“湿法隔膜”中"):
        node.full_clean()
    # Through the admin: refused with the reason, then saved and audited.
    client.force_login(world["personas"]["admin"])
    url = reverse("admin:industries_chainnode_change", args=[node.pk])
    form = {"industry": node.industry_id, "parent": "", "key": node.key, "name": node.name, "position": node.position,
            "description": "", "gbt_codes": '["3985"]', "keywords": '["湿法隔膜", "涂覆隔膜"]', "order": 0}
    page = client.post(url, {**form, "exclude_keywords": '["隔膜"]'}).content.decode()
    assert "会排除本环节自己的产品" in page
    node.refresh_from_db()
    assert node.exclude_keywords == []
    response = client.post(url, {**form, "exclude_keywords": '["液碱", "阻隔"]'})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.exclude_keywords == ["液碱", "阻隔"]
    audit = AuditRecord.objects.filter(model_name="chainnode", object_id=str(node.pk)).latest("at")
    assert audit.after["exclude_keywords"] == ["液碱", "阻隔"] and audit.before["exclude_keywords"] == []
    company("卯化工有限公司", [("隔膜液碱", Decimal("1"))], source="测试名录")
    assert "卯化工有限公司" not in names(candidates_for(node, limit=None, with_gap=False))


def test_an_analyst_edits_a_nodes_words_on_its_candidate_list(world, client):
    from lianzhao.audit.models import AuditRecord

    node = world["separator"]
    company("卯化工有限公司", [("隔膜液碱", Decimal("1"))], source="测试名录")
    url = reverse("node_words", args=[node.key])
    page_url = reverse("node_candidates", args=[node.key])
    was = json.dumps([node.keywords, []], ensure_ascii=False)
    client.force_login(world["personas"]["officer_a"])
    assert client.post(url, {"keywords": "湿法隔膜", "exclude_keywords": "液碱", "was": was}).status_code == 403
    assert 'id="node-words"' not in client.get(page_url).content.decode()

    client.force_login(world["personas"]["analyst"])
    assert "卯化工有限公司" in client.get(page_url).content.decode()
    # An exclusion word inside a keyword: refused, field named, nothing saved.
    response = client.post(url, {"keywords": "湿法隔膜、涂覆隔膜", "exclude_keywords": "液碱、涂覆", "was": was})
    assert response.status_code == 400
    assert "排除词“涂覆”出现在“涂覆隔膜”中" in response.content.decode()
    node.refresh_from_db()
    assert node.exclude_keywords == []
    # Saved: words split at 顿号 and commas, not spaces; the list is recomputed; one audit row.
    response = client.post(url, {"keywords": "湿法隔膜，涂覆隔膜、Mini LED", "exclude_keywords": "液碱", "was": was})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.keywords == ["湿法隔膜", "涂覆隔膜", "Mini LED"] and node.exclude_keywords == ["液碱"]
    assert "卯化工有限公司" not in client.get(page_url).content.decode()
    audit = AuditRecord.objects.filter(model_name="chainnode", object_id=str(node.pk)).latest("at")
    assert audit.actor == world["personas"]["analyst"] and audit.before["exclude_keywords"] == []
    assert audit.after["exclude_keywords"] == ["液碱"]
    # From a page drawn before that change: refused as stale, naming the words now stored.
    response = client.post(url, {"keywords": "湿法隔膜", "exclude_keywords": "", "was": was})
    assert response.status_code == 409 and "排除词 液碱" in response.content.decode()
    node.refresh_from_db()
    assert node.exclude_keywords == ["液碱"]


def test_the_page_names_keywords_too_general_to_match_on(world, client):
    node = world["separator"]
    node.keywords = ["湿法隔膜", "软件"]
    node.save()
    client.force_login(world["personas"]["analyst"])
    page = client.get(reverse("node_candidates", args=[node.key])).content.decode()
    assert "关键词 软件 过于宽泛（或不足两个字），不参与匹配。" in page
