"""`/healthz`: is this instance able to serve? For a supervisor, a load balancer or a monitor.

Open without login and cheap: one ``SELECT 1`` on the database, and a look at the reference-data
folder and at the uploads folder. 200 with ``ok`` for each part when all hold; 503 naming the part
that failed otherwise (the reason goes to the log, not to the anonymous caller).
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lianzhao.paths import DataDirError, data_dir

log = logging.getLogger("lianzhao.health")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _reference_data() -> None:
    folder = data_dir()
    if not os.access(folder, os.R_OK | os.X_OK):
        raise DataDirError(f"{folder} is not readable")


def _uploads() -> None:
    folder = settings.MEDIA_ROOT
    parent = folder if os.path.isdir(folder) else os.path.dirname(folder)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"{parent} is not writable")


CHECKS = {"database": _database, "data_dir": _reference_data, "uploads": _uploads}


@never_cache
@require_GET
def healthz(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a check is the answer, not a crash
            log.error("health check %s failed: %s", name, exc)
            results[name], healthy = "failed", False
        else:
            results[name] = "ok"
    return JsonResponse({"status": "ok" if healthy else "failed", **results}, status=200 if healthy else 503)
