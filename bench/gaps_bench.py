"""Benchmark of the chain gap finder on the Jimo demo: all six leading chains (102 nodes).

    python bench/gaps_bench.py              # 5 runs
    python bench/gaps_bench.py --runs 3

Steps, each timed per run (wall clock; median of the runs with min–max):

(a) table load — ``read_nbs(2020, 153, domestic=True, employment=True)`` from the CSV, with the
    reader's file cache cleared first (a cold load; the web app keeps the table in memory);
(b) regionalize — FLQ, δ = 0.3, on the demo's regional base (``lianzhao.demo.pack_region``: its
    listed sectors plus national output × ``REST_SHARE`` for the rest, as the demo loader builds it);
(c0) chain node inputs — GB/T codes → IO sector weights for the 102 nodes, concordance caches
    cleared (cold: the concordance first builds its lookup index from the CSVs, once per process;
    every lookup after that is a dict access);
(c) find_gaps — all six chains, given the node inputs;
(d) total — a + b + c0 + c; and "recompute" — b + c, what a change of settings or base costs
    with the table in memory.

The naive peer does (c) the way a first version would: for every chain it rebuilds the national
coefficients and the FLQ regional coefficients and inverts ``I − A^r`` with ``numpy.linalg.inv``,
then loops over the nodes and node pairs in Python for demand, local supply and links (numbers
only: no classes or reasons, so it does less work). Its demand and local supply are checked
against ours. The inverse is cheap at n = 153 when BLAS runs single-threaded (about 1 ms); with
OpenBLAS's default threads on a loaded machine it can cost hundreds of milliseconds, so run it
both ways (``OPENBLAS_NUM_THREADS=1 python bench/gaps_bench.py``); the header says which.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time

import numpy as np
import pandas as pd

from lianzhao.demo import pack_region
from lianzhao.demo.pack_chains import CHAINS
from lianzhao.demo.pack_data import ENTERPRISES
from lianzhao.econ import concordance, gaps, regionalize
from lianzhao.econ.gaps import chain_node_inputs, find_gaps, local_counts
from lianzhao.econ.regional import calc_lambda, calc_quotients, calc_slq
from lianzhao.refdata import nbs, nbs_files


def regional_base(national) -> tuple[pd.Series, str]:
    """The demo's regional output (万元 by 153 sector) and where it comes from."""
    xr = national.x * pack_region.REST_SHARE
    for code, _name, value, _note in pack_region.ROWS:
        xr[code] = float(value)
    return xr, f"lianzhao.demo.pack_region ({len(pack_region.ROWS)} listed sectors, rest × {pack_region.REST_SHARE})"


INVERSE_SECONDS: list[float] = []  # the naive peer's time in numpy.linalg.inv, per call


