from django.db import models


class IndustryKind(models.TextChoices):
    LEADING = "leading", "主导产业"
    EMERGING = "emerging", "新兴产业"


class ChainPosition(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


class LinkKind(models.TextChoices):
    APPLICATION = "application", "应用场景"
    ENERGY_STORAGE = "energy_storage", "储能路径"
    INNOVATION = "innovation", "创新协同"
    SUPPLY = "supply", "供需配套"
    OTHER = "other", "其他"
