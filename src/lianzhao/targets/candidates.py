"""The candidate list of one chain node — the one function behind the page, the Excel export and
`lianzhao targets`, so all three show the same companies in the same order.

The database narrows the registry to the companies that can match (external companies whose name
or products contain a node term — the full-text index —, whose product is named by the end of a term,
or whose GB/T or CSRC code shares the node's 大类); the framework-free score
(:func:`lianzhao.econ.targets.rank_candidates`) ranks them with the analyst's weights, the local
chain leaders and their product relations. Companies matched by industry alone are at most
:data:`INDUSTRY_POOL` (the most specific codes first): on a registry of a million companies one
大类 can hold tens of thousands, and a product match always outranks them. Companies matched by a
product are at most :data:`PRODUCT_POOL`, those whose products match best (the product part, most
of the score): a bought list of a million firms may name one product ten thousand times over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from lianzhao.analysis import engine
from lianzhao.analysis.chains import CLASS_LABELS, STABILITY_LABELS, industry_gaps
from lianzhao.analysis.region import current_region
from lianzhao.core.region import DistrictUnknown, district
from lianzhao.econ.targets import (
    Candidate,
    CompanyFacts,
    NodeUnmatchable,
    Product,
    TargetWeights,
    product_part,
    rank_candidates,
)
from lianzhao.enterprises.facts import company_facts, graph_for, local_leaders, node_profile
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct
from lianzhao.projects.models import InvestmentProject
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.targets.models import TargetWeightsSetting

INDUSTRY_POOL = 3000
PRODUCT_POOL = 5000
GAP_CLASSES = ("fill", "strengthen", "extend")  # 补链, 强链, 延链: the classes candidates are sought for


@dataclass(frozen=True)
class Filters:
    """The list's filters: province (2-digit code), listed or not, size class, and how a candidate
    matches ("product": a main product matches the node; "industry": only the industry code)."""

    province: str = ""
    listed: bool | None = None
    scale: str = ""
    match: str = ""

    def apply(self, queryset):
        if self.province:
            queryset = queryset.filter(region_code__startswith=self.province)
        if self.listed is True:
            queryset = queryset.listed()
        elif self.listed is False:
            queryset = queryset.unlisted()
        if self.scale:
            queryset = queryset.filter(scale=self.scale)
        return queryset


@dataclass(frozen=True)
class PipelineEntry:
    project_id: int
    name: str
    stage: str
    stage_label: str
    department: str


@dataclass
class CandidateList:
    """A node's candidates with what the page prints beside them."""

    node: object
    weights: TargetWeights
    candidates: list[Candidate] = field(default_factory=list)
    total: int = 0  # candidates before the limit
    by_product: int = 0  # of those, the ones a main product matches (the others share only an industry code)
    lacks: list[str] = field(default_factory=list)  # what the node's definition is missing
    ignored: tuple[str, ...] = ()  # keywords too general (or too short) to match on
    unmatchable: str = ""  # why nothing can be listed
    pipeline: dict[int, list[PipelineEntry]] = field(default_factory=dict)  # enterprise id → its projects
    gap: dict | None = None  # the node's gap class, label, stability and reason, when the analysis runs
    district_code: str = ""
    pool_capped: bool = False  # the companies matched by industry alone were cut at INDUSTRY_POOL
    product_matches: int = 0  # when the companies matched by a product were cut at PRODUCT_POOL: how many there were


def _terms_ends(terms: tuple[str, ...]) -> set[str]:
    """Every end (≥ 2 characters) of every term: the product names the score takes as a term named
    more broadly ("电池" for "锂离子电池", see :func:`lianzhao.econ.targets.match_strength`)."""
    return {t[i:] for t in terms for i in range(1, len(t) - 1)}


@dataclass
class Pool:
    companies: list[Enterprise]
    industry_capped: bool = False
    product_matches: int = 0  # > 0: the companies matched by a product were this many, cut at PRODUCT_POOL


