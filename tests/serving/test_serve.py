"""`lianzhao serve` for real: gunicorn (or waitress) and the job worker as supervised children.

Each test starts the real command on a fresh database in a temporary LIANZHAO_VAR_DIR (migrated
once for the module), talks HTTP to it as a logged-in user, kills children and checks they come back.
Linux only (it reads the process tree from /proc).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")

PASSWORD = "serve-test-password-2025"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _until(predicate, seconds=60.0, every=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not true within {seconds} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """A migrated installation with one leader account (the environment the children inherit)."""
    var = tmp_path_factory.mktemp("serve-var")
    # STATIC_ROOT: the static files this test run collected (tests/conftest.py), not collected again.
    env = {**os.environ, "LIANZHAO_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "lianzhao.settings",
           "STATIC_ROOT": str(settings.STATIC_ROOT)}
    lz = [sys.executable, "-m", "lianzhao"]
    subprocess.run([*lz, "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*lz, "shell", "-c",
                    "from lianzhao.accounts.models import User; "
                    f"User.objects.filter(username='lead').exists() or User.objects.create_user('lead', password='{PASSWORD}', role='leader')"],
                   env=env, check=True, timeout=120)
    return env


class Server:
    def __init__(self, env, *args):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", "lianzhao", "serve", "--host", "127.0.0.1",
                                         "--port", str(self.port), *args], env=env)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect)
        _until(self._healthy, seconds=90)

    def _healthy(self):
        try:
            return self.get("/healthz").status == 200
        except (urllib.error.URLError, ConnectionError):
            return False

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            return self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:  # 3xx/4xx/5xx: the response itself
            return exc

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def csrf(self) -> str:
        jar = next(h.cookiejar for h in self.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
        return next((cookie.value for cookie in jar if cookie.name == "csrftoken"), "")

    def login(self):
        self.get("/accounts/login/").read()
        response = self.request("/accounts/login/", {"username": "lead", "password": PASSWORD,
                                                     "csrfmiddlewaretoken": self.csrf()})
        assert response.status == 302, response.read()[:500]

    def children(self) -> dict[str, int]:
        found = {}
        for pid in _children(self.process.pid):
            line = _cmdline(pid)
            kind = "worker" if line.split()[-1:] == ["worker"] else "web"
            found[kind] = pid
        return found

    def stop(self) -> int:
        children = [self.process.pid, *_children(self.process.pid)]
        grandchildren = [g for c in children for g in _children(c)]
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        for pid in [*children, *grandchildren]:
            _until(lambda pid=pid: not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid), seconds=10)
        return code


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (FileNotFoundError, IndexError):
        return "gone"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _run_weekly_job(server: Server) -> bytes:
    response = server.request("/jobs/start/dispatch.weekly_report/",
                              {"week": "2025-W13", "unit": "", "format": "xlsx", "csrfmiddlewaretoken": server.csrf()})
    assert response.status == 302, response.read()[:500]
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+/", job_url)

    def finished():
        fragment = server.get(job_url, headers={"HX-Request": "true"}).read().decode()
        state = re.search(r'data-state="(\w+)"', fragment).group(1)
        return fragment if state in ("succeeded", "failed") else None

    fragment = _until(finished, seconds=90, every=0.5)
    assert 'data-state="succeeded"' in fragment, fragment
    download = server.get(f"{job_url}download/")
    assert download.status == 200
    return download.read()


def test_serve_runs_gunicorn_and_the_worker_and_restarts_what_dies(install):
    server = Server(install, "--workers", "2", "--threads", "2")
    try:
        server.login()
        children = server.children()
        assert set(children) == {"web", "worker"}
        assert "gunicorn" in _cmdline(children["web"]) and len(_children(children["web"])) == 2

        assert _run_weekly_job(server)[:4] == b"PK\x03\x04"  # an xlsx, built by the real worker

        os.kill(children["worker"], signal.SIGKILL)
        new_worker = _until(lambda: (server.children().get("worker") or 0) not in (0, children["worker"])
                            and server.children()["worker"])
        assert new_worker != children["worker"]
        assert _run_weekly_job(server)[:4] == b"PK\x03\x04"  # the restarted worker takes jobs

        gunicorn_worker = _children(children["web"])[0]
        os.kill(gunicorn_worker, signal.SIGKILL)
        _until(lambda: len(_children(children["web"])) == 2 and gunicorn_worker not in _children(children["web"]))
        assert server.get("/").status == 200
    finally:
        assert server.stop() == 0


def test_serve_with_waitress_restarts_the_web_server_when_it_dies(install):
    server = Server(install, "--server", "waitress", "--no-worker")
    try:
        children = server.children()
        assert list(children) == ["web"] and "waitress_main" in _cmdline(children["web"])
        os.kill(children["web"], signal.SIGKILL)
        _until(lambda: server.children().get("web") not in (None, children["web"]))
        _until(server._healthy, seconds=60)
    finally:
        assert server.stop() == 0
