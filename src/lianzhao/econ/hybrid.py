"""Hybrid regional tables: superior data laid over the location-quotient estimate (the GRIT
approach of Jensen, Mandeville & Karunaratne 1979; West 1990), the total requirements split
into what the district buys locally, from other regions of China and from abroad, and the
sectors that are supplied locally whatever the quotients say.

Three coefficient matrices (n, n), row i = supplying product, column j = buying sector, per
unit of the buyer's output:

* ``A^T`` total requirements (domestic + imported): ``a^T_ij = a^D_ij + a^M_ij``;
* ``A^L`` bought inside the district (the regional table's ``A``);
* ``A^F`` bought abroad (imports), so that ``A^O = A^T − A^L − A^F`` is bought from other
  regions of China.

The location-quotient estimate (:func:`~lianzhao.econ.regional.regionalize`) gives
``A^L = A^D ∘ min(Q, 1)`` and ``A^F = A^M``. On top of it:

* **non-tradables** (rows): ``a^L_ij = a^T_ij``, ``a^F_ij = 0`` — all requirements of product i
  are met inside the district (construction, retail, local transport …, :data:`NON_TRADABLES_153`);
* a **column override** (:class:`ColumnOverride`) replaces ``a^T_·j`` by a surveyed cost
  structure (a local cost survey, a chain leader's bill of materials) — for the whole column, or
  weighted by the share ``w`` of the sector's output it describes, the rest of the column keeping
  its national cells, domestic and imported; the surveyed part's domestic part keeps
  the national domestic share of each product, ``a^D_ij = r_i a^T_ij`` with
  ``r_i = Σ_j a^D_ij x^N_j / Σ_j a^T_ij x^N_j`` (the proportional import assumption), and the
  value added of column j absorbs the change in its intermediate inputs;
* a **local purchase share** (:class:`LocalShareOverride`) replaces row i by
  ``a^L_ij = p_i a^T_ij``; the rest, ``(1 − p_i) a^T_ij``, is split between abroad and other
  regions in the national proportion: ``a^F_ij = (1 − p_i)(1 − r_i) a^T_ij``.

Order: column overrides (national technology), then quotients and non-tradables, then local
purchase shares. A column override changes column j of ``A^T``, ``A^D``, ``A^L`` and ``A^F``
and nothing else; a local purchase share changes row i of ``A^L`` and ``A^F`` and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lianzhao.econ.errors import IOTableError, LabelError, NonProductiveError, _names

#: Sectors of the NBS 153-sector tables supplied locally by default (not traded over distance):
#: gas and water supply, construction, retail, local passenger and road freight transport,
#: handling and warehousing, post, accommodation and catering, real estate, public facilities,
#: personal and other services, education, health, social work and public administration.
#: Electricity (100) is left out: it mixes generation, sold to the provincial grid, with local
#: distribution. Wholesale (109) is left out: it is traded between regions. docs/gaps.md.
NON_TRADABLES_153 = (
    "101", "102", "103", "104", "105", "106", "107", "108", "110", "113", "114", "121", "122", "123",
    "124", "133", "141", "142", "143", "144", "145", "146", "152", "153",
)
#: The same list at 42 sectors (only the 42-sector codes wholly inside it: 28 批发和零售 and
#: 29 交通运输、仓储和邮政 mix tradable and local parts and stay tradable).
NON_TRADABLES_42 = ("25", "26", "27", "30", "33", "38", "39", "40", "42")


def default_non_tradables(sectors: Sequence[str]) -> tuple[str, ...]:
    """The default non-tradable list for a table with these sector codes (153 or 42 sectors;
    an empty tuple for any other classification)."""
    codes = set(map(str, sectors))
    for candidate in (NON_TRADABLES_153, NON_TRADABLES_42):
        if set(candidate) <= codes and len(codes) in (42, 153):
            return tuple(c for c in candidate if c in codes)
    return ()


class OverrideError(IOTableError):
    """An override cannot be applied: unknown sector, negative or non-finite coefficient, a share
    outside [0, 1], or named coefficients larger than the column they rescale. ``sectors``
    names the sector(s)."""

    check = "override"


@dataclass(frozen=True)
class ColumnOverride:
    """Superior data for one buying sector j: its total purchases (domestic + imported) of each
    product per unit of its output.

    sector : str
        The buying sector j (its column is replaced).
    coefficients : mapping
        Supplying sector i → ``a^T_ij`` (元 of i per 元 of j's output), ≥ 0.
    rest : {"keep", "scale"}
        Cells not named: kept at the national value (``"keep"``) or all scaled by one factor so
        the column's intermediate input total stays the national one (``"scale"``; the named
        cells may then sum to at most that total).
    source, label : str
        Where the numbers come from and a short name (printed with every result it affects).
    weight : float
        The share ``w`` of sector j's output in the district made with this structure, in (0, 1];
        the rest keeps the national column: ``a^T_·j = w·(surveyed) + (1 − w)·(national)``. A
        survey of new-energy car plants describes the new-energy part of 汽车整车, not the whole
        sector: with NEV at a fifth of the district's vehicle output, ``w = 0.2``.
    """

    sector: str
    coefficients: Mapping[str, float]
    rest: str = "keep"
    source: str = ""
    label: str = ""
    weight: float = 1.0

    def __post_init__(self):
        if self.rest not in ("keep", "scale"):
            raise OverrideError(f"rest must be 'keep' or 'scale', not {self.rest!r}", [self.sector])
        bad = {k: v for k, v in self.coefficients.items()
               if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0)}
        if bad:
            raise OverrideError(f"column {self.sector!r}: coefficients must be finite and ≥ 0; got {bad}",
                                [self.sector, *bad])
        if not (isinstance(self.weight, int | float) and math.isfinite(self.weight) and 0 < self.weight <= 1):
            raise OverrideError(f"column {self.sector!r}: the weight (share of the sector's output made with this "
                                f"structure) must be in (0, 1]; got {self.weight!r}", [self.sector])


@dataclass(frozen=True)
class LocalShareOverride:
    """Superior data for one supplying product i: the share ``p_i`` of the district's purchases of
    it (by every buying sector) made inside the district, in [0, 1]."""

    sector: str
    share: float
    source: str = ""
    label: str = ""

    def __post_init__(self):
        if not (isinstance(self.share, int | float) and math.isfinite(self.share) and 0 <= self.share <= 1):
            raise OverrideError(f"local purchase share of {self.sector!r} must be in [0, 1]; got {self.share!r}",
                                [self.sector])


@dataclass(frozen=True)
class Coefficients:
    """The hybrid coefficient split of one regionalization (read-only arrays, (n, n)).

    ``total`` ``A^T``, ``domestic`` ``A^D`` (national, after column overrides), ``local``
    ``A^L``, ``abroad`` ``A^F``; ``other_regions`` is ``A^T − A^L − A^F``. ``domestic_ratio``
    (n,) is ``r_i``; ``va_factor`` (n,) the factor each column's value added was scaled by
    (1 where no column override applies).
    """

    total: np.ndarray
    domestic: np.ndarray
    local: np.ndarray
    abroad: np.ndarray
    domestic_ratio: np.ndarray
    va_factor: np.ndarray
    overrides: tuple = field(default=())

    @property
    def other_regions(self) -> np.ndarray:
        return np.clip(self.total - self.local - self.abroad, 0.0, None)


def import_coefficients(A_D: np.ndarray, imports: np.ndarray | None, imports_labels, sectors, x: np.ndarray) -> np.ndarray:
    """National import coefficients ``A^M = Z^M x̂⁻¹`` (n, n) from a table's import-use matrix.

    ``imports`` must hold one row per product (labels equal to the sectors, in any order): the
    (n, n) matrix of a non-competitive table or of :meth:`IOTable.domestic`. Without it
    (``None``, or only aggregate import rows) the imports cannot be told by product and ``A^M``
    is 0: all leakage is then counted as other regions of China (the caller says so).
    """
    n = len(sectors)
    if imports is None or imports_labels is None:
        return np.zeros((n, n))
    pos = {str(lab): k for k, lab in enumerate(imports_labels)}
    if not all(str(s) in pos for s in sectors):
        return np.zeros((n, n))
    Zm = imports[[pos[str(s)] for s in sectors], :]
    return Zm / np.where(x > 0, x, 1.0)[np.newaxis, :] * (x > 0)[np.newaxis, :]


def domestic_ratio(A_D: np.ndarray, A_T: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``r_i = Σ_j a^D_ij x_j / Σ_j a^T_ij x_j`` (n,): the domestic share of the nation's
    intermediate use of product i (1 where there is none)."""
    total = A_T @ x
    return np.where(total > 0, (A_D @ x) / np.where(total > 0, total, 1.0), 1.0)


