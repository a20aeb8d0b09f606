"""Chain gap finder: for every chain node, the district's intermediate demand for its products,
the part supplied locally, the leakage to other regions of China and abroad, and a class —
补链 fill, 强链 strengthen, 延链 extend, 优势 advantage, 待观察 watch — with the reason in plain
Chinese (docs/gaps.md).

    nodes = chain_node_inputs(chain, local_counts)          # node shares by GB/T 小类
    r = regionalize(national, district_output, "flq", 0.3, non_tradables=NON_TRADABLES_153)
    gaps = find_gaps(r, nodes)                              # one row per node, 万元
    gap_summary(gaps); chain_totals(r, nodes)

Per IO product i, with the regionalization's coefficients (:mod:`lianzhao.econ.hybrid`) and the
district's output ``x^r``:

* demand          ``d_i = Σ_j a^T_ij x^r_j`` — total (domestic + imported) requirements;
* local supply    ``l_i = Σ_j a^L_ij x^r_j``;
* leakage abroad  ``f_i = Σ_j a^F_ij x^r_j``  (imports);
* other regions   ``o_i = d_i − l_i − f_i``   (bought in the rest of China).

A node with shares ``s_i`` (its part of sector i's demand, :mod:`lianzhao.econ.node_shares`)
gets ``D = Σ_i s_i d_i``, ``L = Σ_i s_i l_i``, ``F = Σ_i s_i f_i``, ``O = Σ_i s_i o_i``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from lianzhao.econ.chain_inputs import ChainNodeInput, chain_node_inputs, class_coverage, local_counts
from lianzhao.econ.errors import LabelError, MissingDataError, _names
from lianzhao.econ.node_shares import check_chain_shares
from lianzhao.econ.plants import typical_plant_output
from lianzhao.econ.regional import Regionalization

#: Classes in the order their rules are tried; the first that matches wins.
KLASSES = ("extend", "fill", "strengthen", "advantage", "watch")
KLASS_LABELS = {"fill": "补链", "strengthen": "强链", "extend": "延链", "advantage": "优势", "watch": "待观察"}
#: Money units the gap finder and the impact card convert to 万元 (an empty unit is read as 万元).
WAN_PER_UNIT = {"万元": 1.0, "": 1.0, "亿元": 1e4, "元": 1e-4, "千元": 0.1, "百万元": 100.0}
COLUMNS = ["name", "position", "sectors", "shares", "demand", "local_supply", "leakage", "leakage_domestic",
           "leakage_abroad", "local_share", "leakage_share", "abroad_share", "plant_output", "demand_threshold",
           "plants", "import_substitution", "local_enterprises", "chain_leaders", "klass", "klass_label", "reason",
           "linked_to", "linkage"]


def wan_per_unit(unit: str) -> float:
    """万元 per one money unit of a table (``"亿元"`` → 1e4); ValueError for other currencies."""
    try:
        return WAN_PER_UNIT[unit.strip()]
    except KeyError:
        raise ValueError(f"cannot convert the table's money unit {unit!r} to 万元 "
                         f"(known: {', '.join(u for u in WAN_PER_UNIT if u)})") from None


def fmt_amount(wan: float) -> str:
    """``"3.2 亿元"`` from 1 亿元 up, ``"4,560 万元"`` below."""
    if not math.isfinite(wan):
        return "—"
    return f"{wan / 1e4:,.1f} 亿元" if abs(wan) >= 1e4 else f"{wan:,.0f} 万元"


def fmt_share(share: float) -> str:
    """``"18%"``; ``"—"`` for NaN."""
    return "—" if not math.isfinite(share) else f"{share:.0%}"


def _fmt_part(share: float) -> str:
    """A node share: ``"20%"``, ``"1.9%"`` below 10 %."""
    return f"{share:.0%}" if share >= 0.1 or share == 0 else f"{share:.1%}"


@dataclass(frozen=True)
class GapThresholds:
    """Thresholds of the gap classes (rules in :func:`find_gaps`).

    min_demand : 万元
        A floor under the demand threshold (default 0: the plant size decides).
    plant_share : multiple
        The demand threshold of a node is ``max(min_demand, plant_share · P)``, ``P`` the
        typical annual output of one plant of the node's sectors (:mod:`lianzhao.econ.plants`):
        with 1, local demand must be able to keep at least one supplier busy.
    strengthen_leakage : share
        强链 when local suppliers exist and at least this share of the demand leaks out (0.5); 补链
        needs the same leakage (a node whose demand is mostly met inside the district has no gap
        to fill, whatever the registry says).
    extend_linkage : coefficient
        延链 when a strong neighbour's IO link is at least this (0.02: 2 分 per 元 of output, or
        2 % of sales, either direction; 4–5 % of the cells of NBS 2020 153 A and B reach it).
    strong_neighbour_share : share
        A neighbour is strong when it has local enterprises and meets at least this share of
        its local demand locally (0.5, the bar of 优势) …
    chain_leader_is_strong : bool
        … or has a local chain leader (链主).
    import_substitution_share : share
        A 补链/强链/延链 node whose imports from abroad are at least this share of its demand is
        an import-substitution candidate (0.25).
    """

    min_demand: float = 0.0
    plant_share: float = 1.0
    strengthen_leakage: float = 0.5
    extend_linkage: float = 0.02
    strong_neighbour_share: float = 0.5
    chain_leader_is_strong: bool = True
    import_substitution_share: float = 0.25

    _SHARES = ("strengthen_leakage", "strong_neighbour_share", "import_substitution_share")

    def __post_init__(self):
        for f in fields(self):
            if f.name == "chain_leader_is_strong":
                if not isinstance(self.chain_leader_is_strong, bool):
                    raise ValueError(f"chain_leader_is_strong must be true or false, not {self.chain_leader_is_strong!r}")
                continue
            value = getattr(self, f.name)
            if isinstance(value, bool) or not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{f.name} must be a finite number ≥ 0, not {value!r}")
            if f.name in self._SHARES and value > 1:
                raise ValueError(f"{f.name} is a share in [0, 1], not {value!r}")

    def as_dict(self) -> dict:
        """The thresholds as a plain dict (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping) -> GapThresholds:
        """Thresholds from a dict; missing keys take the defaults; unknown keys and values of the
        wrong type raise ValueError."""
        if not isinstance(d, Mapping):
            raise ValueError(f"gap thresholds must be a mapping, not {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown gap threshold(s): {', '.join(sorted(map(str, unknown)))}")
        out = {}
        for k, v in d.items():
            if k == "chain_leader_is_strong":
                out[k] = v
            elif isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"{k} must be a number, not {v!r}")
            else:
                out[k] = float(v)
        return cls(**out)


