"""Run by tests/web/test_import_concurrency.py in its own process: a project import on a real SQLite
file (WAL, as installed) while other users write, printing what happened as JSON.

    python -m tests.web.import_concurrency_worker VAR_DIR ROWS

Other users' writes are a timeline event (the project service) and a login (the session row and
``last_login``), each in its own thread and connection, all the time the import runs. One more
write is started while the import's write transaction is open, so it must wait for it. SQLite's
busy timeout is set to 5 s (20 s when installed): a write that waits longer fails, as a user's
request would with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path

BUSY_TIMEOUT = 5


def main(var_dir: str, rows: int) -> None:
    os.environ["LIANZHAO_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lianzhao.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = BUSY_TIMEOUT
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]  # Django's test client's host name
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from lianzhao.accounts.models import Department, User
    from lianzhao.core.i18n import data_language
    from lianzhao.industries.models import Industry
    from lianzhao.projects import import_writing, services
    from lianzhao.projects.importing import import_projects
    from lianzhao.projects.models import InvestmentProject
    from tests.web.import_kit import import_row, upload_workbook

    call_command("migrate", verbosity=0)
    department = Department.objects.create(code="dept-a", name="投资促进一科")
    Industry.objects.create(name="新能源汽车", slug="nev", kind="leading", source="测试")
    admin = User.objects.create_superuser("admin", password="pass-12345", role="admin")
    officer = User(username="officer_a", role="officer", department=department)
    officer.set_password("pass-12345")
    officer.save()
    followed = InvestmentProject.objects.create(name="已有项目", industry=Industry.objects.get(), method="expo",
                                                department=department, lead_date=dt.date(2025, 1, 1))
    # Distinct names: none is a likely duplicate of another project.
    file = upload_workbook([import_row(项目名称=f"并发测试项目{chr(0x4E00 + i)}{chr(0x5E00 + i)}{chr(0x6E00 + i)}",
                                       阶段="接洽", 线索日期="2025-01-02", 接洽日期="2025-02-03") for i in range(rows)])
    connection.close()

    writes: list[dict] = []
    stop = threading.Event()

    def write(kind: str) -> None:
        started = time.monotonic()
        try:
            if kind in ("event", "event during the write"):
                services.add_event(followed, kind="note", occurred_on=dt.date(2025, 3, 1), text="并发写入",
                                   acting_user=officer)
            else:  # the login page, as a browser posts it (session row, last_login, the login's audit)
                response = Client().post(reverse("login"), {"username": "officer_a", "password": "pass-12345"})
                assert response.status_code == 302, (response.status_code, response.content.decode()[-1500:])
            writes.append({"kind": kind, "start": started, "end": time.monotonic(), "error": ""})
        except Exception as exc:  # what the user would get as a 500
            writes.append({"kind": kind, "start": started, "end": time.monotonic(), "error": repr(exc)})
        finally:
            connection.close()

    def keep_writing(kind: str) -> None:
        while not stop.is_set():
            write(kind)
            time.sleep(0.02)

    window = {}
    create = import_writing.create_imported_projects

    def create_while_someone_writes(prepared):
        # Inside the write transaction: another user's write starts now and must wait for it.
        window["start"] = time.monotonic()
        waiting = threading.Thread(target=write, args=("event during the write",))
        waiting.start()
        time.sleep(0.2)  # the write is now blocked on the lock
        created = create(prepared)
        window["threads"] = [waiting]
        return created

    import_writing.create_imported_projects = create_while_someone_writes
    threads = [threading.Thread(target=keep_writing, args=(kind,)) for kind in ("event", "login")]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    with data_language():
        result = import_projects(file, acting_user=admin)
    finished = time.monotonic()
    stop.set()
    for thread in threads + window.get("threads", []):
        thread.join()
    print(json.dumps({
        "created": len(result.created), "errors": [str(e) for e in result.errors[:5]],
        "import": [started, finished], "transaction_start": window.get("start"), "writes": writes,
        "projects": InvestmentProject.objects.count(), "busy_timeout": BUSY_TIMEOUT,
    }))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv[1], int(sys.argv[2]))
