"""`lianzhao serve`: serve the platform with waitress (a production WSGI server in pure Python)."""

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动链招服务（waitress）。默认地址取自环境变量 HOST/PORT，缺省 127.0.0.1:8000。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from lianzhao.wsgi import application

        shown = "localhost" if host in ("0.0.0.0", "::") else host
        self.stdout.write(self.style.SUCCESS(f"链招已启动：http://{shown}:{port}/  （Ctrl+C 停止）"))
        serve(application, host=host, port=port, threads=threads, ident="lianzhao")
