"""Symmetric input-output tables from supply and use (make and use) tables.

Most statistical offices — NBS among them — compile supply and use tables (SUT) first and derive
the symmetric tables from them. The arithmetic here is BEA's (*MathIO*, in the BEA benchmark
folder of the reference data), which is Miller & Blair (2009, ch. 5) and the Eurostat Manual of
Supply, Use and Input-Output Tables (2008, ch. 11) in other words. With ``m`` industries and
``c`` commodities (products):

==========  ==================================================================  =========
symbol      meaning                                                             shape
==========  ==================================================================  =========
``V``       make (supply) table: output of commodity c by industry i            (m, c)
``U``       use table: commodity c used as input by industry j                  (c, m)
``E``       final demand for commodities, by category                           (c, k)
``W_v``     value-added rows by industry                                        (r, m)
``g``       industry output ``V 1``                                             (m,)
``q``       commodity output ``V' 1``                                           (c,)
``B``       direct requirements ``U ĝ⁻¹`` (commodity per unit of industry output)  (c, m)
``D``       market shares ``V q̂⁻¹`` (0 in a column where ``q_c = 0``)           (m, c)
``C``       product mix ``V' ĝ⁻¹``                                              (c, m)
``M``       industry output per unit of each commodity (below)                  (m, c)
==========  ==================================================================  =========

``M`` carries the technology assumption:

* **industry technology** (every product of an industry is made with that industry's input
  structure; market shares fixed): ``M = D``. With BEA's **scrap** adjustment (1997), scrap —
  a by-product with no inputs of its own — is taken out of the market shares and each
  industry's other output is scaled up: ``M = diag(1 − p)⁻¹ D'``, where ``D'`` is ``D`` with
  the scrap column set to 0 and ``p = V[:, scrap] / g``.
* **commodity technology** (every commodity has one input structure wherever it is made):
  ``M = C⁻¹ = ĝ V'⁻¹``. Defined only when ``V`` is square and invertible; it can produce
  negative coefficients (a secondary product whose assumed technology uses more of an input
  than its producer bought), which are reported, not hidden.

Then

* **commodity × commodity**: ``A = B M``, flows ``Z = B M q̂``, value added ``W_v ĝ⁻¹ M q̂``,
  final demand ``E``, output ``q``;
* **industry × industry**: ``A = M B``, flows ``Z = M U``, value added ``W_v``, final demand
  ``M E``, output ``g``.

BEA's published total requirements are ``(I − B M)⁻¹`` (commodity × commodity),
``M (I − B M)⁻¹`` (industry × commodity) and ``(I − M B)⁻¹`` (industry × industry), with
``M = D`` in 2002 and the scrap-adjusted ``M`` in 1997.

Commodities that no industry produces (``q_c = 0``: BEA's noncomparable imports and rest-of-
world adjustment) and, with the scrap adjustment, scrap itself have a zero column in ``M``: no
industry stands for them. Their intermediate use cannot be moved to an industry, so it is kept
as separate input rows named by commodity (the ``imports`` block of the table, labelled
``unallocated``); a commodity × commodity table also leaves the zero-output commodities out of
its sectors (their row of ``L`` would only repeat those inputs), with their final demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lianzhao.econ import validate
from lianzhao.econ.errors import BalanceError, LabelError, ShapeError, SingularError, _names
from lianzhao.econ.iomath import _safe

KINDS = ("industry", "commodity")
TECHNOLOGIES = ("industry", "commodity")


def direct_requirements(U: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``B = U ĝ⁻¹`` (c, m): commodity c bought per unit of industry j's output (0 where ``g = 0``)."""
    return np.asarray(U, dtype=float) / _safe(np.asarray(g, dtype=float))[np.newaxis, :]


def market_shares(V: np.ndarray) -> np.ndarray:
    """``D = V q̂⁻¹`` (m, c): the share of commodity c's output made by industry i (0 where ``q = 0``)."""
    V = np.asarray(V, dtype=float)
    return V / _safe(V.sum(axis=0))[np.newaxis, :]


def product_mix(V: np.ndarray) -> np.ndarray:
    """``C = V' ĝ⁻¹`` (c, m): commodity c per unit of industry j's output (0 where ``g = 0``)."""
    V = np.asarray(V, dtype=float)
    return V.T / _safe(V.sum(axis=1))[np.newaxis, :]


