"""Investment projects (招商项目) and their timelines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel
from lianzhao.core.validators import validate_uscc
from lianzhao.projects import lights
from lianzhao.projects.choices import (
    PIPELINE,
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    TRANSITIONS,
    AttractionMethod,
    EventKind,
    InvestmentChangeKind,
    ProjectStage,
    counts,
)


class InvestmentProjectQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("investor", "industry", "chain_node", "department", "officer")

    def counted(self):
        """Projects that count in lists and totals (:func:`counts`)."""
        return self.filter(counts())

    def with_light(self, today: dt.date, rule: TrafficLightRule):
        """Annotate ``light`` (red/yellow/green/none) in SQL — an expression over the row, no query
        per row — so lists can filter and count by light. The rules are those of
        :func:`lianzhao.projects.lights.light_for`; tests check both give the same colour."""
        return lights.annotate_light(self, today=today, rule=rule)

    def refresh_last_event_on(self) -> int:
        """Recompute ``last_event_on`` of these projects from their timelines (one UPDATE, an index
        seek per project). For writes that bypass :meth:`ProjectEvent.save`: moving events with
        ``update()`` (merging duplicates), ``bulk_create`` (the benchmark) and the migration."""
        latest = (ProjectEvent.objects.filter(project=OuterRef("pk")).order_by("-occurred_on")
                  .values("occurred_on")[:1])
        return self.update(last_event_on=Subquery(latest))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(investor__name__icontains=text) | Q(referrer__icontains=text)
        )


class CountedProjectManager(models.Manager.from_queryset(InvestmentProjectQuerySet)):
    """The default manager: a project merged into another (a duplicate) is left out of every list,
    total and related set. ``InvestmentProject.all_objects`` still reaches it (its page, audits)."""

    def get_queryset(self):
        return super().get_queryset().filter(counts())


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
    # Stage evidence (阶段佐证): recorded by change_stage with the stage, see choices.STAGE_SPECS.
    signed_counterparty = models.CharField("签约主体", max_length=128, blank=True)
    registered_uscc = models.CharField("新设企业统一社会信用代码", max_length=18, blank=True,
                                       validators=[validate_uscc])
    construction_permit_no = models.CharField("施工许可证号", max_length=64, blank=True)
    capacity_text = models.CharField("达产产能", max_length=200, blank=True)
    capacity_value = models.DecimalField("产能数值", max_digits=14, decimal_places=2, null=True, blank=True)
    capacity_unit = models.CharField("产能单位", max_length=16, blank=True)
    # Milestone plan (计划节点): one planned date per main-line stage after 线索. Kept on the project
    # (not a separate table) so the traffic light is one SQL expression over the row and the plan
    # shares the project's optimistic-locking version.
    planned_contacted_date = models.DateField("计划接洽日期", null=True, blank=True)
    planned_negotiating_date = models.DateField("计划洽谈日期", null=True, blank=True)
    planned_signed_date = models.DateField("计划签约日期", null=True, blank=True)
    planned_registered_date = models.DateField("计划注册日期", null=True, blank=True)
    planned_construction_date = models.DateField("计划开工日期", null=True, blank=True)
    planned_production_date = models.DateField("计划投产日期", null=True, blank=True)
    planned_full_capacity_date = models.DateField("计划达产日期", null=True, blank=True)
    merged_into = models.ForeignKey("self", verbose_name="已合并入", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_duplicates")
    merged_at = models.DateTimeField("合并时间", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    citation = models.CharField("出处", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    # Denormalised: the date of the latest timeline event (None without events), so the traffic
    # lights and the weekly report's "no activity" tests read a column instead of looking up the
    # latest of a million events per project. Kept in step by ProjectEvent.save()/delete() and, for
    # bulk writes, InvestmentProjectQuerySet.refresh_last_event_on(); never set by hand. Services
    # save only rows they have just locked and re-read (services.locking.lock_project), so an instance loaded
    # before an event was added never writes an old date back.
    last_event_on = models.DateField("最近动态日期", null=True, blank=True, editable=False)
    # Denormalised: the earliest due date among the project's landing steps not yet done (高效办成一件事,
    # kept by lianzhao.aftercare's services; None without open steps), so the traffic light judges a
    # late step as one more planned date, in the same SQL expression over the row.
    landing_due_on = models.DateField("最早未办结落地事项期限", null=True, blank=True, editable=False)

    #: Derived data, not a change anyone made: left out of audit snapshots.
    audit_exclude = ("last_event_on", "landing_due_on")

    objects = CountedProjectManager()
    all_objects = InvestmentProjectQuerySet.as_manager()

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

    def clean(self):
        # The responsible officer works in the project's department: an officer of another one could
        # not even edit the project they answer for.
        if self.officer_id and self.department_id and self.officer.department_id != self.department_id:
            raise ValidationError({"officer": ValidationError(
                _("责任人须为责任部门（%(department)s）的招商专员。"), code="officer_department",
                params={"department": self.department})})

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

    @property
    def is_merged(self) -> bool:
        """Merged into another project: it no longer counts (the row form of :func:`counts`)."""
        return self.merged_into_id is not None

    def stage_dates(self) -> dict[str, dt.date | None]:
        return {stage: getattr(self, field) for stage, field in STAGE_DATE_FIELD.items()}

    def planned_dates(self) -> dict[str, dt.date | None]:
        return {stage: getattr(self, field) for stage, field in PLANNED_DATE_FIELD.items()}

    def plan_rows(self) -> list[dict]:
        """Planned against actual date for each plannable stage, for the project page."""
        return [{"stage": stage, "label": stage.label, "planned": getattr(self, PLANNED_DATE_FIELD[stage]),
                 "actual": getattr(self, STAGE_DATE_FIELD[stage]),
                 "reached": lights.stage_reached(stage, self.stage, self.stage_dates(), self.paused_from)}
                for stage in PIPELINE[1:]]

    def light_info(self, today: dt.date, rule: TrafficLightRule) -> lights.LightInfo:
        """This project's traffic light on ``today`` (no query: the latest event's date is a column)."""
        return lights.light_for(
            stage=self.stage, paused_from=self.paused_from, merged=self.is_merged,
            stage_dates=self.stage_dates(), planned=self.planned_dates(),
            last_event_on=self.last_event_on, today=today, rule=rule, landing_due_on=self.landing_due_on,
        )


class ProjectEventQuerySet(models.QuerySet):
    def counted(self):
        """Events of projects that count (not merged into another). Written as ``project NOT IN
        (merged ids)`` rather than a join on ``merged_into IS NULL``: with the join SQLite walks all
        projects and their timelines; this way it reads only the events the other filters select
        (a day range on the date index, say), checking each against the few merged ids."""
        merged = InvestmentProject.all_objects.exclude(counts()).values("pk")
        return self.exclude(project__in=merged)


class ProjectEvent(models.Model):
    """One entry on a project's timeline: a stage change, visit, meeting, call or note.

    Saving or deleting an event keeps its project's ``last_event_on`` in step (one UPDATE), whoever
    writes it — services, the Excel import, the demo loader, tests. Queryset ``update()``,
    ``delete()`` and ``bulk_create()`` skip this: call
    :meth:`InvestmentProjectQuerySet.refresh_last_event_on` after them.
    """

    project = models.ForeignKey(InvestmentProject, verbose_name="项目", on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField("类型", max_length=24, choices=EventKind.choices)
    occurred_on = models.DateField("发生日期")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_stage = models.CharField("原阶段", max_length=16, choices=ProjectStage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=16, choices=ProjectStage.choices, blank=True)
    text = models.TextField("内容", blank=True)

    objects = ProjectEventQuerySet.as_manager()

    class Meta:
        verbose_name = "项目动态"
        verbose_name_plural = "项目动态"
        ordering = ["-occurred_on", "-recorded_at", "-id"]
        # (project, date): every per-project lookup. (date, kind): the latest events of all projects
        # (the dashboard) and one week's stage changes (the weekly report) without reading the whole
        # timeline, the kind tested in the index. Not (kind, date): SQLite then preferred it to
        # (project, date) for per-project lookups of one kind — a 10-second weekly report.
        indexes = [models.Index(fields=["project", "occurred_on"]), models.Index(fields=["occurred_on", "kind"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._refresh_project()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._refresh_project()
        return result

    def _refresh_project(self) -> None:
        # Recomputed rather than max(old, new), so an event whose date is corrected stays right.
        InvestmentProject.all_objects.filter(pk=self.project_id).refresh_last_event_on()


class InvestmentChange(models.Model):
    """A change to a signed project's investment after its first signing: a capital increase, an
    upgrade, a re-signing or a reduction. ``delta`` (亿元) carries its sign: positive for increases
    and upgrades, negative for reductions, zero for a re-signing (不重复统计: the project is not
    counted again). Written only by :func:`lianzhao.projects.services.record_investment_change`."""

    project = models.ForeignKey(InvestmentProject, verbose_name="项目", on_delete=models.CASCADE,
                                related_name="investment_changes")
    kind = models.CharField("变更类型", max_length=16, choices=InvestmentChangeKind.choices)
    on = models.DateField("日期")
    delta = models.DecimalField("投资额变化（亿元）", max_digits=12, decimal_places=2)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "投资变更"
        verbose_name_plural = "投资变更"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["on"])]
        constraints = [
            models.CheckConstraint(
                name="investment_change_delta_sign",
                condition=(Q(kind__in=["capital_increase", "upgrade"], delta__gt=0)
                           | Q(kind="reduction", delta__lt=0) | Q(kind="re_signing", delta=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.delta} 亿元"


def project_file_path(instance: ProjectFile, filename: str) -> str:
    """Stored name: projects/<project id>/<random>.<ext>. The user's file name is kept only in
    ``original_name``, so it can never steer where the file lands."""
    import uuid
    from pathlib import PurePath

    ext = PurePath(filename).suffix.lower()
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{ext}"


class ProjectFile(models.Model):
    """A document proving a project's stage (agreement, licence, permit, photos), stored under
    ``MEDIA_ROOT`` — outside the web root — and served only by a view that checks permission."""

    project = models.ForeignKey(InvestmentProject, verbose_name="项目", on_delete=models.CASCADE,
                                related_name="files")
    stage = models.CharField("所属阶段", max_length=16, choices=ProjectStage.choices, blank=True)
    file = models.FileField("文件", upload_to=project_file_path, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目材料"
        verbose_name_plural = "项目材料"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class TrafficLightRule(models.Model):
    """The editable thresholds of the traffic lights (one row; edited in the admin, audited).

    When no row has been saved the defaults below apply. See :mod:`lianzhao.projects.lights`.
    """

    yellow_after_days = models.PositiveSmallIntegerField(
        "逾期宽限天数", default=0, validators=[MaxValueValidator(365)],
        help_text="计划节点日期过后超过此天数（未到达该阶段）即亮黄灯；0 表示过了计划日期即亮黄灯。")
    red_after_months = models.PositiveSmallIntegerField(
        "红灯逾期月数", default=3, validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="计划节点日期早于“今天减去此月数”（即逾期超过此月数）亮红灯。")
    stale_days = models.PositiveSmallIntegerField(
        "无动态天数", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="距最近一条项目动态已达此天数亮黄灯。")

    class Meta:
        verbose_name = "红黄绿灯规则"
        verbose_name_plural = "红黄绿灯规则"

    def __str__(self) -> str:
        return "红黄绿灯规则"

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton: there is only ever the one rule row
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> TrafficLightRule:
        """The saved rule, or the defaults (unsaved) when nobody has edited them. One query."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
