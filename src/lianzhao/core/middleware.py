"""Anonymous users see only the login page (and static files)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse

_OPEN_PREFIXES = ("/accounts/login/", "/i18n/", "/" + settings.STATIC_URL.lstrip("/"), "/healthz")


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
