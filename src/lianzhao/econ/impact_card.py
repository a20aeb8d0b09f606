"""The project impact card: a project's estimated output, value added and jobs in the district,
in two phases, with every assumption printed (docs/gaps.md, "Impact card").

    a = ImpactAssumptions.for_tables(national, regional, investment=10e4, annual_output=8e4,
                                     project_sector="087")
    card = impact_card(national, regional, a)
    card.phases["operation"].rows       # output / value_added / jobs × direct, indirect, induced, total
    card.to_dict()                      # JSON-ready

Both phases are final-demand shocks ``Δy`` (万元) on the **regional** table, solved with its
Leontief inverse and the household-closed (type II) model:

* construction: ``Δy_k = I · c_k · p_k`` — investment ``I`` × the share ``c_k`` spent on sector
  k × the share ``p_k`` bought inside the district (default: the regionalization's local share
  of sector k, or ``min(SLQ_k, 1)`` where the district has no intermediate demand for k, as for
  construction work);
* operation: ``Δy_p = Q`` — the expected annual output ``Q`` of the project's sector p, all of
  it counted as new final demand (sold outside the district or to final users).

Direct = ``Δy``; indirect = ``(L − I) Δy``; induced = ``L̄₁₁ Δy − L Δy`` (households'
spending of the extra wages); value added and jobs = coefficient × output of each part. Hence
``total output = Σ_k Δy_k · m^II_k`` with ``m^II`` the type II output multiplier, likewise value
added and jobs with their type II effects (``multipliers_used``). Effects are **gross**: no
displacement of existing firms, no crowding out, no capacity limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from lianzhao.econ.construction import PROFILE_LABELS, construction_profile, default_construction_shares
from lianzhao.econ.errors import LabelError, MissingDataError, _names
from lianzhao.econ.gaps import fmt_amount, fmt_share, wan_per_unit
from lianzhao.econ.regional import Regionalization, regionalize
from lianzhao.econ.table import IOTable

PHASES = {"construction": "建设期", "operation": "运营期"}
KINDS = {"output": "总产出", "value_added": "增加值", "jobs": "就业"}
PARTS = ("direct", "indirect", "induced", "total")
MSG_NO_INVESTMENT = "未填投资额，无法计算建设期影响"
MSG_NO_SECTOR = "项目未关联产业链环节，无法确定所属部门"
MSG_NO_OUTPUT = "未填预计年产值，无法计算运营期影响"
MSG_NO_JOBS = "投入产出表未附分部门就业数据，未计算就业影响"
MSG_NO_TYPE2 = "投入产出表缺少居民消费或劳动者报酬，未计算诱发效应（仅 I 型）"
GROSS = "总效应为毛效应（gross），未扣除替代/挤出"


class Assumption(NamedTuple):
    """One printed line of the card: what was assumed, its value, and where it comes from."""

    label: str
    value: str
    source: str


@dataclass(frozen=True)
class ImpactAssumptions:
    """Everything the card computes from, in 万元 (the web converts 亿元 × 1e4).

    ``table_year``, ``sectors``, ``method`` and ``delta`` describe the tables passed to
    :func:`impact_card` and are checked against them (:meth:`for_tables` fills them in).
    ``construction_shares`` None → :func:`default_construction_shares` of the project sector
    (示例). ``local_purchase_share``: ``"by_sector"`` (default, see the module docstring), one
    share for every sector, or a mapping sector → share (sectors not named use the default).
    """

    table_year: int
    sectors: int
    method: str
    delta: float | None
    investment: float | None = None
    construction_shares: Mapping[str, float] | None = None
    annual_output: float | None = None
    project_sector: str | None = None
    local_purchase_share: str | float | Mapping[str, float] = "by_sector"

    @classmethod
    def for_tables(cls, national: IOTable, regional: Regionalization, **kwargs) -> ImpactAssumptions:
        """Assumptions whose table fields are read from ``national`` and ``regional``."""
        return cls(table_year=national.meta.get("year", 0), sectors=national.n, method=regional.method,
                   delta=regional.delta, **kwargs)


@dataclass
class PhaseResult:
    """One phase of the card.

    rows : DataFrame (output, value_added[, jobs]) × (direct, indirect, induced, total)
        万元, 万元, persons; ``induced`` is NaN without type II.
    shock : Series
        The regional final-demand change ``Δy`` by sector, 万元 (non-zero sectors only).
    detail : DataFrame
        Per shocked sector: ``name``, ``spending`` (万元), ``local_purchase_share``,
        ``shock`` (万元), ``source`` of the share.
    """

    phase: str
    rows: pd.DataFrame
    shock: pd.Series
    detail: pd.DataFrame

    @property
    def label(self) -> str:
        return PHASES[self.phase]

    def to_dict(self) -> dict:
        return {"phase": self.phase, "label": self.label, "unit": {"output": "万元", "value_added": "万元", "jobs": "人"},
                "rows": {kind: {part: _num(v) for part, v in row.items()} for kind, row in self.rows.iterrows()},
                "shock": [{"sector": s, **{k: _num(v) for k, v in r.items()}} for s, r in self.detail.iterrows()]}


@dataclass
class ImpactCard:
    """Result of :func:`impact_card`; ``to_dict()`` is JSON-serialisable (NaN → None)."""

    missing: list[str]
    phases: dict[str, PhaseResult | None]
    assumptions: list[Assumption]
    sensitivity: list[dict]
    multipliers_used: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        mult = self.multipliers_used
        return {
            "missing": list(self.missing),
            "phases": {k: (None if p is None else p.to_dict()) for k, p in self.phases.items()},
            "assumptions": [a._asdict() for a in self.assumptions],
            "sensitivity": [_jsonable(s) for s in self.sensitivity],
            "multipliers_used": [{"sector": s, **{k: _num(v) for k, v in r.items()}} for s, r in mult.iterrows()],
            "notes": list(self.notes),
        }


def _num(v):
    if isinstance(v, str) or v is None:
        return v
    v = float(v)
    return v if math.isfinite(v) else None


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    return _num(obj)


def _check(national: IOTable, regional: Regionalization, a: ImpactAssumptions) -> None:
    if not national.sectors.equals(regional.table.sectors):
        raise LabelError("the national and regional tables have different sectors")
    if a.sectors != national.n:
        raise ValueError(f"assumptions say {a.sectors} sectors; the table has {national.n}")
    if "year" in national.meta and a.table_year != national.meta["year"]:
        raise ValueError(f"assumptions say table year {a.table_year}; the table is {national.meta['year']}")
    if a.method.lower() != regional.method or (
            regional.delta is not None and (a.delta is None or not math.isclose(a.delta, regional.delta))):
        raise ValueError(f"assumptions say {a.method} δ={a.delta}; the regionalization used "
                         f"{regional.method} δ={regional.delta}")
    for name in ("investment", "annual_output"):
        value = getattr(a, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite amount ≥ 0 (万元), not {value!r}")
    if a.project_sector is not None and a.project_sector not in national.sectors:
        raise LabelError(f"unknown project sector {a.project_sector!r}", [a.project_sector])


def _shares(a: ImpactAssumptions, sectors: pd.Index) -> tuple[pd.Series, str]:
    if a.construction_shares is None:
        profile = construction_profile(a.project_sector, len(sectors))
        shares = default_construction_shares(a.project_sector, len(sectors))
        source = f"示例默认构成（{PROFILE_LABELS[profile]}项目；可按项目修改）"
    else:
        shares, source = dict(a.construction_shares), "项目填报"
    c = pd.Series(shares, dtype=float)
    unknown = c.index.difference(sectors, sort=False)
    if len(unknown):
        raise LabelError(f"construction shares name unknown sector(s) {_names(unknown)}", list(unknown))
    if (c < 0).any() or not np.isclose(c.sum(), 1.0, atol=1e-6):
        raise ValueError(f"construction shares must be ≥ 0 and sum to 1; they sum to {c.sum():.6g}")
    return c[c > 0], source


def _purchase(a: ImpactAssumptions, r: Regionalization, sectors: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Local purchase share ``p_k`` per sector and where each comes from."""
    local_rows = r.local_share.index.isin(list(r.non_tradables))
    fallback = pd.Series(np.where(local_rows, 1.0, np.minimum(r.slq, 1.0)), index=r.local_share.index)
    by_sector = r.local_share.where(r.local_share.notna(), fallback).reindex(sectors)
    source = pd.Series(np.where(r.local_share.reindex(sectors).notna(), "区域化本地供给率",
                                np.where(pd.Index(sectors).isin(list(r.non_tradables)), "本地供给部门（不可贸易），按 100% 计",
                                         "min(SLQ, 1)，该部门无本地中间需求")), index=sectors)
    spec = a.local_purchase_share
    if isinstance(spec, str):
        if spec.replace(" ", "_") != "by_sector":
            raise ValueError(f"local_purchase_share must be 'by_sector', a share or a mapping, not {spec!r}")
        return by_sector, source
    given = pd.Series({k: float(spec) for k in sectors} if isinstance(spec, int | float) else dict(spec), dtype=float)
    if not given.between(0, 1).all() or len(given.index.difference(sectors)):
        raise ValueError("local purchase shares must be in [0, 1] for known sectors")
    source[given.index] = "项目填报"
    return given.combine_first(by_sector).reindex(sectors), source


