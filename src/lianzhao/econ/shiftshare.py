"""Shift-share decomposition of a region's sectoral change against the nation.

Classical form (Dunn 1960), for sector i with regional value ``e`` and national value ``E``
(jobs or output) at the start (0) and end (t), ``g = E_t / E_0 − 1`` (national growth),
``g_i = E_it / E_i0 − 1`` (national sector growth), ``r_i = e_it / e_i0 − 1`` (regional
sector growth):

* national share  ``NS_i = e_i0 · g``
* industry mix    ``IM_i = e_i0 · (g_i − g)``
* competitive     ``CE_i = e_i0 · (r_i − g_i)``,   with ``NS + IM + CE = e_it − e_i0``.

Esteban-Marquillas (1972) split the competitive effect with the *homothetic* start value
``ê_i0 = e_0 · E_i0 / E_0`` (the region's total with the nation's structure):

* homothetic competitive ``ê_i0 · (r_i − g_i)``
* allocation             ``(e_i0 − ê_i0) · (r_i − g_i)``   (specialisation × advantage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lianzhao.econ import validate
from lianzhao.econ.errors import IOTableError, _names


def _vectors(values: dict[str, object]) -> tuple[pd.Index, dict[str, np.ndarray]]:
    """The four inputs as aligned arrays; labels come from the first Series given."""
    first = next((v for v in values.values() if isinstance(v, pd.Series)), None)
    index = pd.Index(first.index) if first is not None else pd.RangeIndex(len(np.asarray(next(iter(values.values())))))
    out = {}
    for name, v in values.items():
        arr = validate.vector(v, index, name)
        validate.finite(arr, name, list(index))
        validate.non_negative(arr, name, list(index))
        out[name] = arr
    return index, out


def shift_share(regional_start, regional_end, national_start, national_end) -> pd.DataFrame:
    """Classical and Esteban-Marquillas shift-share components per sector.

    Parameters
    ----------
    regional_start, regional_end, national_start, national_end : Series or vector (n,)
        Jobs (or output, in one unit) by sector; Series are aligned on their labels.

    Returns
    -------
    DataFrame (n rows)
        ``start``, ``end``, ``change``, ``national_share``, ``industry_mix``, ``competitive``,
        ``homothetic_start``, ``competitive_homothetic``, ``allocation``,
        ``specialisation`` (``e_i0 − ê_i0``) and ``advantage`` (``r_i − g_i``). Sums of the
        columns give the regional totals. A sector absent from the region at the start has an
        undefined growth rate: its whole end value is competitive (homothetic), allocation 0.

    Raises
    ------
    IOTableError
        If a sector has national start 0 but regional start > 0, or a national total is 0.
    """
    index, v = _vectors({"regional_start": regional_start, "regional_end": regional_end,
                         "national_start": national_start, "national_end": national_end})
    e0, et, E0, Et = v["regional_start"], v["regional_end"], v["national_start"], v["national_end"]
    bad = (E0 == 0) & (e0 > 0)
    if bad.any():
        raise IOTableError(f"national start is 0 but regional start is not, for {_names(index[bad])}", list(index[bad]))
    if not E0.sum() > 0:
        raise IOTableError("the national start total is 0")
    g = Et.sum() / E0.sum() - 1.0
    safe_E0 = np.where(E0 > 0, E0, 1.0)
    g_i = np.where(E0 > 0, Et / safe_E0 - 1.0, g)
    present = e0 > 0
    r_i = np.where(present, et / np.where(present, e0, 1.0) - 1.0, 0.0)
    ns = e0 * g
    im = e0 * (g_i - g)
    ce = (et - e0) - ns - im  # equals e0 (r_i − g_i) where e0 > 0, and e_t where e0 = 0
    hom = e0.sum() * E0 / E0.sum()
    advantage = np.where(present, r_i - g_i, np.nan)
    allocation = np.where(present, (e0 - hom) * (r_i - g_i), 0.0)
    out = pd.DataFrame(
        {"start": e0, "end": et, "change": et - e0, "national_share": ns, "industry_mix": im,
         "competitive": ce, "homothetic_start": hom, "competitive_homothetic": ce - allocation,
         "allocation": allocation, "specialisation": e0 - hom, "advantage": advantage},
        index=index,
    )
    out.attrs.update(national_growth=g)
    return out
