"""Shared fixtures: the Jimo demo (loaded once per session), the personas every permission test uses,
and a small industrial system."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import override_settings

from lianzhao.paths import data_dir


def _data_available() -> bool:
    try:
        data_dir()
    except Exception:
        return False
    return True


DATA_AVAILABLE = _data_available()
needs_data = pytest.mark.skipif(not DATA_AVAILABLE, reason="reference data folder (LIANZHAO_DATA_DIR) not found")


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _collected_static():
    """Pages name static files by their hashed names (the manifest storage), so the tests serve
    collected files, as an installation does: collected once into a folder of this checkout's own
    (kept between runs, collected again only when a static file changed), locked against a second
    test run collecting at the same time."""
    import fcntl
    import hashlib
    import tempfile
    from pathlib import Path

    from lianzhao.core.staticfiles import ensure_collected
    from lianzhao.paths import SOURCE_ROOT

    root = Path(tempfile.gettempdir()) / f"lianzhao-test-static-{hashlib.sha1(str(SOURCE_ROOT).encode()).hexdigest()[:10]}"
    root.mkdir(exist_ok=True)
    override = override_settings(STATIC_ROOT=root / "static")
    override.enable()
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_collected()
    yield root / "static"
    override.disable()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 hasher takes ~0.3 s per user on a 2-core machine; tests need no strength.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    # Uploaded evidence files go to a throwaway folder, never to the install's var/uploads.
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Built documents too: a test's rolled-back ids come back in the next test (same data stamp).
    settings.DOCUMENT_CACHE_DIR = tmp_path / "documents"
    # And the figures kept in the process (core/memo.py), for the same reason.
    from lianzhao.core import memo

    memo.clear()


# --- the Jimo demo -------------------------------------------------------------------------------
# The demo loader runs once per session (about 1 s on SQLite, 3-4 s on PostgreSQL: every row is
# looked up, validated and audited). Its rows are kept in memory and copied into each test that asks
# for `demo` (about 30 ms: one INSERT per table and batch), inside that test's transaction, so the
# rollback after the test removes them and the next test gets a pristine demo. The demo is not
# committed underneath every test: tests without it see an empty database (their personas share the
# demo's user names; they count rows). Live-server tests (transactional_db) get the same rows,
# committed, and the flush after each of them removes them.

def _demo_tables(connection) -> list[type]:
    existing = set(connection.introspection.table_names())
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing]


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker):
    """Run `lianzhao demo load` once, keep the rows it wrote (per model) — the rows it added, and
    lianzhao's rows that migrations had seeded (request categories, a landing template) as the demo
    left them (it routes the categories) — and leave the database as it was. The seeded rows are kept
    because a live-server test's flush removes them too."""
    if not DATA_AVAILABLE:
        pytest.skip("reference data folder (LIANZHAO_DATA_DIR) not found: the demo cannot be loaded")
    from lianzhao.demo.loader import load_demo

    connection = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            models = _demo_tables(connection)
            # Before the demo the tables hold only what migrations seeded: few rows, kept whole.
            before = {model: {obj.pk: _values(obj) for obj in model._base_manager.all()} for model in models}
            load_demo()
            rows = []
            for model in models:
                objs = list(model._base_manager.order_by("pk"))
                added = [obj for obj in objs if obj.pk not in before[model]]
                seeded = ([obj for obj in objs if obj.pk in before[model]]
                          if model._meta.app_config.name.startswith("lianzhao.") else [])
                if added or seeded:
                    rows.append((model, added, seeded))
            transaction.set_rollback(True)
    return rows


def _values(obj) -> tuple:
    return tuple(getattr(obj, field.attname) for field in obj._meta.concrete_fields)


def _copy_in(rows) -> None:
    """Insert the kept rows as they were (raw: no auto_now, no signals) and put the seeded rows back as
    the demo left them (updated, or inserted again after a flush); constraints are checked at commit."""
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic():
        for model, objs, seeded in rows:
            fields = model._meta.concrete_fields
            present = set(model._base_manager.filter(pk__in=[o.pk for o in seeded]).values_list("pk", flat=True))
            for obj in seeded:
                if obj.pk in present:
                    model._base_manager.filter(pk=obj.pk).update(
                        **{f.attname: getattr(obj, f.attname) for f in fields if not f.primary_key})
            objs = [*[o for o in seeded if o.pk not in present], *objs]
            size = max(connection.ops.bulk_batch_size(fields, objs), 1) if objs else 1
            for start in range(0, len(objs), size):
                model._base_manager._insert(objs[start:start + size], fields=fields, raw=True)
        # PostgreSQL: move each id sequence past the copied ids (SQLite's AUTOINCREMENT does it itself).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [row[0] for row in rows]):
                cursor.execute(sql)


@pytest.fixture
def demo(db, _demo_rows):
    """The Jimo demo in this test's database; returns its district, Region 370215 (即墨区).

    Loaded once per session and copied in for each test (see above); add a test's own data on top.
    Works with `db` (rolled back after the test) and with `transactional_db`/`live_server` (flushed).
    """
    from lianzhao.analysis import engine
    from lianzhao.core.models import Region

    # Regional contexts are cached per process by settings version; a test that changed the settings
    # must not hand its context to the next test, whose rolled-back settings reuse that version.
    engine.clear_cache()
    _copy_in(_demo_rows)
    yield Region.objects.get(code="370215")
    engine.clear_cache()


# --- the reference companies (A-share listed companies, their products, the product graph) ----------
# Not part of the demo rows: 5,500 companies and 50,000 products would cost every demo test. Loaded
# once per session, after the demo (so their ids follow the demo's), kept as rows ready for the
# database and copied in (SQLite executemany, PostgreSQL COPY) for the few tests that take
# `registry`. Of the 110,000 product relations only those of the demo firms' products are kept (the
# supply relation of the score reads no others); a test about other relations adds its own.

