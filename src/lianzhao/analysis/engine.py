"""The bridge between the database and the framework-free engine (lianzhao.econ).

Builds a region's regional input-output context — national table, the region's output vector from
its active base, the regionalization under its settings with the analysts' superior data (non-
tradables, sector δ, hybrid-table overrides) — and caches it in the process, keyed by a fingerprint
of every input read from the database: every settings field, the base, every override and node
share (id and last change). Any change — through the app's services, the Django admin or another
server process — gives a new fingerprint on the next request, so a stale result is never served.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from lianzhao.analysis.choices import Measure, OverrideKind, SectorLevel
from lianzhao.analysis.models import AnalysisSettings, CoefficientOverride, NodeShare, RegionalBase
from lianzhao.core.memo import BoundedCache
from lianzhao.core.units import YI
from lianzhao.econ import IOTable, IOTableError, Regionalization, concordance, regionalize
from lianzhao.econ.gaps import GapThresholds
from lianzhao.econ.hybrid import ColumnOverride, LocalShareOverride
from lianzhao.econ.plants import PLANT_SOURCE
from lianzhao.paths import DataDirError
from lianzhao.refdata.nbs import read_nbs

_contexts = BoundedCache(8)  # fingerprint → RegionalContext


class AnalysisUnavailable(Exception):
    """The analysis cannot run; the message (in the active language) says what is missing."""


@dataclass(frozen=True)
class BaseInfo:
    """What the regional output vector rests on, printed next to every result."""

    id: int
    name: str
    measure: str
    years: tuple[int, ...]
    sources: tuple[str, ...]
    sample_rows: int
    rows: int
    total: float


@dataclass(frozen=True)
class OverrideInfo:
    """One hybrid-table override as printed beside every result it affects."""

    id: int
    kind: str
    sector: str
    label: str
    source: str
    as_of: str
    author: str
    is_sample: bool
    econ: ColumnOverride | LocalShareOverride

    def describe(self, names: dict[str, str]) -> str:
        weighted = self.kind == OverrideKind.COLUMN and self.econ.weight < 1
        what = (_("%(code)s %(name)s 的投入结构（按产出的 %(percent)s%% 加权）") if weighted
                else _("%(code)s %(name)s 的投入结构") if self.kind == OverrideKind.COLUMN
                else _("%(code)s %(name)s 的本地采购比例")) % {
            "code": self.sector, "name": names.get(self.sector, ""),
            "percent": f"{self.econ.weight * 100:.4g}" if weighted else ""}
        return _("%(what)s：%(label)s（%(source)s；%(as_of)s，%(author)s）") % {
            "what": what, "label": self.label, "source": self.source, "as_of": self.as_of, "author": self.author}


@dataclass(frozen=True)
class RegionalContext:
    """Everything one region's analyses need, computed once per fingerprint."""

    region_code: str
    region_name: str
    table_year: int
    table_sectors: int
    method: str
    delta: float
    thresholds: GapThresholds
    base: BaseInfo
    national: IOTable
    regional: Regionalization
    output: pd.Series  # 万元 per sector of the national table
    fingerprint: str
    share_rule: str = "classes"
    overrides: tuple[OverrideInfo, ...] = ()
    #: node key → sector → (share, note) set by analysts, for this table's classification
    node_shares: dict = field(default_factory=dict)
    what_if: bool = False  # an analyst's trial scenario (not the bureau's saved settings)
    notes: list[str] = field(default_factory=list)
    # Results derived from this context (impact cards, …): they live and go with the context, so a
    # change of settings or base — a new fingerprint, a new context — leaves them behind. See memoized().
    _memo: BoundedCache = field(default_factory=lambda: BoundedCache(256), compare=False, repr=False)

    def memoized(self, key: tuple, compute, *, size: int = 256):
        """``compute()``, kept under ``key`` for as long as this context is cached (the last ``size``).

        The key must name every other input of the result, so that a changed input is simply another
        key. Concurrent first requests may both compute; one result is kept. Results are shared by
        the process's threads: callers only read them."""
        return self._memo.get_or_compute(key, compute, size=size)

    @property
    def sector_names(self) -> dict[str, str]:
        return concordance.sector_names(self.table_sectors, self.table_year)

    def assumptions(self) -> list[tuple[str, str]]:
        """(label, value) rows printed with every result of this context: the table, the method,
        the base, the local-supply list, sector δ, every override and the thresholds' basis."""
        method = {"flq": "FLQ", "aflq": "AFLQ", "cilq": "CILQ", "slq": "SLQ"}[self.method]
        if self.method in ("flq", "aflq"):
            method = _("%(method)s，δ = %(delta)s") % {"method": method, "delta": f"{self.delta:g}"}
        names = self.sector_names
        rows = [
            (_("全国投入产出表"), _("国家统计局 %(year)s 年 %(sectors)s 部门表（需求按国内产品与进口合计的完全口径，"
                             "进口按比例假设分摊到各使用部门）") % {"year": self.table_year, "sectors": self.table_sectors}),
            (_("区域化方法"), method),
            (_("区域基础数据"), _("%(name)s（%(years)s 年）")
             % {"name": self.base.name, "years": "、".join(str(y) for y in self.base.years)}),
            (_("基础数据来源"), "；".join(self.base.sources)),
        ]
        if self.regional.lambda_star is not None:
            rows.insert(2, ("λ*", f"{self.regional.lambda_star:.4f}"))
        if self.regional.sector_delta:
            rows.insert(3, (_("分部门 δ（SFLQ）"), "、".join(f"{k} {names.get(k, '')} δ = {v:g}"
                                                        for k, v in self.regional.sector_delta.items())))
        nt = self.regional.non_tradables
        rows.append((_("本地供给部门（不可贸易）"), _("%(count)s 个部门视为全部在区内采购：%(codes)s")
                     % {"count": len(nt), "codes": "、".join(f"{c} {names.get(c, '')}" for c in nt)}
                     if nt else _("未设")))
        for o in self.overrides:
            rows.append((_("混合表覆盖"), o.describe(names)))
        rows.append((_("需求门槛：典型企业年产值"), PLANT_SOURCE))
        set_shares = sum(len(v) for v in self.node_shares.values())
        if set_shares:
            rows.append((_("节点份额"), _("%(count)s 项由分析员设定（见各环节“按部门份额计”）") % {"count": set_shares}))
        if self.base.sample_rows:
            rows.append((_("示例数据"), _("%(sample)s/%(rows)s 行为示例假设，非统计数据")
                         % {"sample": self.base.sample_rows, "rows": self.base.rows}))
        if self.what_if:
            rows.insert(0, (_("试算情景"), _("分析员临时试算的假设，未保存，不改变本局的分析设置")))
        return rows


