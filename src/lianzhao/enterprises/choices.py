from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class EnterpriseScale(TranslatedTextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class ImportKind(TranslatedTextChoices):
    FILE = "file", _("文件导入")
    REFDATA = "refdata", _("参考数据")


class ProductRelation(TranslatedTextChoices):
    """Relations of the product graph (``from`` → ``to``): ``to`` is a material of ``from``, a
    sub-type of it, or made from it."""

    UPSTREAM = "upstream", _("上游材料")
    SUBTYPE = "subtype", _("产品小类")
    DOWNSTREAM = "downstream", _("下游产品")
