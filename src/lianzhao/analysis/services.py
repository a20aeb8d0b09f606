"""Audited changes to the analysis inputs: settings, the analysts' superior data (node shares and
hybrid-table overrides) and per-project impact assumptions. Each runs in one transaction and writes
one audit row; each refuses, with the node or sector named, data the analysis could not use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.analysis.choices import OverrideKind
from lianzhao.analysis.models import AnalysisSettings, CoefficientOverride, NodeShare, ProjectImpactInput
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, record_saved, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.econ import IOTableError, concordance
from lianzhao.econ.node_shares import ShareError, node_shares
from lianzhao.industries.models import ChainNode


def _require_analyst(user, message: str) -> None:
    permissions.require(permissions.can_manage_analysis(user), message)


@in_data_language
def update_settings(settings: AnalysisSettings, *, changes: dict, acting_user) -> AnalysisSettings:
    """Change a region's analysis settings (every field checked by ``full_clean``); bumps ``version``.
    The first change of a region still on the defaults creates its row (audited as a creation).
    Cached results follow by themselves: the engine keys them by the settings' values."""
    _require_analyst(acting_user, _("只有经济分析员和管理员可以修改分析设置。"))
    with transaction.atomic():
        current = AnalysisSettings.objects.select_for_update().filter(region_id=settings.region_id).first()
        creating = current is None
        if creating:
            current = AnalysisSettings(region_id=settings.region_id)
        before = snapshot(current)
        for key, value in changes.items():
            setattr(current, key, value)
        current.full_clean()
        if snapshot(current) == before:
            return current
        if not creating:
            current.version += 1
        current.save()
        record_saved(current, before=None if creating else before, actor=acting_user)
    return current


def _check_chain_shares(node: ChainNode, table_sectors: int, table_year: int, sector: str, share: float) -> None:
    """ValidationError naming the nodes when the chain's set shares of ``sector`` would sum above 1,
    or naming the sector when the node is not mapped to it."""
    chain = list(ChainNode.objects.filter(industry_id=node.industry_id).values_list("key", "name", "gbt_codes"))
    fixed: dict[str, dict[str, float]] = {}
    for key, s, v in NodeShare.objects.filter(node__industry_id=node.industry_id, table_sectors=table_sectors) \
            .values_list("node__key", "sector", "share"):
        fixed.setdefault(key, {})[s] = float(v)
    fixed.setdefault(node.key, {})[sector] = share
    names = {k: n for k, n, _codes in chain}
    try:
        node_shares([{"key": k, "gbt_codes": list(codes)} for k, _n, codes in chain], level=table_sectors,
                    year=table_year, fixed=fixed)
    except ShareError as exc:
        if exc.sector and exc.nodes == [node.key] and "not mapped" in str(exc):
            raise ValidationError({"sector": _("环节“%(node)s”不对应部门 %(sector)s。")
                                   % {"node": node.name, "sector": sector}}) from exc
        listed = "、".join(f"“{names.get(k, k)}”" for k in exc.nodes)
        raise ValidationError({"share": _("部门 %(sector)s 的节点份额合计超过 100%%：%(nodes)s。请先调低其他环节的份额。")
                               % {"sector": exc.sector or sector, "nodes": listed}}) from exc
    except concordance.ConcordanceError as exc:
        raise ValidationError({"sector": str(exc)}) from exc


@in_data_language
def set_node_share(node: ChainNode, *, sector: str, share, source: str, table_sectors: int, table_year: int,
                   acting_user, is_sample: bool = False) -> NodeShare:
    """Set (create or change) an analyst's share of ``sector``'s demand that ``node`` stands for.
    Refused with the nodes named when the chain's shares of the sector would exceed 100 %."""
    _require_analyst(acting_user, _("只有经济分析员和管理员可以设定节点份额。"))
    with transaction.atomic():
        list(ChainNode.objects.select_for_update().filter(industry_id=node.industry_id).values_list("pk", flat=True))
        current = NodeShare.objects.select_for_update().filter(node=node, table_sectors=table_sectors,
                                                               sector=sector).first()
        creating = current is None
        before = None if creating else snapshot(current)
        if creating:
            current = NodeShare(node=node, table_sectors=table_sectors, sector=sector)
        current.share, current.source, current.is_sample = share, source, is_sample
        current.author = acting_user
        current.full_clean()
        _check_chain_shares(node, table_sectors, table_year, sector, float(current.share))
        current.save()
        record_saved(current, before=before, actor=acting_user)
    return current


