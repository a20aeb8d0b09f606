"""The supervisor inside `lianzhao serve` and the choice of web server."""

from __future__ import annotations

import sys
import time

import pytest

from lianzhao.serving import supervisor as sup
from lianzhao.serving.supervisor import Child, Supervisor
from lianzhao.serving.web import ServeConfigError, default_workers, web_config


def _until(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_child_that_dies_is_started_again():
    child = Child("worker", [sys.executable, "-c", "pass"])
    lines = []
    supervisor = Supervisor([child], log=lines.append, poll=0.01)
    supervisor.step()
    first = child.process
    first.wait()
    assert _until(lambda: (supervisor.step(), child.restarts >= 1 and child.process is not None)[1])
    assert child.process is not first
    assert "worker 已退出（退出码 0" in lines[0]
    supervisor.stop_all()


def test_a_child_that_keeps_dying_at_start_waits_longer_each_time(monkeypatch):
    monkeypatch.setattr(sup.time, "monotonic", lambda: 1000.0)
    child = Child("worker", [sys.executable, "-c", "raise SystemExit(3)"])
    supervisor = Supervisor([child], log=lambda line: None)
    delays = []
    for _ in range(4):
        supervisor.step()
        child.process.wait()
        supervisor.step()  # reaped; not due yet (the clock does not move)
        delays.append(child.restart_at - 1000.0)
        child.restart_at = 0.0
    assert delays == [1.0, 2.0, 4.0, 8.0]


def test_the_web_server_failing_at_every_start_stops_the_service_with_an_error():
    web = Child("web", [sys.executable, "-c", "raise SystemExit(1)"], essential=True)
    worker = Child("worker", [sys.executable, "-c", "import time; time.sleep(60)"])
    lines = []
    supervisor = Supervisor([web, worker], log=lines.append, poll=0.01, give_up_after=2)
    web.restart_at = 0.0
    assert _until(lambda: (supervisor.step(), web.quick_failures >= 1)[1] and web.process is None)
    web.restart_at = 0.0  # skip the back-off
    assert _until(lambda: (supervisor.step(), supervisor._stop)[1])
    supervisor.stop_all()

    assert supervisor.exit_code == 1 and "web 连续 2 次启动后立即退出" in lines[-1]
    assert worker.process.poll() is not None  # stopping the service stopped the worker too


def test_stopping_terminates_every_child():
    children = [Child(name, [sys.executable, "-c", "import time; time.sleep(60)"]) for name in "ab"]
    supervisor = Supervisor(children, log=lambda line: None)
    supervisor.step()
    supervisor.stop_all()
    assert all(child.process.poll() is not None for child in children)


def test_gunicorn_is_sized_from_the_cpu_count():
    assert [default_workers(n) for n in (1, 2, 3, 4, 16)] == [3, 5, 7, 8, 8]
    config = web_config(host="127.0.0.1", port=8000)
    assert config.server == "gunicorn" and config.threads == 4
    argv = config.argv()
    assert argv[1:4] == ["-m", "gunicorn", "lianzhao.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == str(config.workers)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    # A process accepts no more connections than it has threads (no queue inside a busy process).
    assert argv[argv.index("--worker-connections") + 1] == "4" and argv[argv.index("--keep-alive") + 1] == "0"


def test_the_environment_sets_the_size_and_options_win(monkeypatch):
    monkeypatch.setenv("LIANZHAO_WEB_WORKERS", "3")
    monkeypatch.setenv("LIANZHAO_WEB_THREADS", "2")
    assert (web_config(host="::", port=80).workers, web_config(host="::", port=80).threads) == (3, 2)
    assert web_config(host="::", port=80, workers=6).workers == 6
    assert "[::]:80" in web_config(host="::", port=80).argv()


def test_waitress_is_one_process_with_a_bounded_thread_pool(monkeypatch):
    config = web_config(host="127.0.0.1", port=8000, server="waitress")
    assert (config.workers, config.threads) == (1, 8)
    assert config.argv()[1:3] == ["-m", "lianzhao.serving.waitress_main"]
    monkeypatch.setattr("lianzhao.serving.web.gunicorn_available", lambda: False)
    assert web_config(host="127.0.0.1", port=8000).server == "waitress"  # auto, e.g. on Windows
    with pytest.raises(ServeConfigError, match="gunicorn 在此系统上不可用"):
        web_config(host="127.0.0.1", port=8000, server="gunicorn")


@pytest.mark.parametrize(("env", "value", "message"), [
    ("LIANZHAO_WEB_WORKERS", "0", "进程数"), ("LIANZHAO_WEB_WORKERS", "many", "进程数"),
    ("LIANZHAO_WEB_THREADS", "1000", "线程数"), ("LIANZHAO_SERVER", "uwsgi", "服务器"),
])
def test_bad_serving_settings_fail_loudly(monkeypatch, env, value, message):
    monkeypatch.setenv(env, value)
    with pytest.raises(ServeConfigError, match=message):
        web_config(host="127.0.0.1", port=8000)
