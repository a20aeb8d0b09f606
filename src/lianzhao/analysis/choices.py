from django.db import models


class SectorLevel(models.TextChoices):
    IO153 = "io153", "投入产出 153 部门"
    IO42 = "io42", "投入产出 42 部门"
    GBT = "gbt", "国民经济行业分类（GB/T 4754-2017）"


class Measure(models.TextChoices):
    OUTPUT = "output", "总产出（万元）"
    EMPLOYMENT = "employment", "从业人员（人）"


class RegionalizationMethod(models.TextChoices):
    FLQ = "flq", "FLQ（Flegg 区位商，推荐）"
    AFLQ = "aflq", "AFLQ（增强 FLQ）"
    CILQ = "cilq", "CILQ（交叉行业区位商）"
    SLQ = "slq", "SLQ（简单区位商）"


TABLE_CHOICES = [(2020, "2020 年"), (2018, "2018 年"), (2017, "2017 年")]
SECTOR_COUNT_CHOICES = [(153, "153 部门"), (42, "42 部门")]
