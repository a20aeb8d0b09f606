"""The target score (lianzhao.econ.targets) on a hand-made registry: each part's value and reason,
the weighted total, who is (not) a candidate, and the weights that are refused."""

from __future__ import annotations

import math

import pytest

from lianzhao.econ.targets import (
    ChainLeader,
    CompanyFacts,
    NodeProfile,
    NodeUnmatchable,
    Product,
    ProductGraph,
    TargetWeights,
    industry_part,
    product_part,
    product_pieces,
    rank_candidates,
    region_part,
    scale_part,
    score_company,
    supply_part,
)

SEPARATOR = NodeProfile("nev-separator", "隔膜", ("湿法隔膜", "干法隔膜", "涂覆隔膜"), ("3985",))
BODY = NodeProfile("nev-body", "车身", ("冷轧板",), ("3670",))
GRAPH = ProductGraph.from_links([("汽车", "冷轧板", "上游材料"), ("服装", "涤纶", "上游材料"),
                                 ("隔膜", "聚乙烯", "上游材料"), ("汽车", "汽车隔热膜", "产品小类"),
                                 ("动力电池", "湿法隔膜", "上游材料")])
LEADER = ChainLeader("示例·某整车厂", ("汽车",))
BATTERY_LEADER = ChainLeader("示例·某电池厂", ("动力电池",))
JIMO = "370215"


def company(name="某公司", **kw) -> CompanyFacts:
    kw.setdefault("sources", {"csrc": "证监会行业分类（测试）", "region": "名录（测试）", "scale": "名录（测试）"})
    return CompanyFacts(id=name, name=name, **kw)


def test_a_specialist_scores_half_for_the_product_and_half_by_its_revenue_share():
    c = company(products=(Product("隔膜", 0.62, "图谱"), Product("涂料", 0.38, "图谱")))
    value, reason, sources = product_part(SEPARATOR, c)
    assert value == pytest.approx(1.0 * (0.5 + 0.5 * 0.62))
    assert reason == "主营隔膜（营收占比 62%）"
    assert sources == ["图谱"]


def test_a_product_named_more_broadly_than_the_node_counts_half():
    node = NodeProfile("b", "动力电池", ("锂离子电池",), ("3841",))
    c = company(products=(Product("电池", 1.0),))
    value, reason, _ = product_part(node, c)
    assert value == pytest.approx(0.5 * (0.5 + 0.5 * 0.5))
    assert "较“锂离子电池”更宽泛" in reason


def test_unknown_shares_count_one_over_the_number_of_products():
    c = company(products=(Product("湿法隔膜"), Product("薄膜"), Product("胶带"), Product("涂料")))
    value, reason, _ = product_part(SEPARATOR, c)
    assert value == pytest.approx(0.5 + 0.5 * 0.25)
    assert "营收占比未知" in reason


def test_generic_words_neither_match_nor_become_terms():
    node = NodeProfile("x", "设备", ("材料", "隔膜"), ())
    assert node.terms == ("隔膜",)
    assert product_part(SEPARATOR, company(products=(Product("材料", 1.0),)))[0] == 0


@pytest.mark.parametrize("product", ["医药", "制药", "生物制药", "食品", "装备", "仪器", "技术", "批发"])
def test_a_sector_word_is_not_a_broader_name_of_a_qualified_node_term(product):
    # "医药" is "broader" than "海洋生物医药" only by dropping what the node is about: any drug maker.
    node = NodeProfile("m", "海洋生物医药", ("海洋药物", "海洋生物制药", "海洋功能食品", "渔业装备", "海洋仪器",
                                          "海洋技术服务", "水产品批发"), ("2761",))
    assert product_part(node, company(products=(Product(product, 1.0),)))[0] == 0


@pytest.mark.parametrize(("product", "expected"), [
    ("锂电池隔膜", 1.0), ("隔膜业务", 1.0), ("涂覆隔膜及配件", 1.0),  # the product, or its business
    ("隔膜压滤机", 0.0), ("隔膜泵", 0.0), ("隔膜生产线", 0.0),  # a machine for something with 隔膜 in its name
    ("隔膜液碱", 0.0), ("高阻隔膜", 0.0),  # the node's exclusion words: caustic soda, barrier film
    ("液碱及锂电池隔膜", 1.0),  # a name listing two products: the other one still matches
])
def test_a_product_matches_as_the_thing_itself_not_as_its_machine_or_a_false_friend(product, expected):
    node = NodeProfile("nev-separator", "隔膜", ("湿法隔膜", "干法隔膜", "涂覆隔膜"), ("3985",), excludes=("液碱", "阻隔"))
    assert product_part(node, company(products=(Product(product, 1.0),)))[0] == expected


