"""Headline indicators shown on the dashboard, each with its definition (口径), year and source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel


class Indicator(TimeStampedModel):
    """A published or assumed figure about the district (e.g. 2024 整车产量 突破 45 万辆).

    ``is_sample`` marks illustrative assumptions (示例); published figures cite their ``source``.
    """

    key = models.SlugField(_("编码"), max_length=48, unique=True)
    label = models.CharField(_("指标"), max_length=64)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    qualifier = models.CharField(_("表述"), max_length=16, blank=True, help_text=_("如“突破”“超过”“目标”"))
    year = models.PositiveSmallIntegerField(_("年份"))
    source = models.CharField(_("来源"), max_length=200)
    note = models.CharField(_("说明/口径"), max_length=255, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("区域指标")
        verbose_name_plural = _("区域指标")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.label}"
