"""The `lianzhao` command for operators and analysts.

    lianzhao serve [--host H] [--port P]   serve the platform (gunicorn on Linux, waitress on Windows;
                                          static files included) and run the background-job worker
    lianzhao worker                       run background jobs only (when `serve --no-worker`)
    lianzhao migrate                      create or update the database tables (and collect the
                                          static files when they changed)
    lianzhao demo load                    load the Jimo (即墨区) demo pack (idempotent)
    lianzhao createuser NAME --role R     create a user (admin, leader, officer, analyst)
    lianzhao io …                         input-output analyses (no database needed)
    lianzhao <any Django management command>

`io` runs without Django so analysts can use it on a bare laptop with only the data folder.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["io"]:
        from lianzhao.cli.io import main as io_main

        return int(io_main(argv[1:]) or 0)
    if argv[:1] in (["serve"], ["worker"]):
        # Requests and jobs run small (42/153-sector) solves concurrently in threads and processes;
        # multi-threaded BLAS only makes them wait on each other. Must be set before NumPy is first
        # imported (serve's children inherit it).
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianzhao", *argv])
    if argv[:1] == ["migrate"]:
        # An installation is set up by `lianzhao migrate`: the static files it serves (compressed,
        # hashed names) are collected with it, when they changed.
        from lianzhao.core.staticfiles import ensure_collected

        if ensure_collected():
            print("静态文件已收集（压缩、带哈希的文件名）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
