"""The company profile (企业画像): identity, region, industry codes, main products with their shares
and sources, the chain nodes the company maps to and why, the products upstream and downstream of
its own, and its projects and visits with the bureau. Every figure carries its source; a sample
company (示例) says so."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianzhao.econ.targets import industry_part, product_part
from lianzhao.enterprises.choices import ProductRelation
from lianzhao.enterprises.facts import company_facts, node_profile
from lianzhao.enterprises.models import Enterprise, ProductLink
from lianzhao.industries.models import ChainNode
from lianzhao.paths import DataDirError
from lianzhao.projects.choices import MANUAL_EVENT_KINDS
from lianzhao.projects.models import ProjectEvent
from lianzhao.refdata.divisions import load_divisions
from lianzhao.refdata.gbt4754 import load_classification

RELATED_SHOWN = 8  # materials / uses listed per product


@dataclass
class NodeMatch:
    node: ChainNode
    manual: bool
    product: float
    industry: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Profile:
    enterprise: Enterprise
    region: str
    gbt_label: str
    csrc_label: str
    products: list
    nodes: list[NodeMatch]
    related: list[dict]
    projects: list
    visits: list


def _labels(enterprise: Enterprise) -> tuple[str, str, str]:
    try:
        divisions = load_divisions(include_townships=len(enterprise.region_code) == 9)
        region = divisions.full_name(enterprise.region_code) if enterprise.region_code else ""
    except DataDirError:
        region = ""
    try:
        classification = load_classification()
    except DataDirError:
        return region, enterprise.gbt_code, enterprise.csrc_code
    gbt = classification.label(enterprise.gbt_code) if enterprise.gbt_code else ""
    division = classification.get(enterprise.csrc_code[1:]) if len(enterprise.csrc_code) == 3 else None
    csrc = f"{enterprise.csrc_code} {division.name}" if division else enterprise.csrc_code
    return region, gbt, csrc


def node_matches(enterprise: Enterprise, facts) -> list[NodeMatch]:
    """Chain nodes the company is mapped to by hand, and those its products or codes match (the
    score's product and industry parts), strongest first."""
    manual = set(enterprise.chain_nodes.values_list("pk", flat=True))
    out = []
    for node in ChainNode.objects.select_related("industry").order_by("industry__order", "order", "id"):
        profile = node_profile(node)
        product, product_reason, _ = product_part(profile, facts)
        industry, industry_reason, _ = industry_part(profile, facts)
        if product or industry or node.pk in manual:
            reasons = [r for r in (product_reason, industry_reason) if r]
            if node.pk in manual:
                reasons.insert(0, "人工归类")
            out.append(NodeMatch(node, node.pk in manual, product, industry, reasons))
    out.sort(key=lambda m: (not m.manual, -m.product, -m.industry))
    return out


def related_products(names: list[str]) -> list[dict]:
    """For each product: its materials (上游材料) and the products made from it (下游), from the stored
    product relations."""
    if not names:
        return []
    materials: dict[str, list[str]] = {}
    uses: dict[str, list[str]] = {}
    sources: set[str] = set()
    links = ProductLink.objects.filter(from_product__in=names).exclude(relation=ProductRelation.SUBTYPE)
    for f, t, rel, source in links.values_list("from_product", "to_product", "relation", "source"):
        (materials if rel == ProductRelation.UPSTREAM else uses).setdefault(f, []).append(t)
        sources.add(source)
    links = ProductLink.objects.filter(to_product__in=names).exclude(relation=ProductRelation.SUBTYPE)
    for f, t, rel, source in links.values_list("from_product", "to_product", "relation", "source"):
        (uses if rel == ProductRelation.UPSTREAM else materials).setdefault(t, []).append(f)
        sources.add(source)
    rows = []
    for name in names:
        up, down = sorted(set(materials.get(name, []))), sorted(set(uses.get(name, [])))
        if up or down:
            rows.append({"product": name, "materials": up[:RELATED_SHOWN], "more_materials": max(0, len(up) - RELATED_SHOWN),
                         "uses": down[:RELATED_SHOWN], "more_uses": max(0, len(down) - RELATED_SHOWN),
                         "source": "；".join(sorted(s for s in sources if s))})
    return rows


def build_profile(enterprise: Enterprise) -> Profile:
    region, gbt, csrc = _labels(enterprise)
    products = list(enterprise.products.order_by("order", "id"))
    [facts] = company_facts([enterprise])
    projects = list(enterprise.projects.select_related("industry", "department", "chain_node").order_by("-pk"))
    visits = list(ProjectEvent.objects.filter(project__in=[p.pk for p in projects], kind__in=MANUAL_EVENT_KINDS)
                  .select_related("project", "actor").order_by("-occurred_on", "-pk")[:30])
    return Profile(enterprise=enterprise, region=region, gbt_label=gbt, csrc_label=csrc, products=products,
                   nodes=node_matches(enterprise, facts), related=related_products([p.name for p in products]),
                   projects=projects, visits=visits)
