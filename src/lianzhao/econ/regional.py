"""Regionalization of a national table to a region (a province, city or district) with
location quotients, when no survey-based regional table exists.

Quotients (``r`` = region, ``N`` = nation, ``x_i`` = output or jobs of sector i, totals
without index):

* SLQ  ``SLQ_i = (x_i^r / x^r) / (x_i^N / x^N)``                (Miller & Blair 2009, §8.2)
* CILQ ``CILQ_ij = SLQ_i / SLQ_j``, with ``SLQ_i`` on the diagonal (Smith & Morrison 1974)
* FLQ  ``FLQ_ij = CILQ_ij · λ*`` (``SLQ_i · λ*`` on the diagonal),
  ``λ* = [log₂(1 + x^r / x^N)]^δ``                             (Flegg & Webber 1997)
* AFLQ ``AFLQ_ij = FLQ_ij · log₂(1 + SLQ_j)`` where ``SLQ_j > 1`` (Flegg & Webber 2000)
* SFLQ FLQ (or AFLQ) with a δ per buying sector, ``λ*_j = [log₂(1 + x^r / x^N)]^{δ_j}``
  (Kowalewski 2015): ``sector_delta`` in :func:`regionalize`

Regional coefficients are ``a^r_ij = a^N_ij · min(Q_ij, 1)``: a region never buys more of
its own product per unit of output than the nation does; the rest is bought outside it.
The quotients apply to the *domestic* coefficients; imported inputs stay imports (bought
abroad). Non-tradable sectors, surveyed cost structures and local purchase shares are laid
over the estimate as described in :mod:`lianzhao.econ.hybrid`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lianzhao.econ import hybrid, iomath, validate
from lianzhao.econ.arrays import COMPENSATION_LABELS, HOUSEHOLD_LABELS, find_label
from lianzhao.econ.errors import IOTableError, LabelError, MissingDataError, _names
from lianzhao.econ.table import IOTable

METHODS = ("slq", "cilq", "flq", "aflq")


def calc_slq(xr: np.ndarray, xn: np.ndarray) -> np.ndarray:
    """Simple location quotients ``SLQ_i = (x_i^r / Σx^r) / (x_i^N / Σx^N)`` (n,), unit-free.

    ``xr``, ``xn`` (n,): regional and national output (or jobs) in one unit. Sectors absent
    from the nation get 0.
    """
    share_r = xr / xr.sum()
    share_n = xn / xn.sum()
    return np.where(share_n > 0, share_r / iomath._safe(share_n), 0.0)


def calc_lambda(xr_total: float, xn_total: float, delta: float) -> float:
    """Flegg's regional-size factor ``λ* = [log₂(1 + x^r / x^N)]^δ``, in (0, 1] for a region
    no larger than the nation; δ = 0 gives 1 (FLQ reduces to CILQ)."""
    return float(np.log2(1.0 + xr_total / xn_total) ** delta)


def calc_quotients(slq: np.ndarray, method: str, lam: float | np.ndarray = 1.0) -> np.ndarray:
    """Matrix of quotients ``Q`` (n, n) for ``method`` (see the module docstring).

    Row i = supplying sector, column j = buying sector. Columns of sectors the region does
    not produce (``SLQ_j = 0``) take ``SLQ_i`` (· λ*), since ``SLQ_i / SLQ_j`` is undefined.
    ``lam`` is λ* (a scalar) or, for SFLQ, ``λ*_j`` per buying sector (n,).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    n = len(slq)
    if method == "slq":
        return np.repeat(slq[:, np.newaxis], n, axis=1)
    Q = slq[:, np.newaxis] / iomath._safe(slq)[np.newaxis, :]
    Q[:, slq == 0] = slq[:, np.newaxis]
    np.fill_diagonal(Q, slq)
    if method in ("flq", "aflq"):
        Q = Q * np.broadcast_to(np.asarray(lam, dtype=float), (n,))[np.newaxis, :]
    if method == "aflq":
        boost = np.where(slq > 1, np.log2(1.0 + slq), 1.0)
        Q = Q * boost[np.newaxis, :]
    return Q


