"""Chain gap finder: for every chain node, the district's intermediate demand for its products,
the part supplied locally, the leakage, and a class — 补链 fill, 强链 strengthen, 延链 extend,
优势 advantage, 待观察 watch — with the reason in plain Chinese (docs/gaps.md).

    nodes = chain_node_inputs(chain, local_counts)          # or build ChainNodeInput yourself
    r = regionalize(national, district_output, "flq", 0.3)
    gaps = find_gaps(r, nodes)                              # one row per node, 万元
    gap_summary(gaps)

Per IO sector i, with national (domestic) coefficients ``a^N_ij``, regional coefficients
``a^r_ij`` and regional output ``x^r_j`` (all from the regionalization):

* demand       ``d_i = Σ_j a^N_ij x^r_j`` — what the district's industries would buy of product i
  at national technology (``A^N x^r``);
* local supply ``l_i = Σ_j a^r_ij x^r_j`` — the part bought inside the district (``Z^r 1``);
* leakage      ``d_i − l_i`` — bought outside the district (other regions or abroad, for a
  domestic national table: other regions of China).

A node with sector weights ``w_i`` (from :func:`~lianzhao.econ.concordance.sectors_for_codes`,
summing to 1) and sector shares ``s_i`` gets ``D = Σ_i w_i s_i d_i`` and ``L = Σ_i w_i s_i l_i``.
``s_i`` is the part of sector i's demand the node stands for; the default is 1 — the node is
credited with its whole sector's demand (an upper bound, printed as "按该部门全部需求计"),
because an even split by GB/T 小类 (:func:`class_coverage`) is just as arbitrary and hides that
a 153-sector table cannot tell two nodes of one sector apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from lianzhao.econ.concordance import load_concordance, sectors_for_codes, small_classes
from lianzhao.econ.errors import LabelError, MissingDataError, _names
from lianzhao.econ.regional import Regionalization
from lianzhao.econ.table import IOTable

#: Classes in the order their rules are tried; the first that matches wins.
KLASSES = ("extend", "fill", "strengthen", "advantage", "watch")
KLASS_LABELS = {"fill": "补链", "strengthen": "强链", "extend": "延链", "advantage": "优势", "watch": "待观察"}
POSITIONS = ("upstream", "midstream", "downstream")
#: Money units the gap finder and the impact card convert to 万元 (an empty unit is read as 万元).
WAN_PER_UNIT = {"万元": 1.0, "": 1.0, "亿元": 1e4, "元": 1e-4, "千元": 0.1, "百万元": 100.0}
COLUMNS = ["name", "position", "sectors", "demand", "local_supply", "leakage", "local_share", "leakage_share",
           "local_enterprises", "chain_leaders", "klass", "klass_label", "reason", "linked_to", "linkage"]


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


@dataclass(frozen=True)
class GapThresholds:
    """Thresholds of the gap classes (rules in :func:`find_gaps`).

    min_demand : 万元
        Local intermediate demand below which a node "has no demand": 1 亿元 (10,000 万元),
        about the annual output of one small manufacturing project — local purchases below it
        cannot keep a supplier busy, so they are no reason to attract one.
    strengthen_leakage : share
        强链 when local suppliers exist and at least this share of the demand leaks out (0.5:
        most of it bought outside).
    extend_linkage : coefficient
        延链 when a strong neighbour's IO link is at least this: 0.02 — the neighbour buys at
        least 2 分 of the node's products per 元 of output (direct coefficient a), or takes 2 %
        of its sales (allocation coefficient b), or the other way round. About 4–5 % of the
        cells of the NBS 2020 153-sector A and B matrices reach 0.02.
    strong_neighbour_share : share
        A neighbour is strong when it has local enterprises and meets at least this share of
        its local demand locally (0.5, the bar of 优势) …
    chain_leader_is_strong : bool
        … or has a local chain leader (链主) — a leader anchors extension whatever the
        regional table says.
    """

    min_demand: float = 10_000.0
    strengthen_leakage: float = 0.5
    extend_linkage: float = 0.02
    strong_neighbour_share: float = 0.5
    chain_leader_is_strong: bool = True

    def __post_init__(self):
        for name in ("min_demand", "strengthen_leakage", "extend_linkage", "strong_neighbour_share"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number ≥ 0, not {value!r}")
        if self.strengthen_leakage > 1 or self.strong_neighbour_share > 1:
            raise ValueError("strengthen_leakage and strong_neighbour_share are shares in [0, 1]")

    def as_dict(self) -> dict:
        """The thresholds as a plain dict (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping) -> GapThresholds:
        """Thresholds from a dict; missing keys take the defaults, unknown keys raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown gap threshold(s): {', '.join(sorted(unknown))}")
        return cls(**{k: (bool(v) if k == "chain_leader_is_strong" else float(v)) for k, v in d.items()})


@dataclass(frozen=True)
class ChainNodeInput:
    """One chain node as the gap finder sees it.

    ``sectors`` maps IO sector codes to weights summing to 1 (``sectors_for_codes`` of the
    node's GB/T codes); ``sector_shares`` optionally maps them to ``s_i``, the part of the
    sector's demand the node stands for (default 1 each). ``neighbours`` are the keys of the
    adjacent nodes (parent and children, or whatever the caller decides).
    """

    key: str
    name: str
    position: str
    sectors: Mapping[str, float]
    local_enterprises: int = 0
    chain_leaders: int = 0
    neighbours: tuple[str, ...] = ()
    sector_shares: Mapping[str, float] | None = None


def class_coverage(gbt_codes: Iterable[str], level: int = 153, year: int = 2020) -> dict[str, float]:
    """An alternative ``s_i``: the share of each sector's GB/T 小类 that the codes cover
    (a 中类 or 大类 code covers all its 小类). ``{sector: covered 小类 / all 小类 of the sector}``."""
    per_sector = load_concordance(level, year).groupby("sector_code").size()
    covered: dict[str, str] = {}
    for code in gbt_codes:
        covered.update(small_classes(code, level, year))
    counts = pd.Series(covered, dtype=object).value_counts()
    return {s: float(c / per_sector[s]) for s, c in counts.items()}


def local_counts(enterprises: Iterable[Mapping]) -> dict[str, tuple[int, int]]:
    """Node key → ``(local enterprises, of which chain leaders)`` from enterprise dicts with
    ``chain_nodes``, ``is_local`` and ``is_chain_leader`` (the demo pack's format)."""
    counts: dict[str, tuple[int, int]] = {}
    for e in enterprises:
        if not e["is_local"]:
            continue
        for key in e["chain_nodes"]:
            local, leaders = counts.get(key, (0, 0))
            counts[key] = (local + 1, leaders + int(bool(e["is_chain_leader"])))
    return counts


def chain_node_inputs(nodes: Sequence[Mapping], local_counts: Mapping[str, tuple[int, int]] | None = None, *,
                      level: int = 153, year: int = 2020, link_positions: bool = True) -> list[ChainNodeInput]:
    """:class:`ChainNodeInput` for the nodes of one chain given as plain dicts.

    ``nodes``: dicts with ``key, name, position, parent, gbt_codes`` (the demo pack's format).
    ``local_counts``: node key → ``(local enterprises, of which chain leaders)``; absent keys
    count 0. Neighbours are the parent and the children; with ``link_positions`` the nodes
    without a parent (the roots of each position) also neighbour the roots of the adjacent
    position (upstream ↔ midstream ↔ downstream), so that a chain drawn as three columns of
    roots is still a chain. Weights come from ``sectors_for_codes(gbt_codes, level, year)``.
    """
    counts = local_counts or {}
    keys = [n["key"] for n in nodes]
    adjacent: dict[str, list[str]] = {k: [] for k in keys}
    for n in nodes:
        parent = n.get("parent")
        if parent:
            if parent not in adjacent:
                raise LabelError(f"node {n['key']!r} names an unknown parent {parent!r}", [parent])
            adjacent[n["key"]].append(parent)
            adjacent[parent].append(n["key"])
    if link_positions:
        roots = {p: [n["key"] for n in nodes if not n.get("parent") and n["position"] == p] for p in POSITIONS}
        for a, b in zip(POSITIONS, POSITIONS[1:]):
            for u in roots[a]:
                for v in roots[b]:
                    adjacent[u].append(v)
                    adjacent[v].append(u)
    out = []
    for n in nodes:
        local, leaders = counts.get(n["key"], (0, 0))
        out.append(ChainNodeInput(
            key=n["key"], name=n["name"], position=n["position"],
            sectors=sectors_for_codes(n["gbt_codes"], level, year), local_enterprises=int(local),
            chain_leaders=int(leaders), neighbours=tuple(dict.fromkeys(adjacent[n["key"]])),
        ))
    return out


def _weights(nodes: Sequence[ChainNodeInput], sectors: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """``W`` (m, n) with ``w_i`` and ``WS`` (m, n) with ``w_i s_i`` per node; checked."""
    pos = {s: k for k, s in enumerate(sectors)}
    W = np.zeros((len(nodes), len(sectors)))
    WS = np.zeros_like(W)
    for k, node in enumerate(nodes):
        unknown = [s for s in node.sectors if s not in pos]
        if unknown:
            raise LabelError(f"node {node.key!r} names sector(s) {_names(unknown)} not in the table", unknown)
        w = np.array([float(v) for v in node.sectors.values()])
        if not node.sectors or (w < 0).any() or not np.isclose(w.sum(), 1.0, atol=1e-6):
            raise ValueError(f"node {node.key!r}: sector weights must be ≥ 0 and sum to 1, got {dict(node.sectors)}")
        shares = node.sector_shares or {}
        bad = {s: v for s, v in shares.items() if s not in node.sectors or not 0 <= v <= 1}
        if bad:
            raise ValueError(f"node {node.key!r}: sector_shares must be in [0, 1] for the node's own sectors; got {bad}")
        for s, v in node.sectors.items():
            W[k, pos[s]] = v
            WS[k, pos[s]] = v * shares.get(s, 1.0)
    return W, WS


def _sector_text(node: ChainNodeInput, names: pd.DataFrame) -> str:
    parts = sorted(node.sectors.items(), key=lambda kv: (-kv[1], kv[0]))
    label = [f"{s} {names.loc[s, 'name_zh']}".strip() if len(names) else s for s, _ in parts]
    if len(parts) == 1:
        return label[0]
    return "、".join(f"{lab} {w:.0%}" for lab, (_, w) in zip(label, parts))


def _basis_text(node: ChainNodeInput, sectors: str) -> str:
    shares = node.sector_shares or {}
    partial = {s: v for s, v in shares.items() if v != 1}
    if not partial:
        whole = "按该部门全部需求计" if len(node.sectors) == 1 else "按各部门全部需求计"
        return f"（部门：{sectors}，{whole}）"
    listed = "、".join(f"{s} 的 {v:.0%}" for s, v in sorted(partial.items()))
    return f"（部门：{sectors}，按节点所占部门份额计：{listed}）"


def national_coefficients(regional: Regionalization, national: IOTable | None = None) -> tuple[np.ndarray, np.ndarray]:
    """National ``A^N`` and ``B^N`` (n, n) for the gap finder.

    From ``national`` (or ``regional.national`` if the regionalization carries it) when given.
    Otherwise recovered from the regionalization itself, which is exact algebra when the
    district has output in every sector: ``a^r_ij = a^N_ij · min(Q_ij, 1)`` with every
    ``Q_ij > 0``, so ``a^N_ij = a^r_ij / min(Q_ij, 1)``; and ``x^N_i ∝ x^r_i / SLQ_i`` (for
    output- and job-based quotients alike), so ``B^N = x̂_N⁻¹ A^N x̂_N`` needs no national
    totals. A sector without regional output loses its national coefficients (its quotient
    row or its regional column is 0): then MissingDataError asks for the national table.
    """
    national = national if national is not None else getattr(regional, "national", None)
    if national is not None:
        if not national.sectors.equals(regional.table.sectors):
            raise LabelError("the national and regional tables have different sectors")
        return national.A.to_numpy(), national.B.to_numpy()
    xr = regional.table.x.to_numpy()
    slq = regional.slq.to_numpy()
    absent = (xr <= 0) | (slq <= 0)
    if absent.any():
        missing = list(regional.table.sectors[absent])
        raise MissingDataError(
            f"the district has no output in sector(s) {_names(missing)}, so the regionalization alone does not "
            "determine their national coefficients; pass the national table: find_gaps(regional, nodes, national=t)",
            missing)
    A = regional.table.A.to_numpy() / np.minimum(regional.quotients.to_numpy(), 1.0)
    xn = xr / slq
    return A, A * xn[np.newaxis, :] / xn[:, np.newaxis]


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


_LINK_TEXT = ("直接消耗系数 {v:.3f}（本环节 → {n}）", "直接消耗系数 {v:.3f}（{n} → 本环节）",
              "分配系数 {v:.3f}（本环节产出的 {p} 供给 {n}）", "分配系数 {v:.3f}（{n} 产出的 {p} 供给本环节）")


def find_gaps(regional: Regionalization, nodes: Sequence[ChainNodeInput],
              thresholds: GapThresholds = GapThresholds(), *, national: IOTable | None = None) -> pd.DataFrame:
    """Classify every chain node (one row per node, index = node key, amounts in 万元).

    Parameters
    ----------
    regional : Regionalization
        From :func:`~lianzhao.econ.regional.regionalize`; supplies ``x^r`` and ``A^r``.
    nodes : sequence of ChainNodeInput
        Keys unique; neighbours must be keys of ``nodes``.
    thresholds : GapThresholds
    national : IOTable, optional
        The national table the regionalization started from (the demand ``A^N x^r`` and the
        links need its coefficients). Without it they are recovered from ``regional`` (exact
        when the district has output in every sector; MissingDataError naming the sectors
        otherwise) — see :func:`national_coefficients`.

    Columns: ``name, position, sectors`` (text), ``demand`` ``D``, ``local_supply`` ``L``,
    ``leakage`` ``D − L`` (万元), ``local_share`` ``L / D``, ``leakage_share`` ``1 − L / D``
    (NaN when ``D = 0``), ``local_enterprises, chain_leaders, klass, klass_label, reason``,
    ``linked_to`` (延链 only: the strong neighbour's key) and ``linkage`` (its link value).

    Rules, tried in this order (``E`` = local enterprises; a neighbour is *strong* when it has
    ``E > 0`` and a local share ≥ ``strong_neighbour_share`` or, if
    ``chain_leader_is_strong``, a chain leader; its *link* is the largest of ``a_uv, a_vu,
    b_uv, b_vu`` on the national table, see :func:`_links`):

    1. **extend 延链** — ``E = 0`` and a strong neighbour with link ≥ ``extend_linkage``
       (the strongest such neighbour goes to ``linked_to``): a new link next to a local strength;
    2. **fill 补链** — ``E = 0`` and ``D ≥ min_demand``: local industry buys it, all from outside
       the district's firms;
    3. **strengthen 强链** — ``E > 0``, ``D ≥ min_demand`` and leakage share ≥
       ``strengthen_leakage``: local suppliers exist but most demand leaks out;
    4. **advantage 优势** — ``E > 0`` and leakage share < ``strengthen_leakage``;
    5. **watch 待观察** — the rest: no local firms, demand below ``min_demand`` and no strong
       linked neighbour; or local firms whose demand is below ``min_demand`` and mostly leaks
       (or is zero).
    """
    table = regional.table
    keys = [n.key for n in nodes]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise LabelError(f"duplicate node key(s) {_names(dupes)}", dupes)
    index = {k: i for i, k in enumerate(keys)}
    for n in nodes:
        unknown = [v for v in n.neighbours if v not in index]
        if unknown:
            raise LabelError(f"node {n.key!r} names unknown neighbour(s) {_names(unknown)}", unknown)
        if n.local_enterprises < 0 or n.chain_leaders < 0 or n.chain_leaders > n.local_enterprises:
            raise ValueError(f"node {n.key!r}: need 0 ≤ chain_leaders ≤ local_enterprises")

    scale = wan_per_unit(table.unit)
    A, B = national_coefficients(regional, national)
    d = A @ table.x.to_numpy() * scale
    local = table.Z.to_numpy().sum(axis=1) * scale
    W, WS = _weights(nodes, table.sectors)
    D, L = WS @ d, WS @ local
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(D > 0, L / np.where(D > 0, D, 1.0), np.nan)
    link, via = _links(A, B, W) if len(nodes) else (np.zeros((0, 0)), np.zeros((0, 0), int))
    E = np.array([n.local_enterprises for n in nodes])
    leaders = np.array([n.chain_leaders for n in nodes])
    t = thresholds
    strong = (E > 0) & ((np.nan_to_num(share, nan=0.0) >= t.strong_neighbour_share)
                        | (t.chain_leader_is_strong & (leaders > 0)))

    rows = []
    for k, node in enumerate(nodes):
        sectors = _sector_text(node, table.names)
        leak_share = 1.0 - share[k]
        has_demand = D[k] >= t.min_demand
        facts = (f"本地需求 {fmt_amount(D[k])}，本地供给 {fmt_share(share[k])}"
                 + (f"，外流 {fmt_amount(D[k] - L[k])}" if D[k] > 0 else ""))
        firms = (f"本地企业 {E[k]} 家" + (f"（链主 {leaders[k]} 家）" if leaders[k] else "")) if E[k] else "无本地企业"
        linked_to, linkage = None, np.nan
        candidates = [index[v] for v in node.neighbours if strong[index[v]] and link[k, index[v]] >= t.extend_linkage]
        if E[k] == 0 and candidates:
            j = max(candidates, key=lambda c: (link[k, c], -c))
            nb = nodes[j]
            why = "链主" if share[j] < t.strong_neighbour_share or not math.isfinite(share[j]) else "本地优势"
            link_text = _LINK_TEXT[via[k, j]].format(v=link[k, j], n=f"「{nb.name}」", p=fmt_share(link[k, j]))
            klass, linked_to, linkage = "extend", nb.key, float(link[k, j])
            reason = (f"{facts}，{firms}；相邻环节「{nb.name}」为{why}（本地企业 {nb.local_enterprises} 家，"
                      f"本地供给 {fmt_share(share[j])}），{link_text} ≥ {t.extend_linkage:g}")
        elif E[k] == 0 and has_demand:
            klass, reason = "fill", f"{facts}，{firms}"
        elif E[k] > 0 and has_demand and leak_share >= t.strengthen_leakage:
            klass = "strengthen"
            reason = f"{facts}（外流占比 {fmt_share(leak_share)} ≥ {t.strengthen_leakage:.0%}），{firms}"
        elif E[k] > 0 and math.isfinite(leak_share) and leak_share < t.strengthen_leakage:
            klass = "advantage"
            reason = f"{facts}（外流占比 {fmt_share(leak_share)} < {t.strengthen_leakage:.0%}），{firms}"
        else:
            klass = "watch"
            low = f"本地需求 {fmt_amount(D[k])}，低于门槛 {fmt_amount(t.min_demand)}"
            reason = (f"{low}，{firms}，相邻环节中无与之关联（联系 ≥ {t.extend_linkage:g}）的本地强项" if E[k] == 0
                      else f"{low}，本地供给 {fmt_share(share[k])}，{firms}")
        rows.append({
            "name": node.name, "position": node.position, "sectors": sectors, "demand": D[k],
            "local_supply": L[k], "leakage": D[k] - L[k], "local_share": share[k], "leakage_share": leak_share,
            "local_enterprises": int(E[k]), "chain_leaders": int(leaders[k]), "klass": klass,
            "klass_label": KLASS_LABELS[klass], "reason": reason + _basis_text(node, sectors),
            "linked_to": linked_to, "linkage": linkage,
        })
    out = pd.DataFrame(rows, index=pd.Index(keys, name="key"), columns=COLUMNS)
    out.attrs.update(unit="万元", thresholds=t.as_dict())
    return out


def gap_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Nodes per class in rule order (every class, zeros included): ``klass_label``, ``nodes``,
    and the summed ``demand`` and ``leakage`` of those nodes (万元; nodes sharing a sector
    count it once per node, so these are not district totals)."""
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
    "chain_node_inputs",
    "class_coverage",
    "find_gaps",
    "fmt_amount",
    "fmt_share",
    "gap_summary",
    "local_counts",
    "national_coefficients",
    "wan_per_unit",
]
