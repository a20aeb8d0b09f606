"""Investment projects (招商项目) and their timelines."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from lianzhao.core.models import TimeStampedModel
from lianzhao.projects.choices import (
    TRANSITIONS,
    AttractionMethod,
    EventKind,
    ProjectStage,
)


class InvestmentProjectQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("investor", "industry", "chain_node", "department", "officer")

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(investor__name__icontains=text) | Q(referrer__icontains=text)
        )


class InvestmentProject(TimeStampedModel):
    """One investment project, followed from first lead to full capacity under one identity.

    Amounts are in 亿元 (100 million yuan). ``stage`` changes only through
    :func:`lianzhao.projects.services.change_stage`.
    """

    name = models.CharField("项目名称", max_length=128)
    investor = models.ForeignKey("enterprises.Enterprise", verbose_name="投资方", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="projects")
    industry = models.ForeignKey("industries.Industry", verbose_name="所属产业", on_delete=models.PROTECT,
                                 related_name="projects")
    chain_node = models.ForeignKey("industries.ChainNode", verbose_name="产业链环节", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="projects")
    amount = models.DecimalField("计划投资额（亿元）", max_digits=12, decimal_places=2, null=True,
                                 blank=True, validators=[MinValueValidator(0, "计划投资额不能为负数。")])
    method = models.CharField("招商方式", max_length=16, choices=AttractionMethod.choices)
    referrer = models.CharField("引荐人/机构", max_length=128, blank=True)
    source = models.CharField("线索来源", max_length=200, blank=True)
    stage = models.CharField("阶段", max_length=16, choices=ProjectStage.choices,
                             default=ProjectStage.LEAD, db_index=True)
    paused_from = models.CharField("暂缓前阶段", max_length=16, choices=ProjectStage.choices, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name="责任部门",
                                   on_delete=models.PROTECT, related_name="projects")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="责任人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="projects")
    lead_date = models.DateField("线索日期", null=True, blank=True)
    contacted_date = models.DateField("接洽日期", null=True, blank=True)
    negotiating_date = models.DateField("洽谈日期", null=True, blank=True)
    signed_date = models.DateField("签约日期", null=True, blank=True)
    signed_amount = models.DecimalField("签约投资额（亿元）", max_digits=12, decimal_places=2, null=True,
                                        blank=True, validators=[MinValueValidator(0, "签约投资额不能为负数。")])
    registered_date = models.DateField("注册日期", null=True, blank=True)
    construction_date = models.DateField("开工日期", null=True, blank=True)
    production_date = models.DateField("投产日期", null=True, blank=True)
    full_capacity_date = models.DateField("达产日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    citation = models.CharField("出处", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = InvestmentProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["investor", "name"], name="unique_project_per_investor"),
            models.UniqueConstraint(fields=["name"], condition=Q(investor__isnull=True),
                                    name="unique_project_without_investor"),
            models.CheckConstraint(condition=Q(amount__gte=0) | Q(amount__isnull=True),
                                   name="project_amount_not_negative"),
            models.CheckConstraint(condition=Q(signed_amount__gte=0) | Q(signed_amount__isnull=True),
                                   name="project_signed_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["department", "stage"])]

    def __str__(self) -> str:
        return self.name

    def allowed_moves(self) -> list[str]:
        """Stages this project may move to next (for 暂缓: only back to where it paused, or 终止)."""
        if self.stage == ProjectStage.PAUSED:
            back = [self.paused_from] if self.paused_from else []
            return [*back, ProjectStage.DROPPED]
        return list(TRANSITIONS.get(self.stage, []))

    def can_advance_to(self, stage: str) -> bool:
        return stage in self.allowed_moves()

    @property
    def stage_label(self) -> str:
        return ProjectStage(self.stage).label


class ProjectEvent(models.Model):
    """One entry on a project's timeline: a stage change, visit, meeting, call or note."""

    project = models.ForeignKey(InvestmentProject, verbose_name="项目", on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField("类型", max_length=16, choices=EventKind.choices)
    occurred_on = models.DateField("发生日期")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_stage = models.CharField("原阶段", max_length=16, choices=ProjectStage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=16, choices=ProjectStage.choices, blank=True)
    text = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "项目动态"
        verbose_name_plural = "项目动态"
        ordering = ["-occurred_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["project", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"
