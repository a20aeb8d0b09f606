"""Benchmark of the pipeline pages on a large bureau: 100,000 projects and 1,000,000 timeline events on a
throwaway SQLite database (prints one Markdown table).

    python bench/pipeline_bench.py                   # 100,000 projects, 1,000,000 events, 5 runs
    python bench/pipeline_bench.py --projects 20000 --events-per-project 10 --runs 3   # quick check

The database lives in a temporary LIANZHAO_VAR_DIR (deleted afterwards; DATABASE_URL is ignored), is
filled with ``bulk_create`` (no audit rows: this is load, not user activity) and each page is requested
through Django's test client as the leader, the way a browser would, after one warm-up request. Times
are wall-clock medians of ``--runs`` requests with min–max, and the number of SQL queries per request.
Target: every page under one second on a 2-core machine. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TARGET_SECONDS = 1.0
TODAY = dt.date(2026, 1, 12)  # the data's "today"; the report week is the one before
WEEK = "2026-W02"


def _setup(var_dir: Path) -> None:
    os.environ["LIANZHAO_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


STAGE_SHARE = [("lead", 25), ("contacted", 20), ("negotiating", 15), ("signed", 8), ("registered", 5),
               ("construction", 8), ("production", 6), ("full_capacity", 3), ("paused", 5), ("dropped", 5)]


def _populate(n_projects: int, events_per_project: int, seed: int = 20250328) -> dict:
    from django.db import transaction

    from lianzhao.accounts.models import Department, User
    from lianzhao.industries.models import Industry
    from lianzhao.projects.choices import PIPELINE, PLANNED_DATE_FIELD, STAGE_DATE_FIELD, AttractionMethod
    from lianzhao.projects.models import InvestmentProject, ProjectEvent

    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        departments = [Department.objects.create(code=f"d{i}", name=f"投资促进{i}科") for i in range(1, 6)]
        officers = [User.objects.create(username=f"officer{i}", role="officer", department=departments[i % 5],
                                        display_name=f"专员{i}") for i in range(12)]
        User.objects.create(username="leader", role="leader", display_name="区领导")
        industries = [Industry.objects.create(name=f"产业{i}", slug=f"ind-{i}", kind="leading", source="基准")
                      for i in range(9)]
        stages, weights = zip(*STAGE_SHARE, strict=True)
        methods = AttractionMethod.values
        projects = []
        for i in range(n_projects):
            stage = rng.choices(stages, weights)[0]
            reached = stage if stage in PIPELINE else rng.choice(PIPELINE[:4])
            on = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, (TODAY - dt.date(2022, 1, 1)).days))
            values = {}
            for s in PIPELINE[: PIPELINE.index(reached) + 1]:
                if on > TODAY:
                    break
                values[STAGE_DATE_FIELD[s]] = on
                last = on
                on = on + dt.timedelta(days=rng.randrange(7, 120))
            top = [s for s in PIPELINE if STAGE_DATE_FIELD[s] in values][-1]
            if stage in PIPELINE:
                stage = top
            if rng.random() < 0.3 and top != PIPELINE[-1]:
                nxt = PIPELINE[PIPELINE.index(top) + 1]
                values[PLANNED_DATE_FIELD[nxt]] = last + dt.timedelta(days=rng.randrange(20, 200))
            signed = PIPELINE.index(top) >= 3
            projects.append(InvestmentProject(
                name=f"基准项目{i:06d}", industry=rng.choice(industries), department=rng.choice(departments),
                officer=rng.choice(officers) if rng.random() < 0.8 else None,
                amount=Decimal(rng.randrange(50, 5000)) / 100, method=rng.choice(methods),
                referrer=f"引荐人{rng.randrange(200)}" if rng.random() < 0.3 else "",
                stage=stage, paused_from=top if stage == "paused" else "",
                signed_amount=Decimal(rng.randrange(50, 5000)) / 100 if signed else None, **values))
        InvestmentProject.objects.bulk_create(projects, batch_size=500)
        date_fields = [STAGE_DATE_FIELD[s] for s in PIPELINE]
        ids = list(InvestmentProject.objects.order_by("pk").values_list("pk", "stage", *date_fields))
        # 1 % are duplicates merged into another project.
        for index in rng.sample(range(1, len(ids)), len(ids) // 100):
            InvestmentProject.all_objects.filter(pk=ids[index][0]).update(merged_into_id=ids[index - 1][0])
        events, total = [], 0
        kinds = ["visit", "meeting", "call", "note"]
        for pk, stage, *dates in ids:
            previous = ""
            reached = [(s, on) for s, on in zip(PIPELINE, dates, strict=True) if on]
            for s, on in reached:  # one stage-change event per recorded stage date
                events.append(ProjectEvent(project_id=pk, kind="stage_change", occurred_on=on, from_stage=previous,
                                           to_stage=s, text=f"阶段变更：{s}"))
                previous = s
            start = reached[0][1]
            span = max(1, (TODAY - start).days)
            for _ in range(max(0, events_per_project - len(reached))):
                events.append(ProjectEvent(project_id=pk, kind=rng.choice(kinds),
                                           occurred_on=start + dt.timedelta(days=rng.randrange(span)),
                                           text="基准动态：走访沟通"))
            if len(events) >= 50_000:
                ProjectEvent.objects.bulk_create(events, batch_size=2000)
                total += len(events)
                events = []
        ProjectEvent.objects.bulk_create(events, batch_size=2000)
        total += len(events)
    return {"projects": len(ids), "events": total, "seconds": time.perf_counter() - started,
            "industry": industries[0].pk}


def _measure(client, url: str, params: dict, runs: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm-up: template loading, first-touch caches
    times, queries, status = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - t0)
        queries, status = len(ctx.captured_queries), response.status_code
    return times, queries, status


PAGES = [
    ("驾驶舱 dashboard", "/", {}),
    ("项目列表（筛选）project list, filtered", "/projects/",
     {"stage": ["negotiating", "signed"], "industry": "INDUSTRY", "q": "基准项目01"}),
    ("周调度表预览 weekly report page", "/dispatch/", {"week": WEEK}),
    ("周调度表 Excel weekly report .xlsx", "/dispatch/", {"week": WEEK, "format": "xlsx"}),
]


def _measure_pages(runs: int, industry: int) -> list[tuple]:
    """Request every page as the leader; runs in its own process, like a server that did not just
    create a million objects (the generator's garbage would slow Python's collector)."""
    from unittest import mock

    from django.test import Client

    from lianzhao.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="leader"))
    rows = []
    # Pages judge lights by "today": pin it to the data's today so every run sees the same week.
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        for label, url, params in PAGES:
            params = {k: (industry if v == "INDUSTRY" else v) for k, v in params.items()}
            times, queries, status = _measure(client, url, params, runs)
            rows.append((label, times, queries, status))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--events-per-project", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)  # internal: the measuring process
    parser.add_argument("--industry", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _setup(Path(args.measure))
        print(json.dumps(_measure_pages(args.runs, args.industry)))
        return 0
    var_dir = Path(tempfile.mkdtemp(prefix="lianzhao-bench-"))
    try:
        _setup(var_dir)
        data = _populate(args.projects, args.events_per_project)
        out = subprocess.run([sys.executable, __file__, "--measure", str(var_dir), "--runs", str(args.runs),
                              "--industry", str(data["industry"])], check=True, capture_output=True, text=True)
        rows = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"lianzhao pipeline benchmark — {dt.date.today():%Y-%m-%d}, {platform.python_implementation()} "
              f"{platform.python_version()}, {os.cpu_count()} CPUs, SQLite (WAL), "
              f"{data['projects']:,} projects, {data['events']:,} events (generated in {data['seconds']:.0f} s); "
              f"median of {args.runs} runs (min–max); target < {TARGET_SECONDS:.0f} s")
        print()
        print("| page | median s | min–max s | SQL queries | HTTP | under target |")
        print("|---|---:|---:|---:|---:|:---:|")
        for label, times, queries, status in rows:
            median = statistics.median(times)
            print(f"| {label} | {median:.3f} | {min(times):.3f}–{max(times):.3f} | {queries} | {status} | "
                  f"{'yes' if median < TARGET_SECONDS else 'NO'} |")
        return 0 if all(statistics.median(t) < TARGET_SECONDS for _, t, _, _ in rows) else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
