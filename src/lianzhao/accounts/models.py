"""Departments of the bureau and the users who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.choices import Role


class Department(models.Model):
    """A department (科室) of the investment-promotion bureau; projects belong to one."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    focus = models.CharField(_("负责领域"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using lianzhao. ``role`` decides permissions; officers belong to a department."""

    display_name = models.CharField(_("显示名"), max_length=64, blank=True)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )

    #: Never in an audit snapshot: the password hash, and the login time (logins have their own rows).
    audit_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self):
        super().clean()
        if self.role == Role.OFFICER and self.department_id is None:
            raise ValidationError({"department": _("招商专员必须属于一个部门。")})
