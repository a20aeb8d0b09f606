"""Seeded, valid, dense input-output tables for tests and benchmarks (not real data).

A table built here is productive (every column of ``A`` sums to at most ``max_colsum``),
balances exactly (``x = Z 1 + Y 1 = 1'Z + 1'va``), has non-negative final demand, a
``compensation`` row, a ``households`` column and jobs, so every analysis of the engine runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lianzhao.econ.table import IOTable


def random_flows(n: int, seed: int = 0, *, max_colsum: float = 0.8) -> dict[str, np.ndarray]:
    """Arrays of a random valid table with ``n`` sectors.

    Returns ``Z`` (n, n), ``Y`` (n, 2: households, other), ``va`` (2, n: compensation,
    other), ``x`` (n,), ``employment`` (n,). Output is 1,000–10,000 money units per sector;
    column sums of ``A`` are drawn from [0.1, ``max_colsum``]; a row whose sales would exceed
    90 % of its output is scaled down, so final demand is at least 10 % of output.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(1e3, 1e4, n)
    A = rng.random((n, n)) ** 2  # skewed, like real tables: a few large coefficients
    A *= rng.uniform(0.1, max_colsum, n) / A.sum(axis=0)
    Z = A * x
    sales = Z.sum(axis=1)
    over = sales > 0.9 * x
    Z[over] *= (0.9 * x[over] / sales[over])[:, np.newaxis]
    y = x - Z.sum(axis=1)
    hh = rng.uniform(0.2, 0.8, n)
    value_added = x - Z.sum(axis=0)
    wage_share = rng.uniform(0.3, 0.7, n)
    return {
        "Z": Z,
        "Y": np.column_stack([hh * y, (1 - hh) * y]),
        "va": np.vstack([wage_share * value_added, (1 - wage_share) * value_added]),
        "x": x,
        "employment": x * rng.uniform(0.005, 0.05, n),
    }


def random_table(n: int, seed: int = 0, **kwargs) -> IOTable:
    """:func:`random_flows` as an :class:`IOTable` with labels ``s0 … s{n−1}``."""
    f = random_flows(n, seed, **kwargs)
    labels = [f"s{i}" for i in range(n)]
    return IOTable.from_flows(
        Z=pd.DataFrame(f["Z"], index=labels, columns=labels),
        Y=pd.DataFrame(f["Y"], index=labels, columns=["households", "other"]),
        va=pd.DataFrame(f["va"], index=["compensation", "other_value_added"], columns=labels),
        x=pd.Series(f["x"], index=labels), employment=pd.Series(f["employment"], index=labels),
        unit="unit", meta={"source": f"synthetic n={n} seed={seed}"},
    )
