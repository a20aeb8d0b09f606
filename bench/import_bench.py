"""Benchmark of the Excel imports: project files of 5,000 and 50,000 rows, the likely-duplicate
check, and hostile files (prints Markdown tables).

    python bench/import_bench.py                  # 5,000 and 50,000 rows (about 5 minutes)
    python bench/import_bench.py --sizes 5000     # quick check

The Jimo demo is loaded once into a throwaway SQLite database (a temporary LIANZHAO_VAR_DIR;
DATABASE_URL is ignored); every measurement then runs in its own process on a copy of it, so its
peak memory is its own. Peak memory is the process's resident set sampled every 5 ms during the
measured step (the whole process: Python, Django, openpyxl and the data). "CPU s" is the process's
CPU time over the step (the other users' thread included): on a busy shared machine it says more
than the wall-clock seconds. Each file holds new
projects without an investor (so the duplicate check searches the whole industry), in the demo's
industries, departments and chain nodes; 60 % 线索, 20 % 接洽, 10 % 洽谈, 10 % 签约 with their dates and
signed amount. Names are "示例·" + six random characters + a product (at most four characters) + a
suffix the duplicate check ignores, so two rows share the product and rarely more: few are flagged.

While each import runs, a second thread of the same process writes as other users would (a
timeline event, then a login's ``last_login`` update, every 50 ms, each in its own transaction on
its own connection); the table shows how many of those writes ran, failed, and the longest one.

The peer, measured in the same run on the same file: openpyxl's read-only reader and one
``bulk_create`` of the projects with their references already resolved — no validation, no
duplicate check, no events, no audit rows: the floor of what reading and inserting costs.
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = ["轴承", "齿轮", "电机", "线束", "模具", "鞋材", "包装", "涂料", "胶粘剂", "滤材", "泵阀", "锻件", "铸件",
            "板材", "管材", "紧固件", "弹簧", "玻璃", "陶瓷", "纸品", "饲料", "调味品", "饮料", "家具", "灯具", "衡器",
            "仪表", "刀具", "磨料", "焊材"]
SUFFIXES = ["项目", "生产基地项目", "基地项目", "一期项目", "二期项目", "工程"]
STAGES = [("线索", 60), ("接洽", 20), ("洽谈", 10), ("签约", 10)]
TODAY = dt.date(2025, 6, 30)


def _setup(var_dir: Path) -> None:
    os.environ["LIANZHAO_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _names(count: int, rng: random.Random) -> list[str]:
    """Distinct project names: 示例· + six random common characters + a product + a suffix."""
    names: set[str] = set()
    while len(names) < count:
        brand = "".join(chr(0x4E00 + rng.randrange(6000)) for _ in range(6))
        names.add(f"示例·{brand}{rng.choice(PRODUCTS)}{rng.choice(SUFFIXES)}")
    return sorted(names, key=lambda _: rng.random())


def _workbook(path: Path, rows: int, seed: int) -> None:
    """A filled import template of ``rows`` new projects (see the module docstring)."""
    from openpyxl import Workbook

    from lianzhao.accounts.models import Department
    from lianzhao.industries.models import ChainNode, Industry
    from lianzhao.projects.choices import AttractionMethod
    from lianzhao.projects.exporting import COLUMNS

    rng = random.Random(seed)
    industries = list(Industry.objects.order_by("pk"))
    nodes = {i.pk: list(ChainNode.objects.filter(industry=i).values_list("name", flat=True)) for i in industries}
    departments = list(Department.objects.order_by("pk").values_list("name", flat=True))
    labels = [c.label for c in COLUMNS]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目")
    ws.append(labels)
    stages = [s for s, weight in STAGES for _ in range(weight)]
    for name in _names(rows, rng):
        industry = rng.choice(industries)
        stage = rng.choice(stages)
        lead = TODAY - dt.timedelta(days=rng.randrange(200, 900))
        values = {"项目名称": name, "所属产业": industry.name, "招商方式": rng.choice(AttractionMethod.labels),
                  "责任部门": rng.choice(departments), "计划投资额（亿元）": round(rng.uniform(0.5, 80), 2),
                  "产业链环节": rng.choice(nodes[industry.pk] or [None]), "线索来源": "示例：基准测试生成",
                  "阶段": stage, "线索日期": lead}
        on = lead
        for later in ("接洽", "洽谈", "签约")[: [s for s, _ in STAGES].index(stage)]:
            on = on + dt.timedelta(days=rng.randrange(5, 50))
            values[f"{later}日期"] = on
        if stage == "签约":
            values["签约投资额（亿元）"] = values["计划投资额（亿元）"]
        ws.append([values.get(label) for label in labels])
    wb.save(path)


class _Sampler:
    """The process's peak resident set (MB), sampled every 5 ms from /proc/self/statm."""

    def __init__(self):
        self.peak = self.start = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024

    def _run(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class _OtherUsers:
    """Writes by other users while the import runs: a timeline event, then a login's last_login."""

    def __init__(self):
        self.waits: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        from django.db import connection
        from django.utils import timezone

        from lianzhao.accounts.models import User
        from lianzhao.projects.models import InvestmentProject, ProjectEvent

        project = InvestmentProject.objects.order_by("pk").first()
        user = User.objects.get(username="officer")
        turn = 0
        while not self._stop.wait(0.05):
            started = time.perf_counter()
            try:
                if turn % 2 == 0:
                    ProjectEvent.objects.create(project=project, kind="note", occurred_on=TODAY, text="并发写入（基准测试）")
                else:
                    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
            except Exception as exc:  # what the user would see as a 500
                self.failures.append(f"{type(exc).__name__}: {exc}")
            self.waits.append(time.perf_counter() - started)
            turn += 1
        connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _measure_import(path: Path, before: Path | None) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lianzhao.accounts.models import User
    from lianzhao.core.i18n import data_language
    from lianzhao.projects.importing import import_projects

    admin = User.objects.get(username="admin")

    def upload(p: Path):
        return SimpleUploadedFile(p.name, p.read_bytes())

    if before is not None:  # the projects of an earlier import (untimed)
        with data_language():
            assert import_projects(upload(before), acting_user=admin, today=TODAY).ok
    file = upload(path)
    with data_language(), _OtherUsers() as others, _Sampler() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        result = import_projects(file, acting_user=admin, today=TODAY)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak": memory.peak, "start": memory.start, "created": len(result.created),
            "errors": [str(e) for e in result.errors[:3]], "error_count": len(result.errors),
            "writes": len(others.waits), "failures": others.failures[:3],
            "longest_write": max(others.waits, default=0.0)}


