"""A small process supervisor: start child processes, restart any that dies, stop them all on
SIGINT/SIGTERM. Framework-free, so it runs the same on Linux and Windows and needs no systemd.

A child that keeps dying right after it starts is restarted with a growing delay (1, 2, 4 … 60 s);
one marked ``essential`` (the web server) that dies that way ``give_up_after`` times in a row stops
the whole service with an error instead (a port already in use, a broken configuration), so the
operator sees the failure rather than an endless loop.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: A child that ran at least this long (seconds) before dying counts as having started fine.
HEALTHY_AFTER = 10.0
MAX_DELAY = 60.0


@dataclass
class Child:
    name: str
    argv: list[str]
    essential: bool = False
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float = 0.0
    restarts: int = 0
    env: dict | None = field(default=None, repr=False)


class Supervisor:
    def __init__(self, children: list[Child], *, log: Callable[[str], None] = print, poll: float = 0.5,
                 grace: float = 30.0, give_up_after: int = 5):
        self.children = children
        self.log = log
        self.poll = poll
        self.grace = grace
        self.give_up_after = give_up_after
        self._stop = False
        self.exit_code = 0

    def request_stop(self, *_args) -> None:
        self._stop = True

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, env=child.env)
        child.started_at = time.monotonic()

    def _reap(self, child: Child, now: float) -> None:
        """``child`` has exited: decide when (or whether) to start it again."""
        code = child.process.returncode
        ran = now - child.started_at
        child.process = None
        child.quick_failures = 0 if ran >= HEALTHY_AFTER else child.quick_failures + 1
        if child.essential and child.quick_failures >= self.give_up_after:
            self.log(f"{child.name} 连续 {child.quick_failures} 次启动后立即退出（退出码 {code}），服务停止。")
            self.exit_code = 1
            self._stop = True
            return
        delay = min(MAX_DELAY, 2.0 ** max(0, child.quick_failures - 1)) if child.quick_failures else 1.0
        child.restart_at = now + delay
        child.restarts += 1
        self.log(f"{child.name} 已退出（退出码 {code}，运行 {ran:.0f} 秒），{delay:.0f} 秒后重启。")

    def step(self) -> None:
        """One round: reap children that exited, start those that are due."""
        now = time.monotonic()
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                self._reap(child, now)
            if self._stop:
                return
            if child.process is None and now >= child.restart_at:
                self._start(child)

    def stop_all(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            child.process.terminate()  # SIGTERM: gunicorn and the worker finish what they are doing
        deadline = time.monotonic() + self.grace
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.name} 未在 {self.grace:.0f} 秒内退出，强制结束。")
                child.process.kill()
                child.process.wait()

    def run(self) -> int:
        previous = {}
        stop_signals = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
        for sig in stop_signals:
            previous[sig] = signal.signal(sig, self.request_stop)
        try:
            while not self._stop:
                self.step()
                if not self._stop:
                    time.sleep(self.poll)
        finally:
            self.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.exit_code


def python_command(*args: str) -> list[str]:
    """A command line that runs this Python interpreter with ``args``."""
    return [sys.executable, *args]
