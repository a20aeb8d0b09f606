"""A seeded, illustrative (示例) regional output vector for the engine's tests (a test helper, not
shipped: the demo's own regional base is lianzhao.demo.pack_region). Not data: every number here
is an assumption.

    from tests.econ.sample_region import JIMO_EXAMPLE, sample_regional_output
    xr = sample_regional_output(national, **JIMO_EXAMPLE)    # 万元 by sector of `national`

The vector is the national output scaled to the region's assumed total, tilted by assumed
specialisation factors (a factor f makes a sector's location quotient about f) and perturbed
by seeded log-normal noise, so that no two sectors look alike by accident. A bureau replaces it
with its own statistics (output or jobs by sector) through the data template.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lianzhao.econ.errors import LabelError, _names
from lianzhao.econ.table import IOTable

#: 示例 assumptions for 即墨区 on the NBS 2020 153-sector classification: total output
#: 4,000 亿元 (4e7 万元; an assumed order of magnitude, not a statistic) and specialisation
#: factors for the six leading industries named in 即墨区 2025-03-28 工作会议报道 (automotive,
#: green energy, marine, textiles and apparel, next-generation IT, commerce and logistics),
#: with heavy industries the district does not have turned down. The factors are guesses.
JIMO_EXAMPLE: dict = {
    "total": 4.0e7,
    "specialisation": {
        # 新能源汽车 (vehicles, parts, batteries, motors)
        "079": 8.0, "080": 4.0, "087": 1.5, "084": 2.0, "085": 2.0,
        # 绿色能源 (power, prime movers, cables, civil engineering)
        "100": 1.5, "067": 2.0, "086": 1.5, "106": 1.5,
        # 海洋 (fishery, seafood, ships, marine services)
        "004": 3.0, "017": 3.0, "082": 3.0, "115": 2.0, "116": 2.0,
        # 纺织服装
        "027": 4.0, "030": 4.0, "031": 4.0, "032": 6.0, "033": 2.0,
        # 新一代信息技术 (computers, communication equipment, software)
        "090": 1.2, "091": 1.2, "128": 1.2,
        # 商贸物流
        "109": 2.0, "114": 2.0, "120": 2.0, "121": 2.0, "122": 1.5,
        # little mining, oil refining, basic metals or chemicals in the district
        "006": 0.05, "007": 0.01, "008": 0.05, "009": 0.05, "011": 0.05, "041": 0.1, "042": 0.1,
        "043": 0.3, "061": 0.05, "062": 0.2, "063": 0.05, "064": 0.1,
    },
    "noise": 0.3,
    "seed": 370215,
}


def sample_regional_output(national: IOTable, total: float, specialisation: Mapping[str, float] | None = None,
                           *, noise: float = 0.3, seed: int = 0) -> pd.Series:
    """Illustrative regional output ``x^r`` (n,), in the table's unit.

    ``x^r_i ∝ x^N_i · f_i · exp(ε_i)``, ``ε_i ~ N(0, noise²)`` seeded, ``f_i`` the
    specialisation factor (1 where not given; 0 removes the sector), scaled so that
    ``Σ x^r = total``, then capped at each sector's national output (so the sum falls short of
    ``total`` only for a region close to the nation's size). Raises LabelError for a
    factor naming an unknown sector and ValueError for a negative factor or total.
    """
    specialisation = dict(specialisation or {})
    unknown = [s for s in specialisation if s not in national.sectors]
    if unknown:
        raise LabelError(f"specialisation names unknown sector(s) {_names(unknown)}", unknown)
    if total <= 0 or any(f < 0 for f in specialisation.values()):
        raise ValueError("the total and the specialisation factors must not be negative")
    xn = national.x.to_numpy()
    f = pd.Series(specialisation, dtype=float).reindex(national.sectors, fill_value=1.0).to_numpy()
    eps = np.random.default_rng(seed).normal(0.0, noise, len(xn))
    raw = xn * f * np.exp(eps)
    xr = np.minimum(raw * total / raw.sum(), xn)
    return pd.Series(xr, index=national.sectors, name="regional_output")


__all__ = ["JIMO_EXAMPLE", "sample_regional_output"]