@lru_cache(maxsize=4)
def national_table(year: int, sectors: int) -> IOTable:
    """The NBS table with domestic coefficients and sector employment (cached per process)."""
    return read_nbs(year, sectors, domestic=True, employment=True)


def settings_for(region) -> AnalysisSettings:
    """The region's analysis settings; the documented defaults (unsaved) until an analyst first saves
    them through :func:`lianzhao.analysis.services.update_settings` — reading a page writes nothing."""
    return AnalysisSettings.objects.filter(region=region).first() or AnalysisSettings(region=region)


def active_base(region) -> RegionalBase | None:
    return RegionalBase.objects.filter(region=region, is_active=True).first()


def _output_vector(base: RegionalBase, table: IOTable, settings: AnalysisSettings) -> pd.Series:
    sectors = list(table.sectors)
    totals = dict.fromkeys(sectors, 0.0)
    for level, code, value in base.rows.values_list("level", "code", "value"):
        if level == SectorLevel.GBT:
            sector = concordance.sector_for(code, level=settings.table_sectors, year=settings.table_year).code
        elif level == SectorLevel.IO153 and settings.table_sectors == 42:
            sector = concordance.to_42(code, year=settings.table_year)
        elif level == SectorLevel.IO42 and settings.table_sectors == 153:
            raise AnalysisUnavailable(_("区域基础数据为 42 部门口径，不能用于 153 部门分析：请在分析设置中改用 42 部门表。"))
        else:
            sector = code
        if sector not in totals:
            raise AnalysisUnavailable(_("基础数据中的部门 %(code)s 不在 %(year)s 年 %(sectors)s 部门表中。")
                                      % {"code": code, "year": settings.table_year,
                                         "sectors": settings.table_sectors})
        totals[sector] += float(value)
    return pd.Series(totals, index=table.sectors, name="regional")


def _base_info(base: RegionalBase) -> BaseInfo:
    rows = list(base.rows.values_list("as_of_year", "source", "is_sample", "value"))
    return BaseInfo(
        id=base.pk, name=base.name, measure=base.measure,
        years=tuple(sorted({r[0] for r in rows})),
        sources=tuple(dict.fromkeys(r[1] for r in rows)),
        sample_rows=sum(1 for r in rows if r[2]), rows=len(rows),
        total=float(sum(r[3] for r in rows)),
    )