def _measure_peer(path: Path) -> dict:
    """openpyxl read-only + one bulk_create, references resolved from dictionaries."""
    from django.db import transaction
    from openpyxl import load_workbook

    from lianzhao.accounts.models import Department
    from lianzhao.industries.models import Industry
    from lianzhao.projects.choices import AttractionMethod, ProjectStage
    from lianzhao.projects.models import InvestmentProject

    industries = {i.name: i for i in Industry.objects.all()}
    departments = {d.name: d for d in Department.objects.all()}
    methods = {m.label: m.value for m in AttractionMethod}
    stages = {s.label: s.value for s in ProjectStage}
    with _Sampler() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        wb = load_workbook(path, read_only=True, data_only=True)
        rows = wb["项目"].iter_rows(values_only=True)
        header = list(next(rows))
        at = {label: header.index(label) for label in header}
        projects = []
        for values in rows:
            projects.append(InvestmentProject(
                name=values[at["项目名称"]], industry=industries[values[at["所属产业"]]],
                method=methods[values[at["招商方式"]]], department=departments[values[at["责任部门"]]],
                amount=values[at["计划投资额（亿元）"]], stage=stages[values[at["阶段"]]],
                lead_date=values[at["线索日期"]]))
        wb.close()
        with transaction.atomic():
            InvestmentProject.objects.bulk_create(projects, batch_size=500)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak": memory.peak, "start": memory.start, "created": len(projects)}


def _measure_hostile(kind: str) -> dict:
    from openpyxl import load_workbook

    from lianzhao.core.spreadsheet import SpreadsheetRefused, read_sheet
    from lianzhao.projects.exporting import COLUMNS
    from lianzhao.projects.importing import MAX_ROWS, SHEET_COLUMNS
    from tests.web.import_kit import empty_rows_bomb, shared_strings_bomb

    data = shared_strings_bomb() if kind.startswith("strings") else empty_rows_bomb([c.label for c in COLUMNS])
    with _Sampler() as memory:
        started = time.perf_counter()
        if kind.endswith("peer"):
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            outcome = f"read {sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)):,} rows"
        else:
            try:
                read_sheet(io.BytesIO(data), SHEET_COLUMNS, max_rows=MAX_ROWS)
                outcome = "accepted"
            except SpreadsheetRefused as exc:
                outcome = "refused: " + exc.messages[0]
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak": memory.peak, "start": memory.start, "bytes": len(data), "outcome": outcome}


