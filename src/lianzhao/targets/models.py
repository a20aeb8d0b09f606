"""Target recommendation: the analyst's weights of the score, and where each generated lead came from."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhao.econ.targets import PART_LABELS, TargetWeights

_DEFAULT = TargetWeights()


class TargetWeightsSetting(models.Model):
    """The weights of the target score's parts (one row: the bureau's current setting). Changed only
    through :func:`lianzhao.targets.services.update_weights` (audited)."""

    product = models.FloatField(_("产品匹配"), default=_DEFAULT.product, validators=[MinValueValidator(0)])
    industry = models.FloatField(_("行业匹配"), default=_DEFAULT.industry, validators=[MinValueValidator(0)])
    supply = models.FloatField(_("配套关系"), default=_DEFAULT.supply, validators=[MinValueValidator(0)])
    scale = models.FloatField(_("规模"), default=_DEFAULT.scale, validators=[MinValueValidator(0)])
    region = models.FloatField(_("区位"), default=_DEFAULT.region, validators=[MinValueValidator(0)])
    preferred_regions = models.JSONField(_("优先区域"), default=list, blank=True,
                                         help_text=_("区划代码列表，如 [\"32\", \"3205\"]"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("招商目标评分权重")
        verbose_name_plural = _("招商目标评分权重")

    def __str__(self) -> str:
        return "、".join(f"{PART_LABELS[k]} {getattr(self, k):g}" for k in PART_LABELS)

    @classmethod
    def current(cls) -> TargetWeightsSetting:
        """The stored setting, or the defaults (unsaved) when no one has set any."""
        return cls.objects.order_by("pk").first() or cls()

    def weights(self) -> TargetWeights:
        return TargetWeights(product=self.product, industry=self.industry, supply=self.supply, scale=self.scale,
                             region=self.region, preferred_regions=tuple(self.preferred_regions or ()))

    def clean(self):
        try:
            self.weights()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class LeadOrigin(models.Model):
    """Where a lead generated from the candidate list came from: the gap node, the company, its score
    with the parts, the reason and sources as shown, and the weights and gap class then in force."""

    project = models.OneToOneField("projects.InvestmentProject", verbose_name=_("项目"), on_delete=models.CASCADE,
                                   related_name="lead_origin")
    node = models.ForeignKey("industries.ChainNode", verbose_name=_("产业链环节"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    gap_class = models.CharField(_("缺口类型"), max_length=16, blank=True)
    score = models.FloatField(_("得分"))
    parts = models.JSONField(_("得分构成"), default=list)
    reason = models.TextField(_("推荐理由"))
    sources = models.JSONField(_("数据来源"), default=list)
    weights = models.JSONField(_("当时的权重"), default=dict)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("线索来源（招商目标推荐）")
        verbose_name_plural = _("线索来源（招商目标推荐）")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.node}"
