"""The one settings file. Every deploy-time value comes from the environment and fails loudly.

Environment variables
---------------------
SECRET_KEY        optional; otherwise a random key is kept in $LIANZHAO_VAR_DIR/secret_key
DEBUG             "1"/"true"/"yes" or "0"/"false"/"no" (default: off)
ALLOWED_HOSTS     comma-separated (default: localhost,127.0.0.1,[::1])
DATABASE_URL      e.g. postgres://user:pass@host:5432/lianzhao (default: SQLite in $LIANZHAO_VAR_DIR)
LIANZHAO_DATA_DIR the public reference data folder (default: shared/data beside the checkout)
LIANZHAO_VAR_DIR  lianzhao's own files: SQLite database, uploads, backups (default: ./var)
LIANZHAO_JOB_RETENTION_DAYS  days a finished background job and its result file are kept (default: 7)
LIANZHAO_HEAVY_REQUESTS  PDF/Excel documents built at once by all web processes (default: half the CPUs, ≥ 1)
LIANZHAO_HEAVY_WAIT      seconds a document request waits for its turn before a 503 (default: 60)
LIANZHAO_DISTRICT the district's 6-digit division code (default: the one county-level region in the database)
LIANZHAO_DIGEST   1: the daily e-mail digest of what is due may be sent (needs EMAIL_HOST; default off)
LIANZHAO_SITE_URL the address users open lianzhao at, e.g. https://zhaoshang.intranet.example — links in
                  the digest are made absolute with it (default: none, the digest shows paths)
LOG_LEVEL         DEBUG/INFO/WARNING/ERROR (default: INFO: one line per request)

Production behind HTTPS (see docs/operations.md):
HTTPS                    1: served over HTTPS (secure cookies, redirect to HTTPS, HSTS)
HSTS_SECONDS             HSTS max-age when HTTPS=1 (default 31536000; 0 turns HSTS off)
HSTS_INCLUDE_SUBDOMAINS  HSTS also for host names under lianzhao's own (default 1)
SECURE_PROXY_SSL_HEADER  the header a TLS proxy sets to "https", e.g. X-Forwarded-Proto
CSRF_TRUSTED_ORIGINS     comma-separated origins, e.g. https://zhaoshang.intranet.example
LIANZHAO_PROXY_COUNT     proxies in front that append to X-Forwarded-For (default 0: REMOTE_ADDR)
SESSION_IDLE_MINUTES     signed out after this long without a request (default 60)
SESSION_MAX_HOURS        signed out this long after signing in, whatever happens (default 10)
LOGIN_FAILURE_LIMIT      failed logins per account or per address before a lockout (default 10)
LOGIN_LOCKOUT_MINUTES    how long a lockout lasts (default 15)
MAX_REQUEST_MB           largest request body accepted, refused before it is read (default 25)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lianzhao.paths import PACKAGE_DIR, owner_only_file, var_dir
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


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

VAR_DIR = var_dir()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else from $LIANZHAO_VAR_DIR/secret_key (created once with
    a random value, readable only by its owner), so a laptop install needs no configuration."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        if "CHANGE-ME" in key:
            raise ImproperlyConfigured("SECRET_KEY is still the example's placeholder: set a random value.")
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

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

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
    "axes",
    "lianzhao.core",
    "lianzhao.accounts",
    "lianzhao.audit",
    "lianzhao.industries",
    "lianzhao.enterprises",
    "lianzhao.projects",
    "lianzhao.aftercare",
    "lianzhao.dashboard",
    "lianzhao.analysis",
    "lianzhao.dispatch",
    "lianzhao.targets",
    "lianzhao.demo",
    "lianzhao.web",
    "lianzhao.jobs",
]

MIDDLEWARE = [
    "lianzhao.core.middleware.RequestLogMiddleware",
    "lianzhao.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lianzhao.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianzhao.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lianzhao.core.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "lianzhao.web.context_processors.chart_labels",
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
            "NAME": owner_only_file(VAR_DIR / "lianzhao.sqlite3"),
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

# The daily e-mail digest of what is due (lianzhao.aftercare.digest, `lianzhao digest`): off unless an
# SMTP server is named — lianzhao runs offline and sends nothing by default.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lianzhao@localhost").strip()
DIGEST_ENABLED = env_bool("LIANZHAO_DIGEST", False)
if DIGEST_ENABLED and not EMAIL_HOST:
    raise ImproperlyConfigured("LIANZHAO_DIGEST=1 needs EMAIL_HOST (the SMTP server that sends the daily digest)")
SITE_URL = os.environ.get("LIANZHAO_SITE_URL", "").strip().rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", SITE_URL):
    raise ImproperlyConfigured(f"LIANZHAO_SITE_URL must be scheme://host[:port][/path], not {SITE_URL!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Every path that sets a password checks these: `createuser`, the admin, "change my password",
# the demo loader (all through lianzhao.accounts.services or Django's own forms).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "display_name", "first_name", "last_name", "email")}},
    {"NAME": "lianzhao.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failures from one address, or against
# one account name (existing or not, so a lockout tells nothing about which accounts exist), further
# attempts are refused before any password is hashed, for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=7 * 24 * 60))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# A refused attempt during a lockout writes nothing and does not extend it: an attacker cannot
# keep an account locked for ever, nor make the server write a row per refused request.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log (lianzhao.accounts.signals)
AXES_CLIENT_IP_CALLABLE = "lianzhao.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "lianzhao.accounts.views.lockout_response"
AXES_VERBOSE = False

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after signing in
# (lianzhao.core.middleware.SessionTimeoutMiddleware), and when the browser closes.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 60, minimum=1, maximum=7 * 24 * 60) * 60
SESSION_MAX_SECONDS = env_int("SESSION_MAX_HOURS", 10, minimum=1, maximum=30 * 24) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

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
# Built documents (the weekly report's PDF and Excel) shared by the web processes until the data
# changes (lianzhao.core.documents); safe to delete at any time.
DOCUMENT_CACHE_DIR = VAR_DIR / "cache" / "documents"
# Static files go out as a real deployment serves them: collected into STATIC_ROOT with hashed
# names (a changed file gets a new name, so browsers may keep each one for a year: whitenoise sends
# "immutable") and gzip/brotli copies beside them. `lianzhao migrate` and `lianzhao serve` collect
# them (lianzhao.core.staticfiles.ensure_collected) whenever the installed files changed; a front
# proxy may serve STATIC_ROOT itself. Whitenoise also serves the package's own files by their plain
# names: what a page links when a file was not collected (core/staticfiles.CollectedStaticStorage),
# and, with DEBUG on, every file as it is edited.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Readable by a front proxy, unlike uploads (FILE_UPLOAD_PERMISSIONS): these files are public.
    "staticfiles": {"BACKEND": "lianzhao.core.staticfiles.CollectedStaticStorage",
                    "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755}},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads are written readable by their owner only, like the database and backups.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# The largest request body: the biggest upload (evidence files, 20 MB) plus the form around it.
# RequestBodyLimitMiddleware refuses a larger Content-Length with 413 before reading the body;
# `lianzhao serve` gives the same number to the server. tests/web/test_uploads.py checks it stays
# above every upload limit.
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_MB", 25, minimum=1, maximum=1024) * 1024 * 1024

# --- HTTPS, proxies and headers ----------------------------------------------------------------
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "lianzhao.accounts.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the <body> hx-headers; no script reads the cookie
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the supervisor probes over plain HTTP on the loopback
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000, minimum=0, maximum=63_072_000) if HTTPS else 0
# Covers names *under* lianzhao's host only (x.zhaoshang.example), not its siblings.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
# HSTS preload needs a public domain on the browsers' preload list; an intranet host cannot be there.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_header):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, not {_proxy_header!r}")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not re.fullmatch(r"https?://[^/\s?#]+", _origin):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS holds {_origin!r}: each origin is scheme://host[:port], "
            "e.g. https://zhaoshang.intranet.example")

#: Proxies in front of lianzhao that append the client's address to X-Forwarded-For; the client
#: address (login throttling, logs, audit) is then the one the outermost of them saw.
PROXY_COUNT = env_int("LIANZHAO_PROXY_COUNT", 0, minimum=0, maximum=10)

# Scripts only from our own origin (the vendored ECharts and htmx, and lianzhao's own files): no
# inline script, no eval. Styles likewise; ECharts styles its elements through the CSSOM only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# --- Logging: one line per request (id, user, status, duration), no traceback for a refusal ----
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "lianzhao.core.logging.RequestIdFilter"},
        "no_client_error_traceback": {"()": "lianzhao.core.logging.NoClientErrorTraceback"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain",
                    "filters": ["request_id", "no_client_error_traceback"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "lianzhao": {"level": LOG_LEVEL},
        # Every request already has its line from lianzhao.request; Django's own line for a 4xx
        # would repeat it (with a traceback for each 403).
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "axes": {"level": "ERROR"},  # lianzhao.accounts logs each failure and lockout itself
    },
}
