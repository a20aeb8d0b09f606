"""Target pages: the gap nodes of every chain, a node's ranked candidates (page, Excel), turning a
candidate into a lead, the score's weights, and the company profile (企业画像)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lianzhao.accounts import permissions
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.http import attachment
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.econ.targets import PART_LABELS, PARTS
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode, Industry
from lianzhao.projects.choices import AttractionMethod
from lianzhao.targets import exporting, services
from lianzhao.targets.candidates import GAP_CLASSES, candidates_for, gap_classes, node_gap, stock_codes
from lianzhao.targets.forms import CandidateFilterForm, LeadForm, NodeWordsForm, WeightsForm
from lianzhao.targets.models import TargetWeightsSetting
from lianzhao.targets.profile import build_profile


@require_GET
def target_overview(request):
    """Every chain's nodes with their gap class; 补链/强链/延链 first, each linking to its candidates."""
    permissions.require(permissions.can_read(request.user))
    industries = []
    unavailable = ""
    for industry in Industry.objects.filter(chain_nodes__isnull=False).distinct().order_by("order", "id"):
        gaps, why = gap_classes(industry)
        unavailable = unavailable or why
        nodes = list(ChainNode.objects.filter(industry=industry).order_by("order", "id"))
        rows = [{"node": n, "gap": gaps.get(n.key)} for n in nodes]
        rows.sort(key=lambda r: (r["gap"] is None or r["gap"]["klass"] not in GAP_CLASSES,
                                 GAP_CLASSES.index(r["gap"]["klass"]) if r["gap"] and r["gap"]["klass"] in GAP_CLASSES
                                 else 9))
        industries.append({"industry": industry, "rows": rows,
                           "gap_count": sum(1 for r in rows if r["gap"] and r["gap"]["klass"] in GAP_CLASSES)})
    return render(request, "targets/overview.html", {
        "industries": industries, "unavailable": unavailable, "setting": TargetWeightsSetting.current(),
        "part_labels": PART_LABELS, "can_edit_weights": permissions.can_edit_target_weights(request.user)})


def _candidate_page(request, node):
    form = CandidateFilterForm(request.GET or None)
    result = candidates_for(node, filters=form.filters(), limit=form.row_limit())
    stocks = stock_codes(result.candidates)
    can_lead = permissions.can_create_project(request.user)
    rows = []
    for rank, c in enumerate(result.candidates, start=1):
        supply = c.part("supply").value > 0
        rows.append({"rank": rank, "c": c, "stock": stocks.get(c.company.id, ""),
                     "pipeline": result.pipeline.get(c.company.id, []),
                     "method": AttractionMethod.REFERRAL if supply else AttractionMethod.OTHER})
    return form, result, rows, can_lead


@require_GET
def node_candidates(request, key):
    permissions.require(permissions.can_read(request.user))
    node = get_object_or_404(ChainNode.objects.select_related("industry"), key=key)
    return _render_candidates(request, node)


def _render_candidates(request, node, words_form=None, status=200):
    form, result, rows, can_lead = _candidate_page(request, node)
    one_click = can_lead and permissions.role_of(request.user) == "officer" and request.user.department_id
    can_edit_words = permissions.can_edit_node_words(request.user)
    return render(request, "targets/node_candidates.html", {
        "node": node, "form": form, "result": result, "rows": rows, "can_lead": can_lead, "one_click": one_click,
        "part_labels": [PART_LABELS[k] for k in PARTS], "query": request.GET.urlencode(),
        "can_edit_words": can_edit_words,
        "words_form": words_form or (NodeWordsForm.for_node(node) if can_edit_words else None)}, status=status)


