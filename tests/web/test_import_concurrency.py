"""A large import does not lock other users out: on a real SQLite file, other users' writes (timeline
events, logins) succeed all through an import, including one made while its write transaction is
open, which waits for it instead of failing with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# About SQLite's write lock (the worker makes its own SQLite database): once, in the SQLite pass.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite's write lock; SQLite pass only")


def test_other_users_write_while_a_large_import_runs(tmp_path):
    out = subprocess.run([sys.executable, "-m", "tests.web.import_concurrency_worker", str(tmp_path), "1000"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert (report["created"], report["errors"], report["projects"]) == (1000, [], 1001)
    writes = report["writes"]
    assert [w for w in writes if w["error"]] == []
    started, finished = report["import"]
    during = [w for w in writes if w["start"] <= finished and w["end"] >= started]
    assert {"event", "login"} <= {w["kind"] for w in during} and len(during) >= 5
    # The write started while the import's transaction was open waited for its commit (the worker
    # held the transaction 0.2 s before writing), and succeeded: the transaction held the lock for
    # less than the busy timeout.
    [blocked] = [w for w in writes if w["kind"] == "event during the write"]
    assert blocked["start"] >= report["transaction_start"]
    assert 0.15 <= blocked["end"] - blocked["start"] < report["busy_timeout"]