def _phase(phase: str, table: IOTable, shock_wan: pd.Series, detail: pd.DataFrame, scale: float,
           type_: str) -> PhaseResult:
    imp = table.impact(shock_wan / scale, type=type_)
    parts = [p for p in PARTS if p in imp.columns]
    rows = {"output": {p: imp[p].sum() * scale for p in parts}}
    for kind, per in (("value_added", scale), ("jobs", 1.0)):
        if kind in imp.columns:  # value added and jobs only when the table has them
            rows[kind] = {p: imp[f"{kind}_{p}" if p != "total" else kind].sum() * per for p in parts}
    frame = pd.DataFrame(rows).T.reindex(columns=list(PARTS))
    return PhaseResult(phase=phase, rows=frame, shock=shock_wan[shock_wan != 0], detail=detail)


def _construction(a, r, national_names, scale, type_):
    c, _ = _shares(a, r.table.sectors)
    p, source = _purchase(a, r, r.table.sectors)
    spending = a.investment * c
    shock = spending * p.reindex(c.index)
    detail = pd.DataFrame({"name": national_names.reindex(c.index), "spending": spending,
                           "local_purchase_share": p.reindex(c.index), "shock": shock,
                           "source": source.reindex(c.index)})
    full = shock.reindex(r.table.sectors, fill_value=0.0)
    return _phase("construction", r.table, full, detail, scale, type_)