def thresholds_of(settings: AnalysisSettings) -> GapThresholds:
    """The gap thresholds of the settings' typed fields (min_demand is stored in 亿元)."""
    return GapThresholds(
        min_demand=float(settings.min_demand) * YI, plant_share=float(settings.plant_share),
        strengthen_leakage=float(settings.strengthen_leakage), extend_linkage=float(settings.extend_linkage),
        strong_neighbour_share=float(settings.strong_neighbour_share),
        chain_leader_is_strong=bool(settings.chain_leader_is_strong),
        import_substitution_share=float(settings.import_substitution_share))


def _overrides(region, settings: AnalysisSettings) -> list[OverrideInfo]:
    rows = CoefficientOverride.objects.filter(region=region, table_sectors=settings.table_sectors) \
        .select_related("author").order_by("kind", "sector")
    out = []
    for o in rows:
        econ = o.econ()
        out.append(OverrideInfo(id=o.pk, kind=o.kind, sector=o.sector, label=o.label, source=o.source,
                                as_of=o.as_of.isoformat(), author=str(o.author) if o.author_id else _("示例数据")
                                if o.is_sample else "—", is_sample=o.is_sample, econ=econ))
    return out


def node_shares_for(table_sectors: int) -> tuple[dict, list[tuple]]:
    """Analyst-set node shares for a classification: ``{node key: {sector: (share, note)}}`` and the
    rows' (id, last change) for the fingerprint."""
    shares: dict[str, dict[str, tuple[float, str]]] = {}
    stamp = []
    for pk, key, sector, share, source, updated in NodeShare.objects.filter(table_sectors=table_sectors) \
            .values_list("pk", "node__key", "sector", "share", "source", "updated_at").order_by("pk"):
        shares.setdefault(key, {})[sector] = (float(share), source)
        stamp.append((pk, updated.isoformat()))
    return shares, stamp


def fingerprint(region, settings: AnalysisSettings, base: RegionalBase, overrides: list, stamp: list) -> str:
    """A digest of every input of the context as the database holds it now."""
    values = model_to_dict(settings)
    values.pop("id", None)
    payload = json.dumps({"region": region.code, "settings": values, "base": base.pk,
                          "overrides": [(o.id, o.kind, o.sector, o.label, o.source, o.as_of, repr(o.econ))
                                        for o in overrides], "shares": stamp},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def regional_context(region) -> RegionalContext:
    """The region's regional IO context (cached until any of its inputs changes).

    Raises AnalysisUnavailable with a message when there is no base or no data folder, or when the
    overrides no longer fit the table.
    """
    settings = settings_for(region)
    base = active_base(region)
    if base is None:
        raise AnalysisUnavailable(_("尚未导入区域基础数据（分部门产出或从业人员），请先在“区域基础数据”中导入。"))
    overrides = _overrides(region, settings)
    shares, stamp = node_shares_for(settings.table_sectors)
    key = fingerprint(region, settings, base, overrides, stamp)
    return _contexts.get_or_compute(key, lambda: _build_context(region, settings, base, overrides, shares, key))


def _build_context(region, settings: AnalysisSettings, base: RegionalBase, overrides: list, shares: dict,
                   key: str) -> RegionalContext:
    try:
        table = national_table(settings.table_year, settings.table_sectors)
    except (DataDirError, FileNotFoundError) as exc:
        raise AnalysisUnavailable(_("无法读取全国投入产出表：%(error)s") % {"error": exc}) from exc
    output = _output_vector(base, table, settings)
    measure = "employment" if base.measure == Measure.EMPLOYMENT else "output"
    try:
        regional = regionalize(table, output, method=settings.method, delta=float(settings.delta), measure=measure,
                               sector_delta=settings.sector_delta, non_tradables=settings.non_tradables,
                               overrides=[o.econ for o in overrides])
    except (IOTableError, ValueError) as exc:
        raise AnalysisUnavailable(_("分析设置或混合表覆盖与当前投入产出表不符，请在“分析设置”中修正：%(error)s")
                                  % {"error": exc}) from exc
    return RegionalContext(
        region_code=region.code, region_name=region.name, table_year=settings.table_year,
        table_sectors=settings.table_sectors, method=settings.method, delta=float(settings.delta),
        thresholds=thresholds_of(settings), base=_base_info(base), national=table,
        regional=regional, output=regional.table.x, fingerprint=key, share_rule=settings.node_share_rule,
        overrides=tuple(overrides), node_shares=shares,
    )


def clear_cache() -> None:
    _contexts.clear()
