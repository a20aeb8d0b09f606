"""The listed companies of the reference data as the target score sees them
(:class:`lianzhao.econ.targets.CompanyFacts`), without a database — for the held-out evaluation
(bench/targets_eval.py) and the command line. The web app builds the same facts from the rows
`lianzhao refdata load` wrote (tests check both agree).

Also the rule that turns the product graph into :class:`~lianzhao.econ.targets.ProductGraph`, and
the region names the score prints.
"""

from __future__ import annotations

from lianzhao.econ.targets import CompanyFacts, Product, ProductGraph
from lianzhao.paths import DataDirError
from lianzhao.refdata import chain_graph, listed
from lianzhao.refdata.divisions import Divisions, load_divisions


def region_name(code: str, divisions: Divisions | None) -> str:
    """"山东省" for 37, "广东省深圳市" for 4403; the code itself when unknown."""
    if not code:
        return ""
    name = divisions.full_name(code) if divisions is not None else ""
    return name or code


def listed_company_facts(*, include_delisted: bool = False) -> list[CompanyFacts]:
    """Every listed company with its main products (2021 graph), CSRC industry and province, as
    :class:`CompanyFacts` keyed (``id``) by the 6-digit stock code."""
    companies = listed.load_listed_companies()
    products: dict[str, list[Product]] = {}
    for row in chain_graph.read_company_products():
        products.setdefault(row.symbol, []).append(Product(row.product, row.share, chain_graph.SOURCE))
    names = chain_graph.read_full_names()
    try:
        divisions = load_divisions()
    except DataDirError:
        divisions = None
    out = []
    for symbol, c in companies.items():
        if not c.listed and not include_delisted:
            continue
        out.append(CompanyFacts(
            id=symbol, name=names.get(symbol, c.name), products=tuple(products.get(symbol, ())),
            csrc_code=c.csrc_code, region_code=c.region_code, region_name=region_name(c.region_code, divisions),
            listed=c.listed,
            sources={"csrc": listed.SOURCE_CSRC, "region": listed.SOURCE_BASIC, "scale": listed.SOURCE_BASIC},
        ))
    return out


def product_graph() -> ProductGraph:
    """The product graph's 上游材料 and 下游产品 relations."""
    return ProductGraph.from_links((link.from_product, link.to_product, link.rel)
                                   for link in chain_graph.read_product_links())


__all__ = ["listed_company_facts", "product_graph", "region_name"]
