"""Honeycomb synergy: input-output flows between the leading industries, national and regional."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.analysis import engine
from lianzhao.analysis.region import current_region
from lianzhao.analysis.views import analysis_page
from lianzhao.core.units import YI
from lianzhao.econ import concordance
from lianzhao.econ.synergy import industry_flows, industry_sector_shares, strongest_links
from lianzhao.industries.choices import IndustryKind
from lianzhao.industries.models import ChainNode, Industry, IndustryLink


def industry_sector_weights(industries, table_sectors: int, table_year: int) -> dict[str, dict[str, float]]:
    """Each industry's share of every IO sector its chain nodes touch: a sector touched by several
    industries is split in proportion to their nodes' weights in it, so no flow counts twice."""
    by_industry: dict[str, list[dict[str, float]]] = {}
    nodes = ChainNode.objects.filter(industry__in=industries).values_list("industry__name", "gbt_codes")
    for name, codes in nodes:
        if codes:
            by_industry.setdefault(name, []).append(
                concordance.sectors_for_codes(codes, level=table_sectors, year=table_year))
    return industry_sector_shares(by_industry)


def _matrix_rows(matrix, names) -> list[dict]:
    return [{"name": buyer_or_seller, "values": [float(matrix.loc[buyer_or_seller, c]) / YI for c in names]}
            for buyer_or_seller in names]


@require_GET
@analysis_page
def synergy(request):
    permissions.require(permissions.can_read(request.user))
    context = engine.regional_context(current_region())
    industries = list(Industry.objects.filter(kind=IndustryKind.LEADING).order_by("order", "id"))
    weights = industry_sector_weights(industries, context.table_sectors, context.table_year)
    names = [i.name for i in industries if i.name in weights]
    national = industry_flows(context.national, weights, within_sector="own").loc[names, names]
    regional_full = industry_flows(context.regional.table, weights, within_sector="own")
    regional = regional_full.loc[names, names]
    named = {(link.source.name, link.target.name)
             for link in IndustryLink.objects.select_related("source", "target")}
    found = strongest_links(regional_full, named, top=5, directed=True)
    candidates = [{"source": r.seller, "target": r.buyer, "value_yi": r.flow / YI, "share": r.buyer_input_share}
                  for r in found.itertuples()]
    chart = {
        "nodes": [{"id": n, "name": n} for n in names],
        "links": [{"source": s, "target": t, "value": round(float(regional.loc[s, t]) / YI, 2),
                   "named": (s, t) in named}
                  for s in names for t in names if s != t and regional.loc[s, t] > 0],
    }
    return render(request, "analysis/synergy.html", {
        "context": context, "names": names, "national": _matrix_rows(national, names),
        "regional": _matrix_rows(regional, names), "named": sorted(named),
        "candidates": candidates, "chart": chart,
    })
