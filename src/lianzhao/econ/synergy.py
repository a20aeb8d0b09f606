"""Honeycomb synergy (蜂巢结构): intermediate flows between the district's industries, and the
strongest links the bureau has not named yet (docs/gaps.md, "Honeycomb synergy").

    shares = industry_sector_shares({"nev": [node.sectors for node in nev_nodes], ...})
    F = industry_flows(regional.table, shares)     # or the national table
    strongest_links(F, named={("nev", "ngit"), ("green_energy", "nev")})

An industry is a set of IO sectors, each with the share ``s_ki`` of sector i attributed to
industry k (``0 ≤ s_ki`` and ``Σ_k s_ki ≤ 1`` over the industries: a sector is never counted
twice). With ``S`` (g, n) the attribution matrix, the industry × industry flows are

    ``F = S Z S'``,  ``f_kl = Σ_i Σ_j s_ki z_ij s_lj``  (money; row = selling industry),

so a flow between two sectors is split between industries by the product of the two
attributions. A sector shared by two industries is split between them in proportion to how
much of it their chain nodes claim (:func:`industry_sector_shares`); the within-sector flow
``z_ii`` then lands partly on the diagonal and partly between the two industries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from lianzhao.econ.errors import LabelError, _names
from lianzhao.econ.table import IOTable

REST = "rest"


def industry_sector_shares(nodes_by_industry: Mapping[str, Iterable[Mapping[str, float]]],
                           split: str = "proportional") -> dict[str, dict[str, float]]:
    """Attribution shares ``{industry: {sector: s_ki}}`` from the sector weights of each
    industry's chain nodes (``ChainNodeInput.sectors`` or ``sectors_for_codes`` of the nodes).

    Every sector some node touches is attributed wholly (``Σ_k s_ki = 1``) to the industries
    whose nodes touch it — the chain maps are taken as the district's definition of those
    sectors. ``split="proportional"``: by the summed node weights of each industry in the sector
    (``s_ki = W_ki / Σ_l W_li``, ``W_ki = Σ_{nodes of k} w_node,i``); ``"equal"``: equally among
    the industries that touch it.
    """
    if split not in ("proportional", "equal"):
        raise ValueError("split must be 'proportional' or 'equal'")
    W: dict[str, dict[str, float]] = {}
    for industry, nodes in nodes_by_industry.items():
        acc: dict[str, float] = {}
        for weights in nodes:
            for sector, w in weights.items():
                acc[sector] = acc.get(sector, 0.0) + float(w)
        W[industry] = {s: (1.0 if split == "equal" else w) for s, w in acc.items() if w > 0}
    totals: dict[str, float] = {}
    for acc in W.values():
        for s, w in acc.items():
            totals[s] = totals.get(s, 0.0) + w
    return {k: {s: w / totals[s] for s, w in sorted(acc.items())} for k, acc in W.items()}


def _attribution(table: IOTable, industry_sectors: Mapping[str, Mapping[str, float]]) -> np.ndarray:
    pos = {s: i for i, s in enumerate(table.sectors)}
    S = np.zeros((len(industry_sectors), table.n))
    for k, (industry, shares) in enumerate(industry_sectors.items()):
        unknown = [s for s in shares if s not in pos]
        if unknown:
            raise LabelError(f"industry {industry!r} names sector(s) {_names(unknown)} not in the table", unknown)
        for s, v in shares.items():
            if not 0 <= v <= 1:
                raise ValueError(f"industry {industry!r}: share of sector {s} must be in [0, 1], not {v}")
            S[k, pos[s]] = v
    over = S.sum(axis=0) > 1 + 1e-9
    if over.any():
        bad = list(table.sectors[over])
        raise ValueError(f"sector(s) {_names(bad)} are attributed more than once in total (Σ_k s_ki > 1); "
                         "split them, for example with industry_sector_shares()")
    return S


def industry_flows(table: IOTable, industry_sectors: Mapping[str, Mapping[str, float]], *,
                   include_rest: bool = False, within_sector: str = "split") -> pd.DataFrame:
    """Industry × industry intermediate flows ``F = S Z S'`` (table unit, 万元 for NBS tables).

    ``table``: the national table or ``regional.table`` (local flows only). Rows sell, columns
    buy. ``include_rest`` adds the row and column ``"rest"`` (the unattributed part of every
    sector, ``1 − Σ_k s_ki``), so that the matrix sums to ``Σ Z``. ``within_sector``: what a
    sector's purchases from itself (``z_ii``) do when the sector is shared — ``"split"``
    (default, plain ``S Z S'``: ``s_ki z_ii s_li`` between every pair of its industries) or
    ``"own"`` (they stay inside each industry: ``F = S (Z − Ẑ_d) S' + diag(S Ẑ_d S' 1)`` with
    ``Ẑ_d`` the diagonal of ``Z``; totals and row sums unchanged), so that a shared wholesale
    sector buying from itself is not read as a link between two industries. ``attrs`` holds
    ``buyer_inputs`` (each industry's total intermediate inputs from all sectors, ``Σ_i Σ_j
    z_ij s_lj``), ``seller_sales`` (``Σ_i Σ_j s_ki z_ij``) and ``unit``.
    """
    S = _attribution(table, industry_sectors)
    labels = list(industry_sectors)
    if include_rest:
        S = np.vstack([S, 1.0 - S.sum(axis=0)])
        labels.append(REST)
    if within_sector not in ("split", "own"):
        raise ValueError("within_sector must be 'split' or 'own'")
    Z = table.Z.to_numpy()
    flows = S @ Z @ S.T
    if within_sector == "own":
        own = (S * np.diag(Z)[np.newaxis, :]) @ S.T
        flows = flows - own + np.diag(own.sum(axis=1))
    F = pd.DataFrame(flows, index=pd.Index(labels, name="seller"), columns=pd.Index(labels, name="buyer"))
    F.attrs.update(unit=table.unit, buyer_inputs=pd.Series(Z.sum(axis=0) @ S.T, index=labels),
                   seller_sales=pd.Series(S @ Z.sum(axis=1), index=labels))
    return F


def strongest_links(matrix: pd.DataFrame, named: Iterable[tuple[str, str]] = (), top: int = 5, *,
                    directed: bool = False) -> pd.DataFrame:
    """The ``top`` largest flows between two different industries that are not in ``named``.

    ``named`` pairs are undirected unless ``directed`` (a named (a, b) also hides (b, a)); the
    ``rest`` row and column are ignored. Columns: ``seller, buyer, flow`` (table unit),
    ``buyer_input_share`` (flow / the buyer's total intermediate inputs, from ``attrs`` or, if
    absent, the column sum of the matrix) and ``seller_sales_share`` (likewise for the seller).
    """
    hidden = {tuple(p) for p in named}
    if not directed:
        hidden |= {(b, a) for a, b in hidden}
    inputs = matrix.attrs.get("buyer_inputs", matrix.sum(axis=0))
    sales = matrix.attrs.get("seller_sales", matrix.sum(axis=1))
    rows = [
        {"seller": a, "buyer": b, "flow": float(matrix.loc[a, b])}
        for a in matrix.index for b in matrix.columns
        if a != b and REST not in (a, b) and (a, b) not in hidden and matrix.loc[a, b] > 0
    ]
    out = pd.DataFrame(rows, columns=["seller", "buyer", "flow"])
    out = out.sort_values(["flow", "seller", "buyer"], ascending=[False, True, True]).head(top).reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["buyer_input_share"] = out["flow"] / out["buyer"].map(inputs).replace(0, np.nan)
        out["seller_sales_share"] = out["flow"] / out["seller"].map(sales).replace(0, np.nan)
    out.attrs.update(unit=matrix.attrs.get("unit", ""))
    return out


__all__ = ["REST", "industry_flows", "industry_sector_shares", "strongest_links"]
