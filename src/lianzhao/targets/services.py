"""Changes made from the target pages: the analyst's weights, and turning a candidate into a lead.
Each checks permission, runs in one transaction and writes its audit row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.core.region import DistrictUnknown, district
from lianzhao.econ.targets import PARTS, TargetWeights, score_company
from lianzhao.enterprises.facts import company_facts, graph_for, local_leaders, node_profile
from lianzhao.industries.models import ChainNode
from lianzhao.projects import services as project_services
from lianzhao.projects.duplicates import find_duplicate_candidates
from lianzhao.projects.models import InvestmentProject
from lianzhao.targets.models import LeadOrigin, TargetWeightsSetting


@in_data_language
def update_weights(*, data: dict, acting_user) -> TargetWeightsSetting:
    """Set the score's weights (``data``: the five parts and ``preferred_regions``). Negative, all-zero
    or non-finite weights are refused (ValidationError naming the part). One audit row."""
    permissions.require(permissions.can_edit_target_weights(acting_user), "只有经济分析员和管理员可以修改评分权重。")
    values = {k: data[k] for k in (*PARTS, "preferred_regions") if k in data}
    try:
        TargetWeights.from_dict(values)
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        setting = TargetWeightsSetting.objects.select_for_update().order_by("pk").first()
        before = snapshot(setting) if setting else None
        setting = setting or TargetWeightsSetting()
        for key, value in values.items():
            setattr(setting, key, list(value) if key == "preferred_regions" else float(value))
        setting.full_clean()
        if before is None or snapshot(setting) != before:
            setting.version = (setting.version or 0) + (1 if before else 0)
            setting.save()
            record_change(actor=acting_user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                          obj=setting, before=before, after=snapshot(setting), reason="修改招商目标评分权重")
    return setting


@in_data_language
def update_node_words(node, *, keywords: list[str], excludes: list[str], acting_user,
                      was: tuple[list[str], list[str]] | None = None):
    """Set a chain node's keywords and exclusion words (the words its candidates are matched by).
    ``was``: the words on the user's page — refused (code ``stale``) when someone changed them since.
    The model's rules apply (lists of words; no exclusion word inside a keyword or the name). One
    audit row with both lists before and after."""
    permissions.require(permissions.can_edit_node_words(acting_user), "只有经济分析员和管理员可以修改环节的关键词和排除词。")
    with transaction.atomic():
        current = ChainNode.objects.select_for_update().get(pk=node.pk)
        if was is not None and (list(current.keywords), list(current.exclude_keywords)) != (list(was[0]), list(was[1])):
            raise ValidationError(
                f"该环节的词已被他人修改（现为：关键词 {'、'.join(current.keywords) or '无'}；排除词 "
                f"{'、'.join(current.exclude_keywords) or '无'}）。请刷新后重新填写，以免覆盖他人的修改。", code="stale")
        before = snapshot(current)
        current.keywords, current.exclude_keywords = list(keywords), list(excludes)
        current.full_clean(validate_unique=False)
        if snapshot(current) != before:
            current.save(update_fields=["keywords", "exclude_keywords", "updated_at"])
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                          after=snapshot(current), reason="修改环节的关键词与排除词")
    return current


class LeadExists(ValidationError):
    """The company already has projects that look like this lead: the caller shows them and may
    confirm."""

    def __init__(self, projects: list[InvestmentProject]):
        self.projects = projects
        names = "；".join(f"“{p.name}”（{p.get_stage_display()}，{p.department}）" for p in projects)
        super().__init__(f"该企业已有项目：{names}。确认仍要新建线索，请勾选“仍然生成”。", code="lead_exists")


def lead_name(enterprise, node) -> str:
    return f"{enterprise.short_name or enterprise.name}·{node.name}招商线索"[:128]


@in_data_language
def generate_lead(node, enterprise, *, department, officer, method: str, acting_user, gap: dict | None = None,
                  confirm: bool = False) -> InvestmentProject:
    """Create a 线索 project for ``enterprise`` as a candidate of chain ``node``, through the
    projects' own service (its permission check, validation, duplicate-name rule and audit row),
    and record where it came from (:class:`LeadOrigin`: node, gap class, score parts, reason,
    sources, weights; its own audit row). The company must be a candidate of the node. When the
    company already has projects (the projects' duplicate check, or any open project of it),
    :class:`LeadExists` is raised unless ``confirm``."""
    permissions.require(permissions.can_create_project(acting_user, department), "您只能为本部门生成招商线索。")
    setting = TargetWeightsSetting.current()
    weights = setting.weights()
    leaders = local_leaders()
    try:
        district_code = district().code
    except DistrictUnknown:
        district_code = ""
    [facts] = company_facts([enterprise])
    candidate = score_company(node_profile(node), facts, weights=weights, leaders=leaders,
                              graph=graph_for(p for leader in leaders for p in leader.products),
                              district_code=district_code)
    if candidate is None or enterprise.is_local:
        raise ValidationError(f"“{enterprise.name}”不是环节“{node.name}”的候选企业（产品和行业均不匹配，或为本地企业）。")
    name = lead_name(enterprise, node)
    if not confirm:
        similar = [d.project for d in find_duplicate_candidates(name=name, investor=enterprise, industry=node.industry)]
        existing = list(InvestmentProject.objects.filter(investor=enterprise).exclude(pk__in=[p.pk for p in similar])
                        .select_related("department"))
        if similar or existing:
            raise LeadExists([*similar, *existing])
    klass = f"（{gap['label']}）" if gap else ""
    source = f"招商目标推荐：{node.industry.name}·{node.name}{klass}"
    notes = (f"由招商目标推荐生成。环节：{node.industry.name}·{node.name}{klass}；得分 {candidate.score:.1f}"
             f"（{'，'.join(f'{p.label} {p.points:.1f}' for p in candidate.parts)}）。理由：{candidate.reason}。"
             f"数据来源：{'；'.join(candidate.sources)}。")
    with transaction.atomic():
        project = project_services.create_project(data={
            "name": name, "investor": enterprise, "industry": node.industry, "chain_node": node, "method": method,
            "source": source[:200], "department": department, "officer": officer, "notes": notes,
        }, acting_user=acting_user)
        origin = LeadOrigin.objects.create(
            project=project, node=node, enterprise=enterprise, gap_class=(gap or {}).get("klass", ""),
            score=round(candidate.score, 4),
            parts=[{"key": p.key, "label": p.label, "value": round(p.value, 4), "weight": p.weight,
                    "points": round(p.points, 4), "reason": p.reason} for p in candidate.parts],
            reason=candidate.reason, sources=list(candidate.sources), weights=weights.as_dict(),
            created_by=acting_user if getattr(acting_user, "pk", None) else None)
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=origin, before=None, after=snapshot(origin),
                      reason=f"由招商目标推荐生成线索（项目 #{project.pk}）")
    return project
