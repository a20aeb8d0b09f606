"""How `lianzhao serve` runs the web server: which server, how many processes and threads.

Linux and other POSIX systems: gunicorn with several worker processes (each with a bounded pool of
threads), because one Python process uses at most about one core (the GIL). Windows, or where
gunicorn is not installed: waitress, one process with a pool of threads.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass

#: The environment variables `lianzhao serve` reads (its command-line options win).
SERVER_ENV = "LIANZHAO_SERVER"
WORKERS_ENV = "LIANZHAO_WEB_WORKERS"
THREADS_ENV = "LIANZHAO_WEB_THREADS"

SERVERS = ("auto", "gunicorn", "waitress")
#: Threads per gunicorn worker process: enough to overlap database waits, few enough that a
#: process never juggles more CPU-bound requests than it can finish promptly.
DEFAULT_THREADS = 4
#: Threads of the single waitress process.
DEFAULT_WAITRESS_THREADS = 8
MAX_WORKERS = 32
MAX_THREADS = 64


class ServeConfigError(ValueError):
    """A serving option or environment variable has a value that cannot be used."""


def cpu_count() -> int:
    """The CPUs this process may run on (the affinity mask under a container's or taskset's limit)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_workers(cpus: int | None = None) -> int:
    """gunicorn worker processes: two per CPU plus one, at most 8 by default.

    Two per CPU keeps every core busy while some requests wait on the database; more than 8 rarely
    helps a bureau's few hundred users and costs about 150 MB of memory each (Django, NumPy, pandas
    and the cached input-output tables live in every process)."""
    cpus = cpu_count() if cpus is None else cpus
    return min(8, 2 * cpus + 1)


def gunicorn_available() -> bool:
    return sys.platform != "win32" and importlib.util.find_spec("gunicorn") is not None


@dataclass(frozen=True)
class WebConfig:
    server: str  # "gunicorn" or "waitress"
    host: str
    port: int
    workers: int  # processes (1 for waitress)
    threads: int  # threads per process

    def argv(self) -> list[str]:
        """The child process's command line."""
        if self.server == "waitress":
            return [sys.executable, "-m", "lianzhao.serving.waitress_main", "--host", self.host,
                    "--port", str(self.port), "--threads", str(self.threads)]
        bind = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        argv = [
            sys.executable, "-m", "gunicorn", "lianzhao.wsgi:application",
            "--config", "python:lianzhao.serving.gunicorn_conf",
            "--bind", bind, "--name", "lianzhao",
            "--worker-class", "gthread", "--workers", str(self.workers), "--threads", str(self.threads),
            # Load Django once in the master (and warm it, gunicorn_conf.when_ready) and fork:
            # workers start fast and share memory.
            "--preload",
            # A worker is recycled after this many requests (memory of long-lived caches returned).
            "--max-requests", "5000", "--max-requests-jitter", "500",
            # A worker whose main loop is silent this long is killed and replaced; requests run in
            # threads, so a slow request does not trip it.
            "--timeout", "120", "--graceful-timeout", "30",
            # A process takes a connection only when one of its threads is free for it; the others
            # wait in the kernel's listen queue for whichever process frees up first. gunicorn's
            # default (1000 connections, kept alive) lets one process queue dozens of requests
            # behind its four threads while another idles: measured, a p95 ten times the p50.
            # Without keep-alive a browser opens a connection per request: cheap on an intranet.
            "--worker-connections", str(self.threads), "--keep-alive", "0",
            # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn): two
            # installations (or a test beside a demo) would fight over it, and nothing uses it.
            "--no-control-socket",
        ]
        if os.path.isdir("/dev/shm"):
            argv += ["--worker-tmp-dir", "/dev/shm"]  # heartbeat files off a slow disk
        return argv

    def describe(self) -> str:
        if self.server == "waitress":
            return f"waitress，1 个进程 × {self.threads} 个线程"
        return f"gunicorn，{self.workers} 个进程 × {self.threads} 个线程"


def _int_option(value, env: str, default: int, maximum: int, label: str) -> int:
    raw = value if value is not None else os.environ.get(env, "").strip() or None
    if raw is None:
        return default
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= maximum:
        raise ServeConfigError(f"{label}（{env}）应为 1 到 {maximum} 的整数，而不是 {raw!r}。")
    return number


def web_config(*, host: str, port: int, server: str | None = None, workers: int | None = None,
               threads: int | None = None) -> WebConfig:
    """The web server to run, from the options given, else the environment, else the defaults."""
    chosen = (server or os.environ.get(SERVER_ENV, "").strip() or "auto").lower()
    if chosen not in SERVERS:
        raise ServeConfigError(f"服务器（{SERVER_ENV}）应为 {'、'.join(SERVERS)} 之一，而不是 {chosen!r}。")
    if chosen == "gunicorn" and not gunicorn_available():
        raise ServeConfigError("gunicorn 在此系统上不可用（Windows 或未安装），请使用 --server waitress。")
    if chosen == "auto":
        chosen = "gunicorn" if gunicorn_available() else "waitress"
    if not 1 <= port <= 65535:
        raise ServeConfigError(f"端口应在 1 到 65535 之间，而不是 {port}。")
    if chosen == "waitress":
        return WebConfig("waitress", host, port, 1,
                         _int_option(threads, THREADS_ENV, DEFAULT_WAITRESS_THREADS, MAX_THREADS, "线程数"))
    return WebConfig("gunicorn", host, port,
                     _int_option(workers, WORKERS_ENV, default_workers(), MAX_WORKERS, "进程数"),
                     _int_option(threads, THREADS_ENV, DEFAULT_THREADS, MAX_THREADS, "线程数"))
