"""Benchmark: the gap analysis of all six demo chains with the full robustness band.

    python bench/gaps_bench.py [--runs N]

What is timed, per run (seconds; medians and min–max over the runs are printed):

(a) NBS 2020 153-sector table, domestic by the proportional import assumption, with jobs — read
    from the CSV cold (the reader's cache cleared);
(b) node inputs of the six chains (102 nodes) for both node-share rules, GB/T → IO lookups cold;
(c) the single-assumption run — one regionalization (FLQ δ = 0.3, the demo's
    non-tradables and its NEV column override) and ``find_gaps`` with reasons for the six chains,
    which is what the gap pages computed before the band existed;
(d) the band: the other regionalizations of the band (FLQ and AFLQ × δ 0.1–0.4 = 8 in all, the
    base's reused) and ``band_classes`` + ``stability`` for the six chains over its 16 scenarios;
(e) **all six chains with the full band**: (b) + (c) + (d) with the table in memory — what a gap
    page needs after a settings change; and (f) the same from a cold start, (a) + (e);
(g) **the named peer, the naive band**: the same band computed the obvious way — the 8
    regionalizations, then ``find_gaps`` (with its reasons and frames) for every chain in every
    scenario — checked to give the same classes as ``band_classes``; compared with (c) + (d).

The regional base is the demo's (``lianzhao.demo.pack_region``: 25 listed sectors, every other
sector at national output × REST_SHARE), with the demo analysis pack's node shares.
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

from lianzhao.demo import pack_analysis, pack_region
from lianzhao.demo.pack_chains import CHAINS
from lianzhao.demo.pack_data import ENTERPRISES
from lianzhao.econ import concordance, regionalize
from lianzhao.econ.gaps import chain_node_inputs, find_gaps, gap_summary, local_counts
from lianzhao.econ.hybrid import NON_TRADABLES_153, ColumnOverride
from lianzhao.econ.robust import Band, Scenario, band_classes, robust_share, stability
from lianzhao.refdata import nbs, nbs_files


def regional_base(national) -> pd.Series:
    xr = national.x * pack_region.REST_SHARE
    for code, _, value, _ in pack_region.ROWS:
        xr[code] = value
    return xr


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    counts = local_counts(ENTERPRISES)
    c = pack_analysis.NEV_COLUMN
    setup = {"non_tradables": NON_TRADABLES_153,
             "overrides": [ColumnOverride(c["sector"], c["coefficients"], rest=c["rest"])]}
    band = Band()
    base = Scenario("flq", 0.3, "classes")
    scenarios = band.scenarios(base)
    steps: dict[str, list[float]] = {k: [] for k in "abcdefg"}
    for _ in range(args.runs):
        nbs_files.raw_table.cache_clear()
        t0 = time.perf_counter()
        t = nbs.read_nbs(2020, 153, domestic=True, employment=True)
        xr = regional_base(t)
        t1 = time.perf_counter()
        concordance._table.cache_clear()
        concordance._lookup.cache_clear()
        node_sets = {}
        for key, nodes in CHAINS.items():
            fixed, notes = pack_analysis.node_share_maps([n["key"] for n in nodes])
            node_sets[key] = {rule: chain_node_inputs(nodes, counts, share_rule=rule, fixed_shares=fixed,
                                                      fixed_notes=notes) for rule in band.share_rules}
        t2 = time.perf_counter()
        regionals = {base.regional_key: regionalize(t, xr, base.method, base.delta, **setup)}
        gaps = {key: find_gaps(regionals[base.regional_key], sets[base.share_rule]) for key, sets in node_sets.items()}
        t3 = time.perf_counter()
        for sc in scenarios:
            if sc.regional_key not in regionals:
                regionals[sc.regional_key] = regionalize(t, xr, sc.method, sc.delta, **setup)
        stable = {key: stability(band_classes(regionals, sets, scenarios), scenarios) for key, sets in node_sets.items()}
        t4 = t5 = time.perf_counter()
        again = {rk: regionalize(t, xr, *rk, **setup) for rk in dict.fromkeys(sc.regional_key for sc in scenarios)}
        naive = {key: {sc: find_gaps(again[sc.regional_key], sets[sc.share_rule])["klass"] for sc in scenarios}
                 for key, sets in node_sets.items()}
        t6 = time.perf_counter()
        for key in CHAINS:  # the band's base column is the single-assumption run's class; the peer agrees
            assert (stable[key]["klass"] == gaps[key]["klass"]).all()
            classes = band_classes(regionals, node_sets[key], scenarios)
            assert all((classes[sc] == naive[key][sc]).all() for sc in scenarios)
        for name, value in (("a", t1 - t0), ("b", t2 - t1), ("c", t3 - t2), ("d", t4 - t3), ("e", t4 - t1),
                            ("f", t4 - t0), ("g", t6 - t5)):
            steps[name].append(value)
    everything = pd.concat(gaps.values())
    st = pd.concat(stable.values())
    print(f"lianzhao gap benchmark — {dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, pandas {pd.__version__}, "
          f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(default)')}")
    print(f"NBS 2020 153 sectors, base FLQ δ = 0.3, band: {len(scenarios)} scenarios "
          f"({len(regionals)} regionalizations); {len(everything)} nodes in {len(CHAINS)} chains\n")
    print("| step | s, median (min–max) |")
    print("|---|---|")
    print(f"| (a) table load (CSV, cold) | {_fmt(steps['a'])} |")
    print(f"| (b) node inputs, both share rules, lookups cold | {_fmt(steps['b'])} |")
    print(f"| (c) single-assumption run (1 regionalization + find_gaps × 6) | {_fmt(steps['c'])} |")
    print(f"| (d) band: 7 more regionalizations + classes and stability over 16 scenarios × 6 | {_fmt(steps['d'])} |")
    print(f"| **(e) all six chains with the full band, table in memory (b + c + d)** | {_fmt(steps['e'])} |")
    print(f"| (f) the same from a cold start (a + e) | {_fmt(steps['f'])} |")
    print(f"| (g) peer: naive band, {len(regionals)} regionalizations + find_gaps × {len(scenarios)} scenarios × 6 "
          f"| {_fmt(steps['g'])} |")
    ratio = statistics.median(steps["e"]) / statistics.median([b + c for b, c in zip(steps["b"], steps["c"])])
    peer = statistics.median(steps["g"]) / statistics.median([c + d for c, d in zip(steps["c"], steps["d"])])
    print(f"\nnaive band (g) / our band (c + d), medians: {peer:.1f}×; "
          f"full band / single-assumption run (b + c), medians: {ratio:.1f}×. "
          f"Share of 稳健 verdicts: {robust_share(st):.0%}. Classes (base): "
          + ", ".join(f"{row.klass_label} {row.nodes}" for row in gap_summary(everything).itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
