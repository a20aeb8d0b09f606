"""Industry pages: the industrial system (honeycomb) and each industry's chain map."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.industries import charts
from lianzhao.industries.models import ChainNode, Industry, IndustryLink


@require_GET
def industry_list(request):
    permissions.require(permissions.can_read(request.user))
    industries = list(
        Industry.objects.annotate(
            node_count=Count("chain_nodes", distinct=True),
            project_count=Count("projects", distinct=True),
        ).order_by("order", "id")  # GROUP BY queries ignore Meta.ordering
    )
    links = list(IndustryLink.objects.select_related("source", "target"))
    return render(request, "industries/industry_list.html", {
        "industries": industries,
        "links": links,
        "honeycomb": charts.honeycomb(industries, links),
    })


@require_GET
def industry_detail(request, slug):
    permissions.require(permissions.can_read(request.user))
    industry = get_object_or_404(Industry, slug=slug)
    nodes = list(
        ChainNode.objects.filter(industry=industry).with_presence().annotate(
            enterprise_count=Count("enterprises", distinct=True),
            project_count=Count("projects", distinct=True),
        ).select_related("parent").order_by("order", "id")
    )
    local = {n.pk: n.local_count for n in nodes}
    leaders = {n.pk: n.leader_count for n in nodes}
    links = IndustryLink.objects.filter(Q(source=industry) | Q(target=industry)).select_related(
        "source", "target")
    return render(request, "industries/industry_detail.html", {
        "industry": industry,
        "nodes": nodes,
        "links": links,
        "chain": charts.chain_map(nodes, local, leaders),
        "uncovered": sum(1 for n in nodes if n.local_count == 0),
    })
