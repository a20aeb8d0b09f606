"""The district's industrial system: industries, honeycomb links between them, and chain maps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel
from lianzhao.core.validators import validate_gbt_codes, validate_word_list
from lianzhao.industries.choices import ChainPosition, IndustryKind, LinkKind


class Industry(TimeStampedModel):
    """A leading (主导) or emerging (新兴) industry of the district."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    slug = models.SlugField(_("编码"), max_length=32, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=IndustryKind.choices)
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("产业")
        verbose_name_plural = _("产业")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class IndustryLink(TimeStampedModel):
    """A honeycomb (蜂巢) synergy link from one industry to another, with where it was stated."""

    source = models.ForeignKey(Industry, verbose_name=_("起点产业"), on_delete=models.CASCADE,
                               related_name="links_out")
    target = models.ForeignKey(Industry, verbose_name=_("终点产业"), on_delete=models.CASCADE,
                               related_name="links_in")
    kind = models.CharField(_("协同方式"), max_length=16, choices=LinkKind.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    citation = models.CharField(_("出处"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("产业协同关系")
        verbose_name_plural = _("产业协同关系")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_industry_link"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}（{self.get_kind_display()}）"


#: The district's presence on a chain node, defined once (the chain map, the gap analysis): a local
#: enterprise is one registered in the district (``is_local``); a 链主 (chain leader) counts on the
#: district's chain only when it is local — an outside chain leader is a company to attract, not
#: presence (it shows among all enterprises, and as 链主 on its own page).
LOCAL_ENTERPRISE = Q(enterprises__is_local=True)
LOCAL_CHAIN_LEADER = Q(enterprises__is_local=True, enterprises__is_chain_leader=True)


class ChainNodeQuerySet(models.QuerySet):
    def with_presence(self):
        """Annotate ``local_count`` (local enterprises mapped to the node) and ``leader_count`` (local
        chain leaders, 链主), one query with the nodes."""
        return self.annotate(local_count=Count("enterprises", filter=LOCAL_ENTERPRISE, distinct=True),
                             leader_count=Count("enterprises", filter=LOCAL_CHAIN_LEADER, distinct=True))


class ChainNode(TimeStampedModel):
    """One link (环节) of an industry's chain map; nodes form a tree per industry."""

    industry = models.ForeignKey(Industry, verbose_name=_("产业"), on_delete=models.CASCADE,
                                 related_name="chain_nodes")
    parent = models.ForeignKey("self", verbose_name=_("上级环节"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="children")
    key = models.SlugField(_("编码"), max_length=48, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    position = models.CharField(_("链位"), max_length=16, choices=ChainPosition.choices)
    description = models.TextField(_("说明"), blank=True)
    gbt_codes = models.JSONField(_("国民经济行业分类代码"), default=list, validators=[validate_gbt_codes],
                                 help_text=_("GB/T 4754-2017 小类代码列表，如 [\"3841\"]"))
    keywords = models.JSONField(_("关键词"), default=list, blank=True, validators=[validate_word_list])
    exclude_keywords = models.JSONField(
        _("排除词"), default=list, blank=True, validators=[validate_word_list],
        help_text=_("主营产品含这些词时不算本环节的产品，如隔膜环节的 [\"液碱\", \"阻隔\"]（隔膜液碱、高阻隔膜）"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ChainNodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["industry", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "name"], name="unique_node_name_per_industry"),
        ]

    def __str__(self) -> str:
        return f"{self.industry.name}·{self.name}" if self.industry_id else self.name

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.industry_id != self.industry_id:
            raise ValidationError({"parent": _("上级环节必须属于同一产业。")})
        if isinstance(self.exclude_keywords, list) and isinstance(self.keywords, list):
            for word in self.exclude_keywords:
                inside = [t for t in (*self.keywords, self.name) if isinstance(t, str) and word.strip() and word.strip() in t]
                if inside:
                    raise ValidationError({"exclude_keywords": _("排除词“%(word)s”出现在“%(term)s”中，会排除本环节自己的产品。")
                                           % {"word": word.strip(), "term": inside[0]}})
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("上级环节不能形成循环。")})
            seen.add(node.pk)
            node = node.parent
