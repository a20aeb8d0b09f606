"""Login hardening: password rules on every path, throttling and lockout per account and per
address, no username enumeration, session timeouts, audit rows for account events."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lianzhao.accounts.models import User
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.core.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT
from lianzhao.demo import pack_data
from lianzhao.demo.loader import DEMO_PASSWORD

LOGIN = "/accounts/login/"
GOOD = "tide-harbour-lantern-42"

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def _createuser(*args, stdin: str | None = None):
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("createuser", *args, **options)
    return out.getvalue()


def _post_login(client, username, password, ip="10.1.2.3"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _page(response, typed: str) -> bytes:
    """The page without what differs by design: the name typed and the CSRF token."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"", response.content).replace(typed.encode(), b"")


def _events(action):
    return list(AuditRecord.objects.filter(action=action).order_by("id"))


# --- password rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("password, reason", [
    ("12345678", "短"), ("password", "短"), ("123456789012", "数字"), ("password1234", "常见"),
    ("wangxiaoming", "相似"), ("short-pw", "短"),
])
def test_createuser_refuses_weak_passwords(departments, password, reason):
    with pytest.raises(CommandError) as refused:
        _createuser("wangxiaoming", "--role", "leader", "--password-stdin", stdin=password + "\n")
    assert "未创建用户" in str(refused.value) and reason in str(refused.value)
    assert not User.objects.filter(username="wangxiaoming").exists()
    assert not AuditRecord.objects.exists()


def test_createuser_takes_no_password_on_the_command_line(departments):
    with pytest.raises(CommandError, match="不接受命令行中的密码"):
        _createuser("wang", "--role", "leader", "--password", GOOD)
    assert not User.objects.filter(username="wang").exists()


def test_createuser_without_a_terminal_needs_password_stdin(departments):
    with pytest.raises(CommandError, match="--password-stdin"):
        _createuser("wang", "--role", "leader", stdin="")


def test_createuser_reads_stdin_and_audits_without_the_password(departments):
    out = _createuser("wang", "--role", "officer", "--department", "dept-a", "--display-name", "王五",
                      "--password-stdin", stdin=GOOD + "\n")
    assert "已创建用户 wang" in out
    user = User.objects.get(username="wang")
    assert user.check_password(GOOD) and user.department.code == "dept-a" and not user.is_staff
    record = AuditRecord.objects.get()
    assert record.action == AuditAction.CREATE and record.actor is None
    assert "password" not in record.after and "last_login" not in record.after
    assert GOOD not in str(record.after) and user.password not in str(record.after)


def test_the_demo_password_passes_every_rule_for_every_demo_user():
    for spec in pack_data.USERS:
        validate_password(DEMO_PASSWORD, user=User(username=spec["username"], display_name=spec["display_name"]))


def test_the_admin_refuses_a_weak_password(client, personas):
    client.force_login(personas["admin"])
    response = client.post("/admin/accounts/user/add/", {
        "username": "weakling", "password1": "12345678", "password2": "12345678", "usable_password": "true",
    })
    assert response.status_code == 200 and not User.objects.filter(username="weakling").exists()


# --- login, failures, lockout -----------------------------------------------------------------

def test_a_login_through_the_page_is_audited_with_the_address(client, personas):
    personas["officer_a"].set_password(GOOD)
    personas["officer_a"].save()
    response = _post_login(client, "officer_a", GOOD, ip="10.9.8.7")
    assert response.status_code == 302
    (record,) = _events(AuditAction.LOGIN)
    assert record.actor == personas["officer_a"] and record.after == {"username": "officer_a", "address": "10.9.8.7"}
    assert client.get("/").status_code == 200


def test_unknown_name_and_wrong_password_get_the_same_answer(client, personas):
    unknown = _post_login(client, "nobody-here", "whatever-it-is")
    wrong = _post_login(client, "officer_a", "whatever-it-is", ip="10.1.2.4")
    assert unknown.status_code == wrong.status_code == 200
    assert _page(unknown, "nobody-here") == _page(wrong, "officer_a")
    failed = _events(AuditAction.LOGIN_FAILED)
    assert [(r.object_repr, r.object_id) for r in failed] == [
        ("nobody-here", ""), (str(personas["officer_a"]), str(personas["officer_a"].pk))]
    assert all(r.actor is None for r in failed)


