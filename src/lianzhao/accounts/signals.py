"""Account events: the session clock starts at each login; every failed login and every lockout
gets an audit row (a successful login gets its row from the login page, ``accounts.views.LoginView``,
so that a test's ``force_login`` writes none).

Connected in ``AccountsConfig.ready``; ``axes`` comes before this app in INSTALLED_APPS, so its
handler has counted a failure (and decided on a lockout) before :func:`login_failed` runs. An
attempt refused during a lockout (the password is not even checked) writes no row: it goes to the
log only, so a locked-out client cannot fill the audit table.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_account_event
from lianzhao.core.middleware import client_ip, start_session_clock

log = logging.getLogger("lianzhao.accounts")


def logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)


def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    address = client_ip(request) if request is not None else ""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:  # refused by the lockout before the password was checked
        log.warning("login refused (locked out) username=%s ip=%s", username, address)
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_account_event(action=AuditAction.LOGIN_FAILED, user=user, username=username, address=address,
                         reason=f"{_lockout_minutes()} 分钟内第 {failures} 次失败")
    log.warning("login failed username=%s ip=%s failures=%s", username, address, failures)
    if getattr(request, "axes_locked_out", False):
        record_account_event(action=AuditAction.LOCKOUT, user=user, username=username, address=address,
                             reason=f"失败 {failures} 次，锁定 {_lockout_minutes()} 分钟")
        log.warning("login locked out username=%s ip=%s", username, address)


def _lockout_minutes() -> int:
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="lianzhao.accounts.logged_in")
    user_login_failed.connect(login_failed, dispatch_uid="lianzhao.accounts.login_failed")
