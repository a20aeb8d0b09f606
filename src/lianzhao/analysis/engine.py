"""The bridge between the database and the framework-free engine (lianzhao.econ).

Builds a region's regional input-output context — national table, the region's output vector from
its active base, the regionalization under its settings — and caches it in the process, keyed by
a fingerprint of every input (settings version, base id), so a change to either recomputes and
nothing else does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from django.utils.translation import gettext as _

from lianzhao.analysis.choices import Measure, SectorLevel
from lianzhao.analysis.models import AnalysisSettings, RegionalBase
from lianzhao.econ import IOTable, Regionalization, concordance, regionalize
from lianzhao.paths import DataDirError
from lianzhao.refdata.nbs import read_nbs

_CACHE_SIZE = 8
_cache: OrderedDict[str, RegionalContext] = OrderedDict()
_lock = threading.Lock()


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

    @property
    def all_sample(self) -> bool:
        return self.sample_rows == self.rows


@dataclass(frozen=True)
class RegionalContext:
    """Everything one region's analyses need, computed once per fingerprint."""

    region_code: str
    region_name: str
    table_year: int
    table_sectors: int
    method: str
    delta: float
    thresholds: dict
    base: BaseInfo
    national: IOTable
    regional: Regionalization
    output: pd.Series  # 万元 per sector of the national table
    fingerprint: str
    notes: list[str] = field(default_factory=list)
    # Results derived from this context (impact cards, …): they live and go with the context, so a
    # change of settings or base — a new fingerprint, a new context — leaves them behind. See memoized().
    _memo: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def memoized(self, key: tuple, compute, *, size: int = 256):
        """``compute()``, kept under ``key`` for as long as this context is cached (the last ``size``).

        The key must name every other input of the result, so that a changed input is simply another
        key. Concurrent first requests may both compute; one result is kept. Results are shared by
        the process's threads: callers only read them."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > size:
                self._memo.popitem(last=False)
        return value

    @property
    def sector_names(self) -> dict[str, str]:
        return concordance.sector_names(self.table_sectors, self.table_year)

    def assumptions(self) -> list[tuple[str, str]]:
        method = {"flq": "FLQ", "aflq": "AFLQ", "cilq": "CILQ", "slq": "SLQ"}[self.method]
        if self.method in ("flq", "aflq"):
            method = _("%(method)s，δ = %(delta)s") % {"method": method, "delta": f"{self.delta:g}"}
        rows = [
            (_("全国投入产出表"), _("国家统计局 %(year)s 年 %(sectors)s 部门表（国内产品系数）")
             % {"year": self.table_year, "sectors": self.table_sectors}),
            (_("区域化方法"), method),
            (_("区域基础数据"), _("%(name)s（%(years)s 年）")
             % {"name": self.base.name, "years": "、".join(str(y) for y in self.base.years)}),
            (_("基础数据来源"), "；".join(self.base.sources)),
        ]
        if self.regional.lambda_star is not None:
            rows.insert(2, ("λ*", f"{self.regional.lambda_star:.4f}"))
        if self.base.sample_rows:
            rows.append((_("示例数据"), _("%(sample)s/%(rows)s 行为示例假设，非统计数据")
                         % {"sample": self.base.sample_rows, "rows": self.base.rows}))
        return rows


@lru_cache(maxsize=4)
def national_table(year: int, sectors: int) -> IOTable:
    """The NBS table with domestic coefficients and sector employment (cached per process)."""
    return read_nbs(year, sectors, domestic=True, employment=True)


def settings_for(region) -> AnalysisSettings:
    settings, _ = AnalysisSettings.objects.get_or_create(region=region)
    return settings


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


def regional_context(region) -> RegionalContext:
    """The region's regional IO context (cached until its settings or base change).

    Raises AnalysisUnavailable with a message when there is no base or no data folder.
    """
    settings = settings_for(region)
    base = active_base(region)
    if base is None:
        raise AnalysisUnavailable(_("尚未导入区域基础数据（分部门产出或从业人员），请先在“区域基础数据”中导入。"))
    key = f"{region.code}:{settings.pk}:{settings.version}:{base.pk}"
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    try:
        table = national_table(settings.table_year, settings.table_sectors)
    except (DataDirError, FileNotFoundError) as exc:
        raise AnalysisUnavailable(_("无法读取全国投入产出表：%(error)s") % {"error": exc}) from exc
    output = _output_vector(base, table, settings)
    measure = "employment" if base.measure == Measure.EMPLOYMENT else "output"
    regional = regionalize(table, output, method=settings.method, delta=float(settings.delta), measure=measure)
    context = RegionalContext(
        region_code=region.code, region_name=region.name, table_year=settings.table_year,
        table_sectors=settings.table_sectors, method=settings.method, delta=float(settings.delta),
        thresholds=dict(settings.thresholds or {}), base=_base_info(base), national=table,
        regional=regional, output=regional.table.x, fingerprint=key,
    )
    with _lock:
        _cache[key] = context
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return context


def clear_cache() -> None:
    with _lock:
        _cache.clear()
