"""Inputs of the district's input-output analysis: the regional base (sector output or employment,
imported by the bureau), the analysis settings, and per-project impact assumptions."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianzhao.analysis.choices import (
    SECTOR_COUNT_CHOICES,
    TABLE_CHOICES,
    Measure,
    RegionalizationMethod,
    SectorLevel,
)
from lianzhao.core.models import TimeStampedModel


class RegionalBase(TimeStampedModel):
    """One imported version of a region's sector output (or employment). The active version feeds
    every analysis; older versions stay for the record."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="bases")
    name = models.CharField(_("名称"), max_length=128)
    measure = models.CharField(_("指标"), max_length=16, choices=Measure.choices, default=Measure.OUTPUT)
    is_active = models.BooleanField(_("当前使用"), default=True)
    note = models.TextField(_("说明"), blank=True)
    imported_by = models.ForeignKey("accounts.User", verbose_name=_("导入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("区域基础数据")
        verbose_name_plural = _("区域基础数据")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region"], condition=Q(is_active=True),
                                    name="one_active_base_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.name}"


class RegionalBaseRow(models.Model):
    """One sector's (or GB/T class's) value in a regional base, with its year and source."""

    base = models.ForeignKey(RegionalBase, verbose_name=_("基础数据"), on_delete=models.CASCADE,
                             related_name="rows")
    level = models.CharField(_("代码类型"), max_length=8, choices=SectorLevel.choices)
    code = models.CharField(_("代码"), max_length=8)
    name = models.CharField(_("名称"), max_length=64, blank=True)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    as_of_year = models.PositiveSmallIntegerField(_("数据年份"))
    source = models.CharField(_("来源"), max_length=200)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    note = models.CharField(_("说明/假设"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("区域基础数据行")
        verbose_name_plural = _("区域基础数据行")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["base", "level", "code"], name="unique_base_row"),
            models.CheckConstraint(condition=Q(value__gte=0), name="base_row_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} = {self.value}"


class AnalysisSettings(TimeStampedModel):
    """How a region's analysis is run: which national table, which quotient, δ and gap thresholds."""

    region = models.OneToOneField("core.Region", verbose_name=_("区域"), on_delete=models.CASCADE,
                                  related_name="analysis_settings")
    table_year = models.PositiveSmallIntegerField(_("投入产出表年份"), choices=TABLE_CHOICES, default=2020)
    table_sectors = models.PositiveSmallIntegerField(_("部门数"), choices=SECTOR_COUNT_CHOICES, default=153)
    method = models.CharField(_("区域化方法"), max_length=8, choices=RegionalizationMethod.choices,
                              default=RegionalizationMethod.FLQ)
    delta = models.DecimalField(_("δ（FLQ 参数）"), max_digits=4, decimal_places=3, default=Decimal("0.300"),
                                validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.999"))])
    thresholds = models.JSONField(_("补链/强链/延链阈值"), default=dict, blank=True,
                                  help_text=_("留空使用默认阈值；键见文档 docs/gaps.md"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("分析设置")
        verbose_name_plural = _("分析设置")

    def __str__(self) -> str:
        return gettext("%(region)s 分析设置") % {"region": self.region.name}


class ProjectImpactInput(TimeStampedModel):
    """The bureau's assumptions for one project's impact card (what the project itself does not say)."""

    project = models.OneToOneField("projects.InvestmentProject", verbose_name=_("项目"), on_delete=models.CASCADE,
                                   related_name="impact_input")
    annual_output = models.DecimalField(_("预计达产年产值（亿元）"), max_digits=12, decimal_places=2, null=True,
                                        blank=True, validators=[MinValueValidator(0)])
    sector_override = models.CharField(_("所属投入产出部门（覆盖）"), max_length=8, blank=True,
                                       help_text=_("留空则按项目产业链环节的行业代码对应"))
    construction_shares = models.JSONField(_("建设投资构成（部门: 比例）"), default=dict, blank=True,
                                           help_text=_("留空使用默认构成；比例之和须为 1"))
    note = models.CharField(_("假设说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("项目影响测算假设")
        verbose_name_plural = _("项目影响测算假设")

    def __str__(self) -> str:
        return gettext("%(project)s 测算假设") % {"project": self.project}
