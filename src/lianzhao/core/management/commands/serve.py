"""`lianzhao serve`: the web server and the background-job worker, supervised.

On Linux the web server is gunicorn with several worker processes (sized from the CPU count), on
Windows — or with ``--server waitress`` — waitress in one process. Beside it runs `lianzhao worker`
(background jobs). Both are child processes of this one, which restarts either if it dies and stops
both on Ctrl+C or SIGTERM. Options and environment variables: docs/operations.md, "Serving and load".
"""

import os

from django.core.management.base import BaseCommand, CommandError

from lianzhao.core.staticfiles import ensure_collected
from lianzhao.serving.supervisor import Child, Supervisor, python_command
from lianzhao.serving.web import SERVERS, ServeConfigError, web_config


class Command(BaseCommand):
    help = ("启动链招服务：网页服务器（Linux 上为多进程 gunicorn，Windows 上为 waitress）和后台任务进程，"
            "任一进程退出都会自动重启。默认地址取自环境变量 HOST/PORT，缺省 127.0.0.1:8000。")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--server", choices=SERVERS, default=None,
                            help="网页服务器：auto（默认：有 gunicorn 用 gunicorn，否则 waitress）、gunicorn、waitress。")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn 进程数（默认 2×CPU 数 + 1，至多 8；环境变量 LIANZHAO_WEB_WORKERS）。")
        parser.add_argument("--threads", type=int, default=None,
                            help="每个进程的线程数（gunicorn 默认 4，waitress 默认 8；环境变量 LIANZHAO_WEB_THREADS）。")
        parser.add_argument("--no-worker", action="store_true",
                            help="不启动后台任务进程（由运维另行运行 lianzhao worker 时使用）。")

    def handle(self, *args, host, port, server, workers, threads, no_worker, **options):
        if ensure_collected():  # before the web processes start: whitenoise indexes STATIC_ROOT once
            self.stdout.write("静态文件已收集（压缩、带哈希的文件名）。")
        try:
            web = web_config(host=host, port=port, server=server, workers=workers, threads=threads)
        except ServeConfigError as exc:
            raise CommandError(str(exc)) from exc
        env = dict(os.environ)
        # One BLAS thread per process: requests run small (42/153-sector) solves concurrently, and
        # threads inside BLAS would only make them wait on each other.
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        env.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")
        children = [Child("网页服务器", web.argv(), essential=True, env=env)]
        if not no_worker:
            children.append(Child("后台任务进程", python_command("-m", "lianzhao", "worker"), env=env))
        shown = "localhost" if host in ("0.0.0.0", "::") else host
        self.stdout.write(self.style.SUCCESS(f"链招已启动：http://{shown}:{port}/  （{web.describe()}"
                                             f"{'' if no_worker else '，另有后台任务进程'}；Ctrl+C 停止）"))
        self.stdout.flush()
        supervisor = Supervisor(children, log=lambda line: (self.stderr.write(line), self.stderr.flush()))
        code = supervisor.run()
        if code:
            raise CommandError("网页服务器无法启动，见上方日志。", returncode=code)