@in_data_language
def remove_node_share(share: NodeShare, *, acting_user) -> None:
    """Remove an analyst's node share (the GB/T 小类 rule applies again)."""
    _require_analyst(acting_user, _("只有经济分析员和管理员可以设定节点份额。"))
    _delete_audited(share, acting_user)


def _delete_audited(obj, acting_user) -> None:
    """Delete ``obj`` (locked, as it is now in the database) with its audit row."""
    with transaction.atomic():
        current = type(obj).objects.select_for_update().get(pk=obj.pk)
        record_change(actor=acting_user, action=AuditAction.DELETE, obj=current, before=snapshot(current), after=None)
        current.delete()


def _check_override(candidate: CoefficientOverride, settings: AnalysisSettings) -> None:
    """Regionalize the national table with every override of the region (``candidate`` included):
    ValidationError naming the sector when the table would be non-productive or a share exceeds 1."""
    from lianzhao.analysis import engine
    from lianzhao.econ import regionalize

    names = concordance.sector_names(settings.table_sectors, settings.table_year)
    unknown = [c for c in (candidate.sector, *candidate.coefficients) if c not in names]
    if unknown:
        raise ValidationError({"sector" if candidate.sector in unknown else "coefficients":
                               _("部门代码不存在：%(codes)s。") % {"codes": "、".join(unknown[:10])}})
    others = CoefficientOverride.objects.filter(region=candidate.region, table_sectors=settings.table_sectors) \
        .exclude(pk=candidate.pk)
    try:
        table = engine.national_table(settings.table_year, settings.table_sectors)
    except (OSError, ValueError) as exc:
        raise ValidationError(_("无法读取全国投入产出表，不能检验该覆盖：%(error)s") % {"error": exc}) from exc
    try:
        regionalize(table, table.x * 1e-3, overrides=[o.econ() for o in others] + [candidate.econ()])
    except IOTableError as exc:
        sectors = "、".join(f"{s} {names.get(str(s), '')}".strip() for s in exc.sectors) or candidate.sector
        raise ValidationError(_("覆盖被拒绝（部门 %(sectors)s）：%(error)s")
                              % {"sectors": sectors, "error": str(exc)}) from exc


@in_data_language
def save_override(region, *, data: dict, acting_user, instance: CoefficientOverride | None = None
                  ) -> CoefficientOverride:
    """Create or change a hybrid-table override of ``region`` for its settings' table. Refused, with
    the sector named, when it would make the table non-productive or a share exceeds 1."""
    _require_analyst(acting_user, _("只有经济分析员和管理员可以修改混合表覆盖。"))
    from lianzhao.analysis import engine

    settings = engine.settings_for(region)
    with transaction.atomic():
        current = (CoefficientOverride.objects.select_for_update().get(pk=instance.pk) if instance is not None
                   else CoefficientOverride(region=region, table_sectors=settings.table_sectors))
        before = None if instance is None else snapshot(current)
        for key, value in data.items():
            setattr(current, key, value)
        if current.kind == OverrideKind.LOCAL_SHARE:
            current.coefficients = {}
        else:
            current.share = None
        current.author = acting_user
        current.full_clean()
        _check_override(current, settings)
        current.save()
        record_saved(current, before=before, actor=acting_user)
    return current


@in_data_language
def remove_override(override: CoefficientOverride, *, acting_user) -> None:
    """Remove a hybrid-table override (the quotient estimate applies again to its column or row)."""
    _require_analyst(acting_user, _("只有经济分析员和管理员可以修改混合表覆盖。"))
    _delete_audited(override, acting_user)


@in_data_language
def save_impact_input(project, *, changes: dict, acting_user) -> ProjectImpactInput:
    """Create or change a project's impact assumptions (those who may edit the project)."""
    permissions.require(permissions.can_edit_project(acting_user, project) or
                        permissions.can_manage_analysis(acting_user), _("您不能修改该项目的测算假设。"))
    with transaction.atomic():
        current = ProjectImpactInput.objects.select_for_update().filter(project=project).first()
        creating = current is None
        if creating:
            current = ProjectImpactInput(project=project)
        before = None if creating else snapshot(current)
        for key, value in changes.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()
        record_saved(current, before=before, actor=acting_user)
    return current
