"""The waitress web server as a child of `lianzhao serve --server waitress` (Windows, or wherever
gunicorn cannot run): one process, a bounded pool of threads.

    python -m lianzhao.serving.waitress_main --host 127.0.0.1 --port 8000 --threads 8
"""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhao.settings")
    from django.conf import settings
    from waitress import serve

    from lianzhao.serving.warmup import warm_up
    from lianzhao.wsgi import application

    warm_up()
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="lianzhao",
          # Requests beyond the thread pool wait in the socket's backlog, not in an unbounded queue.
          backlog=1024, connection_limit=1000, channel_timeout=120,
          # waitress reads a whole body before the application sees it: refuse a larger one while
          # it arrives (gunicorn streams it, and RequestBodyLimitMiddleware refuses it unread).
          max_request_body_size=settings.MAX_REQUEST_BODY_BYTES)


if __name__ == "__main__":
    main()
