"""Investment projects (招商项目) and their timelines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from lianzhao.core.models import TimeStampedModel
from lianzhao.core.validators import (
    amount_validators,
    validate_not_before_2000,
    validate_origin_division,
    validate_uscc,
)
from lianzhao.projects import lights
from lianzhao.projects.choices import (
    PIPELINE,
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    STAGE_SPECS,
    TRANSITIONS,
    AttractionMethod,
    EventKind,
    FundsSource,
    InvestmentChangeKind,
    LedgerList,
    ProjectStage,
    counts,
)


class LedgerChoiceQuerySet(models.QuerySet):
    def offered(self, ledger_list: str):
        """The active choices of one list, in their order: what forms offer."""
        return self.filter(list=ledger_list, is_active=True)


class LedgerChoice(models.Model):
    """One value of a ledger choice list (项目类型, 投资方性质, 重点项目级别, 落地园区/街道, 境外国别):
    data an admin edits, since every district names its own. The ``code`` is its lasting identity
    (projects point at it; an ISO 3166 code for a country); the name may be corrected and a choice
    retired (``is_active`` off: no longer offered, kept on the projects that have it). Lists that are
    empty get :data:`~lianzhao.projects.choices.DEFAULT_LEDGER_CHOICES` after ``migrate``."""

    code = models.CharField(_("代码"), max_length=32, primary_key=True, validators=[RegexValidator(
        r"^[A-Za-z0-9_-]+$", _("代码只能包含字母、数字、横线和下划线。"))])
    list = models.CharField(_("所属列表"), max_length=24, choices=LedgerList.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=64)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("可选用"), default=True, help_text=_("停用后新项目不能再选，已有项目保留。"))

    objects = LedgerChoiceQuerySet.as_manager()

    #: ``migrate`` fills empty lists with defaults: a new installation has these rows before anyone
    #: enters data (``lianzhao restore`` still counts it as empty).
    migrate_writes_defaults = True

    class Meta:
        verbose_name = _("台账选项")
        verbose_name_plural = _("台账选项")
        ordering = ["list", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "name"], name="unique_ledger_choice_name")]

    def __str__(self) -> str:
        return self.name


def _ledger_choice(ledger_list: str, label, **extra) -> models.ForeignKey:
    """A project's choice from one ledger list (optional; a choice in use cannot be deleted)."""
    return models.ForeignKey(LedgerChoice, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"list": ledger_list}, **extra)


class InvestmentProjectQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("investor", "industry", "chain_node", "department", "officer", "project_type",
                                   "investor_nature", "origin_country", "landing_site", "key_level")

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

    name = models.CharField(_("项目名称"), max_length=128)
    investor = models.ForeignKey("enterprises.Enterprise", verbose_name=_("投资方"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="projects")
    industry = models.ForeignKey("industries.Industry", verbose_name=_("所属产业"), on_delete=models.PROTECT,
                                 related_name="projects")
    chain_node = models.ForeignKey("industries.ChainNode", verbose_name=_("产业链环节"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="projects")
    amount = models.DecimalField(_("计划投资额（亿元）"), max_digits=12, decimal_places=2, null=True,
                                 blank=True, validators=amount_validators(negative=_("计划投资额不能为负数。")))
    method = models.CharField(_("招商方式"), max_length=16, choices=AttractionMethod.choices)
    referrer = models.CharField(_("引荐人/机构"), max_length=128, blank=True)
    source = models.CharField(_("线索来源"), max_length=200, blank=True)
    stage = models.CharField(_("阶段"), max_length=16, choices=ProjectStage.choices,
                             default=ProjectStage.LEAD, db_index=True)
    paused_from = models.CharField(_("暂缓前阶段"), max_length=16, choices=ProjectStage.choices, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("责任部门"),
                                   on_delete=models.PROTECT, related_name="projects")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="projects")
    # The ledger (招商项目台账) every bureau reports: what kind of project, who invests and from where,
    # foreign capital, expected output, tax, land and jobs, the investor's contact, key-project level.
    # The choice lists are data (LedgerChoice), edited by an admin, because every district names its own.
    project_type = _ledger_choice(LedgerList.PROJECT_TYPE, _("项目类型"))
    investor_nature = _ledger_choice(LedgerList.INVESTOR_NATURE, _("投资方性质"))
    origin_division = models.CharField(
        _("投资方来源地（省/市区划代码）"), max_length=6, blank=True, validators=[validate_origin_division],
        help_text=_("境内投资方：省（2 位）、市（4 位）或区县（6 位）统计用区划代码，如 44 广东省、4403 深圳市。"))
    origin_country = _ledger_choice(LedgerList.COUNTRY, _("投资方来源地（境外国别/地区）"),
                                    help_text=_("境外投资方（含港澳台）的国别或地区；与区划代码二选一。"))
    is_foreign = models.BooleanField(_("是否外资项目"), default=False)
    contract_foreign_capital = models.DecimalField(
        _("合同外资（万美元）"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=amount_validators("万美元"))
    actual_foreign_capital = models.DecimalField(
        _("实际使用外资（万美元）"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=amount_validators("万美元"))
    expected_output = models.DecimalField(
        _("预计年产值（亿元）"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=amount_validators(), help_text=_("达产后每年的产值；经济影响测算的运营期以此为准。"))
    expected_tax = models.DecimalField(_("预计年税收（亿元）"), max_digits=12, decimal_places=4, null=True,
                                       blank=True, validators=amount_validators())
    land_mu = models.DecimalField(_("用地（亩）"), max_digits=10, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0, _("用地面积不能为负数。")),
                                              MaxValueValidator(1_000_000, _("用地面积超过 100 万亩，请检查单位（亩）。"))])
    landing_site = _ledger_choice(LedgerList.LANDING_SITE, _("落地园区/街道"))
    expected_jobs = models.PositiveIntegerField(_("预计新增就业（人）"), null=True, blank=True,
                                                validators=[MaxValueValidator(1_000_000, _("预计新增就业超过 100 万人，请检查。"))])
    investor_contact = models.CharField(_("投资方联系人"), max_length=64, blank=True)
    investor_phone = models.CharField(_("联系方式"), max_length=64, blank=True)
    key_level = _ledger_choice(LedgerList.KEY_LEVEL, _("重点项目级别"))
    lead_date = models.DateField(_("线索日期"), null=True, blank=True, validators=[validate_not_before_2000])
    contacted_date = models.DateField(_("接洽日期"), null=True, blank=True, validators=[validate_not_before_2000])
    negotiating_date = models.DateField(_("洽谈日期"), null=True, blank=True, validators=[validate_not_before_2000])
    signed_date = models.DateField(_("签约日期"), null=True, blank=True, validators=[validate_not_before_2000])
    signed_amount = models.DecimalField(_("签约投资额（亿元）"), max_digits=12, decimal_places=2, null=True,
                                        blank=True, validators=amount_validators(negative=_("签约投资额不能为负数。")))
    registered_date = models.DateField(_("注册日期"), null=True, blank=True, validators=[validate_not_before_2000])
    construction_date = models.DateField(_("开工日期"), null=True, blank=True, validators=[validate_not_before_2000])
    production_date = models.DateField(_("投产日期"), null=True, blank=True, validators=[validate_not_before_2000])
    full_capacity_date = models.DateField(_("达产日期"), null=True, blank=True, validators=[validate_not_before_2000])
    # Stage evidence (阶段佐证): recorded by change_stage with the stage, see choices.STAGE_SPECS.
    signed_counterparty = models.CharField(_("签约主体"), max_length=128, blank=True)
    registered_uscc = models.CharField(_("新设企业统一社会信用代码"), max_length=18, blank=True,
                                       validators=[validate_uscc])
    construction_permit_no = models.CharField(_("施工许可证号"), max_length=64, blank=True)
    capacity_text = models.CharField(_("达产产能"), max_length=200, blank=True)
    capacity_value = models.DecimalField(_("产能数值"), max_digits=14, decimal_places=2, null=True, blank=True)
    capacity_unit = models.CharField(_("产能单位"), max_length=16, blank=True)
    # Milestone plan (计划节点): one planned date per main-line stage after 线索. Kept on the project
    # (not a separate table) so the traffic light is one SQL expression over the row and the plan
    # shares the project's optimistic-locking version.
    planned_contacted_date = models.DateField(_("计划接洽日期"), null=True, blank=True, validators=[validate_not_before_2000])
    planned_negotiating_date = models.DateField(_("计划洽谈日期"), null=True, blank=True, validators=[validate_not_before_2000])
    planned_signed_date = models.DateField(_("计划签约日期"), null=True, blank=True, validators=[validate_not_before_2000])
    planned_registered_date = models.DateField(_("计划注册日期"), null=True, blank=True, validators=[validate_not_before_2000])
    planned_construction_date = models.DateField(_("计划开工日期"), null=True, blank=True, validators=[validate_not_before_2000])
    planned_production_date = models.DateField(_("计划投产日期"), null=True, blank=True, validators=[validate_not_before_2000])
    planned_full_capacity_date = models.DateField(_("计划达产日期"), null=True, blank=True, validators=[validate_not_before_2000])
    merged_into = models.ForeignKey("self", verbose_name=_("已合并入"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_duplicates")
    merged_at = models.DateTimeField(_("合并时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    citation = models.CharField(_("出处"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Denormalised: the date of the latest timeline event (None without events), so the traffic
    # lights and the weekly report's "no activity" tests read a column instead of looking up the
    # latest of a million events per project. Kept in step by ProjectEvent.save()/delete() and, for
    # bulk writes, InvestmentProjectQuerySet.refresh_last_event_on(); never set by hand. Services
    # save only rows they have just locked and re-read (services.locking.lock_project), so an instance loaded
    # before an event was added never writes an old date back.
    last_event_on = models.DateField(_("最近动态日期"), null=True, blank=True, editable=False)
    # Denormalised: the earliest due date among the project's landing steps not yet done (高效办成一件事,
    # kept by lianzhao.aftercare's services; None without open steps), so the traffic light judges a
    # late step as one more planned date, in the same SQL expression over the row.
    landing_due_on = models.DateField(_("最早未办结落地事项期限"), null=True, blank=True, editable=False)

    #: Derived data, not a change anyone made: left out of audit snapshots.
    audit_exclude = ("last_event_on", "landing_due_on")

    objects = CountedProjectManager()
    all_objects = InvestmentProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
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
        errors = {}
        if self.origin_division and self.origin_country_id:
            errors["origin_country"] = _("投资方来源地请填境内区划代码或境外国别（地区）之一，不要两项都填。")
        if not self.is_foreign:
            for name in ("contract_foreign_capital", "actual_foreign_capital"):
                if getattr(self, name) is not None:
                    errors[name] = _("非外资项目不填%(field)s；如为外资项目，请勾选“是否外资项目”。") % {
                        "field": self._meta.get_field(name).verbose_name}
        if errors:
            raise ValidationError(errors)

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

    project = models.ForeignKey(InvestmentProject, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField(_("类型"), max_length=24, choices=EventKind.choices)
    occurred_on = models.DateField(_("发生日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=ProjectStage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=ProjectStage.choices, blank=True)
    text = models.TextField(_("内容"), blank=True)
    #: What the event recorded besides its note, as values (never prose), rendered in the reader's
    #: language: for a stage change, the evidence the stage recorded (签约投资额, 签约主体 …), keyed by
    #: the project field's name.
    params = models.JSONField(_("参数"), default=dict, blank=True)

    objects = ProjectEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目动态")
        verbose_name_plural = _("项目动态")
        ordering = ["-occurred_on", "-recorded_at", "-id"]
        # (project, date): every per-project lookup. (date, kind): the latest events of all projects
        # (the dashboard) and one week's stage changes (the weekly report) without reading the whole
        # timeline, the kind tested in the index. Not (kind, date): SQLite then preferred it to
        # (project, date) for per-project lookups of one kind — a 10-second weekly report.
        indexes = [models.Index(fields=["project", "occurred_on"]), models.Index(fields=["occurred_on", "kind"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"

    @property
    def funds_source_label(self) -> str:
        """The source of funds a 到位资金 entry recorded, in the reader's language."""
        source = (self.params or {}).get("source")
        return FundsSource(source).label if source in FundsSource.values else ""

    def evidence_rows(self) -> list[tuple[str, object]]:
        """(label, value) of what a stage change recorded (``params``), in the stage spec's order."""
        if not self.params or not self.to_stage:
            return []
        spec = STAGE_SPECS.get(self.to_stage)
        fields = spec.evidence if spec else ()
        return [(f.label, self.params[f.name]) for f in fields if self.params.get(f.name) not in (None, "")]

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

    project = models.ForeignKey(InvestmentProject, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="investment_changes")
    kind = models.CharField(_("变更类型"), max_length=16, choices=InvestmentChangeKind.choices)
    on = models.DateField(_("日期"))
    delta = models.DecimalField(_("投资额变化（亿元）"), max_digits=12, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投资变更")
        verbose_name_plural = _("投资变更")
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


class FundsInPlaceQuerySet(models.QuerySet):
    def counted(self):
        """Entries of projects that count (not merged into another: a merge moves them to the kept
        project, so none is counted twice)."""
        return self.filter(counts("project__"))


class FundsInPlace(models.Model):
    """实际到位资金: money that actually arrived for a project on a day, domestic or foreign, in 亿元,
    with the document that proves it (a ProjectFile, stored through the upload checks). Counted once:
    the same sum on the same day from the same source is refused as a repeat, and a merged duplicate's
    entries move to the project kept (:mod:`lianzhao.projects.counting`). Written only by
    :func:`lianzhao.projects.services.record_funds`."""

    project = models.ForeignKey(InvestmentProject, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="funds")
    on = models.DateField(_("到位日期"), validators=[validate_not_before_2000])
    amount = models.DecimalField(_("到位金额（亿元）"), max_digits=12, decimal_places=2,
                                 validators=amount_validators(negative=_("到位金额不能为负数。")))
    source = models.CharField(_("资金来源"), max_length=16, choices=FundsSource.choices)
    evidence = models.ForeignKey("ProjectFile", verbose_name=_("佐证材料"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = FundsInPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("实际到位资金")
        verbose_name_plural = _("实际到位资金")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_amount_positive"),
            models.UniqueConstraint(fields=["project", "on", "source", "amount"], name="funds_counted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_source_display()} {self.amount} 亿元"


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

    project = models.ForeignKey(InvestmentProject, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="files")
    stage = models.CharField(_("所属阶段"), max_length=16, choices=ProjectStage.choices, blank=True)
    file = models.FileField(_("文件"), upload_to=project_file_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目材料")
        verbose_name_plural = _("项目材料")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class TrafficLightRule(models.Model):
    """The editable thresholds of the traffic lights (one row; edited in the admin, audited).

    When no row has been saved the defaults below apply. See :mod:`lianzhao.projects.lights`.
    """

    yellow_after_days = models.PositiveSmallIntegerField(
        "逾期宽限天数", default=0, validators=[MaxValueValidator(365)],
        help_text=_("计划节点日期过后超过此天数（未到达该阶段）即亮黄灯；0 表示过了计划日期即亮黄灯。"))
    red_after_months = models.PositiveSmallIntegerField(
        "红灯逾期月数", default=3, validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("计划节点日期早于“今天减去此月数”（即逾期超过此月数）亮红灯。"))
    stale_days = models.PositiveSmallIntegerField(
        "无动态天数", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("距最近一条项目动态已达此天数亮黄灯。"))

    class Meta:
        verbose_name = _("红黄绿灯规则")
        verbose_name_plural = _("红黄绿灯规则")

    def __str__(self) -> str:
        return "红黄绿灯规则"

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton: there is only ever the one rule row
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> TrafficLightRule:
        """The saved rule, or the defaults (unsaved) when nobody has edited them. One query."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
