"""Every change to a user account: creation and password changes, each validated, in one
transaction with its own audit row. The `createuser` command, the demo loader and the
"change my password" page all come here, so the password rules hold on every path."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot


def user_create(
    username: str, *, role: str, password: str, department: Department | None = None,
    display_name: str = "", acting_user=None, reason: str = "创建用户",
) -> User:
    """Create an active user with ``role``; admins also get the Django admin (staff, superuser).

    Raises ``ValidationError`` when the password breaks a rule of ``AUTH_PASSWORD_VALIDATORS``
    (length, common, numeric, similar to the user's names) or the user is invalid (an officer
    without a department, a taken username); nothing is written then.
    """
    is_admin = role == Role.ADMIN
    user = User(username=username, role=role, department=department, display_name=display_name,
                is_staff=is_admin, is_superuser=is_admin)
    user.full_clean(exclude=["password"])
    validate_password(password, user=user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=user, before=None,
                      after=snapshot(user), reason=reason)
    return user


def user_set_password(user: User, password: str, *, acting_user) -> User:
    """Set a new password after checking it against every password rule; one audit row says the
    password changed (never what it is: ``User.audit_exclude`` leaves the hash out)."""
    validate_password(password, user=user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_change(actor=acting_user, action=AuditAction.PASSWORD, obj=user, before=None,
                      after=None, reason="修改密码")
    return user
