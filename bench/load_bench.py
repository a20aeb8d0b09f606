"""Load benchmark: the real server (`lianzhao serve`) under many logged-in users at once.

    python bench/load_bench.py                          # 50 users, 2 minutes, SQLite and PostgreSQL
    python bench/load_bench.py --seconds 20 --users 10  # quick check
    python bench/load_bench.py --db sqlite --no-peer    # one database, no peer run

For each database (SQLite; PostgreSQL on a throwaway server started by scripts/with_postgres.sh) it
builds a fresh installation in a temporary LIANZHAO_VAR_DIR (migrate, `lianzhao demo load`), starts
`lianzhao serve` on a free local port exactly as an operator would (gunicorn sized from the CPU
count, the job worker beside it), logs ``--users`` users in through the login page (the five demo
accounts, several sessions each), then lets them work for ``--seconds``: each user opens, in a loop,
the dashboard, the project list, a random project's page followed at once by its impact card
fragment (the htmx request the page makes on load), and the weekly dispatch report page; every
``--pdf-every``-th round (default 25: each user about once in two to three minutes, 50 users about
one PDF every three seconds) it also downloads the weekly report's PDF. Between two clicks a user thinks
for a random 0.5–1.5 × ``--think`` seconds (0: no pause — a stress test, not a bureau).

The **peer** is the same run against the single-process waitress server (`lianzhao serve --server
waitress`, 8 threads: what `lianzhao serve` ran before), measured in the same invocation, so the gain
is a ratio on the same machine at the same time.

It prints, per database and server, one Markdown table: requests, requests/s, p50/p95/p99/max in
milliseconds and errors per page (an error is any answer other than 200, or no answer), then
whether the server survived (its processes alive, gunicorn workers that had to be replaced). Goal:
zero errors, zero crashes, p95 < 1 s for every page; PDFs are reported on their own row. Latencies
of the first ``--warmup`` seconds (cold caches) are left out of the percentiles; errors never are.
Not part of `make test`; it runs 2 × (setup + ``--seconds``) per database (about 10 minutes for both
databases with the defaults).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = ["leader", "officer", "officer2", "analyst", "admin"]
DEMO_PASSWORD = "lianzhao-demo"
PAGES = ["dashboard", "project list", "project detail", "impact card (htmx)", "weekly report", "weekly report PDF"]
PAGE_TARGET_MS = 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lianzhao(*args: str, env: dict, quiet: bool = True) -> None:
    subprocess.run([sys.executable, "-m", "lianzhao", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


class Session:
    """One user's browser: a keep-alive connection and the session cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        """(status, body bytes); a connection failure raises OSError/HTTPException."""
        data = urllib.parse.urlencode(body).encode() if body is not None else None
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.connection.request(method, path, body=data, headers=sent)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection between two clicks: reconnect once,
                # as a browser does. A second failure is a real error.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            except BaseException:
                self.connection.close()  # a fresh connection for the next click
                self.connection = None
                raise
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, content
        raise AssertionError("unreachable")

    def login(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        status, _ = self.request("POST", "/accounts/login/", {
            "username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
        }, headers={"Referer": f"http://127.0.0.1:{self.port}/accounts/login/"})
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")


class Server:
    def __init__(self, env: dict, server: str, log: Path):
        self.port = _free_port()
        self.log_path = log
        self.log = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lianzhao", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--server", server], env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if Session(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server did not start; see {log}")

    def processes(self) -> list[int]:
        """The pids of the server's process tree (Linux: from /proc)."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                todo += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                pass
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def restarts(self) -> tuple[int, int]:
        """(gunicorn workers replaced, children restarted by the supervisor), from the server's log."""
        text = self.log_path.read_text(errors="replace")
        initial = re.search(r"gunicorn，(\d+) 个进程", text)
        booted = text.count("Booting worker with pid")
        return (booted - int(initial.group(1)) if initial else 0), text.count("已退出（退出码")


def _run_users(port: int, users: int, seconds: float, think: float, pdf_every: int, week: str,
               projects: list[int], warmup: float) -> tuple[dict, list[str]]:
    latencies: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # page -> [requests, errors]
    failures: list[str] = []
    lock = threading.Lock()
    print(f"  logging in {users} users …", flush=True)
    sessions = [Session(port) for _ in range(users)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:  # logins hash passwords: a few at a time
        list(pool.map(lambda i: sessions[i].login(ACCOUNTS[i % len(ACCOUNTS)]), range(users)))
    start = time.monotonic()
    stop_at = start + seconds

    def click(session, page, path, headers=None):
        began = time.monotonic()
        try:
            status, _ = session.request("GET", path, headers=headers)
            error = None if status == 200 else f"{page}: HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{page}: {type(exc).__name__}: {exc}"
        elapsed = time.monotonic() - began
        with lock:
            counts[page][0] += 1
            if error:
                counts[page][1] += 1
                if len(failures) < 20:
                    failures.append(error)
            elif began - start >= warmup:
                latencies[page].append(elapsed)

    def user(number: int, session: Session):
        rng = random.Random(number)
        rounds = 0

        def pause():
            if think:
                time.sleep(rng.uniform(0.5, 1.5) * think)

        while time.monotonic() < stop_at:
            rounds += 1
            project = rng.choice(projects)
            steps = [("dashboard", "/", None), ("project list", "/projects/", None),
                     ("project detail", f"/projects/{project}/", None),
                     ("impact card (htmx)", f"/analysis/projects/{project}/impact/", {"HX-Request": "true"}),
                     ("weekly report", f"/dispatch/?week={week}", None)]
            if pdf_every and (rounds + number) % pdf_every == 0:
                steps.append(("weekly report PDF", f"/dispatch/?week={week}&format=pdf", None))
            for page, path, headers in steps:
                if time.monotonic() >= stop_at:
                    return
                click(session, page, path, headers)
                if page != "project detail":  # the page loads its impact card at once
                    pause()

    threads = [threading.Thread(target=user, args=(i, s), daemon=True) for i, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 300)
    elapsed = time.monotonic() - start
    return {"latencies": latencies, "counts": counts, "elapsed": elapsed}, failures


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def _table(label: str, result: dict, survived: str) -> list[str]:
    lines = [f"**{label}** — {survived}", "",
             "| page | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total_requests = total_errors = 0
    all_pages = []
    for page in PAGES:
        requests, errors = result["counts"].get(page, [0, 0])
        if not requests:
            continue
        values = result["latencies"].get(page, [])
        if page != "weekly report PDF":
            total_requests += requests
            total_errors += errors
            all_pages += values
        ms = [f"{_percentile(values, q) * 1000:.0f}" for q in (50, 95, 99)] + [f"{max(values, default=0) * 1000:.0f}"]
        lines.append(f"| {page} | {requests} | {requests / result['elapsed']:.1f} | {' | '.join(ms)} | {errors} |")
    ms = [f"{_percentile(all_pages, q) * 1000:.0f}" for q in (50, 95, 99)] + [f"{max(all_pages, default=0) * 1000:.0f}"]
    lines.append(f"| **all pages (PDF excluded)** | {total_requests} | {total_requests / result['elapsed']:.1f} | "
                 f"{' | '.join(ms)} | {total_errors} |")
    pdf_errors = result["counts"].get("weekly report PDF", [0, 0])[1]
    result["summary"] = {"rps": total_requests / result["elapsed"], "p95": _percentile(all_pages, 95),
                         "p50": _percentile(all_pages, 50), "errors": total_errors + pdf_errors}
    return lines


def _prepare(var_dir: Path, env: dict) -> tuple[str, list[int]]:
    print("  migrate + demo load …", flush=True)
    _lianzhao("migrate", "--no-input", "-v", "0", env=env)
    _lianzhao("demo", "load", env=env)
    out = subprocess.run(
        [sys.executable, "-m", "lianzhao", "shell", "-v", "0", "-c",
         "from django.utils import timezone; from lianzhao.dispatch.weeks import IsoWeek; "
         "from lianzhao.projects.models import InvestmentProject as P; "
         "print(IsoWeek.last_complete(timezone.localdate()).label); "
         "print(' '.join(str(pk) for pk in P.objects.values_list('pk', flat=True)))"],
        env=env, check=True, capture_output=True, text=True).stdout.split("\n")
    week, projects = out[0].strip(), [int(pk) for pk in out[1].split()]
    if not re.fullmatch(r"\d{4}-W\d{2}", week) or not projects:
        raise RuntimeError(f"the demo database has no week or no projects: {out[:2]}")
    return week, projects


def _bench_database(args, db_label: str) -> list[str]:
    var_dir = Path(tempfile.mkdtemp(prefix="lianzhao-load-"))
    env = {**os.environ, "LIANZHAO_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "lianzhao.settings",
           "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    lines = []
    try:
        week, projects = _prepare(var_dir, env)
        servers = ["auto"] + (["waitress"] if args.peer else [])
        summaries = {}
        for server in servers:
            print(f"  {db_label}: serving with {server} …", flush=True)
            served = Server(env, server, var_dir / f"serve-{server}.log")
            try:
                described = re.search(r"（(gunicorn|waitress)[^；）]*", served.log_path.read_text())
                name = described.group(0)[1:] if described else server
                result, failures = _run_users(served.port, args.users, args.seconds, args.think, args.pdf_every,
                                                 week, projects, args.warmup)
                alive = served.process.poll() is None and all(Path(f"/proc/{p}").exists() for p in served.processes())
                replaced, restarted = served.restarts()
            finally:
                served.stop()
            survived = (f"server alive after the run: {'yes' if alive else 'NO'}; gunicorn workers replaced: "
                        f"{replaced}; children restarted by the supervisor: {restarted}")
            lines += _table(f"{db_label}, {name}", result, survived) + [""]
            if failures:
                lines += ["First errors:", *[f"- {f}" for f in failures], ""]
            summaries[server] = result["summary"]
        if "waitress" in summaries:
            ours, peer = summaries["auto"], summaries["waitress"]
            lines += [f"Ratio to the peer (waitress, one process), {db_label}: requests/s × "
                      f"{ours['rps'] / peer['rps']:.2f}, page p95 {ours['p95'] * 1000:.0f} ms vs "
                      f"{peer['p95'] * 1000:.0f} ms (÷ {peer['p95'] / ours['p95']:.2f}).", ""]
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between clicks (s); 0 = none")
    parser.add_argument("--pdf-every", type=int, default=25, help="a user downloads the PDF every N rounds; 0 = never")
    parser.add_argument("--warmup", type=float, default=10, help="seconds left out of the percentiles")
    parser.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True,
                        help="also run the single-process waitress server as the peer (default: yes)")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users and --seconds must be positive")
    if args.db == "both":
        return main([*argv, "--db", "sqlite"]) or main([*argv, "--db", "postgres"])
    if args.db == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Run this same command again on a throwaway PostgreSQL server (the test suite's script).
        return subprocess.run([str(ROOT / "scripts" / "with_postgres.sh"), sys.executable, __file__, *argv]).returncode
    if args.db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    database = "PostgreSQL" if args.db == "postgres" else "SQLite"
    print("\n".join([
        f"## Load benchmark, {database} — {dt.date.today().isoformat()}",
        "",
        f"{args.users} users × {args.seconds:.0f} s, think {args.think:g} s (0.5–1.5 ×), PDF every {args.pdf_every} "
        f"rounds, first {args.warmup:.0f} s out of the percentiles; {os.cpu_count()} CPUs, load average at start "
        f"{' '.join(f'{x:.1f}' for x in load) if load else '?'}; Python {platform.python_version()}; demo database.",
        "",
    ]), flush=True)
    print("\n".join(_bench_database(args, database)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
