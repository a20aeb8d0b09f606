"""Benchmark of the input-output engine against pymrio (prints one Markdown table).

    python bench/io_bench.py                      # n = 200, 1000, 3000, NBS 2020 153; 5 runs
    python bench/io_bench.py --sizes 200 --runs 3 --no-nbs --extract-n 200   # quick check

For each table, "ours" is what an analyst asks for: ``IOTable.from_flows`` (all input checks)
+ type I output, value-added and job multipliers + backward/forward linkages — one LU
factorization of I − A and a few triangular solves. "pymrio" is ``IOSystem.calc_all()`` on
the same Z, Y and an extension with value added and jobs (x, A, L = inv(I − A), multipliers
M = S L and the footprint accounts); pymrio is a test/bench dependency only.

Times are wall-clock medians of ``--runs`` runs with min–max. Peak memory is the rise of the
process's resident set (VmHWM, reset through /proc/self/clear_refs before each run) above
what the inputs already occupy, median over the runs. Each (table, library) pair has its own
long-lived subprocess (inputs built and one untimed warm-up run first; glibc told to mmap every
block of 64 KiB or more, so freed arrays leave the resident set), and the two libraries' runs
alternate so that both see the same load on a shared machine.

The last rows compare ``extract_all()`` (one factorization, closed-form rank-one updates, all
extraction measures) with the naive loop that rebuilds and solves the extracted system for
every sector (total extraction only, so the naive side does less of the work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def _status() -> dict[str, int]:
    text = Path("/proc/self/status").read_text()
    return {k: int(re.search(k + r":\s+(\d+)", text).group(1)) for k in ("VmRSS", "VmHWM")}


def _reset_peak() -> int:
    """Reset the peak-RSS mark; return the current RSS in KiB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status()["VmRSS"]


def _inputs(case: str) -> dict[str, np.ndarray]:
    if case == "nbs153":
        from lianzhao.refdata.nbs import read_nbs

        t = read_nbs(2020, 153, employment=True)
        return {"Z": t.Z.to_numpy(), "Y": t.Y.to_numpy(), "va": t.va.to_numpy(), "x": t.x.to_numpy(),
                "employment": t.employment.to_numpy()}
    from lianzhao.econ.synthetic import random_flows

    return random_flows(int(case), seed=int(case))


def _workload(case: str, side: str):
    """A zero-argument callable doing one run of ``side`` on the inputs of ``case``."""
    f = _inputs(case)
    if side == "ours":
        from lianzhao.econ import IOTable

        def run():
            t = IOTable.from_flows(f["Z"], f["Y"], va=f["va"], x=f["x"], employment=f["employment"])
            t.output_multipliers()
            t.multipliers("value_added")
            t.multipliers("employment")
            t.linkages()
        return run
    if side == "pymrio":
        import pandas as pd
        import pymrio

        n = f["Z"].shape[0]
        idx = pd.MultiIndex.from_product([["CN"], [f"s{i}" for i in range(n)]], names=["region", "sector"])
        cols = pd.MultiIndex.from_product([["CN"], [f"y{k}" for k in range(f["Y"].shape[1])]], names=["region", "category"])
        Z, Y = pd.DataFrame(f["Z"], index=idx, columns=idx), pd.DataFrame(f["Y"], index=idx, columns=cols)
        F = pd.DataFrame(np.vstack([f["va"].sum(axis=0), f["employment"]]),
                         index=pd.Index(["value_added", "employment"], name="stressor"), columns=idx)

        def run():
            io = pymrio.IOSystem(Z=Z, Y=Y)
            io.factor_inputs = pymrio.Extension(name="factor_inputs", F=F)
            io.calc_all()
        return run
    from lianzhao.econ import IOTable
    from lianzhao.econ.iomath import naive_extraction

    t = IOTable.from_flows(f["Z"], f["Y"], va=f["va"], x=f["x"])
    if side == "extract_all":
        def run():
            t.arrays.__dict__.pop("L", None)  # recompute the factorization and L each run
            t.arrays.__dict__.pop("lu", None)
            t.extract_all()
        return run

    def run():  # naive: rebuild and solve the (total) extracted system for every sector
        Z, x, y = t.Z.to_numpy(), t.x.to_numpy(), t.y.to_numpy()
        for j in range(t.n):
            naive_extraction(Z, x, y, j, kinds=("total",))
    return run


