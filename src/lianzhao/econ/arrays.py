"""The read-only arrays of an input-output table, and what is computed from them once.

:class:`TableArrays` is the public view an :class:`~lianzhao.econ.table.IOTable` gives of its
numbers (``t.arrays``): plain NumPy arrays in the table's sector order, for code that works on
arrays — the analyses in :mod:`lianzhao.econ.analysis`, the regionalization, the gap finder —
rather than on labelled frames. It also holds the results every analysis shares, each computed
on first use and kept: the LU factor of ``I − A``, ``A``, ``L``, ``B``, ``G`` and the household
closure (notation in :mod:`lianzhao.econ.iomath`).

Everything here is read-only, because one table is shared by every caller — in the web server,
by concurrent requests in several threads. Writing into an array raises ``ValueError``
(assignment destination is read-only) instead of changing what every later caller reads.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from lianzhao.econ import iomath
from lianzhao.econ.errors import MissingDataError, _names

#: Final-demand column labels recognised as household consumption (case-insensitive).
HOUSEHOLD_LABELS = ("households", "thc")
#: Value-added row labels recognised as labour compensation (case-insensitive).
COMPENSATION_LABELS = ("compensation", "va001")


def find_label(labels, wanted: tuple[str, ...]) -> object | None:
    """The first of ``labels`` that is one of ``wanted`` (case-insensitive, stripped), or None."""
    for lab in [] if labels is None else labels:
        if str(lab).strip().lower() in wanted:
            return lab
    return None


class HouseholdClosure(NamedTuple):
    """The household-closed (type II) model in the form the analyses use
    (:func:`~lianzhao.econ.iomath.household_closure`): ``h_r`` labour compensation per unit of
    output (n,), ``w = L h_c`` (n,), the scalar ``s = 1 − h_r' L h_c`` and ``hL = h_r' L`` (n,)."""

    h_r: np.ndarray
    w: np.ndarray
    s: float
    hL: np.ndarray


_ARRAYS = ("Z", "Y", "x", "va", "imports", "taxes", "employment")


@dataclass(frozen=True, eq=False)
class TableArrays:
    """A table's numbers as read-only arrays (money in ``unit``, jobs in persons).

    Attributes
    ----------
    sectors : Index (n,)
    Z : (n, n)
        Intermediate flows.
    Y : (n, k), with ``Y_labels`` (k,)
        Final demand by category.
    x : (n,)
        Total output.
    va : (m, n) or None, with ``va_labels``
        Value-added rows.
    imports : (r, n) or (n, n) or None, with ``imports_labels``
        Imported intermediate inputs by using sector.
    taxes : (t, n) or None, with ``taxes_labels``
        Net taxes on products by using sector.
    employment : (n,) or None
        Jobs per sector, persons.
    unit : str

    The arrays are read-only views: the caller's own arrays stay writable, and changing them
    afterwards is the caller's business (:meth:`IOTable.from_flows` keeps float64 input by
    reference).
    """

    sectors: pd.Index
    Z: np.ndarray
    Y: np.ndarray
    Y_labels: pd.Index
    x: np.ndarray
    va: np.ndarray | None = None
    va_labels: pd.Index | None = None
    imports: np.ndarray | None = None
    imports_labels: pd.Index | None = None
    taxes: np.ndarray | None = None
    taxes_labels: pd.Index | None = None
    employment: np.ndarray | None = None
    unit: str = ""

    def __post_init__(self):
        for name in _ARRAYS:
            arr = getattr(self, name)
            if arr is not None:
                object.__setattr__(self, name, iomath.readonly(arr.view()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name).shape}" for f in fields(self)
                          if f.name in _ARRAYS and getattr(self, f.name) is not None)
        return f"<TableArrays n={self.n} {shown}>"

    @property
    def n(self) -> int:
        """Number of sectors."""
        return len(self.sectors)

    # ------------------------------------------------------------------ computed once
    @cached_property
    def y(self) -> np.ndarray:
        """Total final demand consistent with ``x``: ``y = x − Z 1`` (n,)."""
        return iomath.readonly(self.x - self.Z.sum(axis=1))

    @cached_property
    def lu(self) -> iomath.LUFactor:
        """The LU factor of ``I − A`` (every solve goes through :func:`iomath.lu_solve`)."""
        return iomath.leontief_lu(self.Z, self.x, list(self.sectors))

    @cached_property
    def A(self) -> np.ndarray:
        """``A = Z x̂⁻¹`` (n, n)."""
        return iomath.readonly(iomath.calc_A(self.Z, self.x))

    @cached_property
    def L(self) -> np.ndarray:
        """``L = (I − A)⁻¹`` (n, n), from the LU factor."""
        return iomath.readonly(iomath.calc_L(self.lu))

    @cached_property
    def B(self) -> np.ndarray:
        """``B = x̂⁻¹ Z`` (n, n)."""
        return iomath.readonly(iomath.calc_B(self.Z, self.x))

    @cached_property
    def G(self) -> np.ndarray:
        """``G = (I − B)⁻¹ = x̂⁻¹ L x̂`` (n, n)."""
        return iomath.readonly(iomath.calc_G(self.L, self.x))

    @cached_property
    def compensation_row(self) -> int:
        """Position of the compensation row in ``va``; MissingDataError if there is none."""
        lab = find_label(self.va_labels, COMPENSATION_LABELS) if self.va is not None else None
        if lab is None:
            raise MissingDataError("income multipliers and type II need a value-added row labelled 'compensation' (or VA001)")
        return list(self.va_labels).index(lab)

    @cached_property
    def closure(self) -> HouseholdClosure:
        """The household-closed model (type II); MissingDataError without households or wages."""
        lab = find_label(self.Y_labels, HOUSEHOLD_LABELS)
        if lab is None:
            raise MissingDataError("type II needs a final-demand column labelled 'households' (or THC)")
        wages = self.va[self.compensation_row]  # raises MissingDataError without va
        income = float(wages.sum())
        if income <= 0:
            raise MissingDataError("type II needs positive total compensation")
        h_r = wages / iomath._safe(self.x)
        h_c = self.Y[:, list(self.Y_labels).index(lab)] / income
        w, s = iomath.household_closure(self.lu, h_r, h_c)
        return HouseholdClosure(iomath.readonly(h_r), iomath.readonly(w), s,
                                iomath.readonly(iomath.premultiply(self.lu, h_r)))

    # ------------------------------------------------------------------ rows per unit of output
    def row(self, kind: str) -> np.ndarray:
        """The row behind a multiplier ``kind`` (n,): output, value added (all va rows), income
        (the compensation row), employment (persons) or one va row by its label."""
        if kind == "output":
            return self.x
        if kind == "employment":
            if self.employment is None:
                raise MissingDataError("employment multipliers need jobs per sector (employment=…)")
            return self.employment
        if self.va is None:
            raise MissingDataError(f"{kind} multipliers need value-added rows (va=…)")
        if kind == "value_added":
            return self.va.sum(axis=0)
        if kind == "income":
            return self.va[self.compensation_row]
        if kind in list(self.va_labels):
            return self.va[list(self.va_labels).index(kind)]
        raise MissingDataError(
            f"unknown multiplier kind {kind!r}; use output, value_added, income, employment or a va row "
            f"({_names(self.va_labels)})"
        )

    def coefficients(self, kind: str) -> np.ndarray:
        """Direct coefficients per unit of output ``c_j = v_j / x_j`` (n,); 0 where ``x_j = 0``."""
        return self.row(kind) / iomath._safe(self.x)


__all__ = ["COMPENSATION_LABELS", "HOUSEHOLD_LABELS", "HouseholdClosure", "TableArrays", "find_label"]