@dataclass(frozen=True)
class Regionalization:
    """Result of :func:`regionalize`. Unpacks as ``table, local_share = regionalize(...)``.

    Attributes
    ----------
    table : IOTable
        The regional table: ``Z^r = A^L x̂^r``; value added, taxes and jobs from national
        coefficients × regional output (value added of an overridden column rebalanced); import
        rows ``from_outside_region`` (intermediate inputs bought in other regions of China:
        ``Σ_i a^O_ij x^r_j``) and, if the national table tells imports by product, ``imports``
        (``Σ_i a^F_ij x^r_j``); final demand ``households`` (if the national table has them:
        national consumption per unit of compensation × regional compensation × the capped
        household quotient) and ``other_final_demand`` (the residual: exports to the rest of
        the country and abroad, investment, government; may be negative).
    local_share : Series (n,)
        Per supplying sector i: the share of the region's requirements of product i (domestic
        and imported) met inside the region, ``Σ_j a^L_ij x^r_j / Σ_j a^T_ij x^r_j``. NaN where
        the region needs none of product i. Low values mark products bought from outside.
    input_share : Series (n,)
        Per buying sector j: ``Σ_i a^L_ij / Σ_i a^T_ij``, the locally supplied part of its
        intermediate inputs.
    quotients : DataFrame (n, n)
        The quotients ``Q`` before capping at 1 (and before non-tradables and overrides).
    slq : Series (n,)
        Simple location quotients.
    method : str
    delta : float or None
        δ for FLQ/AFLQ (the global one; ``sector_delta`` holds SFLQ's per-sector values).
    lambda_star : float or None
        ``λ*`` for FLQ/AFLQ at the global δ.
    national : IOTable or None
        The national table regionalized.
    coefficients : hybrid.Coefficients or None
        ``A^T``, ``A^D``, ``A^L``, ``A^F`` (:mod:`lianzhao.econ.hybrid`).
    non_tradables : tuple of str
        Sectors supplied locally whatever the quotients say (those of the requested list the
        region produces; the others are in ``table.meta["regionalized"]["non_tradables_without_output"]``).
    sector_delta : dict
        δ_j for the sectors given one (SFLQ); the others use ``delta``.
    overrides : tuple
        The column and local-share overrides applied, in order.
    imports_by_product : bool
        Whether the national table told imports by product (else ``A^F`` = 0 and all leakage
        is counted as other regions).
    """

    table: IOTable
    local_share: pd.Series
    input_share: pd.Series
    quotients: pd.DataFrame
    slq: pd.Series
    method: str
    delta: float | None
    lambda_star: float | None
    national: IOTable | None = None
    coefficients: hybrid.Coefficients | None = None
    non_tradables: tuple[str, ...] = ()
    sector_delta: Mapping[str, float] = field(default_factory=dict)
    overrides: tuple = ()
    imports_by_product: bool = False

    def __iter__(self):
        yield self.table
        yield self.local_share


def _lambdas(t: IOTable, lam_total: tuple[float, float], delta: float, sector_delta: Mapping[str, float]):
    """``λ*`` (scalar, global δ) and, for SFLQ, ``λ*_j`` (n,) — or the scalar again."""
    bad = {k: v for k, v in sector_delta.items()
           if not (isinstance(v, int | float) and math.isfinite(v) and 0 <= v < 1)}
    unknown = [k for k in sector_delta if k not in set(map(str, t.sectors))]
    if unknown:
        raise LabelError(f"sector_delta names sector(s) {_names(unknown)} not in the table", unknown)
    if bad:
        raise ValueError(f"sector δ must be in [0, 1); got {bad}")
    lam = calc_lambda(*lam_total, delta)
    if not sector_delta:
        return lam, lam
    deltas = np.array([float(sector_delta.get(str(s), delta)) for s in t.sectors])
    return lam, np.log2(1.0 + lam_total[0] / lam_total[1]) ** deltas


