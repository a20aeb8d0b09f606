"""Input-output maths as pure functions on NumPy arrays, named after the textbook symbols.

Notation (Miller & Blair 2009, *Input-Output Analysis*, 2nd ed., ch. 2, 6, 12):

==========  ======================================================  =========
symbol      meaning                                                 shape
==========  ======================================================  =========
``Z``       intermediate flows, row = supplying, column = buying    (n, n)
``Y``       final demand by category                                (n, k)
``y``       total final demand, ``Y 1``                             (n,)
``x``       total output, ``Z 1 + y``                               (n,)
``A``       technical coefficients, ``Z x̂⁻¹``                       (n, n)
``L``       Leontief inverse, ``(I − A)⁻¹``                         (n, n)
``B``       Ghosh allocation coefficients, ``x̂⁻¹ Z``                (n, n)
``G``       Ghosh inverse, ``(I − B)⁻¹ = x̂⁻¹ L x̂``                  (n, n)
==========  ======================================================  =========

Flows and output share one money unit (the NBS tables use 万元); coefficients are unit-free
(money per money), except employment coefficients (persons per money unit).

Numerical choices: the engine factors ``I − A`` once (LU with partial pivoting, LAPACK
``getrf``) and answers every question with triangular solves against that factor. Column sums
of ``L`` are ``1' L``, the solution of ``(I − A)' m = 1``; value-added multipliers are
``v' L``, the solution of ``(I − A)' m = v``; Ghosh row sums are ``x̂⁻¹ L x``. The explicit
inverse is formed only in :func:`calc_L` when ``L`` itself is reported.

A sector with zero output has a zero column in ``A`` and a zero row in ``B``; it must have no
intermediate sales or purchases (checked by :func:`check_zero_output`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import scipy.linalg as sla

from lianzhao.econ.errors import BalanceError, NonProductiveError, SingularError, _names

#: Relative size of the smallest LU pivot below which I − A is treated as singular.
SINGULAR_RTOL = 1e-13


def _labels(labels: Sequence[object] | None, n: int) -> list[object]:
    return list(range(n)) if labels is None else list(labels)


def _safe(x: np.ndarray) -> np.ndarray:
    """``x`` with zeros replaced by 1, for divisions where the numerator is zero anyway."""
    return np.where(x == 0, 1.0, x)


def check_zero_output(Z: np.ndarray, x: np.ndarray, labels: Sequence[object] | None = None) -> None:
    """Require that a sector with zero output neither sells nor buys intermediate goods.

    ``x_j = 0 ⇒ Z[:, j] = 0 and Z[j, :] = 0``. Otherwise ``A`` or ``B`` would need a division
    by zero, and the table is inconsistent. Raises :class:`BalanceError` naming the sectors.
    """
    zero = x == 0
    if not zero.any():
        return
    bad = zero & (Z.any(axis=0) | Z.any(axis=1))
    if bad.any():
        names = [lab for lab, b in zip(_labels(labels, len(x)), bad) if b]
        raise BalanceError(
            f"sector(s) {_names(names)} have zero output but non-zero intermediate sales or "
            "purchases; give their output or remove the flows",
            names,
        )


def calc_A(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Technical (input) coefficients.

    ``A = Z x̂⁻¹``, i.e. ``a_ij = z_ij / x_j``: money of input i per money of output j.
    ``Z`` (n, n), ``x`` (n,); returns (n, n), unit-free. Columns of zero-output sectors are 0.
    """
    return np.asarray(Z, dtype=float) / _safe(np.asarray(x, dtype=float))[np.newaxis, :]