def _operation(a, r, national_names, scale, type_):
    s = a.project_sector
    detail = pd.DataFrame({"name": [national_names.get(s, "")], "spending": [a.annual_output],
                           "local_purchase_share": [1.0], "shock": [a.annual_output],
                           "source": ["项目产出全部计入区域最终需求"]}, index=[s])
    full = pd.Series(0.0, index=r.table.sectors)
    full[s] = a.annual_output
    return _phase("operation", r.table, full, detail, scale, type_)


def _multipliers(r: Regionalization, sectors: list[str], type2: bool, has_jobs: bool, scale: float) -> pd.DataFrame:
    t = r.table
    out = pd.DataFrame(index=pd.Index(sectors, name="sector"))
    out["name"] = t.names["name_zh"].reindex(sectors).fillna("") if len(t.names) else ""
    for kind, col, per in (("output", "output", 1.0), ("value_added", "value_added", 1.0),
                           ("employment", "jobs", 1.0 / scale)):
        if (kind == "employment" and not has_jobs) or (kind == "value_added" and t.va is None):
            continue
        for typ in ("I", "II") if type2 else ("I",):
            out[f"{col}_{typ}"] = t.multipliers(kind, type=typ)["effect"].reindex(sectors).to_numpy() * per
    return out


def _employment_note(national: IOTable) -> tuple[str, str]:
    for note in national.meta.get("notes", []):
        m = re.search(r"employment (\d{4})", str(note))
        if m:
            return f"{m[1]} 年分部门就业", str(note)
    return "随表提供的分部门就业", str(national.meta.get("source", ""))


def _sensitivity(national, regional, a, deltas, names, scale, type_):
    if regional.method not in ("flq", "aflq"):
        return []
    measure = regional.table.meta.get("regionalized", {}).get("measure", "output")
    vector = regional.table.employment if measure == "employment" else regional.table.x
    out = []
    for delta in deltas:
        r = regional if math.isclose(delta, regional.delta) else regionalize(
            national, vector, regional.method, delta, measure=measure, sector_delta=regional.sector_delta,
            non_tradables=regional.non_tradables, overrides=regional.overrides)
        entry = {"delta": float(delta), "lambda_star": r.lambda_star}
        for key, build, ok in (("construction", _construction, a.investment is not None),
                               ("operation", _operation, a.annual_output is not None and a.project_sector)):
            if not ok:
                entry[key] = None
                continue
            res = build(a, r, names, scale, type_)
            entry[key] = {kind: float(res.rows.loc[kind, "total"]) for kind in res.rows.index}
        out.append(entry)
    return out


