"""A four-sector hand-made table for the gap finder, impact card and synergy tests.

Every number is a dyadic rational (a multiple of a power of 2), so the arithmetic is exact in
floating point and the expected values below can be checked on paper.

Sectors: m materials, p parts, v vehicles, s services; national output 1,024 each (total
4,096). Technical coefficients ``A^N`` (row = supplier, column = buyer):

            m        p        v        s
    m   0.125    0.25     0.125    0
    p   0        0.125    0.375    0
    v   0        0        0        0.015625   (1/64)
    s   0.125    0.125    0.125    0.25

``Z = A · 1024``; final demand y = x − Z 1 = (512, 512, 1008, 384), split half households,
half other; value added x − 1'Z = (768, 512, 384, 752), half of it compensation; jobs
(10, 20, 30, 40) persons.

District output x^r = (0, 64, 320, 128), total 512 = 1/8 of the nation, so
``SLQ_i = (x^r_i / 512) / (1024 / 4096) = x^r_i / 128 = (0, 0.5, 2.5, 1)``.

Demand ``d = A^N x^r``:
    d_m = 0.25·64 + 0.125·320             = 16 + 40       = 56
    d_p = 0.125·64 + 0.375·320            = 8 + 120       = 128
    d_v = (1/64)·128                                      = 2
    d_s = 0.125·64 + 0.125·320 + 0.25·128 = 8 + 40 + 32   = 80
With SLQ regionalization ``a^r_ij = a^N_ij · min(SLQ_i, 1)``, local supply ``l = A^r x^r``:
    l = (0·56, 0.5·128, 1·2, 1·80) = (0, 64, 2, 80); local shares (0, 0.5, 1, 1);
    leakage d − l = (56, 64, 0, 0).

``small_table(imports=True)`` adds imported intermediates (an import-use matrix, as in a
non-competitive table): parts import materials ``a^M_mp = 1/8`` and vehicles import parts
``a^M_pv = 1/8``. Then total demand ``d^T = d + f`` with imports ``f = A^M x^r``:
    f = (0.125·64, 0.125·320, 0, 0) = (8, 40, 0, 0);  d^T = (64, 168, 2, 80);
local supply is unchanged (the quotients apply to domestic coefficients) and the leakage splits
into other regions ``o = d − l = (56, 64, 0, 0)`` and abroad ``f``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lianzhao.econ import IOTable

SECTORS = ["m", "p", "v", "s"]
NAMES = {"m": "材料", "p": "零部件", "v": "整车", "s": "服务"}
A_N = np.array([
    [0.125, 0.25, 0.125, 0.0],
    [0.0, 0.125, 0.375, 0.0],
    [0.0, 0.0, 0.0, 1 / 64],
    [0.125, 0.125, 0.125, 0.25],
])
X_N = np.full(4, 1024.0)
X_R = pd.Series([0.0, 64.0, 320.0, 128.0], index=SECTORS)
DEMAND = {"m": 56.0, "p": 128.0, "v": 2.0, "s": 80.0}
LOCAL_SLQ = {"m": 0.0, "p": 64.0, "v": 2.0, "s": 80.0}
A_M = np.zeros((4, 4))
A_M[0, 1] = A_M[1, 2] = 0.125
IMPORTS = {"m": 8.0, "p": 40.0, "v": 0.0, "s": 0.0}


def small_table(*, unit: str = "万元", households: bool = True, employment: bool = True, scale: float = 1.0,
                imports: bool = False) -> IOTable:
    """The national table above; ``scale`` multiplies every amount (e.g. 1e-4 with unit 亿元);
    ``imports`` adds the import-use matrix ``A^M``."""
    Z = A_N * X_N[np.newaxis, :]
    Zm = A_M * X_N[np.newaxis, :] if imports else np.zeros((4, 4))
    y = X_N - Z.sum(axis=1)
    va = X_N - Z.sum(axis=0) - Zm.sum(axis=0)
    Y = pd.DataFrame({"households": y / 2, "other": y / 2} if households else {"other": y}, index=SECTORS)
    return IOTable.from_flows(
        Z=pd.DataFrame(Z * scale, index=SECTORS, columns=SECTORS), Y=Y * scale,
        va=pd.DataFrame([va / 2 * scale, va / 2 * scale], index=["compensation", "operating_surplus"], columns=SECTORS),
        x=pd.Series(X_N * scale, index=SECTORS), sectors=NAMES, unit=unit,
        imports=pd.DataFrame(Zm * scale, index=SECTORS, columns=SECTORS) if imports else None,
        employment=pd.Series([10.0, 20.0, 30.0, 40.0], index=SECTORS) if employment else None,
        meta={"source": "hand-made test table", "year": 2020, "sectors": 4},
    )