def industry_per_commodity(V: np.ndarray, technology: str = "industry", scrap: int | None = None,
                           labels: tuple[list, list] | None = None) -> np.ndarray:
    """``M`` (m, c): industry output per unit of each commodity, under ``technology``.

    ``scrap`` is the position of the scrap commodity for BEA's adjustment (industry technology
    only). ``labels`` (industries, commodities) name the sectors in errors.
    """
    if technology not in TECHNOLOGIES:
        raise ValueError(f"technology must be one of {', '.join(TECHNOLOGIES)}; got {technology!r}")
    V = np.asarray(V, dtype=float)
    m, c = V.shape
    industries, commodities = labels or (list(range(m)), list(range(c)))
    if technology == "industry":
        D = market_shares(V)
        if scrap is None:
            return D
        g = V.sum(axis=1)
        p = V[:, scrap] / _safe(g)
        if (p >= 1).any():
            bad = [industries[i] for i in np.flatnonzero(p >= 1)]
            raise BalanceError(f"industry(ies) {_names(bad)} make nothing but scrap; the scrap adjustment "
                               "needs other output", bad)
        D = D.copy()
        D[:, scrap] = 0.0
        return D / (1.0 - p)[:, np.newaxis]
    if scrap is not None:
        raise ValueError("the scrap adjustment belongs to the industry technology (BEA); with commodity "
                         "technology treat scrap as an ordinary commodity")
    if m != c:
        raise ShapeError(f"commodity technology needs as many industries as commodities (a square make "
                         f"table); got {m} industries × {c} commodities — use technology='industry'")
    try:
        C_inv = np.linalg.inv(product_mix(V))
    except np.linalg.LinAlgError:
        raise SingularError("commodity technology needs an invertible product-mix matrix C = V' ĝ⁻¹; this make "
                            "table's is singular — use technology='industry'") from None
    return C_inv


@dataclass(frozen=True)
class SymmetricFlows:
    """A symmetric table from :func:`symmetric_flows`, ready for :meth:`IOTable.from_flows`.

    ``sectors`` are positions into the industries (kind "industry") or commodities (kind
    "commodity"); ``unallocated`` (u, n) are the inputs of the commodities no industry stands
    for, with ``unallocated_labels`` their positions among the commodities.
    """

    kind: str
    sectors: np.ndarray
    Z: np.ndarray
    Y: np.ndarray
    va: np.ndarray | None
    x: np.ndarray
    unallocated: np.ndarray
    unallocated_labels: np.ndarray
    employment: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


