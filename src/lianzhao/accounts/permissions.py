"""Who may do what. Views and services both call these; hiding a button is never the check.

Roles: admin (everything), leader (reads everything, audit log), analyst (reads everything, runs
analyses), officer (reads everything, edits only projects of their own department). A user with no
role reads nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.choices import Role


def role_of(user) -> str:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    if user.is_superuser:
        return Role.ADMIN
    return user.role or ""


def can_read(user) -> bool:
    """Any active user with a role reads projects, enterprises, industries and the dashboard."""
    return role_of(user) in (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.ANALYST)


def can_view_audit(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.LEADER)


def can_create_project(user, department=None) -> bool:
    """Admins create anywhere; officers only for their own department."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if role == Role.OFFICER and user.department_id is not None:
        return department is None or getattr(department, "pk", department) == user.department_id
    return False


def can_edit_project(user, project) -> bool:
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.OFFICER and user.department_id is not None and (
        project.department_id == user.department_id
    )


def can_edit_enterprises(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER)


def require(allowed: bool, message: str = _("您没有权限执行此操作。")) -> None:
    """Raise PermissionDenied (HTTP 403) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def can_manage_analysis(user) -> bool:
    """Analysts and admins import the regional base and change the analysis settings."""
    return role_of(user) in (Role.ADMIN, Role.ANALYST)


def can_edit_node_words(user) -> bool:
    """Analysts and admins edit a chain node's keywords and exclusion words from its candidate list
    (the rest of the chain map stays with the admin)."""
    return role_of(user) in (Role.ADMIN, Role.ANALYST)


def can_edit_target_weights(user) -> bool:
    """Analysts and admins set the weights of the target score (招商目标推荐)."""
    return role_of(user) in (Role.ADMIN, Role.ANALYST)
