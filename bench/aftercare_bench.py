"""Benchmark of enterprise service on a large bureau: the dashboard and the weekly report with
100,000 service requests and 20,000 landing checklists added to the pipeline benchmark's data
(100,000 projects, 1,000,000 events), against the same pages on the same database before the service
data was added — the peer, measured in the same run. Prints one Markdown table.

    python bench/aftercare_bench.py                                   # the full size, 5 runs
    python bench/aftercare_bench.py --projects 20000 --tickets 20000 --checklists 4000 --runs 3   # quick

The database is a throwaway SQLite file in a temporary LIANZHAO_VAR_DIR (see bench/pipeline_bench.py,
whose generator and measuring harness this reuses). Requests: 40 % closed (rated), 15 % answered, 10 %
reopened, 25 % routed or accepted, 5 % forwarded, 5 % raised; deadlines 10–20 days after routing,
one in six answered late, one in eight of those awaiting an answer overdue on the report's Sunday;
four history events per request on average. Checklists: on signed projects, eight steps each (the
default template), due 30–480 days after signing, steps whose due date has passed done in nine cases
out of ten. Target: each page under one second on a 2-core machine. Not part of ``make test``.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pipeline_bench as pb  # noqa: E402  (the sibling benchmark: its generator and harness)

PAGES = [
    ("驾驶舱 dashboard", "/", {}),
    ("周调度表预览 weekly report page", "/dispatch/", {"week": pb.WEEK}),
    ("企业诉求列表 request list", "/service/", {}),
]
STATES = [("closed", 40), ("answered", 15), ("reopened", 10), ("routed", 13), ("accepted", 12), ("forwarded", 5),
          ("raised", 5)]


def _populate_service(n_tickets: int, n_checklists: int, seed: int = 20251203) -> dict:
    from django.db import transaction

    from lianzhao.aftercare.models import (
        LandingChecklist,
        LandingStep,
        LandingTemplate,
        ServiceDepartment,
        Ticket,
        TicketCategory,
        TicketEvent,
    )
    from lianzhao.aftercare.services.landing import refresh_landing_due
    from lianzhao.enterprises.models import Enterprise
    from lianzhao.projects.models import InvestmentProject

    rng = random.Random(seed)
    started = time.perf_counter()
    today = pb.TODAY
    with transaction.atomic():
        units = [ServiceDepartment.objects.create(code=f"unit{i}", name=f"承办部门{i}") for i in range(8)]
        categories = list(TicketCategory.objects.all())
        for category, unit in zip(categories, units, strict=False):
            category.department = unit
            category.save()
        companies = Enterprise.objects.bulk_create(
            [Enterprise(name=f"基准企业{i:05d}", is_local=True, is_sample=True) for i in range(5000)], batch_size=2000)
        tickets, plans = [], []
        states, weights = zip(*STATES, strict=True)
        for _ in range(n_tickets):
            state = rng.choices(states, weights)[0]
            raised = today - dt.timedelta(days=rng.randrange(1, 720))
            t = Ticket(enterprise=rng.choice(companies), category=rng.choice(categories), description="基准诉求",
                       status=state, raised_on=raised, is_sample=True)
            plan = [("raised", raised, None)]
            if state != "raised":
                t.department = rng.choice(units)
                t.routed_on = raised
                t.deadline = t.first_deadline = raised + dt.timedelta(days=rng.randrange(10, 21))
                plan.append(("routed", raised, None))
                if state in ("routed", "accepted", "forwarded") and rng.random() > 0.125:
                    # most requests awaiting an answer are recent; one in eight is overdue
                    t.routed_on = t.raised_on = today - dt.timedelta(days=rng.randrange(0, 9))
                    t.deadline = t.first_deadline = t.routed_on + dt.timedelta(days=rng.randrange(10, 21))
            if state in ("closed", "answered", "reopened"):
                late = rng.random() < 1 / 6
                answered = t.first_deadline + dt.timedelta(days=rng.randrange(1, 15) if late else -rng.randrange(0, 9))
                answered = min(max(answered, t.routed_on), today)
                t.answered_on = t.first_answered_on = answered
                t.first_answer_department = t.department
                t.answer = "基准答复"
                plan.append(("answered", answered, None))
                if state == "closed":
                    t.closed_on = min(answered + dt.timedelta(days=rng.randrange(0, 5)), today)
                    t.rating = "satisfied" if rng.random() < 0.8 else "basic"
                    plan.append(("closed", t.closed_on, t.rating))
                elif state == "reopened":
                    on = min(answered + dt.timedelta(days=2), today)
                    t.rating, t.reopen_count = "unsatisfied", 1
                    t.deadline = on + dt.timedelta(days=15)
                    plan.append(("reopened", on, "unsatisfied"))
            tickets.append(t)
            plans.append(plan)
        Ticket.objects.bulk_create(tickets, batch_size=2000)
        events = [TicketEvent(ticket=t, kind=kind, occurred_on=on, department=t.department, rating=rating or "")
                  for t, plan in zip(tickets, plans, strict=True) for kind, on, rating in plan]
        TicketEvent.objects.bulk_create(events, batch_size=5000)
        template = LandingTemplate.objects.get(project_type__isnull=True)
        template_steps = list(template.steps.all())
        signed = list(InvestmentProject.objects.filter(signed_date__isnull=False).order_by("?")
                      .values_list("pk", "signed_date")[:n_checklists])
        checklists = LandingChecklist.objects.bulk_create(
            [LandingChecklist(project_id=pk, template=template, started_on=on, is_sample=True) for pk, on in signed],
            batch_size=2000)
        steps = []
        for checklist, (_, on) in zip(checklists, signed, strict=True):
            for s in template_steps:
                due = on + dt.timedelta(days=s.due_days)
                done = due <= today and rng.random() < 0.9
                steps.append(LandingStep(checklist=checklist, order=s.order, name=s.name, department=rng.choice(units),
                                         due_on=due, done_on=min(due, today) if done else None,
                                         reference="基准文号" if done else ""))
        LandingStep.objects.bulk_create(steps, batch_size=5000)
        refresh_landing_due([pk for pk, _ in signed])
    return {"tickets": len(tickets), "events": len(events), "checklists": len(checklists), "steps": len(steps),
            "seconds": time.perf_counter() - started,
            "overdue": Ticket.objects.overdue(today).count(),
            "late_steps": LandingStep.objects.overdue(today).count()}


def _measure_pages(runs: int) -> list[tuple]:
    from unittest import mock

    from django.test import Client

    from lianzhao.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="leader"))
    with mock.patch("django.utils.timezone.localdate", return_value=pb.TODAY):
        return [(label, *pb._measure(client, url, params, runs)) for label, url, params in PAGES]


def _measure_in_child(var_dir: Path, runs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", str(var_dir), "--runs", str(runs)], check=True,
                         capture_output=True, text=True)
    return {row[0]: row[1:] for row in json.loads(out.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--events-per-project", type=int, default=10)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--checklists", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        pb._setup(Path(args.measure))
        print(json.dumps(_measure_pages(args.runs)))
        return 0
    var_dir = Path(tempfile.mkdtemp(prefix="lianzhao-bench-"))
    try:
        pb._setup(var_dir)
        data = pb._populate(args.projects, args.events_per_project)
        before = _measure_in_child(var_dir, args.runs)
        service = _populate_service(args.tickets, args.checklists)
        after = _measure_in_child(var_dir, args.runs)
        print(f"lianzhao enterprise-service benchmark — {dt.date.today():%Y-%m-%d}, "
              f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, SQLite (WAL); "
              f"{data['projects']:,} projects, {data['events']:,} events; then {service['tickets']:,} requests "
              f"({service['events']:,} history events, {service['overdue']:,} overdue on {pb.TODAY}) and "
              f"{service['checklists']:,} checklists ({service['steps']:,} steps, {service['late_steps']:,} late) "
              f"added in {service['seconds']:.0f} s; median of {args.runs} runs (min–max); target < 1 s")
        print()
        print("| page | before: pipeline only, median s (queries) | after: + requests and checklists, median s "
              "| min–max s | SQL queries | after ÷ before | under 1 s |")
        print("|---|---:|---:|---:|---:|---:|:---:|")
        ok = True
        for label, _, _ in PAGES:
            times, queries, status = after[label]
            median = statistics.median(times)
            b_times, b_queries, _ = before[label]
            b_median = statistics.median(b_times)
            ok &= median < 1.0 and status == 200
            print(f"| {label} | {b_median:.3f} ({b_queries}) | {median:.3f} | {min(times):.3f}–{max(times):.3f} | "
                  f"{queries} | {median / b_median:.2f} | {'yes' if median < 1.0 else 'NO'} |")
        return 0 if ok else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