def _measure_duplicates(existing: int, new: int, sample: int) -> dict:
    """The index against comparing every pair (name_similarity), on generated names in one scope."""
    from lianzhao.projects.duplicates import NAME_THRESHOLD, DuplicateIndex, name_similarity

    rng = random.Random(7)
    names = _names(existing + new, rng)
    # Near-copies of existing names, as a ledger keyed in again would have them.
    queries = [names[i // 10].replace("项目", "二期项目").replace("工程", "二期工程") if i % 10 == 0
               else names[existing + i] for i in range(new)]
    rows = [(pk, name, None, 1) for pk, name in enumerate(names[:existing], start=1)]
    started = time.perf_counter()
    index = DuplicateIndex(rows)
    found = [index.similar(name=q, investor_id=None, industry_id=1) for q in queries]
    indexed = time.perf_counter() - started
    started = time.perf_counter()
    brute = [sorted(((pk, s) for pk, name, _, _ in rows if (s := name_similarity(q, name)) >= NAME_THRESHOLD),
                    key=lambda item: (-item[1], item[0])) for q in queries[:sample]]
    pairwise = (time.perf_counter() - started) * len(queries) / sample
    return {"indexed": indexed, "pairwise": pairwise, "same": brute == found[:sample],
            "flagged": sum(1 for f in found if f), "queries": len(queries), "existing": existing,
            "sample": sample}


def _worker(args) -> None:
    _setup(Path(args.worker))
    case = json.loads(args.case)
    kind = case["kind"]
    if kind == "import":
        out = _measure_import(Path(case["file"]), Path(case["before"]) if case.get("before") else None)
    elif kind == "peer":
        out = _measure_peer(Path(case["file"]))
    elif kind == "duplicates":
        out = _measure_duplicates(case["existing"], case["new"], case["sample"])
    else:
        out = _measure_hostile(kind)
    print(json.dumps(out))


def _run(base: Path, work: Path, case: dict) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="case-", dir=work))
    shutil.copy(base / "lianzhao.sqlite3", var_dir / "lianzhao.sqlite3")
    out = subprocess.run([sys.executable, __file__, "--worker", str(var_dir), "--case", json.dumps(case)],
                         check=True, capture_output=True, text=True)
    shutil.rmtree(var_dir, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args)
        return 0
    work = Path(tempfile.mkdtemp(prefix="lianzhao-import-bench-"))
    try:
        base = work / "base"
        base.mkdir()
        _setup(base)
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("demo", "load", verbosity=0, stdout=io.StringIO())
        from lianzhao.projects.models import InvestmentProject

        demo_projects = InvestmentProject.objects.count()
        connection.close()
        with sqlite3.connect(base / "lianzhao.sqlite3") as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        setup = time.perf_counter() - started
        files = {}
        for size in sorted({*args.sizes, 5000}):
            files[size] = work / f"projects-{size}.xlsx"
            _workbook(files[size], size, seed=size)
        earlier = work / "earlier-5000.xlsx"
        _workbook(earlier, 5000, seed=1)
        print(f"lianzhao import benchmark — {dt.date.today():%Y-%m-%d}, {platform.python_implementation()} "
              f"{platform.python_version()}, {os.cpu_count()} CPUs, SQLite (WAL); the Jimo demo "
              f"({demo_projects} projects) loaded in {setup:.0f} s; one run each")
        print()
        print("| what | rows | seconds | CPU s | peak memory MB (before) | result | other users' writes during it |")
        print("|---|---:|---:|---:|---:|---|---|")
        ok = True
        for size in args.sizes:
            cases = [(f"lianzhao import (`import_projects`), {size:,} rows", {"kind": "import", "file": str(files[size])})]
            if size == 5000:
                cases.append(("… the same file once 5,000 other projects were imported", {
                    "kind": "import", "file": str(files[size]), "before": str(earlier)}))
            cases.append((f"peer: openpyxl read-only + one bulk_create, {size:,} rows",
                          {"kind": "peer", "file": str(files[size])}))
            for label, case in cases:
                r = _run(base, work, case)
                if case["kind"] == "import":
                    outcome = f"{r['created']:,} created" if not r["error_count"] else \
                        f"{r['error_count']} errors: {'; '.join(r['errors'])}"
                    writes = (f"{r['writes']} writes, {len(r['failures'])} failed, longest {r['longest_write']:.2f} s"
                              + (f" ({r['failures'][0]})" if r["failures"] else ""))
                    ok = ok and not r["error_count"] and not r["failures"]
                else:
                    outcome, writes = f"{r['created']:,} inserted", "—"
                print(f"| {label} | {size:,} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak']:.0f} ({r['start']:.0f}) "
                      f"| {outcome} | {writes} |")
        print()
        d = _run(base, work, {"kind": "duplicates", "existing": 10_000, "new": 5_000, "sample": 100})
        print(f"Likely-duplicate check: {d['queries']:,} new names against {d['existing']:,} projects of one scope "
              f"(every tenth a near-copy of an existing name; {d['flagged']:,} flagged)")
        print()
        print("| method | seconds |")
        print("|---|---:|")
        print(f"| `DuplicateIndex` (prefix filtering, then `name_similarity`) | {d['indexed']:.2f} |")
        print(f"| peer: `name_similarity` against every project (the old check; {d['sample']} names timed, "
              f"scaled to {d['queries']:,}) | {d['pairwise']:.0f} |")
        print(f"\nSame candidates as the pairwise check on the {d['sample']} names timed: {'yes' if d['same'] else 'NO'}")
        ok = ok and d["same"]
        print()
        print("| hostile file | bytes | seconds | peak memory MB (before) | outcome |")
        print("|---|---:|---:|---:|---|")
        for kind, label in [("strings", "1 GB shared string (zip bomb), lianzhao reader"),
                            ("rows", "3,000,000 empty rows, lianzhao reader"),
                            ("rows-peer", "3,000,000 empty rows, peer: openpyxl read-only")]:
            r = _run(base, work, {"kind": kind})
            print(f"| {label} | {r['bytes']:,} | {r['seconds']:.2f} | {r['peak']:.0f} ({r['start']:.0f}) | "
                  f"{r['outcome'][:90]} |")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
