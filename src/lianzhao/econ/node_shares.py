"""Node shares ``s_ik``: the part of IO sector i's demand that chain node k stands for.

A 153-sector table cannot tell the products of one sector apart, so a chain node mapped to a
sector is credited with a *share* of that sector's demand, ``D_k = Σ_i s_ik d_i``. Within one
chain, the shares of a sector never sum above 1 (a sector's demand is counted at most once).

Rules (``rule``):

``"classes"`` (default)
    The node's GB/T 4754-2017 小类 share of the sector: each 小类 c of sector i carries
    ``ω_c = 1 / n_i`` (n_i = the sector's 小类 in the concordance; NBS publishes no output
    below the 153 sectors, so the 小类 count evenly — "weighted by national output" is not
    possible with the public data), and a 小类 claimed by ``k_c`` nodes of the chain is split
    evenly between them: ``s_ik = Σ_{c ∈ C_k ∩ i} ω_c / k_c``.
``"even"``
    The chain stands for the whole of every sector it touches, split evenly between the
    nodes mapped to it: ``s_ik = 1 / k_i``. An upper bound, used in the robustness band.

Shares set by an analyst (``fixed``, with a source) replace the rule for that node and sector;
the other nodes of the chain share what is left, their rule shares scaled by
``min(1, (1 − F_i) / R_i)`` (F_i fixed, R_i the rule shares of the others).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lianzhao.econ.concordance import load_concordance, small_classes
from lianzhao.econ.errors import LabelError

SHARE_RULES = ("classes", "even")
SHARE_RULE_LABELS = {"classes": "按小类份额", "even": "按部门均分"}


class ShareError(LabelError):
    """Node shares that cannot be used: outside [0, 1], for a sector the node is not mapped to,
    or summing above 1 for one sector across a chain's nodes. ``nodes`` names the nodes."""

    check = "node shares"

    def __init__(self, message: str, nodes: Sequence[str], sector: str | None = None):
        self.nodes = list(nodes)
        self.sector = sector
        super().__init__(message, [sector] if sector else [])


@dataclass(frozen=True)
class NodeShare:
    """One node's share of one sector and how it was set (printed in the reason)."""

    share: float
    note: str
    fixed: bool = False


def _classes_by_sector(codes: Sequence[str], level: int, year: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for code in codes:
        for c, sector in small_classes(code, level, year).items():
            out.setdefault(sector, set()).add(c)
    return out


def node_shares(nodes: Sequence[Mapping], rule: str = "classes", *, level: int = 153, year: int = 2020,
                fixed: Mapping[str, Mapping[str, float]] | None = None,
                fixed_notes: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, dict[str, NodeShare]]:
    """``{node key: {sector: NodeShare}}`` for the nodes of one chain.

    ``nodes``: dicts with ``key`` and ``gbt_codes`` (the demo pack's format). ``fixed``: node
    key → sector → share set by an analyst; ``fixed_notes`` the matching source notes.
    Raises :class:`ShareError` naming the nodes for a fixed share outside [0, 1], for a sector
    the node is not mapped to, or when the fixed shares of one sector sum above 1.
    """
    if rule not in SHARE_RULES:
        raise ValueError(f"rule must be one of {', '.join(SHARE_RULES)}; got {rule!r}")
    fixed = {k: dict(v) for k, v in (fixed or {}).items()}
    notes = fixed_notes or {}
    classes = {n["key"]: _classes_by_sector(n["gbt_codes"], level, year) for n in nodes}
    unknown = [k for k in fixed if k not in classes]
    if unknown:
        raise ShareError(f"node share(s) set for unknown node(s) {', '.join(unknown)}", unknown)
    for key, by_sector in fixed.items():
        for sector, v in by_sector.items():
            if not (isinstance(v, int | float) and math.isfinite(v) and 0 <= v <= 1):
                raise ShareError(f"node {key!r}: the share of sector {sector} must be in [0, 1], not {v!r}",
                                 [key], sector)
            if sector not in classes[key]:
                raise ShareError(f"node {key!r} is not mapped to sector {sector} (its sectors: "
                                 f"{', '.join(sorted(classes[key]))})", [key], sector)
    per_sector = load_concordance(level, year).groupby("sector_code").size()
    claims = Counter(c for by in classes.values() for cs in by.values() for c in cs)
    touching = Counter(s for by in classes.values() for s in by)

    ruled: dict[str, dict[str, NodeShare]] = {}
    for key, by_sector in classes.items():
        ruled[key] = {}
        for sector, cs in sorted(by_sector.items()):
            if rule == "even":
                k = touching[sector]
                ruled[key][sector] = NodeShare(1.0 / k, "全部门" if k == 1 else f"与 {k} 个环节均分")
            else:
                n_i = int(per_sector[sector])
                share = sum(1.0 / n_i / claims[c] for c in cs)
                shared = max(claims[c] for c in cs)
                note = f"{len(cs)}/{n_i} 个小类" + (f"，与其他环节共用（{shared} 个环节）" if shared > 1 else "")
                ruled[key][sector] = NodeShare(share, note)

    out = {key: dict(v) for key, v in ruled.items()}
    for sector in sorted(touching):
        fixed_here = {k: fixed[k][sector] for k in fixed if sector in fixed[k]}
        if not fixed_here:
            continue
        total_fixed = sum(fixed_here.values())
        if total_fixed > 1 + 1e-9:
            listed = "、".join(f"{k} {v:.0%}" for k, v in sorted(fixed_here.items()))
            raise ShareError(f"sector {sector}: the set shares of nodes {listed} sum to {total_fixed:.0%} > 100%",
                             sorted(fixed_here), sector)
        others = [k for k in classes if sector in classes[k] and k not in fixed_here]
        rest = sum(ruled[k][sector].share for k in others)
        factor = min(1.0, (1.0 - total_fixed) / rest) if rest > 0 else 1.0
        for k in others:
            base = ruled[k][sector]
            if factor < 1.0:
                out[k][sector] = NodeShare(base.share * factor, f"{base.note}，按已设定份额缩减")
        for k, v in fixed_here.items():
            out[k][sector] = NodeShare(float(v), notes.get(k, {}).get(sector, "分析员设定"), fixed=True)
    return out


def check_chain_shares(shares: Mapping[str, Mapping[str, float]], tol: float = 1e-9) -> None:
    """Raise :class:`ShareError` naming the nodes when one sector's shares sum above 1."""
    totals: dict[str, float] = {}
    holders: dict[str, list[str]] = {}
    for key, by_sector in shares.items():
        for sector, v in by_sector.items():
            if not (math.isfinite(v) and 0 <= v <= 1):
                raise ShareError(f"node {key!r}: the share of sector {sector} must be in [0, 1], not {v!r}",
                                 [key], sector)
            totals[sector] = totals.get(sector, 0.0) + v
            holders.setdefault(sector, []).append(key)
    for sector, total in sorted(totals.items()):
        if total > 1 + tol:
            listed = "、".join(holders[sector])
            raise ShareError(f"sector {sector}: the shares of nodes {listed} sum to {total:.1%} > 100% "
                             "(a sector's demand would be counted more than once)", holders[sector], sector)


__all__ = ["SHARE_RULES", "SHARE_RULE_LABELS", "NodeShare", "ShareError", "check_chain_shares", "node_shares"]
