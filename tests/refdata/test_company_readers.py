"""Readers of the listed-company list, the chain knowledge graph and the concept boards (the counts
their PROVENANCE.md files state), and the facts the target score gets from them."""

from __future__ import annotations

import pytest

from lianzhao.econ.targets import ProductGraph
from lianzhao.refdata import chain_graph, concept_boards, listed
from lianzhao.refdata.company_facts import listed_company_facts
from tests.conftest import needs_data


@needs_data
def test_the_listed_companies_join_tushare_and_baostock_on_the_stock_code():
    companies = listed.load_listed_companies()
    # PROVENANCE.md: 5,806 rows, 5,486 listed (L) and 320 delisted (D); 5,190 listed ones get a CSRC code.
    assert len(companies) == 5806
    assert sum(c.listed for c in companies.values()) == 5486
    assert sum(1 for c in companies.values() if c.listed and c.csrc_code) == 5190
    catl = companies["300750"]
    assert (catl.name, catl.ts_code, catl.area, catl.region_code) == ("宁德时代", "300750.SZ", "福建", "35")
    assert (catl.csrc_code, catl.csrc_name) == ("C38", "电气机械和器材制造业")
    assert companies["300840"].csrc_code == "C18" and companies["601298"].csrc_code == "G55"


@needs_data
def test_areas_become_division_codes():
    companies = listed.load_listed_companies()
    assert {c.area: c.region_code for c in companies.values() if c.area in ("深圳", "内蒙", "山东", "广东")} == {
        "深圳": "4403", "内蒙": "15", "山东": "37", "广东": "44"}
    assert all(c.region_code for c in companies.values() if c.area)


def test_csrc_industry_text_splits_into_code_and_name():
    assert listed.split_csrc("C36汽车制造业") == ("C36", "汽车制造业")
    assert listed.split_csrc("") == ("", "")


@needs_data
def test_the_graph_keeps_revenue_shares_only_where_they_are_shares():
    rows = chain_graph.read_company_products()
    # PROVENANCE.md: 53,779 rows of 3,832 companies (a few repeat a company's product).
    assert 53_000 < len(rows) <= 53_779 and len({r.symbol for r in rows}) == 3832
    gases = {r.product: r for r in rows if r.symbol == "688268"}
    assert gases["特种气体"].share == pytest.approx(0.510725)
    odd = [r for r in rows if r.weight is not None and not 0 < r.weight <= 1]
    assert odd and all(r.share is None for r in odd)


@needs_data
def test_product_links_and_the_graph_of_materials():
    links = chain_graph.read_product_links()
    assert {link.rel for link in links} == set(chain_graph.RELATIONS)
    graph = ProductGraph.from_links((x.from_product, x.to_product, x.rel) for x in links)
    assert "锂元素" in graph.materials["锂离子电池"]
    assert "锂离子电池" in graph.made_from["锂元素"]


@needs_data
def test_listed_company_facts_carry_products_industry_region_and_sources():
    facts = {f.id: f for f in listed_company_facts()}
    assert len(facts) == 5486
    catl = facts["300750"]
    assert catl.name == "宁德时代新能源科技股份有限公司" and catl.listed and catl.region_name == "福建省"
    assert catl.csrc_code == "C38" and catl.products
    assert {p.source for p in catl.products} == {chain_graph.SOURCE}
    assert catl.sources["csrc"] == listed.SOURCE_CSRC


@needs_data
def test_concept_boards_leave_out_market_state_boards():
    boards = concept_boards.read_board_members()
    assert "新能源车" in boards and "300750" in boards["新能源车"]
    assert not {"融资融券", "昨日涨停", "2025中报预增", "HS300_"} & set(boards)
    assert concept_boards.is_market_state("昨日高振幅") and not concept_boards.is_market_state("风能")