def test_an_account_is_locked_after_repeated_failures_from_any_address(client, personas, low_limit):
    personas["officer_a"].set_password(GOOD)
    personas["officer_a"].save()
    answers = [_post_login(client, "officer_a", "wrong-password-x", ip=f"10.0.0.{i}").status_code
               for i in range(low_limit)]
    assert answers == [200] * (low_limit - 1) + [429]
    assert len(_events(AuditAction.LOGIN_FAILED)) == low_limit and len(_events(AuditAction.LOCKOUT)) == 1
    # Even the right password from a fresh address is refused now, and the refusal writes no row.
    rows = AuditRecord.objects.count()
    locked = _post_login(Client(), "officer_a", GOOD, ip="10.0.0.99")
    assert locked.status_code == 429 and "分钟后再试" in locked.content.decode()
    assert AuditRecord.objects.count() == rows and not _events(AuditAction.LOGIN)


def test_an_address_is_locked_after_failures_on_many_accounts(client, personas, low_limit):
    for i in range(low_limit):
        _post_login(client, f"guess-{i}", "wrong-password-x", ip="10.7.7.7")
    assert _post_login(client, "leader", "pass-12345", ip="10.7.7.7").status_code == 429
    # Another address still gets in.
    assert _post_login(Client(), "leader", "pass-12345", ip="10.7.7.8").status_code == 302


def test_a_locked_out_attempt_never_hashes_a_password(client, personas, low_limit, monkeypatch):
    for _ in range(low_limit):
        _post_login(client, "leader", "wrong-password-x")
    calls = []
    monkeypatch.setattr(User, "check_password", lambda self, raw: calls.append(raw) or False)
    from django.contrib.auth import hashers

    monkeypatch.setattr(hashers, "make_password", lambda *a, **k: calls.append(a) or "!")
    for _ in range(5):
        assert _post_login(client, "leader", "pass-12345").status_code == 429
        assert _post_login(client, "someone-else", "pass-12345").status_code == 429
    assert calls == []