def impact_card(national: IOTable, regional: Regionalization, a: ImpactAssumptions, *,
                deltas: Sequence[float] = (0.1, 0.2, 0.3, 0.4)) -> ImpactCard:
    """The impact card of one project (see the module docstring for the formulas).

    ``national`` is the table ``regional`` was regionalized from (the sensitivity runs
    regionalize it again for each δ in ``deltas``, FLQ/AFLQ only). A phase whose inputs are
    missing is ``None`` and ``missing`` says why — never zeros. Raises ValueError/LabelError
    when the assumptions contradict the tables or name unknown sectors.
    """
    _check(national, regional, a)
    t = regional.table
    scale = wan_per_unit(t.unit)
    names = t.names["name_zh"] if len(t.names) else pd.Series("", index=t.sectors)
    has_jobs = t.employment is not None
    try:
        t.multipliers("output", type="II")
        type_ = "II"
    except MissingDataError:
        type_ = "I"
    missing = []
    if a.investment is None:
        missing.append(MSG_NO_INVESTMENT)
    if a.project_sector is None:
        missing.append(MSG_NO_SECTOR)
    if a.annual_output is None:
        missing.append(MSG_NO_OUTPUT)
    if not has_jobs:
        missing.append(MSG_NO_JOBS)
    if type_ == "I":
        missing.append(MSG_NO_TYPE2)
    phases: dict[str, PhaseResult | None] = {"construction": None, "operation": None}
    if a.investment is not None:
        phases["construction"] = _construction(a, regional, names, scale, type_)
    if a.annual_output is not None and a.project_sector is not None:
        phases["operation"] = _operation(a, regional, names, scale, type_)

    used = ([a.project_sector] if a.project_sector else []) + (
        [] if phases["construction"] is None else list(phases["construction"].shock.index))
    mult = _multipliers(regional, list(dict.fromkeys(used)), type_ == "II", has_jobs, scale)
    mult["role"] = ["项目所属部门" if s == a.project_sector else "建设投资部门" for s in mult.index]
    if phases["construction"] is not None:
        mult["local_purchase_share"] = phases["construction"].detail["local_purchase_share"].reindex(mult.index)

    sensitivity = _sensitivity(national, regional, a, deltas, names, scale, type_)
    return ImpactCard(missing=missing, phases=phases,
                      assumptions=_assumptions(national, regional, a, phases, names, has_jobs, type_),
                      sensitivity=sensitivity, multipliers_used=mult)


def _listing(values: pd.Series, names: pd.Series, fmt) -> str:
    return "；".join(f"{s} {names.get(s, '')} {fmt(v)}".replace("  ", " ") for s, v in values.items())


def _assumptions(national, regional, a, phases, names, has_jobs, type_) -> list[Assumption]:
    meta = national.meta
    notes = "；".join(str(n) for n in meta.get("notes", []))
    out = [
        Assumption("投入产出表", f"{a.table_year} 年 {a.sectors} 部门", f"{meta.get('source', '用户提供')}；{notes}".strip("；")),
        Assumption("区域化方法", a.method.upper(), "Flegg & Webber (1997, 2000) 区位商法；无即墨实测区域表"),
    ]
    if regional.delta is not None:
        out.append(Assumption("δ", f"{regional.delta:g}", "Flegg & Webber 常用值，非本区估计"))
        out.append(Assumption("λ*", f"{regional.lambda_star:.4f}", "λ* = [log₂(1 + 区域总产出/全国总产出)]^δ"))
    out.append(Assumption("区域总产出", fmt_amount(float(regional.table.x.sum()) * wan_per_unit(regional.table.unit)),
                          "区域化所用的分部门产出"))
    con = phases["construction"]
    if con is not None:
        _, source = _shares(a, regional.table.sectors)
        out.append(Assumption("投资额", fmt_amount(a.investment), "项目填报"))
        out.append(Assumption("建设投资构成", _listing(con.detail["spending"] / a.investment, names, fmt_share), source))
        fallback = con.detail["source"] != "区域化本地供给率"  # mark the sectors whose share came otherwise
        shares = _listing(con.detail["local_purchase_share"], names, fmt_share).split("；")
        marked = [f"{txt}（{src}）" if fb else txt for txt, fb, src in zip(shares, fallback, con.detail["source"])]
        out.append(Assumption("本地采购比例（按部门）", "；".join(marked),
                              "未注明者为区域化本地供给率（该部门本地中间需求中本地供给的比例）"))
    if a.project_sector is not None:
        out.append(Assumption("项目所属部门", f"{a.project_sector} {names.get(a.project_sector, '')}".strip(),
                              "产业链环节的 GB/T 4754-2017 代码经本平台对照表映射"))
    if phases["operation"] is not None:
        out.append(Assumption("预计年产值", fmt_amount(a.annual_output), "项目填报"))
        out.append(Assumption("运营期冲击", "年产值全部计为区域新增最终需求（销往区外或最终使用）", "未扣除对本地原有供给的替代"))
    if has_jobs:
        value, source = _employment_note(national)
        out.append(Assumption("就业系数", f"{value}（人/万元产出，全国系数）", source))
    out.append(Assumption("诱发效应", "II 型：居民部门内生（区域表）" if type_ == "II" else "未计算（仅 I 型）",
                          "Miller & Blair (2009) §2.5、§6.2.2"))
    out.append(Assumption("口径", GROSS, "线性、固定系数、无产能约束"))
    out.append(Assumption("单位", "产出与增加值：万元；就业：人", ""))
    return out


__all__ = ["GROSS", "Assumption", "ImpactAssumptions", "ImpactCard", "PhaseResult", "impact_card"]
