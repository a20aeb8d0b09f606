"""Annual targets of the bureau's departments (年度目标), the basis of the 进位争先 ranking."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel
from lianzhao.core.validators import amount_validators


class DepartmentTarget(TimeStampedModel):
    """One department's targets for one calendar year: signed amount (亿元), funds in place (亿元),
    newly signed projects, projects started (开工) and projects put into production (投产). Edited by
    admins only, every change audited."""

    department = models.ForeignKey("accounts.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[
        MinValueValidator(2000, _("年度应在 2000 至 2100 之间。")),
        MaxValueValidator(2100, _("年度应在 2000 至 2100 之间。"))])
    signed_amount = models.DecimalField(_("签约额目标（亿元）"), max_digits=12, decimal_places=2,
                                        validators=amount_validators(negative=_("签约额目标不能为负数。")))
    projects_started = models.PositiveIntegerField(_("开工项目数目标"))
    projects_in_production = models.PositiveIntegerField(_("投产项目数目标"))
    funds_in_place = models.DecimalField(_("到位资金目标（亿元）"), max_digits=12, decimal_places=2, null=True,
                                         blank=True, validators=amount_validators(negative=_("到位资金目标不能为负数。")),
                                         help_text=_("实际到位资金的年度目标；留空则不参与排名。"))
    new_projects = models.PositiveIntegerField(_("新签约项目数目标"), null=True, blank=True,
                                               help_text=_("本年首次签约的项目个数（不重复统计）；留空则不参与排名。"))
    note = models.CharField(_("说明"), max_length=200, blank=True,
                            help_text=_("目标来源或口径说明；演示数据注明“示例”。"))

    class Meta:
        verbose_name = _("部门年度目标")
        verbose_name_plural = _("部门年度目标")
        ordering = ["-year", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="unique_target_per_department_year"),
            models.CheckConstraint(condition=Q(signed_amount__gte=0), name="target_signed_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.department}"