def calc_B(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Ghosh allocation (output) coefficients.

    ``B = x̂⁻¹ Z``, i.e. ``b_ij = z_ij / x_i``: share of i's output sold to j.
    ``Z`` (n, n), ``x`` (n,); returns (n, n), unit-free. Rows of zero-output sectors are 0.
    """
    return np.asarray(Z, dtype=float) / _safe(np.asarray(x, dtype=float))[:, np.newaxis]


def check_productive(
    Z: np.ndarray, x: np.ndarray, labels: Sequence[object] | None = None
) -> np.ndarray:
    """Column sums of ``A``; raise if any is ≥ 1.

    ``1' A = 1' Z x̂⁻¹`` (n,), unit-free. A column summing to 1 or more means the sector uses at
    least one unit of intermediate input per unit of output (no room for value added); with
    ``A ≥ 0`` and every column sum < 1 the system is productive (``L ≥ 0`` exists).
    """
    colsum = np.asarray(Z, dtype=float).sum(axis=0) / _safe(x)
    bad = colsum >= 1.0
    if bad.any():
        names = [lab for lab, b in zip(_labels(labels, len(x)), bad) if b]
        detail = ", ".join(f"{lab!s}: {s:.6g}" for lab, s in zip(names, colsum[bad]))
        raise NonProductiveError(
            f"column sums of A must be < 1 (intermediate inputs per unit of output); "
            f"failed for {detail}",
            names,
        )
    return colsum


class LUFactor(NamedTuple):
    """The LU factorization of ``I − A`` (partial pivoting), shared read-only by every solve.

    ``lu`` (n, n) holds L and U (LAPACK ``getrf`` layout), ``piv`` (n,) the 0-based row
    interchanges. Both arrays are read-only; solve only through :func:`lu_solve` (or the
    functions below that call it), which never hands ``piv`` itself to LAPACK.
    """

    lu: np.ndarray
    piv: np.ndarray


def readonly(arr: np.ndarray) -> np.ndarray:
    """``arr`` marked read-only and returned: results that are cached are shared by every caller."""
    arr.flags.writeable = False
    return arr


def leontief_lu(
    Z: np.ndarray, x: np.ndarray, labels: Sequence[object] | None = None
) -> LUFactor:
    """LU factorization of the Leontief matrix ``I − A`` without forming ``A`` separately.

    Builds ``M = I − Z x̂⁻¹`` in one Fortran-ordered (n, n) array and factors it in place
    (``scipy.linalg.lu_factor``, partial pivoting). Returns the read-only :class:`LUFactor`
    used by :func:`lu_solve`. Raises :class:`SingularError` naming the pivot's sector when
    a pivot is zero relative to the largest one.

    The pivots are kept as int64, not as the C ``int`` of SciPy's LAPACK wrapper, so that
    even a direct ``scipy.linalg.lu_solve`` on this factor gets a converted private copy of
    them (see :func:`lu_solve` for why that matters).
    """
    Z = np.asarray(Z, dtype=float)
    n = Z.shape[0]
    M = np.empty((n, n), dtype=float, order="F")
    np.divide(Z, _safe(np.asarray(x, dtype=float))[np.newaxis, :], out=M)
    np.negative(M, out=M)
    M.flat[:: n + 1] += 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sla.LinAlgWarning)
        lu, piv = sla.lu_factor(M, overwrite_a=True, check_finite=False)
    pivots = np.abs(np.diag(lu))
    if n and (not np.all(np.isfinite(pivots)) or pivots.min() <= SINGULAR_RTOL * max(pivots.max(), 1.0)):
        k = int(np.argmin(pivots))
        lab = _labels(labels, n)[k]
        raise SingularError(
            f"I − A is singular to working precision (pivot {pivots[k]:.3g} at sector {lab!s})",
            [lab],
        )
    return LUFactor(readonly(lu), readonly(piv.astype(np.int64)))


def lu_solve(factor: tuple[np.ndarray, np.ndarray], b: np.ndarray, trans: int = 0) -> np.ndarray:
    """Solve ``(I − A) X = B`` (``trans=0``) or ``(I − A)' X = B`` (``trans=1``) with the factor.

    ``b`` (n,) or (n, k); returns a new array of the same shape. Every solve of the engine
    goes through here.

    Thread safety: SciPy's wrapper of LAPACK ``?getrs`` turns the pivot array into 1-based
    indices *in place* before the call and back after it, with the GIL released, and it
    ignores NumPy's read-only flag. Two threads solving with one shared pivot array (the
    cached factor of a table served to concurrent web requests) shift the same pivots twice,
    LAPACK then swaps rows out of range and corrupts the heap (the server crash of issue 8).
    So each call hands LAPACK a private copy of ``piv`` (n ints); ``lu`` is only read.
    """
    lu, piv = factor
    private = np.array(piv, dtype=np.intc)  # always a copy
    return sla.lu_solve((lu, private), np.asarray(b, dtype=float), trans=trans, check_finite=False)


def solve(lu: tuple[np.ndarray, np.ndarray], y: np.ndarray) -> np.ndarray:
    """Output needed for final demand: ``x = L y``, solving ``(I − A) x = y``.

    ``y`` (n,) or (n, k), money; returns the same shape, money.
    """
    return lu_solve(lu, y)


def premultiply(lu: tuple[np.ndarray, np.ndarray], C: np.ndarray) -> np.ndarray:
    """Row vectors times the Leontief inverse: ``C L``, solving ``(I − A)' M' = C'``.

    ``C`` (n,) or (k, n) — coefficients per unit of output (e.g. value added, jobs); returns
    the same shape: total (direct + indirect) requirements per unit of final demand.
    """
    C = np.asarray(C, dtype=float)
    return lu_solve(lu, C.T, trans=1).T


def calc_L(lu: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The Leontief inverse ``L = (I − A)⁻¹`` from the factorization (n, n), unit-free.

    ``l_ij`` is the output of i needed per unit of final demand for j. Formed only when ``L``
    itself is reported.
    """
    n = lu[0].shape[0]
    return lu_solve(lu, np.eye(n))


