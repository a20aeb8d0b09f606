from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class IndustryKind(TranslatedTextChoices):
    LEADING = "leading", _("主导产业")
    EMERGING = "emerging", _("新兴产业")


class ChainPosition(TranslatedTextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


class LinkKind(TranslatedTextChoices):
    APPLICATION = "application", _("应用场景")
    ENERGY_STORAGE = "energy_storage", _("储能路径")
    INNOVATION = "innovation", _("创新协同")
    SUPPLY = "supply", _("供需配套")
    OTHER = "other", _("其他")