def _best_by_product(profile, ids: list[int], limit: int) -> list[int]:
    """The ``limit`` companies of ``ids`` whose products match the node best (the score's product
    part; ties by id)."""
    products: dict[int, list[Product]] = {}
    table = EnterpriseProduct._meta.db_table
    with connection.cursor() as cursor:  # plain rows: the ORM's decimal conversion of 500,000 shares took seconds
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            cursor.execute(f"SELECT enterprise_id, name, share FROM {table} WHERE enterprise_id IN "
                           f"({', '.join(['%s'] * len(chunk))})", chunk)
            for eid, name, share in cursor.fetchall():
                products.setdefault(eid, []).append(Product(name, float(share) if share is not None else None))
    value = {eid: product_part(profile, CompanyFacts(id=eid, name="", products=tuple(items)))[0]
             for eid, items in products.items()}
    return sorted(ids, key=lambda eid: (-value.get(eid, 0.0), eid))[:limit]


def candidate_pool(node, filters: Filters) -> Pool:
    """External companies that may match the node (see the module docstring), and what was cut."""
    profile = node_profile(node)
    base = filters.apply(Enterprise.objects.external())
    ids: set[int] = set()
    for term in profile.terms:
        ids.update(base.search(term).values_list("pk", flat=True))
    # Companies with a product named by the end of a term: the product-name index first (few rows), then
    # the filters by primary key. One query joining both let PostgreSQL, on stale statistics (right
    # after a bulk load), scan every product for every company: seconds a node instead of milliseconds.
    # (No ordering: the model's default order by company name would join the companies back in.)
    named = sorted(set(EnterpriseProduct.objects.filter(name__in=sorted(_terms_ends(profile.terms)))
                       .order_by().values_list("enterprise_id", flat=True)))
    for start in range(0, len(named), 900):
        ids.update(base.filter(pk__in=named[start:start + 900]).values_list("pk", flat=True))
    product_matches = 0
    if len(ids) > PRODUCT_POOL:
        product_matches = len(ids)
        ids = set(_best_by_product(profile, sorted(ids), PRODUCT_POOL))
    codes = [c.strip() for c in profile.gbt_codes if c.strip()]
    classification = load_classification()
    csrc = sorted({f"{c.parent_code}{c.code}" for c in (classification.get(code[:2]) for code in codes) if c})
    capped = False
    if codes and filters.match != "product":
        exact = list(base.filter(gbt_code__in=codes).exclude(pk__in=ids).values_list("pk", flat=True)[:INDUSTRY_POOL])
        rest = INDUSTRY_POOL - len(exact)
        broad = _same_industry(base.exclude(pk__in=ids).exclude(gbt_code__in=codes), codes, csrc, rest + 1)
        capped = len(broad) > rest
        ids.update(exact)
        ids.update(broad[:rest])
    ordered = sorted(ids)
    companies = [e for start in range(0, len(ordered), 900)
                 for e in Enterprise.objects.filter(pk__in=ordered[start:start + 900])]
    return Pool(companies, capped, product_matches)


def _same_industry(queryset, codes: list[str], csrc: list[str], limit: int) -> list[int]:
    """The first ``limit`` companies of ``queryset`` in a 大类 of ``codes`` or with one of the ``csrc``
    codes, the most specific GB/T code first (then by id).

    One query per 大类 and one for the CSRC codes, each read in its index's order, merged here: asked
    as one OR, PostgreSQL walked the GB/T index backwards from the highest code, filtering the whole
    registry above the 大类 (a million companies: 1.3 s a node instead of milliseconds)."""
    parts = [Q(gbt_code__range=(d, d + "~")) for d in sorted({code[:2] for code in codes})]
    if csrc:
        parts.append(Q(csrc_code__in=csrc))
    found: dict[int, str] = {}
    for part in parts:
        found.update((pk, gbt) for gbt, pk in
                     queryset.filter(part).order_by("-gbt_code", "pk").values_list("gbt_code", "pk")[:limit])
    # By id, then (stable) by code, highest first: the order each query read.
    return [pk for pk, _ in sorted(sorted(found.items()), key=lambda item: item[1], reverse=True)][:limit]