@pytest.fixture(scope="session")
def _registry_rows(_demo_rows, django_db_blocker):
    from django.db.models import Q

    from lianzhao.demo.pack_products import SAMPLE_PRODUCTS
    from lianzhao.enterprises.models import Enterprise, EnterpriseProduct, ImportBatch, ProductLink
    from lianzhao.enterprises.reference import load_reference_companies

    connection = connections[DEFAULT_DB_ALIAS]
    demo_products = sorted({p for names in SAMPLE_PRODUCTS.values() for p in names})
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            # The demo as the `demo` fixture puts it in, whatever ran before: built lazily, this may run
            # after a live-server test's flush has removed even the rows migrations seeded.
            _copy_in(_demo_rows)
            batch = load_reference_companies()[0].batch
            tables = []
            for model, queryset in (
                    (ImportBatch, ImportBatch.objects.filter(pk=batch.pk)),
                    (Enterprise, Enterprise.objects.filter(import_batch=batch)),
                    (EnterpriseProduct, EnterpriseProduct.objects.filter(enterprise__import_batch=batch)),
                    (ProductLink, ProductLink.objects.filter(Q(from_product__in=demo_products)
                                                             | Q(to_product__in=demo_products)))):
                fields = model._meta.concrete_fields
                rows = [tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))
                        for row in queryset.order_by("pk").values_list(*[f.attname for f in fields])]
                tables.append((model, [f.column for f in fields], rows))
            transaction.set_rollback(True)
    return tables


@pytest.fixture
def registry(demo, _registry_rows):
    """The demo plus the reference companies as `lianzhao refdata load` writes them (product relations:
    those of the demo firms' products only); returns the district."""
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns, rows in _registry_rows:
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {model._meta.db_table} ({names}) VALUES ({marks})", rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in _registry_rows]):
            cursor.execute(sql)
    return demo


@pytest.fixture
def demo_users(demo, django_user_model):
    """The demo accounts under persona names, plus a user with no role."""
    users = {u.username: u for u in django_user_model.objects.all()}
    norole = django_user_model.objects.create(username="norole")
    return {"admin": users["admin"], "leader": users["leader"], "analyst": users["analyst"],
            "officer_a": users["officer"], "officer_b": users["officer2"], "norole": norole}


@pytest.fixture
def departments(db):
    from lianzhao.accounts.models import Department

    return {
        "a": Department.objects.create(code="dept-a", name="投资促进一科"),
        "b": Department.objects.create(code="dept-b", name="投资促进二科"),
    }


@pytest.fixture
def personas(db, departments):
    """admin, leader, analyst, officer_a (department A), officer_b (department B), norole."""
    from lianzhao.accounts.models import User

    def make(username, role, department=None, **extra):
        user = User(username=username, role=role, department=department, display_name=username, **extra)
        user.set_password("pass-12345")
        user.save()
        return user

    return {
        "admin": make("admin", "admin", is_staff=True, is_superuser=True),
        "leader": make("leader", "leader"),
        "analyst": make("analyst", "analyst"),
        "officer_a": make("officer_a", "officer", departments["a"]),
        "officer_b": make("officer_b", "officer", departments["b"]),
        "norole": make("norole", ""),
    }


@pytest.fixture
def industry(db):
    from lianzhao.industries.models import ChainNode, Industry

    nev = Industry.objects.create(name="新能源汽车", slug="nev", kind="leading", source="测试")
    battery = ChainNode.objects.create(industry=nev, key="t-battery", name="动力电池", position="upstream",
                                       gbt_codes=["3841"])
    ChainNode.objects.create(industry=nev, key="t-vehicle", name="整车", position="midstream",
                             gbt_codes=["3612"], parent=battery)
    return nev


@pytest.fixture
def investor(db):
    from lianzhao.enterprises.models import Enterprise

    return Enterprise.objects.create(name="测试·某电池公司", gbt_code="3841", is_sample=True)


@pytest.fixture
def make_project(db, departments, industry, investor):
    """Build a project directly in a given stage (test setup, not a workflow path)."""
    from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, ProjectStage
    from lianzhao.projects.models import InvestmentProject

    counter = {"n": 0}

    def make(stage="lead", department="a", **extra):
        counter["n"] += 1
        values = {
            "name": f"测试项目{counter['n']}", "investor": investor, "industry": industry,
            "amount": Decimal("10.00"), "method": "referral", "stage": stage,
            "department": departments[department],
        }
        reached = stage if stage in PIPELINE else extra.get("paused_from") or ProjectStage.LEAD
        for s in PIPELINE[: PIPELINE.index(reached) + 1]:
            values[STAGE_DATE_FIELD[s]] = dt.date(2025, 1, 1) + dt.timedelta(days=PIPELINE.index(s))
        if PIPELINE.index(reached) >= PIPELINE.index(ProjectStage.SIGNED):
            values["signed_amount"] = Decimal("10.00")
        values.update(extra)
        return InvestmentProject.objects.create(**values)

    return make


@pytest.fixture
def immediate_jobs(settings):
    """Background jobs run inside ``start_job``, in the test's thread and transaction (django-tasks'
    immediate backend): for tests about what a job does, not how it is queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run_worker_once():
    """One pass of the real job worker (`lianzhao worker --once`) over the database queue, inside
    the test's transaction. The worker drops database connections that are inside a transaction
    (right for a worker process, fatal to a test's rolled-back transaction on PostgreSQL), so that
    one call is stubbed here; tests/serving/test_serve.py runs the worker as its own process."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--once", "--nice", "0")


def login(client, user):
    client.force_login(user)
    return client
