"""The :class:`IOTable` container: a checked input-output table with lazily computed results.

The class is thin on purpose: it validates and labels the data once, keeps the numbers as
read-only arrays (:class:`~lianzhao.econ.arrays.TableArrays`, public as ``t.arrays``, which also
caches the LU factorization of ``I − A`` and what follows from it), and hands the maths to
:mod:`lianzhao.econ.iomath` and :mod:`lianzhao.econ.analysis`. Results come back as pandas
objects labelled by sector.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lianzhao.econ import analysis, iomath, supply_use, validate
from lianzhao.econ.arrays import TableArrays
from lianzhao.econ.errors import LabelError, _names


class BalanceWarning(UserWarning):
    """A table was accepted with ``balance="warn"`` although it does not balance."""


class IOTable:
    """A single-region input-output table (industry × industry or product × product).

    Build it with :meth:`from_flows`. Money amounts share the table's ``unit`` (for example
    万元); jobs are persons. Attributes are pandas objects indexed by sector label.

    Attributes
    ----------
    Z : DataFrame (n, n)
        Intermediate flows; for a non-competitive table, domestic flows only.
    Y : DataFrame (n, k)
        Final demand by category (a negative ``imports`` column in a competitive table).
    va : DataFrame (m, n) or None
        Value-added rows; the row ``compensation`` (or ``VA001``) is labour income.
    imports : DataFrame (r, n) or None
        Imported intermediate inputs by using sector: an (n, n) import-use matrix for a
        non-competitive table, or one or more labelled rows.
    taxes : DataFrame (t, n) or None
        Net taxes on products paid by each using sector (basic-price tables).
    employment : Series (n,) or None
        Jobs per sector (persons).
    x : Series (n,)
        Total output.
    names : DataFrame (n, 2)
        ``name_zh`` and ``name_en`` of each sector (blank when unknown).
    unit : str
        Money unit of all flows.
    meta : dict
        Provenance and notes from the reader (source file, year, assumptions).
    """

    def __init__(self, arrays: TableArrays, names: pd.DataFrame, meta=None, balance=None):
        self.arrays = arrays
        self.names = names
        self.meta = dict(meta or {})
        self._balance = balance

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_flows(cls, Z, Y, va=None, x=None, sectors=None, imports=None, employment=None, *,
                   taxes=None, unit: str = "", meta: Mapping[str, Any] | None = None,
                   balance: str = "raise", rtol: float = 1e-6, negative: str = "raise") -> IOTable:
        """Check and label a table given as flows.

        Parameters
        ----------
        Z : ndarray or DataFrame (n, n)
            Intermediate flows, money; row i = supplying sector, column j = buying sector.
        Y : ndarray (n,) or (n, k), Series or DataFrame (n, k)
            Final demand, money. Label household consumption ``households`` (or ``THC``) to
            enable type II results. Negative columns (imports in a competitive table) are fine.
        va : DataFrame (m, n), Series, ndarray or mapping label → vector, optional
            Value added by component; ``compensation`` (or ``VA001``) drives income multipliers
            and the household closure.
        x : vector (n,), optional
            Total output; computed as ``Z 1 + Y 1`` when omitted, otherwise checked against it.
        sectors : sequence, mapping label → name, or DataFrame with ``name_zh``/``name_en``
            Sector labels (and names); taken from ``Z`` when it is a DataFrame.
        imports : (n, n) matrix or rows (r, n), optional
            Imported intermediate inputs by using sector (non-competitive tables).
        employment : vector (n,), optional
            Jobs per sector, persons.
        taxes : rows (t, n), optional
            Net taxes on products paid by each using sector.
        unit : str
            Money unit, for display (for example ``"万元"``).
        balance : {"raise", "warn"}
            What to do when a row or column balance is off by more than ``rtol``.
        rtol : float
            Tolerance of the balance checks, relative to each sector's output.
        negative : {"raise", "allow"}
            Negative intermediate flows (and import rows) are refused by default; ``"allow"``
            keeps genuine ones — BEA's tables have a few (federal crop insurance, used goods).
            The Leontief inverse may then have small negative cells.

        Float64 arrays are kept by reference (no copy): do not modify them afterwards.

        Raises
        ------
        ShapeError, LabelError, NonFiniteError, NegativeValueError, BalanceError, NonProductiveError
            With the check and the sectors named in the message.
        """
        if balance not in ("raise", "warn"):
            raise ValueError("balance must be 'raise' or 'warn'")
        if negative not in ("raise", "allow"):
            raise ValueError("negative must be 'raise' or 'allow'")
        index, names = validate.sector_index(Z, sectors)
        labels = list(index)
        Za = validate.square(Z, index)
        validate.finite(Za, "Z", labels, labels)
        if negative == "raise":
            validate.non_negative(Za, "intermediate flows Z", labels)
        Ya, Y_labels = validate.columns(Y, index, "Y", "final_demand")
        validate.finite(Ya, "Y", labels, list(Y_labels))
        parts = {}
        for name, block, default in (("va", va, "value_added"), ("imports", imports, "imports"), ("taxes", taxes, "taxes")):
            if block is None:
                parts[name] = (None, None)
                continue
            arr, row_labels = validate.rows(block, index, name, default)
            validate.finite(arr.T, name, labels, list(row_labels))
            parts[name] = (arr, row_labels)
        if parts["imports"][0] is not None and negative == "raise":
            validate.non_negative(parts["imports"][0].T, "imports", labels)
        emp = None
        if employment is not None:
            emp = validate.vector(employment, index, "employment")
            validate.finite(emp, "employment", labels)
            validate.non_negative(emp, "employment", labels)
        uses = Za.sum(axis=1) + Ya.sum(axis=1)
        if x is None:
            xa, row_sum = uses, None
        else:
            xa = validate.vector(x, index, "x")
            validate.finite(xa, "x (total output)", labels)
            row_sum = uses
        validate.non_negative(xa, "total output x", labels)
        iomath.check_zero_output(Za, xa, labels)
        col_sum = None
        if parts["va"][0] is not None:
            col_sum = Za.sum(axis=0) + sum(p[0].sum(axis=0) for p in parts.values() if p[0] is not None)
        report = validate.balance_report(xa, row_sum, col_sum, index)
        problems = validate.enforce_balance(report, rtol, balance)
        for line in problems:
            warnings.warn(line, BalanceWarning, stacklevel=2)
        iomath.check_productive(Za, xa, labels)  # after the balance: an unbalanced table says so first
        arrays = TableArrays(sectors=index, Z=Za, Y=Ya, Y_labels=Y_labels, x=xa,
                             va=parts["va"][0], va_labels=parts["va"][1], imports=parts["imports"][0],
                             imports_labels=parts["imports"][1], taxes=parts["taxes"][0],
                             taxes_labels=parts["taxes"][1], employment=emp, unit=unit)
        return cls(arrays, names, meta=meta, balance=report)

    @classmethod
    def from_supply_use(cls, make, use, final_demand, va=None, *, kind: str = "industry",
                        technology: str = "industry", scrap=None, employment=None, names=None,
                        unit: str = "", meta: Mapping[str, Any] | None = None, balance: str | None = None,
                        rtol: float = 1e-6, negative: str = "raise") -> IOTable:
        """A symmetric table from supply and use (make and use) tables.

        Parameters
        ----------
        make : DataFrame (m, c)
            Make (supply) table: industries × commodities, money.
        use : DataFrame (c, m)
            Intermediate use: commodities × industries, money (labels as in ``make``).
        final_demand : DataFrame (c, k) or Series
            Final demand for commodities (a negative ``imports`` column in a competitive table).
        va : DataFrame (r, m), optional
            Value added by industry (``compensation`` enables type II).
        kind : {"industry", "commodity"}
            Industry × industry or commodity × commodity.
        technology : {"industry", "commodity"}
            Industry technology with market shares (BEA's method), or commodity technology
            (square, invertible make table only).
        scrap : label, optional
            The scrap commodity, for BEA's scrap adjustment (its 1997 method; industry
            technology). The columns then do not add up to output, so ``balance`` defaults to
            ``"warn"``.
        employment : vector (m,), optional
            Jobs by industry (moved to commodities like value added for ``kind="commodity"``).
        names : DataFrame or mapping, optional
            Names of the sectors of the chosen kind (see :meth:`from_flows` ``sectors``).
        unit, meta, rtol, negative
            As for :meth:`from_flows`; ``balance`` defaults to ``"raise"`` (``"warn"`` with scrap).

        Formulas in :mod:`lianzhao.econ.supply_use`. Inputs of commodities that no industry
        stands for (no domestic output, or scrap under the adjustment) become ``imports`` rows
        labelled ``unallocated:<commodity>``; ``meta["notes"]`` says what was done.
        """
        V, U, E, W = supply_use.frames(make, use, final_demand, va)
        industries, commodities = list(V.index), list(V.columns)
        scrap_pos = None
        if scrap is not None:
            if scrap not in V.columns:
                raise LabelError(f"scrap commodity {scrap!r} is not a commodity of the make table", [scrap])
            scrap_pos = commodities.index(scrap)
        jobs = None if employment is None else validate.vector(employment, V.index, "employment")
        f = supply_use.symmetric_flows(V.to_numpy(float), U.to_numpy(float), E.to_numpy(float),
                                       None if W is None else W.to_numpy(float), kind=kind, technology=technology,
                                       scrap=scrap_pos, employment=jobs, labels=(industries, commodities))
        labels = pd.Index(industries if kind == "industry" else commodities)[f.sectors]
        sectors = list(labels) if names is None else (
            names.reindex(labels) if isinstance(names, pd.DataFrame) else {s: dict(names).get(s, "") for s in labels})
        unallocated = None
        if len(f.unallocated_labels):
            unallocated = pd.DataFrame(f.unallocated, columns=labels,
                                       index=[f"unallocated:{commodities[i]}" for i in f.unallocated_labels])
        meta = {**dict(meta or {}), "supply_use": {"kind": kind, "technology": technology, "scrap": scrap}}
        meta["notes"] = [*meta.get("notes", []), *f.notes]
        return cls.from_flows(
            pd.DataFrame(f.Z, index=labels, columns=labels), pd.DataFrame(f.Y, index=labels, columns=E.columns),
            va=None if f.va is None else pd.DataFrame(f.va, index=W.index, columns=labels), x=pd.Series(f.x, index=labels),
            sectors=sectors, imports=unallocated,
            employment=None if f.employment is None else pd.Series(f.employment, index=labels), unit=unit, meta=meta,
            balance=balance or ("warn" if scrap is not None else "raise"), rtol=rtol, negative=negative,
        )

    # ------------------------------------------------------------------ labelled data
    # Each property returns a new frame (or Series) over the read-only arrays: a caller that
    # writes into one (``t.L.loc[:, :] = 0``) gets an error instead of changing what G,
    # extract_all() and every later caller read.
    def _frame(self, arr, index=None, columns=None) -> pd.DataFrame:
        return pd.DataFrame(arr, index=self.sectors if index is None else index,
                            columns=self.sectors if columns is None else columns, copy=False)

    def _series(self, arr, name: str) -> pd.Series:
        return pd.Series(arr, index=self.sectors, name=name, copy=False)

    @property
    def sectors(self) -> pd.Index:
        """Sector labels (n,)."""
        return self.arrays.sectors

    @property
    def unit(self) -> str:
        """Money unit of all flows."""
        return self.arrays.unit

    @property
    def n(self) -> int:
        """Number of sectors."""
        return self.arrays.n

    @property
    def Z(self) -> pd.DataFrame:
        """Intermediate flows (n, n), money."""
        return self._frame(self.arrays.Z)

    @property
    def Y(self) -> pd.DataFrame:
        """Final demand (n, k), money."""
        return self._frame(self.arrays.Y, columns=self.arrays.Y_labels)

    @property
    def va(self) -> pd.DataFrame | None:
        """Value-added rows (m, n), money."""
        a = self.arrays
        return None if a.va is None else self._frame(a.va, index=a.va_labels)

    @property
    def imports(self) -> pd.DataFrame | None:
        """Imported intermediate inputs (r, n) or (n, n), money."""
        a = self.arrays
        return None if a.imports is None else self._frame(a.imports, index=a.imports_labels)

    @property
    def taxes(self) -> pd.DataFrame | None:
        """Net taxes on products (t, n), money."""
        a = self.arrays
        return None if a.taxes is None else self._frame(a.taxes, index=a.taxes_labels)

    @property
    def employment(self) -> pd.Series | None:
        """Jobs per sector (n,), persons."""
        e = self.arrays.employment
        return None if e is None else self._series(e, "employment")

    @property
    def x(self) -> pd.Series:
        """Total output ``x`` (n,), money."""
        return self._series(self.arrays.x, "x")

    @property
    def y(self) -> pd.Series:
        """Total final demand consistent with ``x``: ``y = x − Z 1`` (n,), money."""
        return self._series(self.arrays.y, "y")

    def balance_report(self) -> pd.DataFrame:
        """Row and column balance residuals per sector (see :func:`validate.balance_report`)."""
        return self._balance.copy()

    def label(self, sector, lang: str = "zh") -> str:
        """``"20 通信设备、计算机和其他电子设备"`` — the code and its name in ``lang`` (zh/en)."""
        name = self.names.loc[sector, f"name_{lang}"] if len(self.names) else ""
        return f"{sector} {name}".strip()

    # ------------------------------------------------------------------ coefficients
    @property
    def A(self) -> pd.DataFrame:
        """Technical coefficients ``A = Z x̂⁻¹`` (n, n); zero-output columns are 0 (read-only)."""
        return self._frame(self.arrays.A)

    @property
    def L(self) -> pd.DataFrame:
        """Leontief inverse ``L = (I − A)⁻¹`` (n, n), formed from the cached LU factor (read-only)."""
        return self._frame(self.arrays.L)

    @property
    def B(self) -> pd.DataFrame:
        """Ghosh allocation coefficients ``B = x̂⁻¹ Z`` (n, n); zero-output rows are 0 (read-only)."""
        return self._frame(self.arrays.B)

    @property
    def G(self) -> pd.DataFrame:
        """Ghosh inverse ``G = (I − B)⁻¹ = x̂⁻¹ L x̂`` (n, n) (read-only)."""
        return self._frame(self.arrays.G)

    def coefficients(self, kind: str) -> pd.Series:
        """Direct coefficients per unit of output (n,).

        ``kind``: ``"value_added"`` (all va rows), ``"income"`` (the compensation row),
        ``"employment"`` (jobs, persons per money unit), or the label of one va row.
        ``c_j = v_j / x_j``; 0 for zero-output sectors.
        """
        return pd.Series(self.arrays.coefficients(kind), index=self.sectors, name=kind)

    # ------------------------------------------------------------------ analyses
    def output_multipliers(self, type: str = "I") -> pd.Series:
        """Output multipliers (n,): type I ``1' L``; type II the sector rows of ``1' L̄``."""
        return self.multipliers("output", type=type)["effect"].rename(f"output_multiplier_{type}")

    def multipliers(self, kind: str = "output", type: str = "I") -> pd.DataFrame:
        """Coefficients and multipliers; see :func:`lianzhao.econ.analysis.multipliers`."""
        return analysis.multipliers(self.arrays, kind, type)

    def linkages(self, forward: str = "ghosh") -> pd.DataFrame:
        """Backward and forward linkages, ``forward="ghosh"`` or ``"leontief"`` (感应度系数);
        see :func:`lianzhao.econ.analysis.linkages`."""
        return analysis.linkages(self.arrays, forward)

    def extract(self, sector) -> pd.Series:
        """Hypothetical extraction of one sector; see :func:`lianzhao.econ.analysis.extract`."""
        return analysis.extract(self.arrays, sector)

    def extract_all(self) -> pd.DataFrame:
        """Hypothetical extraction of every sector; see :func:`lianzhao.econ.analysis.extract_all`."""
        return analysis.extract_all(self.arrays)

    def impact(self, delta_y, type: str = "I") -> pd.DataFrame:
        """Impact of a final-demand change; see :func:`lianzhao.econ.analysis.impact`."""
        return analysis.impact(self.arrays, delta_y, type)

    # ------------------------------------------------------------------ transformations
    def replace(self, **changes) -> IOTable:
        """A new table from this one's parts with ``changes`` (any :meth:`from_flows` argument)
        applied and re-checked; for example ``t.replace(employment=jobs)``."""
        a = self.arrays

        def block(arr, labels):
            return None if arr is None else self._frame(arr, index=labels)

        parts = dict(
            Z=self.Z, Y=self.Y, va=block(a.va, a.va_labels), x=self.x,
            sectors=self.names, imports=block(a.imports, a.imports_labels),
            employment=self.employment, taxes=block(a.taxes, a.taxes_labels),
            unit=self.unit, meta=self.meta, balance="warn",
        )
        parts.update(changes)
        return IOTable.from_flows(**parts)

    def aggregate(self, mapping, names=None) -> IOTable:
        """Aggregate sectors with a concordance.

        ``mapping`` (dict or Series label → group) must cover every sector; groups keep their
        order of first appearance. With the 0/1 matrix ``S`` (g, n):
        ``Z* = S Z S'``, ``Y* = S Y``, ``va* = va S'``, ``x* = S x``, ``e* = S e`` (imports and
        taxes likewise). ``names`` (DataFrame with name_zh/name_en, or mapping group → name)
        labels the groups. Totals of every block are preserved exactly (up to rounding).
        """
        a = self.arrays
        mapping = pd.Series(mapping) if not isinstance(mapping, pd.Series) else mapping
        missing = self.sectors.difference(mapping.index, sort=False)
        if len(missing):
            raise LabelError(f"the concordance does not map sector(s) {_names(missing)}", list(missing))
        groups = pd.Index(pd.unique(mapping.reindex(self.sectors).to_numpy()))
        S = (groups.to_numpy()[:, None] == mapping.reindex(self.sectors).to_numpy()[None, :]).astype(float)
        if isinstance(names, pd.DataFrame | Mapping):
            sectors = names if isinstance(names, pd.DataFrame) else dict(names)
            sectors = (sectors.reindex(groups) if isinstance(sectors, pd.DataFrame)
                       else {g: sectors.get(g, "") for g in groups})
        else:
            sectors = list(groups)

        def rowsS(arr, labels):
            if arr is None:
                return None
            out = arr @ S.T
            if pd.Index(labels).equals(self.sectors):  # import-use matrix: aggregate rows too
                return pd.DataFrame(S @ out, index=groups, columns=groups)
            return pd.DataFrame(out, index=labels, columns=groups)

        return IOTable.from_flows(
            Z=pd.DataFrame(S @ a.Z @ S.T, index=groups, columns=groups),
            Y=pd.DataFrame(S @ a.Y, index=groups, columns=a.Y_labels),
            va=rowsS(a.va, a.va_labels), x=pd.Series(S @ a.x, index=groups),
            sectors=sectors, imports=rowsS(a.imports, a.imports_labels),
            taxes=rowsS(a.taxes, a.taxes_labels),
            employment=None if a.employment is None else pd.Series(S @ a.employment, index=groups),
            unit=self.unit, meta={**self.meta, "aggregated_from": self.n}, balance="warn",
        )

    def domestic(self, import_columns=("imports",), export_columns=("exports",)) -> IOTable:
        """A non-competitive (domestic) table from a competitive one, by the proportional
        import assumption (Miller & Blair 2009, §2.6.2 on imports): every user of product i
        buys the same import share of it.

        With ``m_i`` the imports of product i (minus the negative import column(s)) and
        ``u_i = Σ_j z_ij + Σ_k y_ik`` over domestic final-demand columns (exports and imports
        excluded), the domestic share is ``d_i = 1 − m_i / u_i`` and
        ``Z_d = d̂ Z``, ``Z_m = (I − d̂) Z`` (kept as the (n, n) import matrix), domestic
        final demand ``d̂ Y`` (exports unchanged, import columns dropped). Raises LabelError if
        no import column is found; shares are clipped to [0, 1] (re-exports) with a warning.
        """
        a = self.arrays
        lower = [str(c).lower() for c in a.Y_labels]
        imp = [k for k, c in enumerate(lower) if c in {s.lower() for s in import_columns}]
        if not imp:
            raise LabelError(f"no import column among final demand {_names(a.Y_labels)}")
        exp = [k for k, c in enumerate(lower) if c in {s.lower() for s in export_columns}]
        keep = [k for k in range(len(lower)) if k not in imp]
        absorb = [k for k in keep if k not in exp]
        m = -a.Y[:, imp].sum(axis=1)
        use = a.Z.sum(axis=1) + a.Y[:, absorb].sum(axis=1)
        d = 1.0 - m / iomath._safe(use)
        clipped = (d < 0) | (d > 1)
        if clipped.any():
            warnings.warn(f"import shares clipped to [0, 1] for {_names(self.sectors[clipped])}", BalanceWarning, stacklevel=2)
            d = np.clip(d, 0.0, 1.0)
        Yd = a.Y[:, keep].copy()
        for pos, k in enumerate(keep):
            if k in absorb:
                Yd[:, pos] *= d
        Zm = (1.0 - d)[:, None] * a.Z
        imports = self._frame(Zm) if a.imports is None else pd.concat(
            [self._frame(Zm), self.imports.rename(index=lambda r: f"other_{r}")])
        return self.replace(
            Z=self._frame(d[:, None] * a.Z), Y=self._frame(Yd, columns=a.Y_labels[keep]),
            imports=imports, x=None if clipped.any() else self.x,
            meta={**self.meta, "imports": "domestic by proportional import assumption"},
        )

    def __repr__(self) -> str:
        src = self.meta.get("source", "")
        return f"<IOTable n={self.n} unit={self.unit!r}{' ' + src if src else ''}>"