def symmetric_flows(V, U, E, va=None, *, kind: str = "industry", technology: str = "industry",
                    scrap: int | None = None, employment=None,
                    labels: tuple[list, list] | None = None) -> SymmetricFlows:
    """Industry × industry or commodity × commodity flows from make ``V`` (m, c), use ``U``
    (c, m), final demand ``E`` (c, k), value added ``va`` (r, m) and jobs by industry
    ``employment`` (m,); formulas in the module docstring.

    The row identity of the SUT (``U 1 + E 1 = q``) is checked here, naming the commodities
    that break it; the symmetric table's own balances are checked by ``IOTable.from_flows``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    V, U, E = (np.asarray(a, dtype=float) for a in (V, U, E))
    m, c = V.shape
    industries, commodities = labels or (list(range(m)), list(range(c)))
    if U.shape != (c, m):
        raise ShapeError(f"the use table must be commodities × industries ({c}, {m}); got {U.shape}")
    if E.ndim != 2 or E.shape[0] != c:
        raise ShapeError(f"final demand must have one row per commodity ({c}); got shape {E.shape}")
    g, q = V.sum(axis=1), V.sum(axis=0)
    uses = U.sum(axis=1) + E.sum(axis=1)
    off = np.abs(uses - q) > 1e-6 * np.maximum(np.abs(q), 1.0)
    if off.any():
        bad = [commodities[i] for i in np.flatnonzero(off)]
        worst = int(np.argmax(np.abs(uses - q)))
        raise BalanceError(f"commodity uses (intermediate + final) differ from the make table's output for "
                           f"{_names(bad)}; worst {commodities[worst]}: {uses[worst]:.6g} vs {q[worst]:.6g}", bad)
    if (g <= 0).any():
        bad = [industries[i] for i in np.flatnonzero(g <= 0)]
        raise LabelError(f"industry(ies) {_names(bad)} make nothing (zero row of the make table)", bad)
    M = industry_per_commodity(V, technology, scrap, (industries, commodities))
    notes = [f"{kind} × {kind} table from supply and use tables, {technology} technology"]
    if scrap is not None:
        notes.append(f"BEA scrap adjustment for {commodities[scrap]}: column sums of M exceed 1 by up to "
                     f"{float(M.sum(axis=0).max() - 1):.3g}, so the columns of the table do not add up to output")
    B = direct_requirements(U, g)
    jobs = None if employment is None else np.asarray(employment, dtype=float)
    if kind == "industry":
        unmapped = np.flatnonzero(~M.any(axis=0))  # commodities no industry stands for
        if len(unmapped):
            notes.append(f"intermediate use of {_names([commodities[i] for i in unmapped])} kept as unallocated "
                         "input rows: no industry stands for them")
        return SymmetricFlows(kind, np.arange(m), M @ U, M @ E, None if va is None else np.asarray(va, dtype=float),
                              g, U[unmapped], unmapped, jobs, notes)
    keep = q != 0
    dropped = np.flatnonzero(~keep)
    per_commodity = M * q[np.newaxis, :]  # industry output behind each commodity's output
    Z = B @ per_commodity
    va_c = None if va is None else direct_requirements(va, g) @ per_commodity
    jobs_c = None if jobs is None else (jobs / _safe(g)) @ per_commodity
    if len(dropped):
        notes.append(f"commodities without output {_names([commodities[i] for i in dropped])} are not sectors: "
                     "their intermediate use is kept as unallocated input rows, their final demand left out")
    return SymmetricFlows(kind, np.flatnonzero(keep), Z[np.ix_(keep, keep)], E[keep],
                          None if va_c is None else va_c[:, keep], q[keep], Z[np.ix_(~keep, keep)], dropped,
                          None if jobs_c is None else jobs_c[keep], notes)


def frames(make, use, final_demand, va=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """``(V, U, E, W_v)`` as frames aligned on the make table's industries and commodities,
    checked: labels that match, finite numbers, a non-negative make table."""
    for what, block in (("make", make), ("use", use), ("final_demand", final_demand), ("va", va)):
        validate.dense(block, what)
    V = make if isinstance(make, pd.DataFrame) else pd.DataFrame(np.asarray(make, dtype=float))
    industries, commodities = pd.Index(V.index), pd.Index(V.columns)
    for what, labels in (("industry", industries), ("commodity", commodities)):
        if labels.has_duplicates:
            dup = labels[labels.duplicated()].unique()
            raise LabelError(f"duplicated {what} labels in the make table: {_names(dup)}", list(dup))
    U = use if isinstance(use, pd.DataFrame) else pd.DataFrame(np.asarray(use, dtype=float))
    U = validate.align(validate.align(U, U.index, commodities, "use row (commodity)", 0),
                        U.columns, industries, "use column (industry)", 1)
    Ya, Y_labels = validate.columns(final_demand, commodities, "final demand", "final_demand")
    W = None
    if va is not None:
        Wa, W_labels = validate.rows(va, industries, "va", "value_added")
        W = pd.DataFrame(Wa, index=W_labels, columns=industries)
    for what, arr, rows_, cols_ in (("make", V.to_numpy(float), industries, commodities),
                                    ("use", U.to_numpy(float), commodities, industries),
                                    ("final demand", Ya, commodities, Y_labels)):
        validate.finite(arr, what, list(rows_), list(cols_))
    validate.non_negative(V.to_numpy(float), "the make table", list(industries))
    return V, U, pd.DataFrame(Ya, index=commodities, columns=Y_labels), W


__all__ = ["KINDS", "TECHNOLOGIES", "SymmetricFlows", "direct_requirements", "frames", "industry_per_commodity",
           "market_shares", "product_mix", "symmetric_flows"]
