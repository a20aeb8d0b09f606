"""What the target score knows about stored companies and chain nodes
(:class:`lianzhao.econ.targets.CompanyFacts`, :class:`~lianzhao.econ.targets.NodeProfile`), built
from the database — the same facts :mod:`lianzhao.refdata.company_facts` builds from the files."""

from __future__ import annotations

from collections.abc import Iterable

from lianzhao.econ.targets import ChainLeader, CompanyFacts, NodeProfile, Product, ProductGraph
from lianzhao.enterprises.choices import ProductRelation
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct, ProductLink
from lianzhao.paths import DataDirError
from lianzhao.refdata.company_facts import region_name
from lianzhao.refdata.divisions import load_divisions

CHUNK = 900
#: What a company's codes, region and size are cited as when its record names no source.
SAMPLE_SOURCE = "示例数据"
UNSOURCED = "企业库记录（未注明来源）"


def _divisions():
    try:
        return load_divisions()
    except DataDirError:
        return None


def node_profile(node) -> NodeProfile:
    """A chain node (industries.ChainNode) as the score matches it."""
    return NodeProfile(key=node.key, name=node.name, keywords=tuple(node.keywords or ()),
                       gbt_codes=tuple(node.gbt_codes or ()),
                       excludes=tuple(w.strip() for w in node.exclude_keywords or () if w.strip()))


def company_facts(enterprises: Iterable[Enterprise]) -> list[CompanyFacts]:
    """The facts of ``enterprises`` (ids as ``CompanyFacts.id``), their products read in one query per
    :data:`CHUNK` companies."""
    enterprises = list(enterprises)
    products: dict[int, list[Product]] = {}
    ids = [e.pk for e in enterprises]
    for start in range(0, len(ids), CHUNK):
        for eid, name, share, source in (EnterpriseProduct.objects.filter(enterprise_id__in=ids[start:start + CHUNK])
                                         .order_by("enterprise_id", "order", "id")
                                         .values_list("enterprise_id", "name", "share", "source")):
            products.setdefault(eid, []).append(Product(name, float(share) if share is not None else None, source))
    divisions = _divisions()
    out = []
    for e in enterprises:
        source = e.source or (SAMPLE_SOURCE if e.is_sample else UNSOURCED)
        sources = dict.fromkeys(("industry", "csrc", "region", "scale"), source)
        out.append(CompanyFacts(
            id=e.pk, name=e.name, products=tuple(products.get(e.pk, ())), gbt_code=e.gbt_code, csrc_code=e.csrc_code,
            region_code=e.region_code, region_name=region_name(e.region_code, divisions), listed=bool(e.stock_code),
            scale=e.scale, registered_capital=float(e.registered_capital) if e.registered_capital is not None else None,
            sources=sources))
    return out


def local_leaders() -> list[ChainLeader]:
    """The district's chain leaders (local, 链主) with their main products."""
    leaders = Enterprise.objects.filter(is_local=True, is_chain_leader=True).prefetch_related("products").order_by("name")
    return [ChainLeader(e.name, tuple(p.name for p in e.products.all())) for e in leaders]


def graph_for(products: Iterable[str]) -> ProductGraph:
    """The materials of ``products`` and what is made from them (stored product relations)."""
    names = sorted(set(products))
    if not names:
        return ProductGraph({}, {})
    links = []
    for start in range(0, len(names), CHUNK):
        part = names[start:start + CHUNK]
        for f, t, rel in ProductLink.objects.filter(from_product__in=part).exclude(
                relation=ProductRelation.SUBTYPE).values_list("from_product", "to_product", "relation"):
            links.append((f, t, rel))
        for f, t, rel in ProductLink.objects.filter(to_product__in=part).exclude(
                relation=ProductRelation.SUBTYPE).values_list("from_product", "to_product", "relation"):
            links.append((f, t, rel))
    words = {ProductRelation.UPSTREAM: "上游材料", ProductRelation.DOWNSTREAM: "下游产品"}
    return ProductGraph.from_links((f, t, words[rel]) for f, t, rel in links)
