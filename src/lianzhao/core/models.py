"""Small shared pieces: the timestamped base model and the administrative region."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-change times (aware, UTC in the database)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def validate_division_code(value: str) -> None:
    """A statistical division code has 2 (province), 4 (city), 6 (county) or 9 (township) digits."""
    if not (value.isdigit() and len(value) in (2, 4, 6, 9)):
        raise ValidationError(_("区划代码应为 2、4、6 或 9 位数字。"), code="division_format")


class Region(models.Model):
    """An administrative division the platform works for or refers to (即墨区 = 370215)."""

    code = models.CharField(_("区划代码"), max_length=9, unique=True, validators=[validate_division_code])
    name = models.CharField(_("名称"), max_length=64)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
