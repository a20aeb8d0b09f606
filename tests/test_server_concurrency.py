"""The real server under concurrent users, from a cold start (issue 8, item 1).

Right after a start, parallel requests for impact cards, gap reports and PDFs used to kill the
server process with glibc heap corruption: the requests' threads shared one cached LU factor
and SciPy's LAPACK wrapper shifted its pivots in place (lianzhao.econ.iomath.lu_solve).

This test runs the command an operator runs (``lianzhao serve``) on its own SQLite database with
the demo loaded, fires every analysis and report endpoint at it in parallel right after each of
several cold starts, and requires every answer to be 200 (downloads: a real PDF or workbook) and
the server to stay alive. It is written against the command, not against the WSGI server behind
it; the environment asks for two web processes of eight threads each (the documented
LIANZHAO_WEB_WORKERS / LIANZHAO_WEB_THREADS), so that each process's threads share its cached
tables as hard as one process did, at a CPU cost a 2-core CI machine can pay.
"""

from __future__ import annotations

import concurrent.futures
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import needs_data

pytestmark = [pytest.mark.server, needs_data]

COLD_STARTS = 3
PARALLEL = 16
COMMAND = [sys.executable, "-m", "lianzhao"]
#: What a download must start with: a PDF, or an .xlsx (a zip archive).
MAGIC = {".pdf": b"%PDF", "format=pdf": b"%PDF", ".xlsx": b"PK", "format=xlsx": b"PK"}


def _answer(client, url: str, headers: dict) -> tuple[str, object]:
    """``(url, "ok")`` for a 200 with the right kind of body, else ``(url, what came back)``."""
    status, body = client.get(url, headers)
    if status != 200:
        return url, status
    magic = next((m for suffix, m in MAGIC.items() if url.endswith(suffix)), b"")
    return url, "ok" if body.startswith(magic) else f"200 but not a download: {body[:60]!r}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(var_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["LIANZHAO_VAR_DIR"] = str(var_dir)
    env["PYTHONFAULTHANDLER"] = "1"  # a native crash prints the threads' stacks to the log
    env["LIANZHAO_WEB_WORKERS"] = "2"
    env["LIANZHAO_WEB_THREADS"] = "8"
    # The static files this test run collected (tests/conftest.py): the same files, not collected again.
    env["STATIC_ROOT"] = str(settings.STATIC_ROOT)
    return env


@pytest.fixture(scope="module")
def demo_install(tmp_path_factory):
    """A fresh installation (its own var dir, SQLite) with the demo loaded, by the documented commands."""
    var = tmp_path_factory.mktemp("server-var")
    for args in (["migrate", "--no-input"], ["demo", "load"]):
        subprocess.run([*COMMAND, *args], env=_env(var), check=True, capture_output=True, timeout=300)
    return var


class Client:
    """A logged-in browser stand-in (cookies and CSRF), safe to share between threads."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError as exc:  # refused or reset: the server is gone
            return 0, repr(exc).encode()

    def login(self, username: str, password: str) -> None:
        status, _ = self.get("/accounts/login/")
        assert status == 200
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        req = urllib.request.Request(self.base + "/accounts/login/", data=data,
                                     headers={"Referer": self.base + "/accounts/login/"})
        with self.opener.open(req, timeout=60) as resp:
            assert resp.status == 200 and "/accounts/login/" not in resp.url, "login failed"


def _log_excerpt(log) -> str:
    """The server log's fatal lines (glibc's heap message, Python's fatal error) and its tail."""
    text = log.read_text(errors="replace")
    fatal = [line for line in text.splitlines() if re.search(r"corrupt|free\(\)|malloc|Fatal Python error", line)]
    return "\n".join(fatal[:10]) + "\n…\n" + text[-2500:]


def _wait_until_up(proc: subprocess.Popen, base: str, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"lianzhao serve exited with {proc.returncode}:\n{_log_excerpt(log)}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("lianzhao serve did not answer /healthz within 60 s")


def _endpoints(client: Client, start: int) -> tuple[list, list]:
    """Two rounds of requests for one cold start.

    The first round asks every analysis and report endpoint of the demo once: impact card
    fragments (as htmx loads them on each project page) and impact PDFs, each chain's gap page
    and workbook, gap PDFs (two chains per cold start, a different two each time), synergy, the
    analysis overview, and the weekly dispatch page, workbook and PDF. It finds the analysis
    cache cold. The second round, impact cards and the overview again, shares what the first
    built: that is where the requests' threads solve with one cached table at once.
    """
    _, body = client.get("/projects/")
    projects = sorted({int(p) for p in re.findall(rb'href="/projects/(\d+)/"', body)})
    _, body = client.get("/industries/")
    slugs = sorted({s.decode() for s in re.findall(rb'/industries/([\w-]+)/"', body)})
    assert len(projects) >= 16 and len(slugs) >= 2, "the demo should list projects and industries"
    htmx = {"HX-Request": "true"}
    first = [(f"/analysis/projects/{p}/impact/", htmx) for p in projects[:12]]
    first += [(f"/analysis/projects/{p}/impact.pdf", {}) for p in projects[start:start + 1]]
    first += [(f"/analysis/gaps/{slug}/", {}) for slug in slugs] + [(f"/analysis/gaps/{slug}.xlsx", {}) for slug in slugs]
    first += [(f"/analysis/gaps/{slug}.pdf", {}) for slug in (slugs * 2)[2 * start:2 * start + 2]]
    first += [("/analysis/", {}), ("/analysis/synergy/", {}), ("/dispatch/", {}),
              ("/dispatch/?format=xlsx", {}), ("/dispatch/?format=pdf", {})]
    second = [(f"/analysis/projects/{p}/impact/", htmx) for p in projects[-16:]] + [("/analysis/", {})] * 4
    return first, second


def test_every_analysis_and_report_endpoint_answers_concurrent_users_from_a_cold_start(demo_install, tmp_path):
    from lianzhao.demo.loader import DEMO_PASSWORD

    for start in range(COLD_STARTS):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / f"serve-{start}.log"
        with log.open("w") as out:
            proc = subprocess.Popen([*COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                    env=_env(demo_install), stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(proc, base, log)
            client = Client(base)
            client.login("admin", DEMO_PASSWORD)
            # Listing the endpoints touches no analysis: the first analysis request of this
            # process is one of the parallel ones below (the cold cache is the dangerous case).
            rounds = _endpoints(client, start)
            answers = []
            with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
                for urls in rounds:
                    answers += pool.map(lambda u: _answer(client, *u), urls)
            failed = [(url, what) for url, what in answers if what != "ok"]
            alive = proc.poll() is None
            assert alive, f"cold start {start + 1}: the server died ({proc.returncode}):\n{_log_excerpt(log)}"
            assert not failed, f"cold start {start + 1}: {failed}\n{_log_excerpt(log)}"
            assert client.get("/healthz")[0] == 200
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