def gap_classes(industry) -> tuple[dict[str, dict], str]:
    """The gap class of each of the industry's nodes from the analysis (node key → klass, label,
    reason, is_gap, and its stability across the analysis's robustness band: 稳健/敏感 and what flips
    it), or ({}, why not)."""
    try:
        gaps = industry_gaps(industry, engine.regional_context(current_region()))
    except engine.AnalysisUnavailable as exc:
        return {}, str(exc)
    out = {}
    for key, row in gaps.table.iterrows():
        klass = row["klass"]
        info = {"klass": klass, "label": _(CLASS_LABELS[klass]) if klass in CLASS_LABELS else row["klass_label"],
                "reason": row["reason"], "is_gap": klass in GAP_CLASSES, "stability": "", "flips": ""}
        if gaps.stability is not None and key in gaps.stability.index:
            st = gaps.stability.loc[key]
            info["stability"] = _(STABILITY_LABELS[st["stability"]])
            info["flips"] = st["flips"] or ""
        out[key] = info
    return out, ""


def node_gap(node) -> dict | None:
    """The node's gap class (see :func:`gap_classes`), None when the analysis cannot run."""
    return gap_classes(node.industry)[0].get(node.key)


def pipeline_of(enterprise_ids) -> dict[int, list[PipelineEntry]]:
    """The projects (counted ones) each company already has with the bureau, latest first."""
    out: dict[int, list[PipelineEntry]] = {}
    for p in (InvestmentProject.objects.filter(investor_id__in=list(enterprise_ids)).select_related("department")
              .order_by("-lead_date", "-pk")):
        out.setdefault(p.investor_id, []).append(
            PipelineEntry(p.pk, p.name, p.stage, p.get_stage_display(), p.department.name))
    return out


def candidates_for(node, *, filters: Filters = Filters(), limit: int | None = 50,
                   weights: TargetWeights | None = None, with_gap: bool = True) -> CandidateList:
    """The node's ranked candidates (at most ``limit``), with pipeline status and the gap class."""
    weights = weights or TargetWeightsSetting.current().weights()
    try:
        district_code = district().code
    except DistrictUnknown:
        district_code = ""
    profile = node_profile(node)
    result = CandidateList(node=node, weights=weights, lacks=profile.lacks(), ignored=profile.ignored,
                           district_code=district_code,
                           gap=node_gap(node) if with_gap else None)
    pool = candidate_pool(node, filters) if len(result.lacks) < 2 else Pool([])
    companies, result.pool_capped, result.product_matches = pool.companies, pool.industry_capped, pool.product_matches
    leaders = local_leaders()
    graph = graph_for(p for leader in leaders for p in leader.products)
    try:
        ranked = rank_candidates(profile, company_facts(companies), weights=weights, leaders=leaders, graph=graph,
                                 district_code=district_code)
    except NodeUnmatchable as exc:
        result.unmatchable = str(exc)
        return result
    if filters.match:
        ranked = [c for c in ranked if c.by_product == (filters.match == "product")]
    result.total = len(ranked)
    result.by_product = sum(1 for c in ranked if c.by_product)
    result.candidates = ranked[:limit] if limit is not None else ranked
    result.pipeline = pipeline_of(c.company.id for c in result.candidates)
    return result


def candidate_dict(c: Candidate, rank: int, pipeline: list[PipelineEntry], stock: str) -> dict:
    """One candidate as plain data (the CLI's JSON object, the Excel row)."""
    return {
        "rank": rank, "enterprise_id": c.company.id, "name": c.company.name, "stock_code": stock or None,
        "region": c.company.region_name, "score": round(c.score, 2),
        "match": "product" if c.by_product else "industry",
        "parts": {p.key: {"label": p.label, "value": round(p.value, 4), "weight": p.weight,
                          "points": round(p.points, 2), "reason": p.reason} for p in c.parts},
        "reason": c.reason, "sources": list(c.sources),
        "pipeline": [{"project_id": e.project_id, "name": e.name, "stage": e.stage, "stage_label": e.stage_label,
                      "department": e.department} for e in pipeline],
    }


def stock_codes(candidates: list[Candidate]) -> dict[int, str]:
    return dict(Enterprise.objects.filter(pk__in=[c.company.id for c in candidates]).values_list("pk", "stock_code"))
