"""The analysts' superior data: hybrid-table overrides (混合表) and node shares (节点份额) — listed for
every reader, set and removed by analysts and admins through the audited services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianzhao.accounts import permissions
from lianzhao.analysis import engine, services
from lianzhao.analysis.chains import chain_nodes, node_inputs
from lianzhao.analysis.forms import CoefficientOverrideForm, NodeShareForm
from lianzhao.analysis.models import CoefficientOverride, NodeShare
from lianzhao.analysis.region import current_region
from lianzhao.analysis.views import analysis_page
from lianzhao.core.forms import refusal_status, submit
from lianzhao.econ import concordance
from lianzhao.industries.models import Industry

ANALYST_ONLY = "只有经济分析员和管理员可以修改混合表覆盖和节点份额。"


def _overrides_page(request, region, form, status=200):
    settings = engine.settings_for(region)
    rows = CoefficientOverride.objects.filter(region=region).select_related("author").order_by("kind", "sector")
    return render(request, "analysis/overrides.html", {
        "region": region, "settings": settings, "overrides": rows, "form": form,
        "can_manage": permissions.can_manage_analysis(request.user),
        "names": concordance.sector_names(settings.table_sectors, settings.table_year),
    }, status=status)


@require_GET
@analysis_page
def override_list(request):
    permissions.require(permissions.can_read(request.user))
    region = current_region()
    form = CoefficientOverrideForm() if permissions.can_manage_analysis(request.user) else None
    return _overrides_page(request, region, form)


@require_POST
@analysis_page
def override_save(request):
    permissions.require(permissions.can_manage_analysis(request.user), _(ANALYST_ONLY))
    region = current_region()
    form = CoefficientOverrideForm(request.POST)
    saved = submit(form, lambda data: services.save_override(region, data=data, acting_user=request.user))
    if saved:
        messages.success(request, _("混合表覆盖“%(label)s”已保存，所有分析将按新表重新计算。") % {"label": saved.label})
        return redirect("analysis_overrides")
    return _overrides_page(request, region, form, status=refusal_status(form))


@require_POST
@analysis_page
def override_remove(request, pk):
    permissions.require(permissions.can_manage_analysis(request.user), _(ANALYST_ONLY))
    override = get_object_or_404(CoefficientOverride, pk=pk, region=current_region())
    services.remove_override(override, acting_user=request.user)
    messages.success(request, _("已删除混合表覆盖“%(label)s”。") % {"label": override.label})
    return redirect("analysis_overrides")


def _shares_page(request, industry, form, status=200):
    context = engine.regional_context(current_region())
    nodes = chain_nodes(industry)
    inputs = {n.key: n for n in node_inputs(nodes, context)}
    names = context.sector_names
    set_rows = {(s.node_id, s.sector): s for s in NodeShare.objects.filter(
        node__industry=industry, table_sectors=context.table_sectors).select_related("author")}
    rows = []
    for node in nodes:
        ins = inputs[node.key]
        for sector, share in sorted(ins.shares.items()):
            fixed = set_rows.get((node.pk, sector))
            rows.append({"node": node, "sector": sector, "sector_name": names.get(sector, ""), "share": share,
                         "note": (ins.share_notes or {}).get(sector, ""), "fixed": fixed})
    return render(request, "analysis/node_shares.html", {
        "industry": industry, "rows": rows, "form": form, "context": context,
        "can_manage": permissions.can_manage_analysis(request.user),
        "industries": Industry.objects.filter(chain_nodes__isnull=False).distinct().order_by("order", "id"),
    }, status=status)


@require_GET
@analysis_page
def node_share_list(request, slug):
    permissions.require(permissions.can_read(request.user))
    industry = get_object_or_404(Industry, slug=slug)
    form = NodeShareForm(industry=industry) if permissions.can_manage_analysis(request.user) else None
    return _shares_page(request, industry, form)


@require_POST
@analysis_page
def node_share_save(request, slug):
    permissions.require(permissions.can_manage_analysis(request.user), _(ANALYST_ONLY))
    industry = get_object_or_404(Industry, slug=slug)
    settings = engine.settings_for(current_region())
    form = NodeShareForm(request.POST, industry=industry)
    saved = submit(form, lambda data: services.set_node_share(
        data["node"], sector=data["sector"], share=data["share"], source=data["source"],
        table_sectors=settings.table_sectors, table_year=settings.table_year, acting_user=request.user))
    if saved:
        messages.success(request, _("已设定“%(node)s”在部门 %(sector)s 中的份额。") % {"node": saved.node.name,
                                                                                "sector": saved.sector})
        return redirect("node_shares", slug=industry.slug)
    return _shares_page(request, industry, form, status=refusal_status(form))


@require_POST
@analysis_page
def node_share_remove(request, pk):
    permissions.require(permissions.can_manage_analysis(request.user), _(ANALYST_ONLY))
    share = get_object_or_404(NodeShare.objects.select_related("node__industry"), pk=pk)
    services.remove_node_share(share, acting_user=request.user)
    messages.success(request, _("已删除“%(node)s”在部门 %(sector)s 中的设定份额，恢复按规则计算。")
                     % {"node": share.node.name, "sector": share.sector})
    return redirect("node_shares", slug=share.node.industry.slug)
