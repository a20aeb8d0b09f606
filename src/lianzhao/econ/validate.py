"""Turn the user's arrays or frames into checked, labelled NumPy arrays for :class:`IOTable`.

Each check raises an :mod:`lianzhao.econ.errors` exception that names the check and the
sectors concerned. Nothing here does input-output maths beyond sums.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from lianzhao.econ.errors import (
    BalanceError,
    LabelError,
    NegativeValueError,
    NonFiniteError,
    ShapeError,
    SparseInputError,
    _names,
)

NAME_COLUMNS = ("name_zh", "name_en")


def dense(obj, what: str) -> None:
    """Refuse a SciPy sparse matrix with :class:`SparseInputError` (NumPy would turn it into a
    0-d object array and fail later with an unrelated message)."""
    if sparse.issparse(obj):
        raise SparseInputError(
            f"{what} is a SciPy sparse {obj.format} matrix {obj.shape}; the engine works on dense arrays: "
            f"pass {what}.toarray() (a 153-sector table is 0.2 MB dense, a 3,000-sector one 72 MB)")
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            dense(value, f"{what}[{key!r}]")


def sector_index(Z, sectors) -> tuple[pd.Index, pd.DataFrame]:
    """The sector labels and their names (columns ``name_zh``, ``name_en``; may be blank).

    ``sectors`` may be None (labels from ``Z`` if it is a DataFrame, else 0…n−1), a sequence
    of labels, a mapping label → name, or a DataFrame indexed by label with name columns.
    """
    dense(Z, "Z")
    shape = np.shape(Z)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ShapeError(f"Z must be a square (n, n) matrix; got shape {shape}")
    n = shape[0]
    if isinstance(sectors, pd.DataFrame):
        index = pd.Index(sectors.index)
        names = sectors.reindex(columns=list(NAME_COLUMNS)).fillna("").astype(str)
    elif isinstance(sectors, Mapping):
        index = pd.Index(list(sectors))
        names = pd.DataFrame({"name_zh": [str(v) for v in sectors.values()], "name_en": ""}, index=index)
    elif sectors is not None:
        index = pd.Index(list(sectors))
    elif isinstance(Z, pd.DataFrame):
        index = pd.Index(Z.index)
    else:
        index = pd.RangeIndex(n)
    if sectors is None or not isinstance(sectors, pd.DataFrame | Mapping):
        names = pd.DataFrame({"name_zh": "", "name_en": ""}, index=index)
    if len(index) != n:
        raise ShapeError(f"{len(index)} sector labels given for an ({n}, {n}) Z")
    dup = index[index.duplicated()].unique()
    if len(dup):
        raise LabelError(f"duplicated sector labels: {_names(dup)}", list(dup))
    return index, names.loc[index] if len(names) else names


def align(frame: pd.DataFrame | pd.Series, axis_labels, sectors: pd.Index, what: str, axis: int):
    """Reorder ``frame`` along ``axis`` to ``sectors``; raise if the label sets differ."""
    labels = pd.Index(axis_labels)
    if labels.equals(sectors):
        return frame
    missing = sectors.difference(labels, sort=False)
    extra = labels.difference(sectors, sort=False)
    if len(missing) or len(extra) or labels.has_duplicates:
        parts = []
        if len(missing):
            parts.append(f"missing {_names(missing)}")
        if len(extra):
            parts.append(f"unknown {_names(extra)}")
        if labels.has_duplicates:
            parts.append(f"duplicated {_names(labels[labels.duplicated()].unique())}")
        raise LabelError(f"{what} labels do not match the sectors: " + "; ".join(parts), list(missing) + list(extra))
    return frame.reindex(sectors, axis=axis)


def square(Z, sectors: pd.Index) -> np.ndarray:
    """Z as a float (n, n) array ordered like ``sectors`` (rows and columns)."""
    if isinstance(Z, pd.DataFrame):
        Z = align(Z, Z.index, sectors, "Z row", 0)
        Z = align(Z, Z.columns, sectors, "Z column", 1)
        return Z.to_numpy(dtype=float)
    return np.asarray(Z, dtype=float)


def columns(Y, sectors: pd.Index, what: str, default: str, _side: str = "rows") -> tuple[np.ndarray, pd.Index]:
    """A block with one row per sector (final demand): float (n, k) array and column labels.

    Accepts a DataFrame (n, k), a Series or 1-D array (one column) or a 2-D array."""
    dense(Y, what)
    n = len(sectors)
    if isinstance(Y, pd.Series):
        Y = Y.to_frame(Y.name if Y.name is not None else default)
    if isinstance(Y, pd.DataFrame):
        Y = align(Y, Y.index, sectors, f"{what} {_side[:-1]}", 0)
        return Y.to_numpy(dtype=float), pd.Index(Y.columns)
    arr = np.asarray(Y, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]
    if arr.ndim != 2 or arr.shape[0] != n:
        shape = np.shape(Y) if _side == "rows" else np.shape(Y)[::-1]
        raise ShapeError(f"{what} must have {n} {_side} (one per sector); got shape {shape}")
    k = arr.shape[1]
    labels = pd.Index([default] if np.ndim(Y) == 1 else [f"{default}_{i + 1}" for i in range(k)])
    return arr, labels


def rows(block, sectors: pd.Index, what: str, default: str) -> tuple[np.ndarray, pd.Index]:
    """A block with one column per sector (value added, imports, taxes): float (m, n) array and
    row labels. Accepts a DataFrame (m, n), a Series or 1-D array (one row), a 2-D array or a
    mapping label → vector."""
    dense(block, what)
    if isinstance(block, Mapping):
        block = pd.DataFrame({k: v if isinstance(v, pd.Series) else pd.Series(np.asarray(v, dtype=float), index=sectors)
                              for k, v in block.items()})
    elif isinstance(block, pd.DataFrame):
        block = block.T
    elif not isinstance(block, pd.Series):
        block = np.asarray(block, dtype=float)
        block = block.T if block.ndim == 2 else block
    arr, labels = columns(block, sectors, what, default, _side="columns")
    return arr.T, labels


def vector(v, sectors: pd.Index, what: str) -> np.ndarray:
    """A per-sector vector (output, jobs) as float (n,), ordered like ``sectors``."""
    dense(v, what)
    if isinstance(v, pd.DataFrame) and v.shape[1] == 1:
        v = v.iloc[:, 0]
    if isinstance(v, pd.Series):
        v = align(v, v.index, sectors, what, 0)
    arr = np.asarray(v, dtype=float)
    if arr.shape != (len(sectors),):
        raise ShapeError(f"{what} must be a vector of {len(sectors)} values; got shape {np.shape(v)}")
    return arr


def finite(arr: np.ndarray, what: str, row_labels: Sequence[object], col_labels: Sequence[object] | None = None) -> None:
    """Raise :class:`NonFiniteError` naming the cells of ``arr`` that are NaN or ±inf.

    ``arr`` is (n,) or (n, k) with one row per sector; the error's ``sectors`` are the rows
    concerned (and the columns too when ``col_labels`` are the sectors, as for Z)."""
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    where = np.argwhere(bad.reshape(len(arr), -1))
    if arr.ndim == 1 or col_labels is None:
        cells = [str(row_labels[i]) for i, _ in where]
    else:
        cells = [f"({row_labels[i]!s}, {col_labels[j]!s})" for i, j in where]
    sectors = list(dict.fromkeys(row_labels[i] for i, _ in where))
    if col_labels is not None and list(col_labels) == list(row_labels):
        sectors += [col_labels[j] for _, j in where if col_labels[j] not in sectors]
    raise NonFiniteError(f"{what} has {len(where)} NaN or infinite value(s), at {', '.join(cells[:8])}"
                         + (" …" if len(cells) > 8 else ""), sectors)


def non_negative(arr: np.ndarray, what: str, labels: Sequence[object], axis: int | None = None) -> None:
    """Raise :class:`NegativeValueError` naming the sectors with negative entries of ``arr``.

    For 2-D arrays ``axis`` says which axis the sectors run along in the message (0: rows)."""
    bad = arr < 0
    if not bad.any():
        return
    per = bad if arr.ndim == 1 else bad.any(axis=1 - (axis or 0))
    names = [lab for lab, b in zip(labels, per) if b]
    raise NegativeValueError(f"{what} must not be negative; negative for {_names(names)} (min {arr.min():.6g})", names)


def balance_report(
    x: np.ndarray,
    row_sum: np.ndarray | None,
    col_sum: np.ndarray | None,
    sectors: pd.Index,
) -> pd.DataFrame:
    """Residuals of the row balance ``x − (Z 1 + Y 1)`` and the column balance
    ``x − (1'Z + 1'imports + 1'taxes + 1'va)``, absolute (money) and relative to output.

    Missing sums (the part was not given) give NaN. Relative residuals use
    ``max(|x_i|, 1e-6 · mean|x|)`` as denominator so zero-output sectors do not divide by zero.
    """
    scale = np.maximum(np.abs(x), 1e-6 * (np.abs(x).mean() if len(x) else 1.0))
    nan = np.full(len(x), np.nan)
    row = x - row_sum if row_sum is not None else nan
    col = x - col_sum if col_sum is not None else nan
    return pd.DataFrame(
        {"output": x, "row_residual": row, "row_relative": np.abs(row) / scale,
         "column_residual": col, "column_relative": np.abs(col) / scale},
        index=sectors,
    )


def enforce_balance(report: pd.DataFrame, rtol: float, mode: str) -> list[str]:
    """Raise :class:`BalanceError` (``mode="raise"``) or return warning lines (``"warn"``) when
    any relative residual exceeds ``rtol``; the message lists the worst rows and columns."""
    problems = []
    bad_sectors: list[object] = []
    for side, col in (("row (uses: Z 1 + Y 1)", "row_relative"), ("column (inputs: 1'Z + imports + taxes + va)", "column_relative")):
        rel = report[col]
        over = rel[rel > rtol].sort_values(ascending=False)
        if len(over):
            worst = ", ".join(
                f"{lab!s}: {report.loc[lab, col.replace('relative', 'residual')]:.6g} ({val:.2e})" for lab, val in over.head(5).items()
            )
            problems.append(f"{len(over)} {side} balance(s) off by more than {rtol:g}; worst: {worst}")
            bad_sectors.extend(over.index)
    if problems and mode == "raise":
        worst = report.loc[list(dict.fromkeys(bad_sectors))[:10]]
        raise BalanceError(
            "the table does not balance — " + "; ".join(problems)
            + ". Fix the table, or pass balance='warn' to use it anyway.",
            list(dict.fromkeys(bad_sectors)),
            report=worst,
        )
    return problems