@require_http_methods(["POST"])
def node_words(request, key):
    """An analyst's change of a node's keywords and exclusion words, from its candidate list."""
    permissions.require(permissions.can_read(request.user))
    node = get_object_or_404(ChainNode.objects.select_related("industry"), key=key)
    permissions.require(permissions.can_edit_node_words(request.user),
                        _("只有经济分析员和管理员可以修改环节的关键词和排除词。"))
    form = NodeWordsForm.for_node(node, request.POST)
    saved = submit(form, lambda d: services.update_node_words(
        node, keywords=d["keywords"], excludes=d["exclude_keywords"], was=d["was"], acting_user=request.user))
    if saved:
        messages.success(request, _("关键词和排除词已保存，候选名单已按新的词重新计算。"))
        return redirect("node_candidates", key=node.key)
    node.refresh_from_db()
    return _render_candidates(request, node, words_form=form, status=refusal_status(form))


@require_GET
def node_candidates_xlsx(request, key):
    permissions.require(permissions.can_read(request.user))
    node = get_object_or_404(ChainNode.objects.select_related("industry"), key=key)
    form = CandidateFilterForm(request.GET or None)
    result = candidates_for(node, filters=form.filters(), limit=form.row_limit())
    content = exporting.candidates_workbook(result)
    today = timezone.localdate()
    return attachment(content, filename=f"招商目标_{node.industry.name}_{node.name}_{today:%Y%m%d}.xlsx",
                      content_type=XLSX_CONTENT_TYPE, fallback=f"targets-{node.key}-{today:%Y%m%d}.xlsx")


@require_http_methods(["GET", "POST"])
def lead_create(request, key):
    """Turn a candidate into a 线索 project (department, officer, method chosen; the node and the
    candidate's reasons stored as its source). A company that already has projects needs a confirm."""
    node = get_object_or_404(ChainNode.objects.select_related("industry"), key=key)
    permissions.require(permissions.can_create_project(request.user), _("您没有生成招商线索的权限。"))
    data = request.POST if request.method == "POST" else None
    form = LeadForm(data, user=request.user, initial={"enterprise": request.GET.get("enterprise"),
                                                      "method": request.GET.get("method", AttractionMethod.OTHER)})
    enterprise_id = request.POST.get("enterprise") or request.GET.get("enterprise")
    enterprise = get_object_or_404(Enterprise, pk=enterprise_id) if str(enterprise_id or "").isdigit() else None
    if enterprise is None:
        return render(request, "targets/lead_form.html", {"node": node, "form": form, "missing": True}, status=404)
    status, existing = 200, []

    def save(data):
        try:
            return services.generate_lead(node, enterprise, department=data["department"], officer=data["officer"],
                                          method=data["method"], acting_user=request.user, gap=node_gap(node),
                                          confirm=data["confirm"])
        except services.LeadExists as exc:
            existing.extend(exc.projects)
            raise

    if request.method == "POST":
        project = submit(form, save)
        if project:
            messages.success(request, _("已生成招商线索“%(name)s”。") % {"name": project.name})
            return redirect("project_detail", project.pk)
        status = refusal_status(form)
    return render(request, "targets/lead_form.html", {"node": node, "form": form, "enterprise": enterprise,
                                                      "existing": existing}, status=status)


@require_http_methods(["GET", "POST"])
def weights_edit(request):
    permissions.require(permissions.can_read(request.user))
    setting = TargetWeightsSetting.current()
    can_edit = permissions.can_edit_target_weights(request.user)
    if request.method == "POST":
        permissions.require(can_edit, _("只有经济分析员和管理员可以修改评分权重。"))
    form = WeightsForm(request.POST or None, initial=WeightsForm.initial_from(setting))
    status = 200
    if request.method == "POST":
        saved = submit(form, lambda d: services.update_weights(data=d, acting_user=request.user))
        if saved:
            messages.success(request, _("评分权重已保存。"))
            return redirect("target_weights")
        status = refusal_status(form)
    return render(request, "targets/weights.html", {"form": form, "setting": setting, "can_edit": can_edit},
                  status=status)


@require_GET
def enterprise_profile(request, pk):
    permissions.require(permissions.can_read(request.user))
    enterprise = get_object_or_404(Enterprise, pk=pk)
    return render(request, "targets/enterprise_profile.html", {
        "p": build_profile(enterprise), "enterprise": enterprise,
        "can_edit": permissions.can_edit_enterprises(request.user)})


