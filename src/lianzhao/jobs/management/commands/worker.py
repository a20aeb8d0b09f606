"""`lianzhao worker`: run the background jobs (the worker that `lianzhao serve` starts and supervises).

For operators who supervise processes themselves (systemd, Windows services): run `lianzhao serve
--no-worker` and one `lianzhao worker` beside it. Several workers may run at once; each takes one
job at a time.
"""

from __future__ import annotations

import logging
import os
import time

from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger("lianzhao.jobs")

#: Expired jobs are purged when the worker starts and then this often (seconds).
PURGE_EVERY = 3600


class Command(BaseCommand):
    help = "运行后台任务（导入、报告、分析重算）。通常由 lianzhao serve 自动启动。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="队列为空时每隔多少秒检查一次新任务（默认 1）。")
        parser.add_argument("--once", action="store_true",
                            help="运行完当前排队的任务后退出（测试和维护用）。")
        parser.add_argument("--nice", type=int, default=10,
                            help="降低本进程的调度优先级，让网页请求优先（Linux，默认 10；0 不降低）。")

    def handle(self, *args, interval, once, nice, **options):
        from django_tasks_db.management.commands.db_worker import Worker

        from lianzhao.jobs.services import purge_expired_jobs, recover_interrupted_jobs, worker_id

        if interval <= 0 or interval > 3600:
            raise CommandError("--interval 应在 0 到 3600 秒之间。")
        if nice and hasattr(os, "nice"):
            # Jobs are long and can wait a moment; pages cannot. The kernel gives the web processes
            # the CPU first when both want it.
            os.nice(nice)
        ident = worker_id()
        recovered = recover_interrupted_jobs()
        if recovered:
            self.stderr.write(f"已将 {recovered} 个被中断的任务标记为失败。")
        worker = Worker(queue_names=["*"], interval=interval, batch=True, backend_name="default",
                        startup_delay=False, max_tasks=None, worker_id=ident, excluded_queue_names=[])
        if not once:
            # Ctrl+C / SIGTERM: finish the running job, then stop (a second one stops at once).
            worker.configure_signals()
            self.stdout.write(f"链招后台任务进程已启动（{ident}）。")
        last_purge = None
        while worker.running:
            if last_purge is None or time.monotonic() - last_purge > PURGE_EVERY:
                last_purge = time.monotonic()
                try:
                    purged = purge_expired_jobs()
                except Exception:  # housekeeping must never stop the worker
                    logger.exception("purging expired jobs failed")
                else:
                    if purged:
                        logger.info("purged %s expired jobs", purged)
            worker.run()  # batch mode: every ready task, then back here
            if once:
                break
            time.sleep(interval)
