"""Regionalization of a national table to a region (a province, city or district) with
location quotients, when no survey-based regional table exists.

Quotients (``r`` = region, ``N`` = nation, ``x_i`` = output or jobs of sector i, totals
without index):

* SLQ  ``SLQ_i = (x_i^r / x^r) / (x_i^N / x^N)``                (Miller & Blair 2009, §8.2)
* CILQ ``CILQ_ij = SLQ_i / SLQ_j``, with ``SLQ_i`` on the diagonal (Smith & Morrison 1974)
* FLQ  ``FLQ_ij = CILQ_ij · λ*`` (``SLQ_i · λ*`` on the diagonal),
  ``λ* = [log₂(1 + x^r / x^N)]^δ``                             (Flegg & Webber 1997)
* AFLQ ``AFLQ_ij = FLQ_ij · log₂(1 + SLQ_j)`` where ``SLQ_j > 1`` (Flegg & Webber 2000)

Regional coefficients are ``a^r_ij = a^N_ij · min(Q_ij, 1)``: a region never buys more of
its own product per unit of output than the nation does; the rest is bought outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lianzhao.econ import iomath, validate
from lianzhao.econ.arrays import COMPENSATION_LABELS, HOUSEHOLD_LABELS, find_label
from lianzhao.econ.errors import IOTableError, MissingDataError
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


def calc_quotients(slq: np.ndarray, method: str, lam: float = 1.0) -> np.ndarray:
    """Matrix of quotients ``Q`` (n, n) for ``method`` (see the module docstring).

    Row i = supplying sector, column j = buying sector. Columns of sectors the region does
    not produce (``SLQ_j = 0``) take ``SLQ_i`` (· λ*), since ``SLQ_i / SLQ_j`` is undefined.
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
        Q = Q * lam
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
        The regional table: ``Z^r = A^r x̂^r``; value added, taxes and jobs from national
        coefficients × regional output; import rows ``from_outside_region`` (intermediate
        demand the quotients send outside: ``Σ_i (a^N_ij − a^r_ij) x^r_j``) and, if the
        national table has them, ``imports`` (national import coefficients × ``x^r``); final
        demand ``households`` (if the national table has them: national consumption per unit
        of compensation × regional compensation × the capped household quotient) and
        ``other_final_demand`` (the residual: exports to the rest of the country and abroad,
        investment, government; may be negative).
    local_share : Series (n,)
        Per supplying sector i: the share of the region's intermediate demand for product i
        met inside the region, ``Σ_j a^r_ij x^r_j / Σ_j a^N_ij x^r_j`` (the regional /
        national coefficient ratio weighted by national requirements). NaN where the region
        needs none of product i. Low values mark products bought from outside — chain gaps.
    input_share : Series (n,)
        Per buying sector j: ``Σ_i a^r_ij / Σ_i a^N_ij``, the locally supplied part of its
        intermediate inputs.
    quotients : DataFrame (n, n)
        The quotients ``Q`` before capping at 1.
    slq : Series (n,)
        Simple location quotients.
    method : str
    delta : float or None
        δ for FLQ/AFLQ.
    lambda_star : float or None
        ``λ*`` for FLQ/AFLQ.
    """

    table: IOTable
    local_share: pd.Series
    input_share: pd.Series
    quotients: pd.DataFrame
    slq: pd.Series
    method: str
    delta: float | None
    lambda_star: float | None

    def __iter__(self):
        yield self.table
        yield self.local_share


def regionalize(t: IOTable, regional_output, method: str = "flq", delta: float = 0.3, *,
                measure: str = "output") -> Regionalization:
    """Estimate a regional table from the national table ``t`` by location quotients.

    Parameters
    ----------
    t : IOTable
        The national (or provincial) table; use a domestic (non-competitive) table so that
        the regional coefficients exclude foreign imports.
    regional_output : Series or vector (n,)
        The region's output by sector in the table's money unit (``measure="output"``), or
        its jobs (``measure="employment"``; the table needs ``employment``, and regional
        output is then jobs × national output per job).
    method : {"slq", "cilq", "flq", "aflq"}
    delta : float
        δ of FLQ/AFLQ (0.3 is Flegg & Webber's usual value); ignored otherwise.

    Returns
    -------
    Regionalization
        The regional :class:`IOTable`, local supply shares and the quotients used.
    """
    if measure not in ("output", "employment"):
        raise ValueError("measure must be 'output' or 'employment'")
    a = t.arrays
    labels = list(t.sectors)
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
    slq = calc_slq(xr_measure, xn_measure)
    lam = calc_lambda(xr_measure.sum(), xn_measure.sum(), delta) if method in ("flq", "aflq") else None
    Q = calc_quotients(slq, method, lam if lam is not None else 1.0)
    A_n = a.A
    A_r = A_n * np.minimum(Q, 1.0)
    Z_r = A_r * xr[np.newaxis, :]
    need = A_n @ xr  # regional intermediate demand at national coefficients, by product
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(need > 0, Z_r.sum(axis=1) / np.where(need > 0, need, 1.0), np.nan)
        inputs = np.where(A_n.sum(axis=0) > 0, A_r.sum(axis=0) / np.where(A_n.sum(axis=0) > 0, A_n.sum(axis=0), 1.0), np.nan)
    scale = xr / iomath._safe(a.x)  # regional / national output, per sector

    def scaled(block):
        return None if block is None else block * scale[np.newaxis, :]

    Y_cols, Y_labels = [], []
    hh = find_label(a.Y_labels, HOUSEHOLD_LABELS)
    has_wages = a.va is not None and find_label(a.va_labels, COMPENSATION_LABELS) is not None
    if hh is not None and has_wages:
        wages = a.va[a.compensation_row]
        income_r = float((wages * scale).sum())
        h_c = a.Y[:, list(a.Y_labels).index(hh)] / float(wages.sum())
        q_hh = np.minimum(slq * (lam if lam is not None else 1.0), 1.0)
        Y_cols.append(q_hh * h_c * income_r)
        Y_labels.append("households")
    other = xr - Z_r.sum(axis=1) - (Y_cols[0] if Y_cols else 0.0)
    Y_cols.append(other)
    Y_labels.append("other_final_demand")
    imports_rows = [(A_n - A_r).sum(axis=0) * xr]
    import_labels = ["from_outside_region"]
    if a.imports is not None:
        imports_rows.append(scaled(a.imports).sum(axis=0))
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
        va=None if a.va is None else pd.DataFrame(scaled(a.va), index=a.va_labels, columns=t.sectors),
        x=pd.Series(xr, index=t.sectors), sectors=t.names,
        imports=pd.DataFrame(np.vstack(imports_rows), index=import_labels, columns=t.sectors),
        taxes=None if a.taxes is None else pd.DataFrame(scaled(a.taxes), index=a.taxes_labels, columns=t.sectors),
        employment=employment, unit=t.unit, balance="warn", rtol=max(1e-6, 2 * inherited),
        meta={**t.meta, "regionalized": {"method": method, "delta": delta if lam is not None else None,
                                         "measure": measure}},
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
        method=method, delta=delta if lam is not None else None, lambda_star=lam,
    )
