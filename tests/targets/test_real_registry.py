"""The demo with the real reference companies (the `registry` fixture): every 补链 node of the six
leading chains lists real companies with reasons; the command prints the page's list."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from lianzhao.industries.models import ChainNode, Industry
from lianzhao.targets.candidates import candidates_for, gap_classes
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def test_every_fill_node_of_the_six_chains_lists_real_companies_with_reasons(registry):
    fill = []
    for industry in Industry.objects.filter(kind="leading"):
        classes, why = gap_classes(industry)
        assert not why
        fill += [n for n in ChainNode.objects.filter(industry=industry) if classes[n.key]["klass"] == "fill"]
        assert all(c["stability"] in ("稳健", "敏感") for c in classes.values())
    assert len(fill) >= 30  # 35 on the demo of 2026-12-04
    for node in fill:
        result = candidates_for(node, limit=10, with_gap=False)
        real = [c for c in result.candidates if not c.company.name.startswith("示例")]
        assert real, node
        assert all(c.reason and c.sources for c in real), node


def test_the_command_prints_the_list_the_page_shows(registry, client, demo_users):
    out = StringIO()
    call_command("targets", "--node", "隔膜", "--limit", "10", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    client.force_login(demo_users["officer_a"])
    page = client.get(reverse("node_candidates", args=["nev-separator"]), {"limit": 10}).content.decode()
    positions = [page.index(f'data-enterprise="{r["enterprise_id"]}"') for r in rows]
    assert positions == sorted(positions) and len(rows) == 10
    assert rows[0]["name"] == "深圳市星源材质科技股份有限公司" and rows[0]["stock_code"] == "300568.SZ"
    assert set(rows[0]["parts"]) == {"product", "industry", "supply", "scale", "region"}


def test_the_marine_biomedicine_node_lists_marine_products_not_any_api_maker(registry):
    # The demo's 海洋生物医药 once carried the keyword 原料药: every maker of active pharmaceutical
    # ingredients (heparin, steroids …) matched it by product and filled the top of the list.
    node = ChainNode.objects.get(key="marine-biomed")
    result = candidates_for(node, limit=None, with_gap=False)
    by_product = [c for c in result.candidates if c.part("product").value]
    assert by_product, "no company is matched by a marine product"
    assert not any("原料药" in c.part("product").reason for c in by_product)
    marine = ("海", "藻", "鱼", "壳聚糖", "甲壳")
    assert all(any(word in c.part("product").reason for word in marine) for c in by_product)
    top = result.candidates[0]
    assert top.part("product").value and "鱼胶原" in top.reason  # the one marine drug material listed in 2021


def test_a_supply_relation_is_through_what_the_node_stands_for(registry):
    # The demo's car maker buys fuel: that made an oil trader a candidate for the seafood cold chain.
    for key in ("marine-coldchain", "textile-dye-chem"):
        node = ChainNode.objects.get(key=key)
        for c in candidates_for(node, limit=None, with_gap=False).candidates:
            if c.part("supply").value:
                assert c.part("product").value, (key, c.company.name, c.reason)


def test_the_textile_market_node_lists_textile_markets_not_every_market_operator(registry):
    # Its keyword 市场经营 matched agricultural and electronics markets (农批发市场经营, 电子市场经营).
    node = ChainNode.objects.get(key="textile-wholesale")
    by_product = [c for c in candidates_for(node, limit=None, with_gap=False).candidates if c.part("product").value]
    assert not any("市场经营" in c.part("product").reason for c in by_product)
    assert all(any(w in c.part("product").reason for w in ("服装", "纺织", "面辅料", "轻纺")) for c in by_product)


def test_the_separator_list_names_separator_makers_not_filter_presses_or_caustic_soda(registry, client, demo_users):
    # 景津环保 (隔膜压滤机, a filter press) was second and 妙可蓝多 (隔膜液碱, caustic soda) eighth; 高阻隔膜
    # (a barrier film) contains 隔膜 by accident.
    node = ChainNode.objects.get(key="nev-separator")
    result = candidates_for(node, limit=None, with_gap=False)
    by_product = [c for c in result.candidates if c.by_product]
    assert len(by_product) >= 8 and result.by_product == len(by_product)
    for c in by_product:
        assert "隔膜" in c.part("product").reason, c.company.name
        assert not any(w in c.part("product").reason for w in ("压滤机", "液碱", "阻隔")), c.reason
    assert [c.by_product for c in result.candidates[:len(by_product)]] == [True] * len(by_product)
    # The page says which candidates share only an industry code.
    client.force_login(demo_users["officer_a"])
    page = client.get(reverse("node_candidates", args=["nev-separator"])).content.decode()
    first_industry_only = next(c for c in result.candidates if not c.by_product)
    row = page[page.index(f'data-enterprise="{first_industry_only.company.id}"'):]
    assert "仅行业" in row[:row.index("</tr>")]
    assert f"主营产品与本环节相符的 {len(by_product)} 家" in page


def test_a_broader_product_is_the_head_of_a_node_term_not_any_part_of_it(registry):
    # 电机 sits inside 海上风电机组 (风-电机-组) and 服装 opens 服装设计: neither is a wind turbine or a design studio.
    for key, wrong in (("green_energy-turbine", "电机"), ("textile-design", "服装")):
        node = ChainNode.objects.get(key=key)
        for c in candidates_for(node, limit=None, with_gap=False).candidates:
            assert not any(p.name == wrong for p in c.company.products) or not c.by_product, (key, c.reason)