def test_lockout_answers_the_same_for_existing_and_unknown_accounts(personas, low_limit):
    for name in ("leader", "nobody-at-all"):
        for i in range(low_limit):
            _post_login(Client(), name, "wrong-password-x", ip=f"10.3.{len(name)}.{i}")
    known = _post_login(Client(), "leader", "x-wrong-again", ip="10.4.0.1")
    unknown = _post_login(Client(), "nobody-at-all", "x-wrong-again", ip="10.4.0.2")
    assert known.status_code == unknown.status_code == 429
    assert _page(known, "leader") == _page(unknown, "nobody-at-all")


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, personas, settings, low_limit):
    settings.PROXY_COUNT = 1
    for i in range(low_limit):
        client.post(LOGIN, {"username": f"g{i}", "password": "wrong-password-x"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.9, 10.5.5.{i}")
    # The proxy's own address (REMOTE_ADDR) is not what got locked: each client has its own count.
    assert {r.after["address"] for r in _events(AuditAction.LOGIN_FAILED)} == {f"10.5.5.{i}" for i in range(low_limit)}
    assert _post_login(client, "leader", "pass-12345", ip="127.0.0.1").status_code == 302


# --- sessions ---------------------------------------------------------------------------------

def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_session_ends(client, personas, settings):
    client.force_login(personas["leader"])
    assert client.get("/").status_code == 200
    _age_session(client, **{SESSION_SEEN_AT: settings.SESSION_IDLE_SECONDS + 5})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "登录已超时" in client.get(LOGIN).content.decode()


def test_a_busy_session_still_ends_at_the_absolute_limit(client, personas, settings):
    client.force_login(personas["leader"])
    _age_session(client, **{SESSION_LOGIN_AT: settings.SESSION_MAX_SECONDS + 5, SESSION_SEEN_AT: 1})
    assert client.get("/").status_code == 302


def test_activity_moves_the_idle_clock_at_most_once_a_minute(client, personas):
    client.force_login(personas["leader"])
    _age_session(client, **{SESSION_SEEN_AT: 120})
    client.get("/")
    seen = client.session[SESSION_SEEN_AT]
    assert abs(seen - time.time()) < 5
    client.get("/")
    assert client.session[SESSION_SEEN_AT] == seen


# --- change my password -----------------------------------------------------------------------

def test_every_user_changes_their_own_password(client, personas):
    user = personas["analyst"]
    client.force_login(user)
    assert "修改密码" in client.get("/").content.decode()
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    wrong_old = client.post("/accounts/password/", {"old_password": "nope", "new_password1": GOOD,
                                                    "new_password2": GOOD})
    weak = client.post("/accounts/password/", {"old_password": "pass-12345", "new_password1": "analyst12345",
                                               "new_password2": "analyst12345"})
    assert wrong_old.status_code == weak.status_code == 400
    assert not _events(AuditAction.PASSWORD)
    done = client.post("/accounts/password/", {"old_password": "pass-12345", "new_password1": GOOD,
                                               "new_password2": GOOD})
    assert done.status_code == 302 and client.get("/").status_code == 200  # still signed in here
    user.refresh_from_db()
    assert user.check_password(GOOD)
    (record,) = _events(AuditAction.PASSWORD)
    assert record.actor == user and record.before is None and record.after is None


def test_the_password_service_refuses_a_weak_password(personas):
    from lianzhao.accounts.services import user_set_password

    with pytest.raises(ValidationError):
        user_set_password(personas["leader"], "leader", acting_user=personas["leader"])
    assert personas["leader"].check_password("pass-12345") and not AuditRecord.objects.exists()


# --- fuzz -------------------------------------------------------------------------------------

TEXT = st.one_of(st.text(max_size=300), st.sampled_from(["leader", "admin", " leader ", "LEADER", "", "\x00",
                                                          "leader\x00", "a" * 151, "pass-12345"]))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=TEXT, password=TEXT, ip=st.sampled_from(["10.0.0.1", "10.0.0.2", "", "not-an-ip", "::1"]))
def test_fuzzed_logins_never_fail_and_audit_what_happened(personas, username, password, ip):
    client = Client()
    before = AuditRecord.objects.count()
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    assert response.status_code in (200, 302, 429)
    new = list(AuditRecord.objects.order_by("id")[before:])
    if response.status_code == 302:  # only the real password of a real account gets in
        assert password == "pass-12345" and [r.action for r in new] == [AuditAction.LOGIN]
        assert new[0].actor.username == username.strip() or new[0].actor.username == username
    else:
        assert all(r.action in (AuditAction.LOGIN_FAILED, AuditAction.LOCKOUT) and r.actor is None for r in new)
        assert len([r for r in new if r.action == AuditAction.LOGIN_FAILED]) <= 1
        assert "用户名或密码错误" in response.content.decode() or response.status_code == 429 or not new
    for record in new:
        assert len(record.after["username"]) <= 150 and record.after["address"] in ("10.0.0.1", "10.0.0.2", "0.0.0.0", "::1")


def test_a_page_s_timed_refresh_does_not_keep_an_idle_session_signed_in(client, personas, settings):
    client.force_login(personas["leader"])
    _age_session(client, **{SESSION_SEEN_AT: 120})
    client.get("/jobs/", headers={"X-Lianzhao-Poll": "1", "HX-Request": "true"})
    assert time.time() - client.session[SESSION_SEEN_AT] > 100  # the poll moved nothing
    _age_session(client, **{SESSION_SEEN_AT: settings.SESSION_IDLE_SECONDS + 5})
    response = client.get("/jobs/", headers={"X-Lianzhao-Poll": "1", "HX-Request": "true"})
    assert response.status_code == 401 and response["HX-Redirect"].startswith(LOGIN)  # signed out