def naive_chain(national, xr: np.ndarray, nodes, delta: float = 0.3) -> dict[str, tuple[float, float]]:
    """One chain from scratch: A^N, FLQ A^r, L^r = inv(I − A^r), then Python loops per node."""
    Z, xn = national.Z.to_numpy(), national.x.to_numpy()
    A = Z / np.where(xn == 0, 1.0, xn)
    slq = calc_slq(xr, xn)
    Ar = A * np.minimum(calc_quotients(slq, "flq", calc_lambda(xr.sum(), xn.sum(), delta)), 1.0)
    start = time.perf_counter()
    Lr = np.linalg.inv(np.eye(len(xn)) - Ar)  # the regional Leontief inverse, recomputed per chain
    INVERSE_SECONDS.append(time.perf_counter() - start)
    assert np.isfinite(Lr).all()
    pos = {s: i for i, s in enumerate(national.sectors)}
    out = {}
    for node in nodes:
        demand = local = 0.0
        for sector, w in node.sectors.items():
            i = pos[sector]
            demand += w * float(A[i] @ xr)
            local += w * float(Ar[i] @ xr)
        out[node.key] = (demand, local)
    B = Z / np.where(xn == 0, 1.0, xn)[:, None]
    for u in nodes:  # links, pair by pair
        for v in nodes:
            _ = max(sum(wu * wv * max(A[pos[i], pos[j]], A[pos[j], pos[i]], B[pos[i], pos[j]], B[pos[j], pos[i]])
                        for i, wu in u.sectors.items() for j, wv in v.sectors.items()), 0.0)
    return out


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    counts = local_counts(ENTERPRISES)
    steps: dict[str, list[float]] = {k: [] for k in ("a", "b", "c0", "c", "c_recovered", "d", "recompute", "naive")}
    source = ""
    for _ in range(args.runs):
        nbs_files.raw_table.cache_clear()
        t0 = time.perf_counter()
        t = nbs.read_nbs(2020, 153, domestic=True, employment=True)
        t1 = time.perf_counter()
        xr, source = regional_base(t)
        t2 = time.perf_counter()
        r = regionalize(t, xr, "flq", 0.3)
        t3 = time.perf_counter()
        concordance._table.cache_clear()
        concordance._lookup.cache_clear()
        inputs = {k: chain_node_inputs(nodes, counts) for k, nodes in CHAINS.items()}
        t4 = time.perf_counter()
        results = {k: find_gaps(r, ins, national=t) for k, ins in inputs.items()}
        t5 = time.perf_counter()
        for ins in inputs.values():
            find_gaps(r, ins)  # the spec'd call: national coefficients recovered from the regionalization
        t6 = time.perf_counter()
        naive = {}
        for ins in inputs.values():
            naive.update(naive_chain(t, xr.to_numpy(), ins))
        t7 = time.perf_counter()
        ours = pd.concat(results.values())
        check = pd.DataFrame(naive, index=["demand", "local_supply"]).T.reindex(ours.index)
        np.testing.assert_allclose(check.to_numpy(), ours[["demand", "local_supply"]].to_numpy(), rtol=1e-9)
        for key, value in (("a", t1 - t0), ("b", t3 - t2), ("c0", t4 - t3), ("c", t5 - t4), ("c_recovered", t6 - t5),
                           ("d", (t1 - t0) + (t5 - t2)), ("recompute", (t3 - t2) + (t5 - t4)), ("naive", t7 - t6)):
            steps[key].append(value)
    summary = gaps.gap_summary(ours)
    print(f"lianzhao gap benchmark — {dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, pandas {pd.__version__}, "
          f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(default)')}")
    print(f"NBS 2020 153 sectors (domestic), FLQ δ = 0.3, regional base: {source}; "
          f"{len(ours)} nodes in {len(CHAINS)} chains\n")
    print("| step | ours: s, median (min–max) | naive peer: s, median (min–max) |")
    print("|---|---|---|")
    print(f"| (a) table load (CSV, cold) | {_fmt(steps['a'])} | same |")
    print(f"| (b) regionalize (FLQ) | {_fmt(steps['b'])} | per chain, inside (c) |")
    print(f"| (c0) node inputs: 102 GB/T → IO lookups, cold | {_fmt(steps['c0'])} | same |")
    print(f"| (c) find_gaps, six chains, 102 nodes | {_fmt(steps['c'])} | {_fmt(steps['naive'])} |")
    print(f"| (c) without the national table (coefficients recovered) | {_fmt(steps['c_recovered'])} | |")
    print(f"| (d) total a + b + c0 + c | {_fmt(steps['d'])} | |")
    print(f"| recompute b + c (table in memory) | {_fmt(steps['recompute'])} | |")
    per_run = len(CHAINS)
    inverses = [sum(INVERSE_SECONDS[k:k + per_run]) for k in range(0, len(INVERSE_SECONDS), per_run)]
    print(f"| of which numpy.linalg.inv, six chains | | {_fmt(inverses)} |")
    speed = statistics.median(steps["naive"]) / statistics.median(steps["c"])
    print(f"\nnaive peer / find_gaps time: {speed:.1f}× (above 1: find_gaps is faster). Classes: "
          + ", ".join(f"{row.klass_label} {row.nodes}" for row in summary.itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
