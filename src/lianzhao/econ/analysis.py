"""Analyses of a table's arrays (:class:`~lianzhao.econ.arrays.TableArrays`, ``t.arrays`` of an
:class:`~lianzhao.econ.table.IOTable`, whose methods call these): multipliers, linkages,
hypothetical extraction and impact, labelled by sector. Each function uses the table's one LU
factorization of ``I − A``.

Sources: Miller & Blair (2009) *Input-Output Analysis*, 2nd ed., ch. 6 (multipliers), §12.1
(linkages, Rasmussen 1956 power and sensitivity of dispersion), §12.2 (hypothetical
extraction); Dietzenbacher & van der Linden (1997), *J. Regional Science* 37(2), backward and
forward (Ghosh) extraction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lianzhao.econ import iomath
from lianzhao.econ.arrays import TableArrays
from lianzhao.econ.errors import LabelError, MissingDataError, _names
from lianzhao.econ.validate import finite

TYPES = ("I", "II")


def _check_type(type: str) -> None:
    if type not in TYPES:
        raise ValueError(f"type must be 'I' or 'II', not {type!r}")


def multipliers(t: TableArrays, kind: str = "output", type: str = "I") -> pd.DataFrame:
    """Coefficients and multipliers of one kind, per sector (n rows).

    Columns
    -------
    coefficient
        Direct requirement per unit of output, ``c_j = v_j / x_j`` (1 for output; jobs per
        money unit for employment).
    effect
        Total requirement per unit of final demand for sector j — Miller & Blair's *simple*
        multiplier for type I, ``c' L``, and *total* multiplier for type II, ``c' L̄₁₁`` with
        households endogenous (direct + indirect + induced). For ``kind="output"`` this is the
        output multiplier.
    multiplier
        ``effect / coefficient`` — the type I or type II multiplier in the ratio sense (how
        much the direct effect is blown up); NaN where the coefficient is 0.

    ``kind`` is ``"output"``, ``"value_added"``, ``"income"`` (compensation), ``"employment"``
    or one va row label; ``type`` is ``"I"`` (open model) or ``"II"`` (closed for households).
    """
    _check_type(type)
    c = np.ones(t.n) if kind == "output" else t.coefficients(kind)
    effect = iomath.premultiply(t.lu, c)
    if type == "II":
        h_r, w, s, hL = t.closure
        effect = iomath.type2_effects(effect, c, w, s, hL)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(c != 0, effect / np.where(c != 0, c, 1.0), np.nan)
    out = pd.DataFrame({"coefficient": c, "effect": effect, "multiplier": ratio}, index=t.sectors)
    out.attrs.update(kind=kind, type=type, unit=t.unit)
    return out


#: Forward-linkage conventions of :func:`linkages`.
FORWARD = ("ghosh", "leontief")


def linkages(t: TableArrays, forward: str = "ghosh") -> pd.DataFrame:
    """Backward and forward linkages per sector (n rows), Rasmussen's indices and key sectors.

    ``forward`` chooses the forward convention (Miller & Blair 2009, §12.1):

    * ``"ghosh"`` (default) — row sums of the Ghosh inverse, ``G 1 = x̂⁻¹ L x`` (supply side;
      M&B's recommendation); direct: row sums of ``B``.
    * ``"leontief"`` — row sums of the Leontief inverse, ``L 1`` (Rasmussen 1956's sensitivity
      of dispersion, the Chinese 感应度系数 of 国家统计局 and most Chinese textbooks); direct: row
      sums of ``A``.

    Columns
    -------
    backward_direct, forward_direct
        ``1'A`` and ``B 1`` (Ghosh) or ``A 1`` (Leontief), unit-free.
    backward, forward
        ``1'L`` (the type I output multiplier) and ``G 1`` or ``L 1``, unit-free.
    power_of_dispersion, sensitivity_of_dispersion
        ``backward_j / mean(backward)`` and ``forward_i / mean(forward)``, the means taken over
        the sectors with output (a sector without output, whose column and row of ``L`` are
        those of ``I``, would only pull the means down); above 1 means above-average linkage.
        NaN for zero-output sectors (影响力系数 and 感应度系数 in Chinese usage).
    key_sector
        Both normalised indices above 1.
    type
        ``key``, ``backward`` (only backward above 1), ``forward``, ``weak``, or ``no_output``.
    """
    if forward not in FORWARD:
        raise ValueError(f"forward must be one of {', '.join(FORWARD)}; got {forward!r}")
    x = t.x
    safe = iomath._safe(x)
    produced = x > 0
    backward = iomath.output_multipliers(t.lu)
    if forward == "ghosh":
        total, direct = iomath.ghosh_row_sums(t.lu, x), t.Z.sum(axis=1) / safe
    else:
        total, direct = iomath.leontief_row_sums(t.lu), t.Z @ (1.0 / safe)
    with np.errstate(invalid="ignore"):
        pod = np.where(produced, backward / backward[produced].mean(), np.nan)
        sod = np.where(produced, total / total[produced].mean(), np.nan)
    key = (pod > 1) & (sod > 1)
    kind = np.where(key, "key", np.where(pod > 1, "backward", np.where(sod > 1, "forward", "weak")))
    kind = np.where(produced, kind, "no_output")
    out = pd.DataFrame(
        {"backward_direct": t.Z.sum(axis=0) / safe, "forward_direct": direct,
         "backward": backward, "forward": total, "power_of_dispersion": pod,
         "sensitivity_of_dispersion": sod, "key_sector": key, "type": kind},
        index=t.sectors,
    )
    out.attrs.update(forward=forward)
    return out


def _position(t: TableArrays, sector) -> int:
    try:
        pos = t.sectors.get_loc(sector)
    except KeyError:
        pos = None
    if not isinstance(pos, int | np.integer):
        raise LabelError(f"unknown sector {sector!r}; sectors are {_names(t.sectors)}", [sector])
    return int(pos)


def _extraction_frame(t: TableArrays, losses: dict[str, np.ndarray], index) -> pd.DataFrame:
    total_x = float(t.x.sum())
    out = pd.DataFrame(losses, index=index)
    for col in list(losses):
        out[f"{col}_share"] = out[col] / total_x
    out.attrs.update(unit=t.unit, total_output=total_x)
    return out


def extract(t: TableArrays, sector) -> pd.Series:
    """Hypothetical extraction of one sector: loss of total output (money) and its share.

    ``total`` cuts all of the sector's intermediate links and splits into ``backward`` (its
    purchases cut: column of ``A``) and ``forward`` (its sales cut as well), so
    ``backward + forward = total``; ``forward_ghosh`` is the separate supply-side measure
    (row of ``B`` cut in the Ghosh model); ``total_reduced`` is the textbook reduced-system
    form (row and column of ``A`` deleted, so the sector's own final demand is lost too:
    ``total + y_j``). Formulas in
    :func:`lianzhao.econ.iomath.extraction_effects`; two triangular solves (a column and a
    row of ``L``). Each loss also comes as ``<name>_share`` of total output.
    """
    j = _position(t, sector)
    e = np.zeros(t.n)
    e[j] = 1.0
    col = iomath.solve(t.lu, e)  # L e_j
    row = iomath.premultiply(t.lu, e)  # e_j' L
    losses = iomath.extraction_effects(
        np.array([col[j]]), np.array([col.sum()]), np.array([row @ t.x]),
        t.x[j : j + 1], t.y[j : j + 1],
    )
    return _extraction_frame(t, losses, [t.sectors[j]]).iloc[0].rename(t.sectors[j])


def extract_all(t: TableArrays) -> pd.DataFrame:
    """Hypothetical extraction of every sector (n rows; columns as :func:`extract`).

    One LU factorization, ``L`` from it (n solves, BLAS-3), ``L x``; every extraction is then
    a rank-one update in closed form — O(n³) in total instead of n factorizations.
    """
    L = t.L
    losses = iomath.extraction_effects(np.diag(L).copy(), L.sum(axis=0), L @ t.x, t.x, t.y)
    return _extraction_frame(t, losses, t.sectors)


def _delta(t: TableArrays, delta_y) -> np.ndarray:
    """Final-demand change as an (n,) array; a dict or Series may name only some sectors."""
    if isinstance(delta_y, dict):
        delta_y = pd.Series(delta_y, dtype=float)
    if isinstance(delta_y, pd.Series):
        unknown = delta_y.index.difference(t.sectors, sort=False)
        if len(unknown):
            raise LabelError(f"final-demand change names unknown sector(s) {_names(unknown)}", list(unknown))
        delta_y = delta_y.reindex(t.sectors, fill_value=0.0)
    dy = np.asarray(delta_y, dtype=float)
    if dy.shape != (t.n,):
        raise LabelError(f"final-demand change must have {t.n} values; got shape {dy.shape}")
    finite(dy, "final-demand change", list(t.sectors))
    return dy


def impact(t: TableArrays, delta_y, type: str = "I") -> pd.DataFrame:
    """Impact of a change in final demand ``Δy`` (money), decomposed per sector (n rows).

    Output columns (money):

    * ``direct`` = ``Δy``
    * ``indirect`` = ``(L − I) Δy`` — supplier rounds, computed as ``L Δy − Δy`` by one solve
    * ``induced`` (type II only) = closed-model output minus open-model output,
      ``L̄₁₁ Δy − L Δy = w (h_r' L Δy) / s`` (household spending of the extra wages)
    * ``total`` = direct + indirect (+ induced)

    When the table has value added / compensation / jobs, the same split is given for
    ``value_added``, ``income`` and ``jobs`` (coefficient × output in each part), with the
    total in the column of that name (jobs in persons).
    """
    _check_type(type)
    dy = _delta(t, delta_y)
    x1 = iomath.solve(t.lu, dy)
    parts = {"direct": dy, "indirect": x1 - dy}
    if type == "II":
        h_r, w, s, _ = t.closure
        parts["induced"] = w * float(h_r @ x1) / s
    parts["total"] = sum(parts.values())
    out = pd.DataFrame(parts, index=t.sectors)
    for kind, name in (("value_added", "value_added"), ("income", "income"), ("employment", "jobs")):
        try:
            c = t.coefficients(kind)
        except MissingDataError:
            continue
        for part in [p for p in parts if p != "total"]:
            out[f"{name}_{part}"] = c * parts[part]
        out[name] = c * parts["total"]
    out.attrs.update(type=type, unit=t.unit)
    return out