# ---------------------------------------------------------------------------- measures
@dataclass(frozen=True)
class SectorDemand:
    """Per IO product (n,), 万元: demand ``d``, local supply ``l``, abroad ``f``, other regions ``o``."""

    d: np.ndarray
    l: np.ndarray  # noqa: E741 (the textbook symbol)
    f: np.ndarray
    o: np.ndarray


def sector_demand(regional: Regionalization) -> SectorDemand:
    """``d = A^T x^r``, ``l = A^L x^r``, ``f = A^F x^r``, ``o = d − l − f`` (n,), 万元."""
    c = regional.coefficients
    if c is None:
        raise MissingDataError("the regionalization carries no coefficient split; build it with regionalize()")
    table = regional.table
    x = table.arrays.x * wan_per_unit(table.unit)
    d, l, f = c.total @ x, c.local @ x, c.abroad @ x  # noqa: E741 (textbook symbols)
    return SectorDemand(d=d, l=l, f=f, o=np.clip(d - l - f, 0.0, None))


def share_matrix(nodes: Sequence[ChainNodeInput], sectors: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """``W`` (m, n) with the sector weights ``w_i`` and ``S`` (m, n) with the node shares ``s_i``;
    checked (weights sum to 1; shares in [0, 1] and ≤ 1 per sector over the nodes)."""
    pos = {str(s): k for k, s in enumerate(sectors)}
    W = np.zeros((len(nodes), len(sectors)))
    S = np.zeros_like(W)
    touching: dict[str, int] = {}
    for node in nodes:
        for s in node.sectors:
            touching[s] = touching.get(s, 0) + 1
    given = {}
    for k, node in enumerate(nodes):
        unknown = [s for s in node.sectors if s not in pos]
        if unknown:
            raise LabelError(f"node {node.key!r} names sector(s) {_names(unknown)} not in the table", unknown)
        w = np.array([float(v) for v in node.sectors.values()])
        if not node.sectors or (w < 0).any() or not np.isclose(w.sum(), 1.0, atol=1e-6):
            raise ValueError(f"node {node.key!r}: sector weights must be ≥ 0 and sum to 1, got {dict(node.sectors)}")
        shares = node.shares if node.shares is not None else {s: 1.0 / touching[s] for s in node.sectors}
        stray = [s for s in shares if s not in node.sectors]
        if stray:
            raise LabelError(f"node {node.key!r}: shares for sector(s) {_names(stray)} it is not mapped to", stray)
        given[node.key] = {s: float(v) for s, v in shares.items()}
        for s, v in node.sectors.items():
            W[k, pos[s]] = v
            S[k, pos[s]] = float(shares.get(s, 0.0))
    check_chain_shares(given)
    return W, S


def _links(A: np.ndarray, B: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node-to-node link ``max(a_uv, a_vu, b_uv, b_vu)`` (m, m) and which one it is (0–3).

    ``a_uv = w_u' A w_v`` is the weighted mean of the direct coefficients from u's sectors to
    v's sectors (input of u per unit of v's output); ``b_uv = w_u' B w_v`` the weighted mean
    share of u's sales going to v.
    """
    a = W @ A @ W.T
    b = W @ B @ W.T
    stack = np.stack([a, a.T, b, b.T])
    return stack.max(axis=0), stack.argmax(axis=0)


def national_links(regional: Regionalization, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_links` on the national total requirements ``A^T`` and ``B = x̂_N⁻¹ A^T x̂_N``."""
    if regional.national is None or regional.coefficients is None:
        raise MissingDataError("the regionalization carries no national table; build it with regionalize()")
    A = regional.coefficients.total
    x = regional.national.arrays.x
    B = A * x[np.newaxis, :] / np.where(x > 0, x, 1.0)[:, np.newaxis]
    return _links(A, B, W) if len(W) else (np.zeros((0, 0)), np.zeros((0, 0), int))


def adjacency(nodes: Sequence[ChainNodeInput]) -> np.ndarray:
    """``N`` (m, m) bool: ``N[k, j]`` when j is a neighbour of k; unknown neighbours raise."""
    index = {n.key: i for i, n in enumerate(nodes)}
    N = np.zeros((len(nodes), len(nodes)), dtype=bool)
    for k, n in enumerate(nodes):
        unknown = [v for v in n.neighbours if v not in index]
        if unknown:
            raise LabelError(f"node {n.key!r} names unknown neighbour(s) {_names(unknown)}", unknown)
        for v in n.neighbours:
            N[k, index[v]] = True
    return N


def classify(D: np.ndarray, L: np.ndarray, E: np.ndarray, leaders: np.ndarray, T: np.ndarray, link: np.ndarray,
             N: np.ndarray, t: GapThresholds) -> tuple[np.ndarray, np.ndarray]:
    """The class of every node (index into :data:`KLASSES`, (m,)) and, for 延链, the strong
    neighbour it extends (index, else −1). Rules in :func:`find_gaps`; vectorised so that the
    robustness band can call it for every scenario."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(D > 0, L / np.where(D > 0, D, 1.0), np.nan)
    leak = 1.0 - share
    strong = (E > 0) & ((np.nan_to_num(share, nan=0.0) >= t.strong_neighbour_share)
                        | (t.chain_leader_is_strong & (leaders > 0)))
    cand = N & strong[np.newaxis, :] & (link >= t.extend_linkage)
    partner = np.where(cand.any(axis=1), np.argmax(np.where(cand, link, -np.inf), axis=1), -1)
    has_demand = D >= T
    extend = (E == 0) & (partner >= 0)
    fill = (E == 0) & ~extend & has_demand & (leak >= t.strengthen_leakage)
    strengthen = (E > 0) & has_demand & (leak >= t.strengthen_leakage)
    advantage = (E > 0) & ~strengthen & np.isfinite(leak) & (leak < t.strengthen_leakage)
    klass = np.full(len(D), KLASSES.index("watch"))
    for name, mask in (("advantage", advantage), ("strengthen", strengthen), ("fill", fill), ("extend", extend)):
        klass[mask] = KLASSES.index(name)
    return klass, np.where(extend, partner, -1)


def thresholds_for(W: np.ndarray, plant: np.ndarray | None, t: GapThresholds) -> tuple[np.ndarray, np.ndarray]:
    """``(P, T)`` per node: typical plant output ``P_k = min_{i: w_ik > 0} p_i`` — the smallest plant
    type among the node's sectors, since a supplier of any of its products is worth attracting (a
    weighted mean would hold a refrigerated-truck body maker to a vehicle assembly plant's 100 亿元)
    — and demand threshold ``T = max(min_demand, plant_share · P)`` (万元; P is NaN without plant
    sizes)."""
    if plant is None:
        P = np.full(len(W), np.nan)
        return P, np.full(len(W), t.min_demand)
    P = np.where(W > 0, np.asarray(plant, dtype=float)[np.newaxis, :], np.inf).min(axis=1, initial=np.inf)
    P = np.where(np.isfinite(P), P, np.nan)
    return P, np.maximum(t.min_demand, t.plant_share * np.nan_to_num(P, nan=0.0))


# ---------------------------------------------------------------------------- the finder
_LINK_TEXT = ("直接消耗系数 {v:.3f}（本环节 → {n}）", "直接消耗系数 {v:.3f}（{n} → 本环节）",
              "分配系数 {v:.3f}（本环节产出的 {p} 供给 {n}）", "分配系数 {v:.3f}（{n} 产出的 {p} 供给本环节）")


def _sector_text(node: ChainNodeInput, names: pd.DataFrame) -> str:
    parts = sorted(node.sectors.items(), key=lambda kv: (-kv[1], kv[0]))
    label = [f"{s} {names.loc[s, 'name_zh']}".strip() if len(names) and s in names.index else s for s, _ in parts]
    if len(parts) == 1:
        return label[0]
    return "、".join(f"{lab} {w:.0%}" for lab, (_, w) in zip(label, parts))


def _share_text(node: ChainNodeInput, S_row: np.ndarray, pos: dict[str, int], names: pd.DataFrame) -> str:
    notes = node.share_notes or {}
    parts = []
    for s in sorted(node.sectors, key=lambda s: (-node.sectors[s], s)):
        name = names.loc[s, "name_zh"] if len(names) and s in names.index else ""
        note = notes.get(s)
        parts.append(f"{s} {name}".strip() + f" × {_fmt_part(S_row[pos[s]])}" + (f"〔{note}〕" if note else ""))
    return "、".join(parts)


def find_gaps(regional: Regionalization, nodes: Sequence[ChainNodeInput],
              thresholds: GapThresholds = GapThresholds(), *, plant_output: np.ndarray | None = None) -> pd.DataFrame:
    """Classify every chain node (one row per node, index = node key, amounts in 万元).

    Parameters
    ----------
    regional : Regionalization
        From :func:`~lianzhao.econ.regional.regionalize` (it carries the national table and
        the coefficient split ``A^T, A^L, A^F``).
    nodes : sequence of ChainNodeInput
        Keys unique; neighbours must be keys of ``nodes``; node shares of one sector sum ≤ 1.
    thresholds : GapThresholds
    plant_output : array (n,), optional
        Typical annual output of one plant per sector (万元); default
        :func:`~lianzhao.econ.plants.typical_plant_output` of the table's sectors.

    Columns: ``demand`` D, ``local_supply`` L, ``leakage`` D − L = ``leakage_domestic`` O +
    ``leakage_abroad`` F (万元); ``local_share`` L / D, ``leakage_share`` 1 − L / D,
    ``abroad_share`` F / D (NaN when D = 0); ``plant_output`` P, ``demand_threshold`` T,
    ``plants`` D / P; ``import_substitution`` (F / D ≥ ``import_substitution_share`` and the
    class is 补链, 强链 or 延链); ``shares`` (text: each s_i and how it was set); the class,
    its reason, and for 延链 the strong neighbour (``linked_to``) and its link value.

    Rules, tried in this order (``E`` = local enterprises; a neighbour is *strong* when it has
    ``E > 0`` and a local share ≥ ``strong_neighbour_share`` or, if
    ``chain_leader_is_strong``, a chain leader; its *link* is the largest of ``a_uv, a_vu,
    b_uv, b_vu`` on the national total requirements, see :func:`_links`):

    1. **extend 延链** — ``E = 0`` and a strong neighbour with link ≥ ``extend_linkage``;
    2. **fill 补链** — ``E = 0``, ``D ≥ T`` and leakage share ≥ ``strengthen_leakage``;
    3. **strengthen 强链** — ``E > 0``, ``D ≥ T`` and leakage share ≥ ``strengthen_leakage``;
    4. **advantage 优势** — ``E > 0`` and leakage share < ``strengthen_leakage``;
    5. **watch 待观察** — the rest: demand below the threshold (it cannot keep one plant busy), no
       intermediate demand at all, or no local firm in the registry but most of the demand met
       inside the district (no gap to fill; the registry may lack its firms).
    """
    table = regional.table
    keys = [n.key for n in nodes]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise LabelError(f"duplicate node key(s) {_names(dupes)}", dupes)
    for n in nodes:
        if n.local_enterprises < 0 or n.chain_leaders < 0 or n.chain_leaders > n.local_enterprises:
            raise ValueError(f"node {n.key!r}: need 0 ≤ chain_leaders ≤ local_enterprises")
    N = adjacency(nodes)
    sd = sector_demand(regional)
    W, S = share_matrix(nodes, table.sectors)
    D, L, F, O = S @ sd.d, S @ sd.l, S @ sd.f, S @ sd.o  # noqa: E741
    link, via = national_links(regional, W)
    E = np.array([n.local_enterprises for n in nodes], dtype=int)
    leaders = np.array([n.chain_leaders for n in nodes], dtype=int)
    plant = typical_plant_output(table.sectors) if plant_output is None else np.asarray(plant_output, dtype=float)
    P, T = thresholds_for(W, plant, thresholds)
    klass, partner = classify(D, L, E, leaders, T, link, N, thresholds)
    rows = _rows(nodes, table, S, D, L, F, O, E, leaders, P, T, klass, partner, link, via, thresholds)
    out = pd.DataFrame(rows, index=pd.Index(keys, name="key"), columns=COLUMNS)
    out.attrs.update(unit="万元", thresholds=thresholds.as_dict())
    return out


def _rows(nodes, table, S, D, L, F, O, E, leaders, P, T, klass, partner, link, via, t: GapThresholds) -> list[dict]:  # noqa: E741
    pos = {str(s): k for k, s in enumerate(table.sectors)}
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(D > 0, L / np.where(D > 0, D, 1.0), np.nan)
        abroad = np.where(D > 0, F / np.where(D > 0, D, 1.0), np.nan)
    rows = []
    for k, node in enumerate(nodes):
        name = KLASSES[klass[k]]
        leak_share = 1.0 - share[k]
        facts = f"本地需求 {fmt_amount(D[k])}，本地供给 {fmt_share(share[k])}"
        if D[k] > 0:
            facts += f"，外流 {fmt_amount(D[k] - L[k])}（国内其他地区 {fmt_amount(O[k])}、国外进口 {fmt_amount(F[k])}）"
        firms = (f"本地企业 {E[k]} 家" + (f"（链主 {leaders[k]} 家）" if leaders[k] else "")) if E[k] else "无本地企业"
        plants = D[k] / P[k] if math.isfinite(P[k]) and P[k] > 0 else np.nan
        scale = (f"，约合 {plants:.1f} 家典型企业的年产值（典型企业约 {fmt_amount(P[k])}/年）"
                 if math.isfinite(plants) else "")
        linked_to, linkage = None, np.nan
        if name == "extend":
            j = partner[k]
            nb = nodes[j]
            why = "链主" if not share[j] >= t.strong_neighbour_share else "本地优势"
            link_text = _LINK_TEXT[via[k, j]].format(v=link[k, j], n=f"「{nb.name}」", p=fmt_share(link[k, j]))
            linked_to, linkage = nb.key, float(link[k, j])
            reason = (f"{facts}，{firms}；相邻环节「{nb.name}」为{why}（本地企业 {nb.local_enterprises} 家，"
                      f"本地供给 {fmt_share(share[j])}），{link_text} ≥ {t.extend_linkage:g}")
        elif name == "fill":
            reason = f"{facts}，{firms}{scale}"
        elif name == "strengthen":
            reason = f"{facts}，外流占比 {fmt_share(leak_share)} ≥ {t.strengthen_leakage:.0%}，{firms}{scale}"
        elif name == "advantage":
            reason = f"{facts}，外流占比 {fmt_share(leak_share)} < {t.strengthen_leakage:.0%}，{firms}"
        elif D[k] <= 0:
            reason = (f"区内产业对本环节产品没有中间需求（如建筑、由投资或消费购买的产品），无从按本地需求判断，"
                      f"{firms}")
        elif D[k] >= T[k] and E[k] == 0:  # enough demand, but it is mostly met inside the district
            reason = (f"{facts}，外流占比 {fmt_share(leak_share)} < {t.strengthen_leakage:.0%}，需求主要由区内满足，"
                      f"无外流可替代；{firms}（企业库可能未收录其本地企业）")
        else:
            if math.isfinite(plants) and t.plant_share * P[k] >= t.min_demand:
                low = (f"本地需求 {fmt_amount(D[k])}，不足以支撑一家典型企业（年产值约 {fmt_amount(P[k])}，"
                       f"门槛 {fmt_amount(T[k])}）")
            else:
                low = f"本地需求 {fmt_amount(D[k])}，低于门槛 {fmt_amount(T[k])}"
            reason = (f"{low}，{firms}，相邻环节中无与之关联（联系 ≥ {t.extend_linkage:g}）的本地强项" if E[k] == 0
                      else f"{low}，本地供给 {fmt_share(share[k])}，{firms}")
        substitution = bool(name in ("fill", "strengthen", "extend") and F[k] > 0
                            and abroad[k] >= t.import_substitution_share)
        if substitution:
            reason += f"；进口占需求 {fmt_share(abroad[k])} ≥ {t.import_substitution_share:.0%}，为进口替代候选"
        shares = _share_text(node, S[k], pos, table.names)
        rows.append({
            "name": node.name, "position": node.position, "sectors": _sector_text(node, table.names),
            "shares": shares, "demand": D[k], "local_supply": L[k], "leakage": D[k] - L[k],
            "leakage_domestic": O[k], "leakage_abroad": F[k], "local_share": share[k], "leakage_share": leak_share,
            "abroad_share": abroad[k], "plant_output": P[k], "demand_threshold": T[k], "plants": plants,
            "import_substitution": substitution, "local_enterprises": int(E[k]), "chain_leaders": int(leaders[k]),
            "klass": name, "klass_label": KLASS_LABELS[name], "reason": f"{reason}（按部门份额计：{shares}）",
            "linked_to": linked_to, "linkage": linkage,
        })
    return rows


def chain_totals(regional: Regionalization, nodes: Sequence[ChainNodeInput]) -> dict[str, float]:
    """The chain's sectors counted once: ``demand, local_supply, leakage_domestic, leakage_abroad``
    summed over every sector any node is mapped to (万元), beside ``node_demand`` — the sum of the
    nodes' demands, never larger, since the node shares of a sector sum to at most 1."""
    sd = sector_demand(regional)
    W, S = share_matrix(nodes, regional.table.sectors)
    touched = (W > 0).any(axis=0)
    return {"demand": float(sd.d[touched].sum()), "local_supply": float(sd.l[touched].sum()),
            "leakage_domestic": float(sd.o[touched].sum()), "leakage_abroad": float(sd.f[touched].sum()),
            "node_demand": float((S @ sd.d).sum()), "sectors": int(touched.sum())}


def gap_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Nodes per class in rule order (every class, zeros included): ``klass_label``, ``nodes``,
    and the summed ``demand`` and ``leakage`` of those nodes (万元; within one chain a sector's
    demand is counted at most once, by the node shares)."""
    grouped = df.groupby("klass")
    out = pd.DataFrame({
        "klass_label": [KLASS_LABELS[k] for k in KLASSES],
        "nodes": grouped.size().reindex(KLASSES, fill_value=0).astype(int).to_numpy(),
        "demand": grouped["demand"].sum().reindex(KLASSES, fill_value=0.0).to_numpy(),
        "leakage": grouped["leakage"].sum().reindex(KLASSES, fill_value=0.0).to_numpy(),
    }, index=pd.Index(KLASSES, name="klass"))
    out.attrs.update(unit="万元")
    return out


__all__ = [
    "KLASSES",
    "KLASS_LABELS",
    "ChainNodeInput",
    "GapThresholds",
    "SectorDemand",
    "chain_node_inputs",
    "chain_totals",
    "class_coverage",
    "classify",
    "find_gaps",
    "fmt_amount",
    "fmt_share",
    "gap_summary",
    "local_counts",
    "sector_demand",
    "share_matrix",
    "wan_per_unit",
]