def test_an_instrument_is_a_product_ending_in_yi_not_one_with_an_instrument_panel():
    cockpit = NodeProfile("s", "智能座舱", ("智能座舱", "自动驾驶"), ("3670",))
    assert product_part(cockpit, company(products=(Product("农机自动驾驶仪", 1.0),)))[0] == 0
    assert product_part(cockpit, company(products=(Product("智能座舱仪表板", 1.0),)))[0] == 1.0


def test_a_machine_node_keeps_its_machines():
    node = NodeProfile("w", "风电整机", ("海上风电机组",), ("3415",))
    assert product_part(node, company(products=(Product("风电整机控制系统", 1.0),)))[0] == 1.0
    logistics = NodeProfile("l", "物流装备", ("智能分拣",), ("3434",))
    assert product_part(logistics, company(products=(Product("智能分拣机", 1.0),)))[0] == 1.0
    assert product_part(SEPARATOR, company(products=(Product("隔膜分切机", 1.0),)))[0] == 0


@pytest.mark.parametrize(("product", "expected"), [
    ("电池", 0.5),  # the head of 锂离子电池: a battery maker, named more broadly
    ("电机", 0.0), ("风电", 0.0),  # inside 海上风电机组 (风-电机-组), not its head
    ("BT", 0.0),  # two Latin letters inside IGBT
])
def test_a_broader_name_is_the_end_of_a_term(product, expected):
    node = NodeProfile("x", "动力电池", ("锂离子电池", "海上风电机组", "IGBT"), ("3841",))
    assert product_part(node, company(products=(Product(product, 1.0),)))[0] == pytest.approx(expected * 0.75)


@pytest.mark.parametrize(("product", "pieces"), [
    ("储能系统及充电桩", ("储能系统", "充电桩")), ("汽车零部件-压缩机", ("汽车零部件", "压缩机")),
    ("③智慧城市与金融", ("智慧城市", "金融")), ("Mini LED显示屏", ("Mini LED显示屏",)), ("Wi-Fi模组", ("Wi-Fi模组",)),
])
def test_a_name_listing_several_products_is_cut_between_them_not_inside_latin_words(product, pieces):
    assert product_pieces(product) == pieces


def test_a_latin_term_matches_whole_words_only():
    node = NodeProfile("c", "工业控制系统", ("PLC", "工控机"), ("3914",))
    assert product_part(node, company(products=(Product("PLC控制器", 1.0),)))[0] == 1.0
    assert product_part(node, company(products=(Product("PLCVOA", 1.0),)))[0] == 0


@pytest.mark.parametrize(("gbt", "csrc", "expected"), [
    ("3985", "", 1.0), ("3981", "", 0.6), ("3912", "", 0.3), ("", "C39", 0.3), ("", "C38", 0.0),
    ("2613", "C39", 0.3), ("39", "", 0.3),
])
def test_industry_match_by_gbt_level_or_csrc_division(gbt, csrc, expected):
    value, reason, _ = industry_part(SEPARATOR, company(gbt_code=gbt, csrc_code=csrc))
    assert value == expected
    assert bool(reason) == bool(expected)


def test_supplying_a_material_of_a_local_leaders_product_is_a_supply_relation():
    c = company(products=(Product("冷轧板", 0.4), Product("隔膜", 0.6)))
    value, reason = supply_part(BODY, c, [LEADER], GRAPH)
    assert value == pytest.approx(0.5 + 0.5 * 0.4)
    assert reason == "主营冷轧板为本地链主示例·某整车厂（汽车）的上游材料"
    assert supply_part(BODY, company(products=(Product("汽车隔热膜", 1.0),)), [LEADER], GRAPH) == (0.0, "")


def test_a_relation_through_a_product_the_node_does_not_stand_for_is_no_supply_relation():
    # The car maker buys its cold-rolled steel: that says nothing about the company as a separator maker.
    c = company(products=(Product("冷轧板", 0.4), Product("隔膜", 0.6)))
    assert supply_part(SEPARATOR, c, [LEADER], GRAPH) == (0.0, "")
    # Its 隔膜, made from a local resin maker's 聚乙烯, is: only that product's share counts.
    value, reason = supply_part(SEPARATOR, c, [LEADER, ChainLeader("示例·某树脂厂", ("聚乙烯",))], GRAPH)
    assert value == pytest.approx(0.5 + 0.5 * 0.6) and "冷轧板" not in reason


def test_a_company_that_buys_a_leaders_product_as_material_is_downstream():
    leader = ChainLeader("示例·某隔膜厂", ("聚乙烯",))
    value, reason = supply_part(SEPARATOR, company(products=(Product("隔膜", 1.0),)), [leader], GRAPH)
    assert value == 1.0 and "以本地链主示例·某隔膜厂的聚乙烯为原料" in reason


