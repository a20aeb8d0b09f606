"""gunicorn settings module used by `lianzhao serve` (``--config python:lianzhao.serving.gunicorn_conf``);
the command line it builds sets everything else (lianzhao.serving.web)."""


def when_ready(server):
    # With --preload the application is loaded in the master: warm it once, before the fork.
    from lianzhao.serving.warmup import warm_up

    warm_up()
