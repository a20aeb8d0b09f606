"""Chain nodes as the gap finder sees them (:class:`ChainNodeInput`), built from plain node dicts
(the demo pack's format) with their sector weights, node shares, local presence and neighbours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from lianzhao.econ.concordance import load_concordance, sectors_for_codes, small_classes
from lianzhao.econ.errors import LabelError
from lianzhao.econ.node_shares import node_shares

POSITIONS = ("upstream", "midstream", "downstream")


@dataclass(frozen=True)
class ChainNodeInput:
    """One chain node as the gap finder sees it.

    key, name, position : str
    sectors : mapping
        IO sector → weight ``w_i`` (≥ 0, summing to 1: ``sectors_for_codes`` of the node's GB/T
        codes). Used for the links between nodes, the typical plant size and the sector text.
    shares : mapping, optional
        IO sector → ``s_i``, the node's share of that sector's demand (in [0, 1]; the shares of
        one sector over a chain's nodes sum to at most 1). Default: each sector split evenly
        between the given nodes mapped to it.
    share_notes : mapping, optional
        IO sector → how ``s_i`` was set (printed in the reason).
    local_enterprises, chain_leaders : int
    neighbours : tuple of str
        Keys of the adjacent nodes (parent and children, or whatever the caller decides).
    gbt_codes : tuple of str
        The node's definition (two nodes with the same codes are the same product group).
    """

    key: str
    name: str
    position: str
    sectors: Mapping[str, float]
    local_enterprises: int = 0
    chain_leaders: int = 0
    neighbours: tuple[str, ...] = ()
    shares: Mapping[str, float] | None = None
    share_notes: Mapping[str, str] | None = field(default=None, compare=False)
    gbt_codes: tuple[str, ...] = ()


def class_coverage(gbt_codes: Iterable[str], level: int = 153, year: int = 2020) -> dict[str, float]:
    """The share of each sector's GB/T 小类 that the codes cover (a 中类 or 大类 code covers all
    its 小类): ``{sector: covered 小类 / all 小类 of the sector}`` — the ``"classes"`` node share
    of a node no other node of its chain shares a 小类 with."""
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
                      level: int = 153, year: int = 2020, link_positions: bool = True, share_rule: str = "classes",
                      fixed_shares: Mapping[str, Mapping[str, float]] | None = None,
                      fixed_notes: Mapping[str, Mapping[str, str]] | None = None) -> list[ChainNodeInput]:
    """:class:`ChainNodeInput` for the nodes of one chain given as plain dicts.

    ``nodes``: dicts with ``key, name, position, parent, gbt_codes`` (the demo pack's format).
    ``local_counts``: node key → ``(local enterprises, of which chain leaders)``; absent keys
    count 0. Neighbours are the parent and the children; with ``link_positions`` the nodes
    without a parent (the roots of each position) also neighbour the roots of the adjacent
    position (upstream ↔ midstream ↔ downstream), so that a chain drawn as three columns of
    roots is still a chain. Weights come from ``sectors_for_codes(gbt_codes, level, year)``;
    node shares from :func:`~lianzhao.econ.node_shares.node_shares` (``share_rule``, with the
    analyst's ``fixed_shares`` and their notes).
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
    shares = node_shares(nodes, share_rule, level=level, year=year, fixed=fixed_shares, fixed_notes=fixed_notes)
    out = []
    for n in nodes:
        local, leaders = counts.get(n["key"], (0, 0))
        s = shares[n["key"]]
        out.append(ChainNodeInput(
            key=n["key"], name=n["name"], position=n["position"],
            sectors=sectors_for_codes(n["gbt_codes"], level, year), local_enterprises=int(local),
            chain_leaders=int(leaders), neighbours=tuple(dict.fromkeys(adjacent[n["key"]])),
            shares={k: v.share for k, v in s.items()}, share_notes={k: v.note for k, v in s.items()},
            gbt_codes=tuple(n["gbt_codes"]),
        ))
    return out


__all__ = ["POSITIONS", "ChainNodeInput", "chain_node_inputs", "class_coverage", "local_counts"]
