"""Warm a web server process before it serves: import every view and let each app load what its
requests will read anyway (an app config's ``warm_up()``, e.g. the national input-output tables).

gunicorn calls this in its master process, before it forks the workers (``when_ready``), so every
worker — including one started later to replace a worker that died — begins with all of it in memory,
shared copy-on-write, instead of paying for it on some user's first request.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    from django.apps import apps
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports the URLconf and with it every view module
    for config in apps.get_app_configs():
        hook = getattr(config, "warm_up", None)
        if hook is None:
            continue
        try:
            hook()
        except Exception:  # a cold cache is only slower: never refuse to serve because of it
            logger.warning("warm-up of %s failed", config.label, exc_info=True)
    # A connection opened here must not be shared by the forked workers.
    connections.close_all()
