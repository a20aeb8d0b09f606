"""Upgrading an installation whose landing templates named their project type by a typed code
(aftercare 0003): on its own SQLite database, as an operator runs `lianzhao migrate` — a test
database's flush would also remove what migrations seeded for the tests after it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.server  # its own SQLite installation: the same in the PostgreSQL run


def test_typed_codes_become_project_types_and_the_dead_ones_are_switched_off(tmp_path):
    """A code of the 项目类型 list becomes that choice, blank stays the default, and a code naming no
    type (such a template never applied) is kept switched off with its code in its name — not made a
    default that would suddenly apply to every project. Upgraded from before the ledger lists existed,
    the default types are known during the migration (not only once migrate has finished)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LIANZHAO_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="lianzhao.settings",
               STATIC_ROOT=str(settings.STATIC_ROOT))
    migrate = [sys.executable, "-m", "lianzhao", "migrate", "--no-input", "-v", "0"]
    subprocess.run([*migrate, "aftercare", "0002_defaults"], env=env, check=True, timeout=300)
    database = tmp_path / "var" / "lianzhao.sqlite3"
    with sqlite3.connect(database) as db:
        db.executemany("INSERT INTO aftercare_landingtemplate (name, project_type, is_active) VALUES (?, ?, 1)",
                       [("新建项目清单", "type-new"), ("工业项目清单", "industial")])  # the second mistyped
    subprocess.run(migrate, env=env, check=True, timeout=300)
    with sqlite3.connect(database) as db:
        rows = set(db.execute("SELECT name, project_type_id, is_active FROM aftercare_landingtemplate"))
    assert rows == {("默认落地事项", None, 1), ("新建项目清单", "type-new", 1),
                    ("工业项目清单（类型代码 industial 不存在，已停用）", None, 0)}