def _position(sectors: pd.Index) -> dict[str, int]:
    return {str(s): k for k, s in enumerate(sectors)}


def apply_columns(A_T: np.ndarray, A_D: np.ndarray, r: np.ndarray, va_per_unit: np.ndarray,
                  overrides: Iterable[ColumnOverride], sectors: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(A^T, A^D, va_factor)`` with the column overrides applied (copies; inputs untouched).

    ``va_per_unit`` (n,): each column's value added per unit of output. The value added of an
    overridden column is scaled by ``(v_j − Δ_j) / v_j`` where ``Δ_j`` is the change of its
    intermediate inputs per unit of output. Raises :class:`OverrideError` (unknown sector,
    named cells above the column they rescale) or :class:`NonProductiveError` (inputs per unit
    of output ≥ 1, or more than output less taxes leaves) naming the sector.
    """
    pos = _position(sectors)
    A_T, A_D = A_T.copy(), A_D.copy()
    factor = np.ones(len(sectors))
    for o in overrides:
        unknown = [s for s in (o.sector, *o.coefficients) if str(s) not in pos]
        if unknown:
            raise LabelError(f"override of column {o.sector!r} names sector(s) {_names(unknown)} not in the table",
                             unknown)
        j = pos[o.sector]
        old_total = A_T[:, j].sum()
        named = np.zeros(len(sectors), dtype=bool)
        col = A_T[:, j].copy()
        for s, v in o.coefficients.items():
            named[pos[s]] = True
            col[pos[s]] = float(v)
        if o.rest == "scale":
            room = old_total - col[named].sum()
            rest = A_T[~named, j].sum()
            if room < -1e-12:
                raise OverrideError(f"column {o.sector!r}: the named coefficients sum to {col[named].sum():.4f}, more "
                                    f"than the column's intermediate inputs {old_total:.4f} they are to fit in", [o.sector])
            col[~named] = A_T[~named, j] * (max(room, 0.0) / rest if rest > 0 else 0.0)
        # The surveyed part of the sector's output (domestic by the proportional assumption) beside
        # the rest, which keeps the national column — its domestic part cell by cell.
        w = o.weight
        domestic = w * (r * col) + (1 - w) * A_D[:, j]
        col = w * col + (1 - w) * A_T[:, j]
        total = col.sum()
        if total >= 1.0:
            raise NonProductiveError(f"column {o.sector!r}: intermediate inputs of {total:.4f} per unit of output "
                                     "(must be < 1: nothing would be left for value added)", [o.sector])
        delta = total - old_total
        if va_per_unit[j] - delta < 0:
            raise NonProductiveError(f"column {o.sector!r}: inputs of {total:.4f} per unit of output leave a negative "
                                     "value added", [o.sector])
        factor[j] = (va_per_unit[j] - delta) / va_per_unit[j] if va_per_unit[j] > 0 else 1.0
        A_T[:, j] = col
        A_D[:, j] = domestic
    return A_T, A_D, factor


def apply_local_shares(A_T: np.ndarray, A_L: np.ndarray, A_F: np.ndarray, r: np.ndarray,
                       overrides: Iterable[LocalShareOverride], sectors: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """``(A^L, A^F)`` with the local purchase shares applied to their rows (copies)."""
    pos = _position(sectors)
    A_L, A_F = A_L.copy(), A_F.copy()
    for o in overrides:
        if o.sector not in pos:
            raise LabelError(f"local purchase share names sector {o.sector!r}, not in the table", [o.sector])
        i = pos[o.sector]
        A_L[i, :] = o.share * A_T[i, :]
        A_F[i, :] = (1.0 - o.share) * (1.0 - r[i]) * A_T[i, :]
    return A_L, A_F


def duplicates(overrides: Iterable[ColumnOverride | LocalShareOverride]) -> list[str]:
    """Sectors overridden twice by overrides of the same kind (refused: which one would win?)."""
    seen: dict[tuple[type, str], int] = {}
    for o in overrides:
        seen[(type(o), o.sector)] = seen.get((type(o), o.sector), 0) + 1
    return sorted({s for (_, s), c in seen.items() if c > 1})


__all__ = [
    "NON_TRADABLES_153",
    "NON_TRADABLES_42",
    "ColumnOverride",
    "Coefficients",
    "LocalShareOverride",
    "OverrideError",
    "apply_columns",
    "apply_local_shares",
    "default_non_tradables",
    "domestic_ratio",
    "duplicates",
    "import_coefficients",
]