def calc_G(L: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The Ghosh inverse from the Leontief inverse.

    ``G = (I − B)⁻¹ = x̂⁻¹ L x̂`` because ``B = x̂⁻¹ A x̂``; ``g_ij = l_ij x_j / x_i`` (n, n),
    unit-free. Rows and columns of zero-output sectors are those of the identity.
    """
    x = np.asarray(x, dtype=float)
    G = L * x[np.newaxis, :] / _safe(x)[:, np.newaxis]
    zero = np.flatnonzero(x == 0)
    G[zero, :] = 0.0
    G[zero, zero] = 1.0
    return G


def output_multipliers(lu: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Type I output multipliers: column sums of ``L``, ``m' = 1' L`` (n,).

    Money of output in all sectors per money of final demand for sector j.
    """
    return premultiply(lu, np.ones(lu[0].shape[0]))


def leontief_row_sums(lu: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Row sums of the Leontief inverse: ``L 1`` (n,), solving ``(I − A) r = 1``.

    Output of sector i needed when final demand for every sector rises by one unit — the
    forward linkage of Rasmussen (1956) and of the Chinese 感应度系数.
    """
    return solve(lu, np.ones(lu[0].shape[0]))


def ghosh_row_sums(lu: tuple[np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Row sums of the Ghosh inverse without forming it: ``G 1 = x̂⁻¹ L x`` (n,), unit-free.

    Total forward (supply-side) linkage: output enabled downstream per unit of primary input
    into sector i. Zero-output sectors get 1.
    """
    x = np.asarray(x, dtype=float)
    out = solve(lu, x) / _safe(x)
    out[x == 0] = 1.0
    return out


def household_closure(
    lu: tuple[np.ndarray, np.ndarray], h_r: np.ndarray, h_c: np.ndarray
) -> tuple[np.ndarray, float]:
    """Close the model with respect to households (Miller & Blair 2009, §2.5, §6.2.2).

    The closed system is ``[[I − A, −h_c], [−h_r', 1]]`` with ``h_r = w / x`` (labour
    compensation per unit of output, (n,)) and ``h_c = c / Σw`` (household consumption of each
    product per unit of household income, (n,)). By the partitioned inverse its blocks follow
    from ``w = L h_c`` and the scalar ``s = 1 − h_r' L h_c``:

    ``L̄₁₁ = L + w (h_r' L) / s``, ``L̄₂₁ = (h_r' L) / s``, ``L̄₁₂ = w / s``, ``L̄₂₂ = 1 / s``.

    Returns ``(w, s)``; raises :class:`NonProductiveError` when ``s ≤ 0`` (households spend
    more than the income the closed system can generate).
    """
    w = solve(lu, h_c)
    s = 1.0 - float(np.dot(h_r, w))
    if not s > 0:
        raise NonProductiveError(
            f"the household-closed system is not productive (1 − h_r' L h_c = {s:.6g} ≤ 0): "
            "household consumption is too large relative to compensation"
        )
    return w, s


def type2_effects(
    CL: np.ndarray, C: np.ndarray, w: np.ndarray, s: float, hL: np.ndarray
) -> np.ndarray:
    """Type II (household-closed) total effects of coefficient rows.

    ``C L̄₁₁ = C L + (C w)(h_r' L) / s``. ``CL`` is ``C L`` ((n,) or (k, n)), ``C`` the
    coefficients (same shape), ``w`` and ``s`` from :func:`household_closure`, ``hL`` is
    ``h_r' L`` (n,). Returns the shape of ``CL``: direct + indirect + induced requirements per
    unit of final demand.
    """
    return CL + np.multiply.outer(np.asarray(C) @ w, hL) / s


def extraction_effects(
    L_diag: np.ndarray, L_colsum: np.ndarray, Lx: np.ndarray, x: np.ndarray, y: np.ndarray
) -> dict[str, np.ndarray]:
    """Hypothetical extraction of every sector from one factorization (closed forms).

    Each extraction is a rank-one (or rank-two) change of ``I − A``; the Sherman–Morrison
    formula turns the new solution into the old one minus a column of ``L``. Losses of total
    output (money), per extracted sector j:

    * ``total`` — all intermediate links of j cut (row and column j of ``A`` set to 0, final
      demand kept; Miller & Blair 2009 §12.2): ``x_j (1'L e_j − l_jj) / l_jj + x_j − y_j``.
    * ``backward`` — j buys no intermediate inputs (column j of ``A`` set to 0; Dietzenbacher &
      van der Linden 1997): ``x_j (1'L e_j − 1) / l_jj``.
    * ``forward`` — what cutting j's sales adds once its purchases are cut, ``total −
      backward = x_j / l_jj − y_j`` (j's intermediate sales in the economy without its
      purchases), so that ``backward + forward = total``.
    * ``forward_ghosh`` — the supply-side measure: row j of ``B`` set to 0 in the Ghosh model
      with primary inputs fixed (Dietzenbacher & van der Linden 1997): ``((L x)_j − x_j) / l_jj``.
    * ``total_reduced`` — the textbook reduced-system form (Miller & Blair 2009, §12.2.3): row
      and column j deleted, ``T_j = 1'x − 1'x̄₍ⱼ₎`` with ``x̄₍ⱼ₎ = (I − A₍ⱼ₎)⁻¹ y₍ⱼ₎`` (n − 1
      sectors). Sector j is gone with its own final demand, so ``T_j = total + y_j =
      x_j (1'L e_j) / l_jj`` (the rest of the economy solves the same reduced system in both).

    Arguments are (n,) vectors: the diagonal and column sums of ``L``, ``L x``, ``x`` and
    ``y = x − Z 1``.
    """
    x = np.asarray(x, dtype=float)
    backward = x * (L_colsum - 1.0) / L_diag
    forward = x / L_diag - y
    return {"total": backward + forward, "backward": backward, "forward": forward,
            "forward_ghosh": (Lx - x) / L_diag, "total_reduced": x * L_colsum / L_diag}


def naive_extraction(
    Z: np.ndarray, x: np.ndarray, y: np.ndarray, j: int,
    kinds: Sequence[str] = ("total", "backward", "forward", "forward_ghosh", "total_reduced"),
) -> dict[str, float]:
    """Reference implementation of :func:`extraction_effects` for one sector: rebuild the
    modified coefficient matrices and solve from scratch (an O(n³) solve per sector and kind;
    ``forward`` is ``total − backward``; ``total_reduced`` deletes row and column j).

    Public as the plain, textbook statement of each measure: the tests and the benchmark check
    the closed forms against it. O(n³) per sector and kind, so not for every sector of a
    large table (use :func:`extraction_effects`).
    """
    Z, x, y = (np.asarray(v, dtype=float) for v in (Z, x, y))
    eye = np.eye(Z.shape[0])
    total_x = float(np.sum(x))
    out = {}
    if {"total", "backward", "forward"} & set(kinds):
        A = calc_A(Z, x)
        A[:, j] = 0.0
        out["backward"] = total_x - float(np.linalg.solve(eye - A, y).sum())
        if {"total", "forward"} & set(kinds):
            A[j, :] = 0.0
            out["total"] = total_x - float(np.linalg.solve(eye - A, y).sum())
            out["forward"] = out["total"] - out["backward"]
    if "forward_ghosh" in kinds:
        B = calc_B(Z, x)
        B[j, :] = 0.0
        v = x - Z.sum(axis=0)  # primary inputs (value added and imports) of each sector
        out["forward_ghosh"] = total_x - float(np.linalg.solve((eye - B).T, v).sum())
    if "total_reduced" in kinds:
        keep = np.arange(Z.shape[0]) != j
        A = calc_A(Z, x)[np.ix_(keep, keep)]
        out["total_reduced"] = total_x - float(np.linalg.solve(eye[np.ix_(keep, keep)] - A, y[keep]).sum())
    return {k: out[k] for k in kinds}
