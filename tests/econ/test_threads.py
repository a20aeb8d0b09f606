"""One table shared by many threads, as the web server shares its cached regional table between
requests (issue 8: the server died with glibc heap corruption under concurrent impact cards).

SciPy's LAPACK wrapper shifts the pivot array of an LU factor to 1-based indices in place while
the GIL is released; two threads solving with the table's one cached factor then corrupted each
other's pivots and the heap. The stress runs in a child process, so that the old failure shows
as a failed test (the child aborts) rather than killing the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
import scipy.linalg as sla

from lianzhao.econ import iomath
from lianzhao.econ.synthetic import random_table

STRESS = textwrap.dedent("""
    import json, threading
    import numpy as np
    from lianzhao.econ import iomath
    from lianzhao.econ.synthetic import random_table

    t = random_table(153, seed=3)
    lu = t.arrays.lu
    piv0 = np.array(lu[1])
    shock = {"s7": 1e3, "s99": 5e2}
    reference = (t.output_multipliers().to_numpy(), t.impact(shock, type="II")["total"].to_numpy(),
                 iomath.calc_L(lu))
    seen, errors, diffs = set(), [], []
    done = threading.Event()

    def watch():  # a thread that only reads the shared pivots sees every in-place change
        while not done.is_set():
            d = np.asarray(lu[1]) - piv0
            if d.any():
                seen.add(int(np.abs(d).max()))

    def work():
        try:
            for _ in range(12):
                got = (t.output_multipliers().to_numpy(), t.impact(shock, type="II")["total"].to_numpy(),
                       iomath.calc_L(lu))
                diffs.append(max(float(np.abs(a - b).max()) for a, b in zip(got, reference)))
        except Exception as exc:
            errors.append(repr(exc))

    watcher = threading.Thread(target=watch)
    watcher.start()
    workers = [threading.Thread(target=work) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    done.set()
    watcher.join()
    print(json.dumps({"pivots_changed_by": sorted(seen), "errors": errors, "max_diff": max(diffs),
                      "runs": len(diffs), "piv_intact": bool((np.asarray(lu[1]) == piv0).all())}))
""")


def test_many_threads_solving_on_one_shared_table_get_identical_results_and_leave_the_factor_intact():
    proc = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"the process died ({proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["runs"] == 8 * 12
    assert result["max_diff"] == 0.0  # the same arithmetic in every thread: bit-identical
    assert result["pivots_changed_by"] == [], "a solve wrote into the shared pivot array"
    assert result["piv_intact"]


def test_the_cached_factor_is_read_only():
    lu, piv = random_table(5).arrays.lu
    for arr in (lu, piv):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0


def test_a_direct_scipy_solve_on_the_factor_leaves_its_pivots_alone():
    # f2py ignores NumPy's read-only flag; the pivots are stored as int64, not the wrapper's C int,
    # so even code that bypasses iomath.lu_solve gets a converted private copy.
    t = random_table(60, seed=1)
    lu = t.arrays.lu
    piv0 = np.array(lu[1])
    changed = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if (np.asarray(lu[1]) != piv0).any():
                changed.append(True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for _ in range(300):
        sla.lu_solve(tuple(lu), np.eye(60), check_finite=False)
    stop.set()
    watcher.join()
    assert not changed


def test_every_solve_agrees_with_a_dense_solve():
    t = random_table(12, seed=2)
    M = np.eye(12) - t.A.to_numpy()
    b = np.arange(12.0)
    np.testing.assert_allclose(iomath.solve(t.arrays.lu, b), np.linalg.solve(M, b), rtol=1e-12)
    np.testing.assert_allclose(iomath.premultiply(t.arrays.lu, b), np.linalg.solve(M.T, b), rtol=1e-12)
    np.testing.assert_allclose(iomath.calc_L(t.arrays.lu), np.linalg.inv(M), rtol=1e-12, atol=1e-15)
