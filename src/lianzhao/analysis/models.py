"""Inputs of the district's input-output analysis: the regional base (sector output or employment,
imported by the bureau), the analysis settings, the analysts' superior data (hybrid-table overrides
and node shares), and per-project impact assumptions."""

from __future__ import annotations

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianzhao.analysis.choices import (
    SECTOR_COUNT_CHOICES,
    TABLE_CHOICES,
    Measure,
    NodeShareRule,
    OverrideKind,
    OverrideRest,
    RegionalizationMethod,
    SectorLevel,
)
from lianzhao.core.models import TimeStampedModel
from lianzhao.econ import concordance
from lianzhao.econ.hybrid import NON_TRADABLES_153, ColumnOverride, LocalShareOverride

SHARE = [MinValueValidator(0), MaxValueValidator(1)]


def default_non_tradables() -> list[str]:
    """The documented default list (econ.hybrid.NON_TRADABLES_153) for a new region's settings."""
    return list(NON_TRADABLES_153)


def _sector_codes(table_sectors: int, table_year: int) -> dict[str, str]:
    try:
        return concordance.sector_names(table_sectors, table_year)
    except concordance.ConcordanceError:
        return {}


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
    """How a region's analysis is run: which national table, which quotient and δ (one for all
    sectors, or per sector: SFLQ), which sectors are supplied locally, how node shares are set, and
    the thresholds of the gap classes (docs/gaps.md). Every field is typed and checked here, so no
    form — the page's or the admin's — can save a value the analysis cannot use."""

    region = models.OneToOneField("core.Region", verbose_name=_("区域"), on_delete=models.CASCADE,
                                  related_name="analysis_settings")
    table_year = models.PositiveSmallIntegerField(_("投入产出表年份"), choices=TABLE_CHOICES, default=2020)
    table_sectors = models.PositiveSmallIntegerField(_("部门数"), choices=SECTOR_COUNT_CHOICES, default=153)
    method = models.CharField(_("区域化方法"), max_length=8, choices=RegionalizationMethod.choices,
                              default=RegionalizationMethod.FLQ)
    delta = models.DecimalField(_("δ（FLQ 参数）"), max_digits=4, decimal_places=3, default=Decimal("0.300"),
                                validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.999"))])
    sector_delta = models.JSONField(_("分部门 δ（SFLQ）"), default=dict, blank=True,
                                    help_text=_("部门代码 → δ；未列出的部门用上面的 δ"))
    non_tradables = models.JSONField(_("本地供给部门（不可贸易）"), default=default_non_tradables, blank=True,
                                     help_text=_("这些部门的产品视为全部在区内采购"))
    node_share_rule = models.CharField(_("节点份额规则"), max_length=8, choices=NodeShareRule.choices,
                                       default=NodeShareRule.CLASSES)
    min_demand = models.DecimalField(_("需求门槛下限（亿元）"), max_digits=10, decimal_places=2, default=Decimal("0"),
                                     validators=[MinValueValidator(0), MaxValueValidator(Decimal("100000"))])
    plant_share = models.DecimalField(_("需求门槛（典型企业年产值的倍数）"), max_digits=5, decimal_places=2,
                                      default=Decimal("1.00"),
                                      validators=[MinValueValidator(0), MaxValueValidator(Decimal("100"))])
    strengthen_leakage = models.DecimalField(_("强链外溢比例阈值"), max_digits=4, decimal_places=3,
                                             default=Decimal("0.500"), validators=SHARE)
    extend_linkage = models.DecimalField(_("延链联系系数阈值"), max_digits=5, decimal_places=4,
                                         default=Decimal("0.0200"), validators=SHARE)
    strong_neighbour_share = models.DecimalField(_("强环节本地供给比例阈值"), max_digits=4, decimal_places=3,
                                                 default=Decimal("0.500"), validators=SHARE)
    chain_leader_is_strong = models.BooleanField(_("有本地链主即为强环节"), default=True)
    import_substitution_share = models.DecimalField(_("进口替代候选的进口比例阈值"), max_digits=4, decimal_places=3,
                                                    default=Decimal("0.250"), validators=SHARE)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("分析设置")
        verbose_name_plural = _("分析设置")

    def __str__(self) -> str:
        return gettext("%(region)s 分析设置") % {"region": self.region.name}

    def clean(self):
        codes = _sector_codes(self.table_sectors, self.table_year)
        errors = {}
        nt = self.non_tradables
        if not isinstance(nt, list) or not all(isinstance(c, str) for c in nt):
            errors["non_tradables"] = gettext("请填写部门代码的列表，如 [\"104\", \"110\"]。")
        elif codes and (unknown := [c for c in nt if c not in codes]):
            errors["non_tradables"] = gettext("部门代码不在 %(year)s 年 %(n)s 部门表中：%(codes)s。") % {
                "year": self.table_year, "n": self.table_sectors, "codes": "、".join(unknown[:10])}
        sd = self.sector_delta
        if not isinstance(sd, dict):
            errors["sector_delta"] = gettext("请填写 {\"部门代码\": δ} 形式的对象。")
        else:
            bad = [f"{k}={v!r}" for k, v in sd.items()
                   if (codes and k not in codes) or isinstance(v, bool) or not isinstance(v, int | float)
                   or not math.isfinite(v) or not 0 <= v < 1]
            if bad:
                errors["sector_delta"] = gettext("分部门 δ 须为本表部门代码对应 [0, 1) 之间的数：%(bad)s。") % {
                    "bad": "、".join(bad[:10])}
        if errors:
            raise ValidationError(errors)


class NodeShare(TimeStampedModel):
    """An analyst's share ``s_i`` of one IO sector's demand that a chain node stands for (superior
    data replacing the GB/T 小类 rule for that node and sector), with its source."""

    node = models.ForeignKey("industries.ChainNode", verbose_name=_("产业链环节"), on_delete=models.CASCADE,
                             related_name="analysis_shares")
    table_sectors = models.PositiveSmallIntegerField(_("部门数"), choices=SECTOR_COUNT_CHOICES, default=153)
    sector = models.CharField(_("投入产出部门"), max_length=8)
    share = models.DecimalField(_("份额"), max_digits=5, decimal_places=4, validators=SHARE)
    source = models.CharField(_("来源/依据"), max_length=255)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    author = models.ForeignKey("accounts.User", verbose_name=_("设定人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("节点份额")
        verbose_name_plural = _("节点份额")
        ordering = ["node__industry__order", "node__order", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["node", "table_sectors", "sector"], name="one_share_per_node_sector"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="node_share_in_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.node} · {self.sector} = {self.share}"


class CoefficientOverride(TimeStampedModel):
    """Superior data laid over the regionalized table (GRIT hybrid method, docs/gaps.md): a sector's
    purchases per 元 of output (a local cost survey, a chain leader's bill of materials), or the share
    of a product bought inside the district. With source, date and author; removable."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.CASCADE,
                               related_name="coefficient_overrides")
    table_sectors = models.PositiveSmallIntegerField(_("部门数"), choices=SECTOR_COUNT_CHOICES, default=153)
    kind = models.CharField(_("类型"), max_length=12, choices=OverrideKind.choices)
    sector = models.CharField(_("投入产出部门"), max_length=8)
    coefficients = models.JSONField(_("每元产出的采购（部门: 系数）"), default=dict, blank=True)
    rest = models.CharField(_("未列出的投入"), max_length=8, choices=OverrideRest.choices, default=OverrideRest.KEEP)
    share = models.DecimalField(_("本地采购比例"), max_digits=5, decimal_places=4, null=True, blank=True,
                                validators=SHARE)
    weight = models.DecimalField(
        _("按此结构生产的产出比例"), max_digits=5, decimal_places=4, null=True, blank=True, validators=SHARE,
        help_text=_("采购结构只代表该部门的一部分产出时填写（如新能源车占整车产出 0.2）；其余产出保持全国表的结构。"
                    "留空表示全部产出。"))
    label = models.CharField(_("名称"), max_length=120)
    source = models.TextField(_("来源/依据"))
    as_of = models.DateField(_("数据日期"))
    is_sample = models.BooleanField(_("示例数据"), default=False)
    author = models.ForeignKey("accounts.User", verbose_name=_("设定人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("混合表覆盖")
        verbose_name_plural = _("混合表覆盖")
        ordering = ["kind", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["region", "table_sectors", "kind", "sector"],
                                    name="one_override_per_sector_and_kind"),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        if self.kind == OverrideKind.COLUMN:
            c = self.coefficients
            if not isinstance(c, dict) or not c:
                raise ValidationError({"coefficients": gettext("请至少填写一个部门的系数。")})
            bad = [f"{k}={v!r}" for k, v in c.items() if not isinstance(k, str) or isinstance(v, bool)
                   or not isinstance(v, int | float) or not math.isfinite(v) or not 0 <= v < 1]
            if bad:
                raise ValidationError({"coefficients": gettext("系数须为 [0, 1) 之间的数：%(bad)s。")
                                       % {"bad": "、".join(bad[:10])}})
            if self.weight is not None and self.weight <= 0:
                raise ValidationError({"weight": gettext("产出比例须大于 0（留空表示全部产出）。")})
        elif self.share is None:
            raise ValidationError({"share": gettext("请填写本地采购比例（0 到 1）。")})

    @property
    def is_weighted(self) -> bool:
        """A column override that stands for part of the sector's output only (weight below 1)."""
        return self.kind == OverrideKind.COLUMN and self.weight is not None and self.weight < 1

    def econ(self) -> ColumnOverride | LocalShareOverride:
        """The override as :mod:`lianzhao.econ.hybrid` applies it."""
        if self.kind == OverrideKind.COLUMN:
            return ColumnOverride(self.sector, {k: float(v) for k, v in self.coefficients.items()}, rest=self.rest,
                                  source=self.source, label=self.label,
                                  weight=float(self.weight) if self.weight is not None else 1.0)
        return LocalShareOverride(self.sector, float(self.share), source=self.source, label=self.label)


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
