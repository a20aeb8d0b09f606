"""The account pages: login (with its audit row and its lockout answer) and "change my password"."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from lianzhao.accounts.services import user_set_password
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_account_event
from lianzhao.core.middleware import client_ip

log = logging.getLogger("lianzhao.accounts")


class LoginView(auth_views.LoginView):
    """Django's login page; each successful login writes an audit row (who, from which address).
    Wrong passwords and lockouts are recorded by ``accounts.signals``; the page says the same
    thing for an unknown name and a wrong password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user, address = form.get_user(), client_ip(self.request)
        record_account_event(action=AuditAction.LOGIN, user=user, username=user.get_username(), address=address)
        log.info("login user=%s ip=%s", user.get_username(), address)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login attempt gets (django-axes' AXES_LOCKOUT_CALLABLE): the login page with
    the same words whether the account exists or not, and 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "lockout_minutes": minutes,
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }, status=429)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Every signed-in user changes their own password: the current one, then the new one twice,
    checked against every password rule."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_set_password(request.user, form.cleaned_data["new_password1"], acting_user=request.user)
        update_session_auth_hash(request, request.user)  # stay signed in here; other sessions end
        messages.success(request, _("密码已修改。"))
        return redirect("dashboard")
    return render(request, "registration/password_change.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def csrf_failure(request, reason=""):
    """A refused form post (CSRF_FAILURE_VIEW): lianzhao's own page, which the Content-Security-Policy
    allows (Django's default page has an inline style). The reason goes to the log
    (django.security.csrf), where an operator finds a missing SECURE_PROXY_SSL_HEADER."""
    return render(request, "403_csrf.html", status=403)
