"""Companies the bureau knows: local ones (本地企业) and external ones it may attract, their main
products, the product → product relations they are matched through, and the import batches that
brought them in."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel
from lianzhao.core.validators import validate_gbt_code, validate_uscc
from lianzhao.enterprises import search
from lianzhao.enterprises.choices import EnterpriseScale, ImportKind, ProductRelation


class EnterpriseQuerySet(models.QuerySet):
    def local(self):
        return self.filter(is_local=True)

    def external(self):
        return self.filter(is_local=False)

    def listed(self):
        """Companies with a stock code — the condition of the listed-companies index (migration 0006),
        written the same way so that both engines use it."""
        return self.filter(stock_code__gt="")

    def unlisted(self):
        return self.filter(stock_code="")

    def search(self, text: str):
        """Companies whose name, codes or main products contain ``text`` (full-text index; see
        :mod:`lianzhao.enterprises.search`). One Chinese character falls back to a name scan."""
        text = (text or "").strip()
        if not text:
            return self
        if not search.is_searchable(text):
            return self.filter(name__contains=text)
        if connection.vendor == "sqlite":
            return self.extra(where=[f"{self.model._meta.db_table}.id IN (SELECT rowid FROM {search.FTS_TABLE} "
                                     f"WHERE {search.FTS_TABLE} MATCH %s)"], params=[search.fts5_phrase(text)])
        if connection.vendor == "postgresql":
            return self.extra(where=[f"{search.PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"],
                              params=[search.pg_tsquery(text)])
        return self.filter(name__contains=text)


class ImportBatch(models.Model):
    """One import into the registry — a spreadsheet or the reference data — written all at once:
    who, when, which file (name and SHA-256) and how many companies it created, updated and left
    unchanged. Its audit row records the same; each company it changed has its own audit row with the
    fields before and after (companies it created point back to it through ``import_batch``)."""

    kind = models.CharField(_("类型"), max_length=16, choices=ImportKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("文件校验和（SHA-256）"), max_length=64, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新建"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    products = models.PositiveIntegerField(_("主营产品行数"), default=0)
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("企业导入批次")
        verbose_name_plural = _("企业导入批次")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name or self.source}"


class Enterprise(TimeStampedModel):
    """One company, identified by its name and (when known) its unified social credit code.

    ``is_sample`` marks illustrative demo records (示例); real companies carry no invented figures:
    every fact says where it came from (``source``, and each product's own source).
    """

    name = models.CharField(_("企业名称"), max_length=128, unique=True)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True,
                            validators=[validate_uscc])
    region_code = models.CharField(_("所在区划代码"), max_length=9, blank=True)
    gbt_code = models.CharField(_("国民经济行业分类代码"), max_length=5, blank=True,
                                validators=[validate_gbt_code])
    csrc_code = models.CharField(_("证监会行业代码"), max_length=3, blank=True,
                                 help_text=_("门类字母加两位大类代码，如 C38"))
    # Indexed for listed companies only (Meta.indexes): see migration 0006.
    stock_code = models.CharField(_("上市代码"), max_length=12, blank=True,
                                  help_text=_("如 300750.SZ；非上市企业留空"))
    registered_capital = models.DecimalField(_("注册资本（万元）"), max_digits=14, decimal_places=2, null=True,
                                             blank=True, validators=[MinValueValidator(0)])
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    chain_nodes = models.ManyToManyField("industries.ChainNode", verbose_name=_("所属产业链环节"),
                                         blank=True, related_name="enterprises")
    is_local = models.BooleanField(_("本地企业"), default=False)
    is_chain_leader = models.BooleanField(_("链主企业"), default=False)
    scale = models.CharField(_("规模"), max_length=8, choices=EnterpriseScale.choices, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    # No index: no page looks companies up by batch, and without it a re-import that changes only
    # unindexed values (capital, dates, scale) updates its rows in place on PostgreSQL (see migration 0005).
    import_batch = models.ForeignKey(ImportBatch, verbose_name=_("导入批次"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="enterprises", db_index=False)
    note = models.TextField(_("备注"), blank=True)
    #: Search tokens of the name, codes and products (:mod:`lianzhao.enterprises.search`); derived.
    search_text = models.TextField(blank=True, editable=False, default="")

    objects = EnterpriseQuerySet.as_manager()
    audit_exclude = ("search_text",)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["csrc_code"], name="enterprise_csrc"),
                   models.Index(fields=["gbt_code"], name="enterprise_gbt"),
                   models.Index(fields=["is_local", "region_code"], name="enterprise_local_region"),
                   models.Index(fields=["stock_code"], name="enterprise_listed", condition=Q(stock_code__gt=""))]

    def __str__(self) -> str:
        return self.name

    @property
    def is_listed(self) -> bool:
        return bool(self.stock_code)

    def searchable_texts(self, products: list[str] | None = None) -> list[str]:
        """What the full-text index covers: names, codes and main products."""
        if products is None:
            products = list(self.products.values_list("name", flat=True)) if self.pk else []
        return [self.name, self.short_name, self.uscc or "", self.stock_code, self.gbt_code, self.csrc_code, *products]

    def save(self, *args, **kwargs):
        # Store the canonical form: upper-case, and NULL instead of "" so uniqueness ignores blanks.
        self.uscc = (self.uscc or "").strip().upper() or None
        self.search_text = search.search_tokens(*self.searchable_texts())
        super().save(*args, **kwargs)


class EnterpriseProduct(models.Model):
    """A main product (主营产品) of a company, with its share of revenue when a source gives one."""

    # No index of its own: the unique (enterprise, name) index below starts with it and serves every
    # lookup by company; a second one only cost each import of a million companies' products time.
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="products", db_index=False)
    name = models.CharField(_("产品"), max_length=64, db_index=True)
    share = models.DecimalField(_("营收占比"), max_digits=5, decimal_places=4, null=True, blank=True,
                                validators=[MinValueValidator(0), MaxValueValidator(1)])
    source = models.CharField(_("来源"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主营产品")
        verbose_name_plural = _("主营产品")
        ordering = ["enterprise", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="unique_product_per_enterprise")]

    def __str__(self) -> str:
        return self.name


class ProductLink(models.Model):
    """``from_product`` —relation→ ``to_product``: 上游材料 (to is a material of from), 产品小类
    (to is a sub-type of from), 下游产品 (to is made from from). Reference data."""

    from_product = models.CharField(_("产品"), max_length=64, db_index=True)
    to_product = models.CharField(_("关联产品"), max_length=64, db_index=True)
    relation = models.CharField(_("关系"), max_length=16, choices=ProductRelation.choices)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("产品上下游关系")
        verbose_name_plural = _("产品上下游关系")
        constraints = [models.UniqueConstraint(fields=["from_product", "to_product", "relation"],
                                               name="unique_product_link")]

    def __str__(self) -> str:
        return f"{self.from_product} → {self.to_product}（{self.get_relation_display()}）"


__all__ = ["Enterprise", "EnterpriseProduct", "EnterpriseQuerySet", "ImportBatch", "ProductLink"]
