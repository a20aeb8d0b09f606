from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class SectorLevel(TranslatedTextChoices):
    IO153 = "io153", _("投入产出 153 部门")
    IO42 = "io42", _("投入产出 42 部门")
    GBT = "gbt", _("国民经济行业分类（GB/T 4754-2017）")


class Measure(TranslatedTextChoices):
    OUTPUT = "output", _("总产出（万元）")
    EMPLOYMENT = "employment", _("从业人员（人）")


class RegionalizationMethod(TranslatedTextChoices):
    FLQ = "flq", _("FLQ（Flegg 区位商，推荐）")
    AFLQ = "aflq", _("AFLQ（增强 FLQ）")
    CILQ = "cilq", _("CILQ（交叉行业区位商）")
    SLQ = "slq", _("SLQ（简单区位商）")


TABLE_CHOICES = [(year, format_lazy(_("{year} 年"), year=year)) for year in (2020, 2018, 2017)]
SECTOR_COUNT_CHOICES = [(n, format_lazy(_("{n} 部门"), n=n)) for n in (153, 42)]


class NodeShareRule(TranslatedTextChoices):
    CLASSES = "classes", _("按 GB/T 小类份额（默认）")
    EVEN = "even", _("按部门在环节间均分")


class OverrideKind(TranslatedTextChoices):
    COLUMN = "column", _("投入结构（某部门每元产出的采购）")
    LOCAL_SHARE = "local_share", _("本地采购比例（某产品在区内采购的比例）")


class OverrideRest(TranslatedTextChoices):
    KEEP = "keep", _("未列出的投入保持全国表数值")
    SCALE = "scale", _("未列出的投入等比例缩放，中间投入合计不变")
