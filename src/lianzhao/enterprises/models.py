"""Companies the bureau knows: local ones (本地企业) and external ones it may attract."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel
from lianzhao.core.validators import validate_gbt_code, validate_uscc
from lianzhao.enterprises.choices import EnterpriseScale


class EnterpriseQuerySet(models.QuerySet):
    def local(self):
        return self.filter(is_local=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(uscc__iexact=text))


class Enterprise(TimeStampedModel):
    """One company, identified by its name and (when known) its unified social credit code.

    ``is_sample`` marks illustrative demo records (示例); real companies carry no invented figures.
    """

    name = models.CharField(_("企业名称"), max_length=128, unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True,
                            validators=[validate_uscc])
    region_code = models.CharField(_("所在区划代码"), max_length=9, blank=True)
    gbt_code = models.CharField(_("国民经济行业分类代码"), max_length=5, blank=True,
                                validators=[validate_gbt_code])
    chain_nodes = models.ManyToManyField("industries.ChainNode", verbose_name=_("所属产业链环节"),
                                         blank=True, related_name="enterprises")
    is_local = models.BooleanField(_("本地企业"), default=False)
    is_chain_leader = models.BooleanField(_("链主企业"), default=False)
    scale = models.CharField(_("规模"), max_length=8, choices=EnterpriseScale.choices, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    note = models.TextField(_("备注"), blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Store the canonical form: upper-case, and NULL instead of "" so uniqueness ignores blanks.
        self.uscc = (self.uscc or "").strip().upper() or None
        super().save(*args, **kwargs)
