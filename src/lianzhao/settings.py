"""The one settings file. Every deploy-time value comes from the environment and fails loudly.

Environment variables
---------------------
SECRET_KEY        optional; otherwise a random key is kept in $LIANZHAO_VAR_DIR/secret_key
DEBUG             "1"/"true"/"yes" or "0"/"false"/"no" (default: off)
ALLOWED_HOSTS     comma-separated (default: localhost,127.0.0.1,[::1])
DATABASE_URL      e.g. postgres://user:pass@host:5432/lianzhao (default: SQLite in $LIANZHAO_VAR_DIR)
LIANZHAO_DATA_DIR the public reference data folder (default: shared/data beside the checkout)
LIANZHAO_VAR_DIR  lianzhao's own files: SQLite database, uploads (default: ./var)
LIANZHAO_JOB_RETENTION_DAYS  days a finished background job and its result file are kept (default: 7)
LIANZHAO_HEAVY_REQUESTS  PDF/Excel documents built at once by all web processes (default: half the CPUs, ≥ 1)
LIANZHAO_HEAVY_WAIT      seconds a document request waits for its turn before a 503 (default: 60)
LIANZHAO_DISTRICT the district's 6-digit division code (default: the one county-level region in the database)
"""

from __future__ import annotations

import os
import secrets

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lianzhao.paths import PACKAGE_DIR, var_dir
from lianzhao.serving.web import cpu_count

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be a whole number from {minimum} to {maximum}, not {raw!r}")
    return value


DEBUG = env_bool("DEBUG", False)

VAR_DIR = var_dir()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else from $LIANZHAO_VAR_DIR/secret_key (created once with
    a random value, readable only by its owner), so a laptop install needs no configuration."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="ascii")
        path.chmod(0o600)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ImproperlyConfigured(f"{path} holds a secret key shorter than 32 characters; delete it.")
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "lianzhao.core",
    "lianzhao.accounts",
    "lianzhao.audit",
    "lianzhao.industries",
    "lianzhao.enterprises",
    "lianzhao.projects",
    "lianzhao.dashboard",
    "lianzhao.analysis",
    "lianzhao.dispatch",
    "lianzhao.demo",
    "lianzhao.web",
    "lianzhao.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianzhao.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lianzhao.core.middleware.LoginRequiredEverywhere",
    "lianzhao.serving.limits.HeavyRequestLimit",
]

ROOT_URLCONF = "lianzhao.urls"
WSGI_APPLICATION = "lianzhao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lianzhao.web.context_processors.navigation",
            ],
        },
    }
]

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles any query its planner costs high; the weekly report's queries
        # (a subquery per row, most never run) spent 0.5 s compiling to run for 0.1 s.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "lianzhao.sqlite3",
            "OPTIONS": {
                # WAL lets readers (dashboards) run while an officer saves; busy timeout avoids
                # "database is locked" under a handful of concurrent users on a laptop server.
                # threads=2: SQLite may sort a large GROUP BY (the dashboard's and the weekly
                # report's pass over every project) on a second core.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA threads=2;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# Background jobs (lianzhao.jobs): queued in lianzhao's own database, run by `lianzhao worker`
# (started and supervised by `lianzhao serve`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_RETENTION_DAYS = env_int("LIANZHAO_JOB_RETENTION_DAYS", 7, minimum=1, maximum=3650)
# Heavy requests (PDF and Excel documents) run at most this many at a time across all web processes,
# so they cannot starve page requests (lianzhao.serving.limits).
HEAVY_REQUEST_SLOTS = env_int("LIANZHAO_HEAVY_REQUESTS", max(1, cpu_count() // 2), minimum=1, maximum=256)
HEAVY_REQUEST_WAIT = env_int("LIANZHAO_HEAVY_WAIT", 60, minimum=1, maximum=600)
# The district the installation works for (lianzhao.core.region.district): its 6-digit division
# code; empty: the one county-level region in the database.
DISTRICT_CODE = os.environ.get("LIANZHAO_DISTRICT", "").strip()
if DISTRICT_CODE and not (DISTRICT_CODE.isdigit() and len(DISTRICT_CODE) == 6):
    raise ImproperlyConfigured(f"LIANZHAO_DISTRICT must be a 6-digit division code (370215), not {DISTRICT_CODE!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded files live outside the web root and are served by views that check permissions.
MEDIA_ROOT = VAR_DIR / "uploads"
# Static files are served from the package by whitenoise's finders (no collectstatic step needed on
# a laptop install); STATIC_ROOT is only used if an operator runs collectstatic for a front proxy.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the <body> hx-headers, not the cookie
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
