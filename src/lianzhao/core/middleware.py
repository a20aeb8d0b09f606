"""Request-wide rules: who may see what (login), how long a session lasts, the security headers,
the request-size limit and the one log line per request."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.template.loader import render_to_string

from lianzhao.core.logging import request_id

_OPEN_PREFIXES = ("/accounts/login/", "/i18n/", "/" + settings.STATIC_URL.lstrip("/"), "/healthz")
_STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

#: Session keys: when the user signed in, and when the session was last seen (epoch seconds).
SESSION_LOGIN_AT = "lianzhao_login_at"
SESSION_SEEN_AT = "lianzhao_seen_at"
SESSION_EXPIRED = "lianzhao_session_expired"
_SEEN_RESOLUTION = 60  # write the last-seen time at most once a minute
#: The header a page's own timed refresh sends (the job status polls every 2 s): not a sign that
#: someone is at the keyboard, so it does not move the idle clock — a job page left open on a stuck
#: job would otherwise keep the session signed in for ever.
POLL_HEADER = "X-Lianzhao-Poll"

access_log = logging.getLogger("lianzhao.request")


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or, behind ``LIANZHAO_PROXY_COUNT`` proxies that each
    append to X-Forwarded-For, the address the outermost of them saw. Used by the login throttle,
    the request log and the login audit rows."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "PROXY_COUNT", 0)
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            remote = forwarded[-count]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return "0.0.0.0"


class RequestLogMiddleware:
    """Outermost: give the request an id (the proxy's ``X-Request-ID`` if it sent a sane one), send
    it back in the response, and log one line: method, path, status, duration, user, address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex[:16]
        request.id = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            self._log(request, response.status_code, time.perf_counter() - started)
            return response
        finally:
            request_id.reset(token)

    @staticmethod
    def _log(request, status: int, seconds: float) -> None:
        if request.path.startswith(_STATIC_PREFIX):
            level = logging.DEBUG
        elif status >= 500:
            level = logging.ERROR
        elif status >= 400 and status != 404:
            level = logging.WARNING
        else:
            level = logging.INFO
        if not access_log.isEnabledFor(level):
            return
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else "-"
        access_log.log(level, "%s %s %s %.0fms user=%s ip=%s", request.method, request.path, status,
                       seconds * 1000, name, client_ip(request))


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than ``MAX_REQUEST_BODY_BYTES`` with 413
    before anything reads it (CSRF and the upload parser come later)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            body = render_to_string("413.html", {"limit_mb": limit // 1024 // 1024})
            return HttpResponse(body, status=413)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The Content-Security-Policy on every response, and ``Cache-Control: no-store`` on everything
    served to a signed-in user (pages, fragments, exports, files): nothing of theirs stays in a
    shared PC's browser cache or a proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class SessionTimeoutMiddleware:
    """Sign the user out after ``SESSION_IDLE_SECONDS`` without a request (a page's timed refresh,
    :data:`POLL_HEADER`, does not count), or ``SESSION_MAX_SECONDS`` after signing in, whichever
    comes first. A session without a sign-in time (from before this
    rule) counts as expired."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at, seen_at = session.get(SESSION_LOGIN_AT), session.get(SESSION_SEEN_AT)
            if (login_at is None or now - login_at > settings.SESSION_MAX_SECONDS
                    or seen_at is None or now - seen_at > settings.SESSION_IDLE_SECONDS):
                logout(request)
                request.session[SESSION_EXPIRED] = True
            elif now - seen_at >= _SEEN_RESOLUTION and POLL_HEADER not in request.headers:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


def start_session_clock(request) -> None:
    """Called when a user signs in: the absolute and idle timeouts count from now."""
    now = int(time.time())
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
    request.session.pop(SESSION_EXPIRED, None)


class LoginRequiredEverywhere:
    """Redirect every anonymous request to the login page, except the login page itself.

    htmx requests get a 401 with an ``HX-Redirect`` header, so a fragment never renders the login
    form inside a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated or request.path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = settings.LOGIN_URL_PATH
            return response
        return redirect_to_login(request.get_full_path())


class ChineseFirstLocaleMiddleware:
    """Chinese by default: the language comes from the user's explicit choice (the language cookie
    set by the switcher), never from the browser's Accept-Language, so a government PC with an
    English browser still gets the Chinese UI."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        # override, not activate: the thread goes back to the default language after the response,
        # so one user's English never leaks into work the same thread does next.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