def test_scale_takes_the_best_known_fact():
    assert scale_part(company()) == (0.0, "")
    assert scale_part(company(listed=True)) == (0.8, "上市公司")
    assert scale_part(company(listed=True, scale="large")) == (1.0, "大型企业")
    assert scale_part(company(registered_capital=20_000.0)) == (0.7, "注册资本 20,000 万元")


def test_region_prefers_the_city_then_the_province_then_the_analysts_list():
    assert region_part(company(region_code="370281", region_name="胶州"), JIMO, ()) == (1.0, "位于胶州（与本区同市）")
    assert region_part(company(region_code="37", region_name="山东省"), JIMO, ())[0] == 0.6
    assert region_part(company(region_code="32"), JIMO, ()) == (0.0, "")
    assert region_part(company(region_code="3205", region_name="苏州"), JIMO, ("32",))[0] == 1.0
    # Known only by its province, a company is not inside a preferred city of that province.
    assert region_part(company(region_code="32"), JIMO, ("3205",))[0] == 0.0


def test_the_score_is_the_weighted_mean_of_the_parts_and_reads_as_one_sentence():
    c = company("某隔膜公司", products=(Product("湿法隔膜", 0.62, "图谱"), Product("冷轧板", 0.2, "图谱")),
                csrc_code="C38", region_code="37", region_name="山东省", listed=True)
    w = TargetWeights(product=2, industry=1, supply=1, scale=1, region=1)
    cand = score_company(SEPARATOR, c, weights=w, leaders=[LEADER, BATTERY_LEADER], graph=GRAPH, district_code=JIMO)
    product = 0.5 + 0.5 * 0.62
    supply = 0.5 + 0.5 * 0.62  # 湿法隔膜 goes into the battery maker's 动力电池; 冷轧板 (the car maker's) is no separator
    expected = 100 * (2 * product + 0 + supply + 0.8 + 0.6) / 6
    assert cand.score == pytest.approx(expected)
    assert math.isclose(sum(p.points for p in cand.parts), cand.score)
    assert [p.key for p in cand.parts] == ["product", "industry", "supply", "scale", "region"]
    assert cand.part("industry").value == 0 and cand.part("industry").reason == ""
    assert cand.reason == ("主营湿法隔膜（营收占比 62%）；主营湿法隔膜为本地链主示例·某电池厂（动力电池）的上游材料；"
                           "上市公司；位于山东省（与本区同省）")
    assert cand.sources == ("图谱", "产品上下游关系（产业链知识图谱）", "名录（测试）")


def test_only_companies_matching_product_or_industry_are_candidates_best_first():
    registry = [
        company("甲", products=(Product("隔膜", 0.9),), listed=True),
        company("乙", products=(Product("隔膜", 0.1),)),
        company("丙", csrc_code="C39", listed=True, region_code="37"),
        company("丁", products=(Product("冷轧板", 1.0),), listed=True, region_code="3702"),  # no match
    ]
    ranked = rank_candidates(SEPARATOR, registry, weights=TargetWeights(), leaders=[LEADER], graph=GRAPH,
                             district_code=JIMO)
    assert [c.company.name for c in ranked] == ["甲", "乙", "丙"]
    assert [c.company.name for c in rank_candidates(SEPARATOR, registry, weights=TargetWeights(), limit=1)] == ["甲"]


def test_a_node_without_keywords_and_codes_says_what_it_lacks():
    bare = NodeProfile("x", "其他环节")
    assert bare.lacks() == ["产品关键词", "行业代码"]
    with pytest.raises(NodeUnmatchable, match="既没有产品关键词也没有行业代码"):
        rank_candidates(bare, [company(products=(Product("其他环节", 1.0),))], weights=TargetWeights())
    assert NodeProfile("y", "隔膜", ("湿法隔膜",)).lacks() == ["行业代码"]


@pytest.mark.parametrize("values", [
    {"product": -0.1}, {"product": 0, "industry": 0, "supply": 0, "scale": 0, "region": 0},
    {"scale": float("nan")}, {"region": float("inf")}, {"supply": "1"}, {"industry": True},
    {"preferred_regions": ("山东",)}, {"preferred_regions": ("370",)},
])
def test_negative_all_zero_or_non_numeric_weights_are_refused(values):
    with pytest.raises(ValueError):
        TargetWeights(**values)


def test_weights_round_trip_and_refuse_unknown_keys():
    w = TargetWeights(product=1, preferred_regions=("32", "3205"))
    assert TargetWeights.from_dict(w.as_dict()) == w
    with pytest.raises(ValueError, match="未知的权重项"):
        TargetWeights.from_dict({"bogus": 1})


def test_keywords_too_general_to_match_on_are_named():
    node = NodeProfile("f", "金融服务", ("金融", "供应链金融", "X"), ())
    assert node.terms == ("供应链金融", "金融服务") and node.ignored == ("金融", "X")