def regionalize(t: IOTable, regional_output, method: str = "flq", delta: float = 0.3, *,
                measure: str = "output", sector_delta: Mapping[str, float] | None = None,
                non_tradables: Iterable[str] = (), overrides: Iterable = ()) -> Regionalization:
    """Estimate a regional table from the national table ``t`` by location quotients.

    Parameters
    ----------
    t : IOTable
        The national (or provincial) table; use a domestic (non-competitive) table so that
        the regional coefficients exclude foreign imports. If its ``imports`` tell imported
        intermediates by product (an (n, n) import-use matrix, as :meth:`IOTable.domestic` and
        the non-competitive NBS tables give), the total requirements ``A^T = A^D + A^M`` and the
        leakage abroad are known too.
    regional_output : Series or vector (n,)
        The region's output by sector in the table's money unit (``measure="output"``), or
        its jobs (``measure="employment"``; the table needs ``employment``, and regional
        output is then jobs × national output per job).
    method : {"slq", "cilq", "flq", "aflq"}
    delta : float
        δ of FLQ/AFLQ (0.3 is Flegg & Webber's usual value); ignored otherwise.
    sector_delta : mapping, optional
        SFLQ: δ_j for some buying sectors j (in [0, 1)); the others use ``delta``.
    non_tradables : iterable of str
        Supplying sectors met locally: ``a^L_ij = a^T_ij``, ``a^F_ij = 0``
        (:data:`hybrid.NON_TRADABLES_153`) — where the region has output in them.
    overrides : iterable of ColumnOverride / LocalShareOverride
        Superior data (:mod:`lianzhao.econ.hybrid`); one of each kind per sector.

    Returns
    -------
    Regionalization
        The regional :class:`IOTable`, local supply shares, the quotients used and the
        coefficient split.
    """
    if measure not in ("output", "employment"):
        raise ValueError("measure must be 'output' or 'employment'")
    a = t.arrays
    labels = list(t.sectors)
    codes = set(map(str, labels))
    xr_measure = validate.vector(regional_output, t.sectors, f"regional {measure}")
    validate.finite(xr_measure, f"regional {measure}", labels)
    validate.non_negative(xr_measure, f"regional {measure}", labels)
    if measure == "employment":
        if a.employment is None:
            raise MissingDataError("measure='employment' needs national employment in the table")
        xn_measure = a.employment
        xr = xr_measure * a.x / iomath._safe(a.employment)
    else:
        xn_measure, xr = a.x, xr_measure
    if not xr_measure.sum() > 0:
        raise IOTableError(f"the regional {measure} sums to zero")
    if xr_measure.sum() > xn_measure.sum() * (1 + 1e-12):
        raise IOTableError(f"the regional {measure} total exceeds the national total; check units")
    non_tradables = tuple(dict.fromkeys(map(str, non_tradables)))
    unknown = [s for s in non_tradables if s not in codes]
    if unknown:
        raise LabelError(f"non-tradable sector(s) {_names(unknown)} not in the table", unknown)
    overrides = tuple(overrides)
    twice = hybrid.duplicates(overrides)
    if twice:
        raise hybrid.OverrideError(f"sector(s) {_names(twice)} overridden twice by overrides of one kind", twice)
    columns = [o for o in overrides if isinstance(o, hybrid.ColumnOverride)]
    local_shares = [o for o in overrides if isinstance(o, hybrid.LocalShareOverride)]
    if len(columns) + len(local_shares) != len(overrides):
        raise TypeError("overrides must be ColumnOverride or LocalShareOverride")
    sector_delta = {str(k): v for k, v in (sector_delta or {}).items()}

    slq = calc_slq(xr_measure, xn_measure)
    flegg = method in ("flq", "aflq")
    if flegg:
        lam, lam_j = _lambdas(t, (float(xr_measure.sum()), float(xn_measure.sum())), delta, sector_delta)
    else:
        lam, lam_j = None, 1.0
    Q = calc_quotients(slq, method, lam_j)

    # coefficients: national total and domestic (column overrides first), local, abroad
    A_M = hybrid.import_coefficients(a.A, a.imports, a.imports_labels, t.sectors, a.x)
    by_product = bool(A_M.any())
    va_unit = (a.va.sum(axis=0) / iomath._safe(a.x)) if a.va is not None else 1.0 - a.A.sum(axis=0) - A_M.sum(axis=0)
    r = hybrid.domestic_ratio(a.A, a.A + A_M, a.x)
    A_T, A_D, va_factor = hybrid.apply_columns(a.A + A_M, a.A, r, va_unit, columns, t.sectors)
    A_r = A_D * np.minimum(Q, 1.0)
    A_F = np.clip(A_T - A_D, 0.0, None)
    # Non-tradables are supplied locally — all requirements, imported ones included — where the
    # district produces them; a sector without regional output cannot supply anything locally.
    pos = {str(s): k for k, s in enumerate(labels)}
    idle = tuple(s for s in non_tradables if xr[pos[s]] <= 0)
    non_tradables = tuple(s for s in non_tradables if s not in idle)
    if non_tradables:
        rows = [pos[s] for s in non_tradables]
        A_r[rows, :] = A_T[rows, :]
        A_F[rows, :] = 0.0
    A_r, A_F = hybrid.apply_local_shares(A_T, A_r, A_F, r, local_shares, t.sectors)
    coefficients = hybrid.Coefficients(
        total=iomath.readonly(A_T), domestic=iomath.readonly(A_D), local=iomath.readonly(A_r),
        abroad=iomath.readonly(A_F), domestic_ratio=iomath.readonly(r), va_factor=iomath.readonly(va_factor),
        overrides=overrides)

    Z_r = A_r * xr[np.newaxis, :]
    need = A_T @ xr  # regional requirements (domestic + imported), by product
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(need > 0, Z_r.sum(axis=1) / np.where(need > 0, need, 1.0), np.nan)
        inputs = np.where(A_T.sum(axis=0) > 0, A_r.sum(axis=0) / np.where(A_T.sum(axis=0) > 0, A_T.sum(axis=0), 1.0),
                          np.nan)
    scale = xr / iomath._safe(a.x)  # regional / national output, per sector

    def scaled(block, factor=None):
        if block is None:
            return None
        out = block * scale[np.newaxis, :]
        return out if factor is None else out * factor[np.newaxis, :]

    va_r = scaled(a.va, va_factor)
    Y_cols, Y_labels = [], []
    hh = find_label(a.Y_labels, HOUSEHOLD_LABELS)
    has_wages = a.va is not None and find_label(a.va_labels, COMPENSATION_LABELS) is not None
    if hh is not None and has_wages:
        wages = a.va[a.compensation_row]
        income_r = float(va_r[a.compensation_row].sum())
        h_c = a.Y[:, list(a.Y_labels).index(hh)] / float(wages.sum())
        q_hh = np.minimum(slq * (lam if lam is not None else 1.0), 1.0)
        Y_cols.append(q_hh * h_c * income_r)
        Y_labels.append("households")
    other = xr - Z_r.sum(axis=1) - (Y_cols[0] if Y_cols else 0.0)
    Y_cols.append(other)
    Y_labels.append("other_final_demand")
    imports_rows = [(A_T - A_r - A_F).sum(axis=0) * xr]
    import_labels = ["from_outside_region"]
    extra = None
    if a.imports is not None and not by_product:
        extra = scaled(a.imports).sum(axis=0)  # aggregate import rows only
    elif a.imports is not None and len(a.imports_labels) > len(labels):
        product = set(map(str, labels))
        rows = [k for k, lab in enumerate(a.imports_labels) if str(lab) not in product]
        extra = scaled(a.imports[rows]).sum(axis=0) if rows else None
    if by_product or extra is not None:
        imports_rows.append(A_F.sum(axis=0) * xr + (extra if extra is not None else 0.0))
        import_labels.append("imports")
    employment = xr_measure if measure == "employment" else (
        None if a.employment is None else a.employment * scale)
    # The regional columns inherit the national table's relative imbalance (rounding in the
    # source); accept that much, and warn only about anything worse.
    report = t.balance_report()[["row_relative", "column_relative"]].to_numpy()
    inherited = float(np.nan_to_num(report, nan=0.0).max(initial=0.0))
    table = IOTable.from_flows(
        Z=pd.DataFrame(Z_r, index=t.sectors, columns=t.sectors),
        Y=pd.DataFrame(np.column_stack(Y_cols), index=t.sectors, columns=Y_labels),
        va=None if va_r is None else pd.DataFrame(va_r, index=a.va_labels, columns=t.sectors),
        x=pd.Series(xr, index=t.sectors), sectors=t.names,
        imports=pd.DataFrame(np.vstack(imports_rows), index=import_labels, columns=t.sectors),
        taxes=None if a.taxes is None else pd.DataFrame(scaled(a.taxes), index=a.taxes_labels, columns=t.sectors),
        employment=employment, unit=t.unit, balance="warn", rtol=max(1e-6, 2 * inherited),
        meta={**t.meta, "regionalized": {"method": method, "delta": delta if flegg else None,
                                         "measure": measure, "sector_delta": dict(sector_delta),
                                         "non_tradables": list(non_tradables),
                                         "non_tradables_without_output": list(idle),
                                         "overrides": [o.label or o.sector for o in overrides]}},
    )
    # The result is cached and shared by concurrent web requests: its arrays are read-only.
    for arr in (local, inputs, Q, slq):
        iomath.readonly(arr)
    return Regionalization(
        table=table,
        local_share=pd.Series(local, index=t.sectors, name="local_share", copy=False),
        input_share=pd.Series(inputs, index=t.sectors, name="input_share", copy=False),
        quotients=pd.DataFrame(Q, index=t.sectors, columns=t.sectors, copy=False),
        slq=pd.Series(slq, index=t.sectors, name="slq", copy=False),
        method=method, delta=delta if flegg else None, lambda_star=lam,
        national=t, coefficients=coefficients, non_tradables=non_tradables, sector_delta=sector_delta,
        overrides=overrides, imports_by_product=by_product,
    )
