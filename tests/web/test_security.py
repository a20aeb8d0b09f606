"""Production settings and headers: environment values fail loudly, the documented production
settings pass `check --deploy`, HTTPS works behind a TLS proxy, the Content-Security-Policy allows
no inline script, signed-in answers are never cached, lianzhao's files are owner-only, /healthz,
and the log (one line per request, no traceback for a refusal)."""

from __future__ import annotations

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from lianzhao.paths import PACKAGE_DIR, SOURCE_ROOT

ENV_EXAMPLE = SOURCE_ROOT / "deploy" / "lianzhao.env.example"
LIANZHAO = [sys.executable, "-m", "lianzhao"]


def _run(args, env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    # Not the test run's own settings (nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"LIANZHAO_VAR_DIR": str(tmp_path / "var"), **env_extra})
    return subprocess.run([*LIANZHAO, *args], env=env, capture_output=True, text=True, timeout=120)


def _python_env(code: str, tmp_path, env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"LIANZHAO_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "lianzhao.settings", **env_extra})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def _documented_production_env() -> dict:
    env = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    env = _documented_production_env()
    env["LIANZHAO_VAR_DIR"] = str(tmp_path / "var")
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_example_secret_key_is_refused(tmp_path):
    env = _documented_production_env()
    env["SECRET_KEY"] = "CHANGE-ME-to-50-random-characters-from-secrets-token-urlsafe"
    result = _run(["check"], env, tmp_path)
    assert result.returncode != 0 and "placeholder" in result.stderr


@pytest.mark.parametrize("name, value, words", [
    ("HTTPS", "maybe", "HTTPS must be one of"),
    ("CSRF_TRUSTED_ORIGINS", "zhaoshang.example", "scheme://host"),
    ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https", "header name"),
    ("SESSION_IDLE_MINUTES", "soon", "whole number from 1"),
    ("LOGIN_FAILURE_LIMIT", "0", "whole number from 1 to"),
    ("MAX_REQUEST_MB", "-5", "whole number from 1 to"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be"),
])
def test_a_bad_setting_stops_the_start_with_its_name(tmp_path, name, value, words):
    result = _python_env("import lianzhao.settings", tmp_path, {name: value})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and words in result.stderr


def _python(code: str, tmp_path) -> subprocess.CompletedProcess:
    return _python_env(code, tmp_path, {})


def test_the_database_and_var_folder_are_created_owner_only(tmp_path):
    write = ("import django; django.setup(); from django.db import connection; "
             "connection.cursor().execute('CREATE TABLE t (x)'); connection.cursor().execute('INSERT INTO t VALUES (1)')")
    result = _python(write, tmp_path)
    assert result.returncode == 0, result.stderr
    var = tmp_path / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("lianzhao.sqlite3", "secret_key"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    for extra in var.glob("lianzhao.sqlite3-*"):  # WAL and shared-memory files follow the database
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra


def test_an_existing_world_readable_database_is_made_owner_only(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "lianzhao.sqlite3").touch()
    os.chmod(var / "lianzhao.sqlite3", 0o644)
    assert _python("import lianzhao.settings", tmp_path).returncode == 0
    assert stat.S_IMODE((var / "lianzhao.sqlite3").stat().st_mode) == 0o600


# --- HTTPS behind a proxy ---------------------------------------------------------------------

@pytest.mark.django_db
def test_a_login_over_https_through_a_tls_proxy_passes_the_csrf_check(personas, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(enforce_csrf_checks=True)
    # What a TLS proxy passes on: the Host the browser asked for, and the scheme in X-Forwarded-Proto.
    proxy = {"HTTP_HOST": "testserver", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_ORIGIN": "https://testserver"}
    client.get("/accounts/login/", **proxy)
    token = client.cookies["csrftoken"].value
    response = client.post("/accounts/login/", {"username": "leader", "password": "pass-12345",
                                                "csrfmiddlewaretoken": token}, **proxy)
    assert response.status_code == 302
    # Without the proxy setting the same request is a cross-origin POST for Django: 403.
    settings.SECURE_PROXY_SSL_HEADER = None
    plain = Client(enforce_csrf_checks=True)
    plain.get("/accounts/login/")
    refused = plain.post("/accounts/login/", {"username": "leader", "password": "pass-12345",
                                              "csrfmiddlewaretoken": plain.cookies["csrftoken"].value}, **proxy)
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "表单未提交" in body and not INLINE_STYLE.search(body)  # lianzhao's page, not Django's styled one


@pytest.mark.django_db
def test_https_mode_redirects_but_not_the_health_check(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code == 200


# --- Content-Security-Policy and caching ------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style\b", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    # Inline styles are checked on the rendered pages below: a template may style what it renders
    # for a PDF (WeasyPrint reads no CSP), never what it serves to a browser.
    offenders = []
    for path in PACKAGE_DIR.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, re.compile("javascript:", re.I)):
            offenders += [f"{path.relative_to(PACKAGE_DIR)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


@pytest.mark.django_db
def test_pages_carry_the_policy_and_signed_in_answers_are_not_cached(client, personas, make_project):
    project = make_project()
    anonymous = client.get("/accounts/login/")
    policy = anonymous["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and anonymous["X-Content-Type-Options"] == "nosniff"
    client.force_login(personas["leader"])
    for url in ("/", f"/projects/{project.pk}/", "/projects/export/", "/dispatch/", "/dispatch/analytics/",
                "/projects/", "/accounts/password/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert response["Content-Security-Policy"] == policy
        if response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            assert not INLINE_SCRIPT.search(body) and not INLINE_HANDLER.search(body), url
            assert not INLINE_STYLE.search(body), url


# --- health -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_healthz_checks_the_database_and_the_data_folder(client, monkeypatch, tmp_path):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {
        "status": "ok", "database": "ok", "data_dir": "ok", "uploads": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")
    monkeypatch.setenv("LIANZHAO_DATA_DIR", str(tmp_path / "missing"))
    broken = client.get("/healthz")
    assert broken.status_code == 503
    assert broken.json() == {"status": "failed", "database": "ok", "data_dir": "failed", "uploads": "ok"}
    assert str(tmp_path) not in broken.content.decode()  # details go to the log only


@pytest.mark.django_db
def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "failed"


# --- logging ----------------------------------------------------------------------------------

@pytest.fixture
def console_log():
    """What the configured console handler (settings.LOGGING) writes, as text."""
    import io
    import logging

    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_refused_post_logs_one_line_and_no_traceback(client, personas, make_project, console_log):
    project = make_project(department="a")
    client.force_login(personas["officer_b"])
    response = client.post(f"/projects/{project.pk}/stage/", {"to_stage": "contacted"})
    assert response.status_code == 403
    text = console_log.getvalue()
    assert "Traceback" not in text and "PermissionDenied" not in text
    (line,) = [line for line in text.splitlines() if "lianzhao.request" in line]
    rid = response["X-Request-ID"]
    assert f"[{rid}] POST /projects/{project.pk}/stage/ 403 " in line
    assert re.search(r" \d+ms user=officer_b ip=127\.0\.0\.1$", line)


def test_a_proxy_request_id_is_kept_and_a_strange_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-42.a")["X-Request-ID"] == "edge-42.a"
    assert re.fullmatch(r"[0-9a-f]{16}", client.get("/healthz", HTTP_X_REQUEST_ID="a b\nc")["X-Request-ID"])


def test_server_errors_still_log_their_traceback():
    import logging

    from lianzhao.core.logging import NoClientErrorTraceback

    try:
        raise ValueError("boom")
    except ValueError:
        crash = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", None, sys.exc_info())
    crash.status_code = 500
    assert NoClientErrorTraceback().filter(crash) and crash.exc_info is not None


def test_the_env_example_is_what_the_systemd_unit_reads():
    unit = (SOURCE_ROOT / "deploy" / "lianzhao.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/lianzhao/lianzhao.env" in unit and "Restart=on-failure" in unit
    assert "UMask=0077" in unit and Path(ENV_EXAMPLE).exists()
