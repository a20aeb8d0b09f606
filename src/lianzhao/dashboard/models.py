"""Headline indicators shown on the dashboard, each with its definition (口径), year and source."""

from __future__ import annotations

from django.db import models

from lianzhao.core.models import TimeStampedModel


class Indicator(TimeStampedModel):
    """A published or assumed figure about the district (e.g. 2024 整车产量 突破 45 万辆).

    ``is_sample`` marks illustrative assumptions (示例); published figures cite their ``source``.
    """

    key = models.SlugField("编码", max_length=48, unique=True)
    label = models.CharField("指标", max_length=64)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    unit = models.CharField("单位", max_length=16, blank=True)
    qualifier = models.CharField("表述", max_length=16, blank=True, help_text="如“突破”“超过”“目标”")
    year = models.PositiveSmallIntegerField("年份")
    source = models.CharField("来源", max_length=200)
    note = models.CharField("说明/口径", max_length=255, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "区域指标"
        verbose_name_plural = "区域指标"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.label}"