def worker(case: str, side: str, warm_up: bool) -> None:
    """Serve runs in a long-lived process: set up (and warm up with one untimed run, so
    first-call costs such as lazy imports and BLAS thread start-up do not count), print
    ``ready``, then answer each ``run`` line on stdin with JSON ``{"time": s, "peak": MiB}``."""
    run = _workload(case, side)
    if warm_up:
        run()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        base = _reset_peak()
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        print(json.dumps({"time": elapsed, "peak": (_status()["VmHWM"] - base) / 1024}), flush=True)


class Worker:
    """A :func:`worker` subprocess for one (table, side)."""

    def __init__(self, case: str, side: str, warm_up: bool = True, threads: int | None = None):
        cmd = [sys.executable, __file__, "--worker", case, side] + ([] if warm_up else ["--no-warm-up"])
        # Arrays of 64 KiB or more get their own mmap (glibc), so they show in the resident set
        # while alive and leave it when freed: peaks of small tables are then measurable too.
        env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
        if threads:
            env.update({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"benchmark worker {case}/{side} failed to start")
        self.times: list[float] = []
        self.peaks: list[float] = []

    def run(self) -> None:
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        result = json.loads(self.proc.stdout.readline())
        self.times.append(result["time"])
        self.peaks.append(result["peak"])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def measure(case: str, sides: list[str], runs: int, warm_up: bool = True, threads: int | None = None) -> list[Worker]:
    """Time ``sides`` on ``case``, alternating run by run so all see the same machine load."""
    workers = [Worker(case, side, warm_up, threads) for side in sides]
    for _ in range(runs):
        for w in workers:
            w.run()
    for w in workers:
        w.close()
    return workers


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000, 3000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-nbs", action="store_true", help="skip the NBS 2020 153-sector table")
    parser.add_argument("--extract-n", type=int, default=1000, help="size of the extraction comparison (0: skip)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of the naive extraction loop")
    parser.add_argument("--threads", type=int, help="BLAS threads for both libraries (default: the library's own)")
    parser.add_argument("--worker", nargs=2, metavar=("CASE", "SIDE"), help=argparse.SUPPRESS)
    parser.add_argument("--no-warm-up", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker, warm_up=not args.no_warm_up)
        return 0
    cases = [str(n) for n in args.sizes]
    if not args.no_nbs:
        try:
            from lianzhao.refdata.nbs import available

            if (2020, 153) in available():
                cases.append("nbs153")
        except Exception as exc:  # the data folder is optional for the benchmark
            print(f"(NBS table skipped: {exc})", file=sys.stderr)
    started = time.perf_counter()
    print(f"lianzhao IO benchmark — {dt.date.today().isoformat()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, NumPy {np.__version__}, "
          f"BLAS threads {args.threads or 'default'}, load average {os.getloadavg()[0]:.2f} at the start\n")
    print("| table | ours: s, median (min–max) | pymrio calc_all: s | speed-up | ours peak MiB | pymrio peak MiB | memory ratio |")
    print("|---|---|---|---|---|---|---|")
    for case in cases:
        ours, theirs = measure(case, ["ours", "pymrio"], args.runs, threads=args.threads)
        label = "NBS 2020, n = 153" if case == "nbs153" else f"dense random, n = {case}"
        speed = statistics.median(theirs.times) / statistics.median(ours.times)
        mem_o, mem_p = statistics.median(ours.peaks), statistics.median(theirs.peaks)
        print(f"| {label} | {_fmt(ours.times)} | {_fmt(theirs.times)} | {speed:.1f}× | "
              f"{mem_o:.1f} | {mem_p:.1f} | {mem_o / mem_p if mem_p else float('nan'):.2f} |", flush=True)
    if args.extract_n:
        n = str(args.extract_n)
        (fast,) = measure(n, ["extract_all"], args.runs, threads=args.threads)
        (slow,) = measure(n, ["naive_extract"], args.naive_runs, warm_up=False, threads=args.threads)
        speed = statistics.median(slow.times) / statistics.median(fast.times)
        print(f"\n| extraction of every sector, n = {n} | s, median (min–max) | runs |\n|---|---|---|")
        print(f"| `extract_all()` (total, backward, forward, Ghosh forward): one LU, L, rank-one updates | {_fmt(fast.times)} | {args.runs} |")
        print(f"| naive loop (total only): rebuild and solve I − Ā for every sector | {_fmt(slow.times)} | {args.naive_runs} |")
        print(f"| speed-up | {speed:.0f}× | |")
    print(f"\n(total benchmark time {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f} "
          "at the end — other work on the machine slows both libraries and spreads the small-table times)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
