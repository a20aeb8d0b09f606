"""Enterprise service after landing (企业服务): service requests (诉求) routed to departments with a
deadline, visits (走访), policies a company received, service officers, and each landing project's
checklist of steps (高效办成一件事)."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianzhao.aftercare.choices import (
    AWAITING_ANSWER,
    TICKET_TRANSITIONS,
    Satisfaction,
    TicketEventKind,
    TicketStatus,
    VisitStatus,
)
from lianzhao.core.models import TimeStampedModel
from lianzhao.projects.choices import LedgerList


class ServiceDepartment(models.Model):
    """A department that answers service requests and is responsible for landing steps (承办部门):
    a bureau department (``bureau_department``: its officers act for it) or one outside the bureau
    (自然资源局, 行政审批服务局 …), whose staff are ``members`` with the role 承办人. Kept apart from
    :class:`~lianzhao.accounts.models.Department`, the bureau's own departments that own projects,
    targets and the pipeline reports."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    bureau_department = models.OneToOneField(
        "accounts.Department", verbose_name=_("对应局内部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="service_department", help_text=_("局内部门承办时选择：该部门的招商专员即为承办人。"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), blank=True,
                                     related_name="service_departments")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办部门")
        verbose_name_plural = _("承办部门")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TicketCategory(models.Model):
    """A kind of request (用地, 用工, 融资 …) with the department it is routed to and the number of
    calendar days it must be answered in — the table an admin edits. Without a department, requests
    of the category wait to be routed by hand."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    department = models.ForeignKey(ServiceDepartment, verbose_name=_("默认承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="categories")
    days = models.PositiveSmallIntegerField(
        _("办理时限（天）"), default=15, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("自分派之日起的自然日天数；到期日当天答复仍算按时。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceAssignment(TimeStampedModel):
    """A company's service officer (服务专员): the bureau officer who raises its requests, rates the
    answers on its behalf and visits it. One per company."""

    enterprise = models.OneToOneField("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                      related_name="service_assignment")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("服务专员"), on_delete=models.PROTECT,
                                related_name="service_assignments")
    since = models.DateField(_("起始日期"))

    class Meta:
        verbose_name = _("服务专员")
        verbose_name_plural = _("服务专员")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.officer}"


class TicketQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("enterprise", "category", "department", "project", "raised_by")

    def awaiting_answer(self):
        return self.filter(status__in=AWAITING_ANSWER)

    def overdue(self, today):
        """Requests a department still owes an answer to whose deadline has passed (answering on the
        deadline day is on time, so overdue from the day after)."""
        return self.awaiting_answer().filter(deadline__lt=today)


class Ticket(TimeStampedModel):
    """A company's service request (企业诉求). Changes only through :mod:`lianzhao.aftercare.services`;
    ``version`` guards against two people acting on the same request from stale pages.

    Deadlines: ``deadline`` is the date the department holding the request must answer by (routing
    date + the category's days, or set by hand; a forward keeps it; a reopen sets a new one);
    ``first_deadline`` is the one in force at the first answer — the on-time rate is judged on it.
    """

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="tickets")
    project = models.ForeignKey("projects.InvestmentProject", verbose_name=_("关联项目"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tickets")
    category = models.ForeignKey(TicketCategory, verbose_name=_("诉求类别"), on_delete=models.PROTECT,
                                 related_name="tickets")
    description = models.TextField(_("诉求内容"))
    status = models.CharField(_("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.RAISED)
    raised_on = models.DateField(_("提出日期"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(ServiceDepartment, verbose_name=_("承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="tickets")
    routed_on = models.DateField(_("分派日期"), null=True, blank=True)
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    first_deadline = models.DateField(_("首次答复时限"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    first_answered_on = models.DateField(_("首次答复日期"), null=True, blank=True)
    first_answer_department = models.ForeignKey(
        ServiceDepartment, verbose_name=_("首次答复部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+")
    rating = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["first_answered_on"]),
            models.Index(fields=["department", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="raised") | Q(department__isnull=False, deadline__isnull=False),
                                   name="ticket_routed_has_department_and_deadline"),
        ]

    def __str__(self) -> str:
        return f"诉求 {self.pk}（{self.enterprise}）"

    @property
    def status_label(self) -> str:
        return TicketStatus(self.status).label

    def can_move_to(self, status: str) -> bool:
        return status in TICKET_TRANSITIONS.get(self.status, [])

    def is_overdue(self, today) -> bool:
        return self.status in AWAITING_ANSWER and self.deadline is not None and self.deadline < today


class TicketEvent(models.Model):
    """One step in a request's history: raised, routed, accepted, forwarded, answered, rated (closed
    or reopened), a note or a file. ``department`` is the one concerned (routed or forwarded to,
    answering, rated); ratings are read from here for the satisfaction rate."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=16, choices=TicketEventKind.choices)
    occurred_on = models.DateField(_("日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(ServiceDepartment, verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    rating = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["occurred_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["kind", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"


class TicketNote(models.Model):
    """A note on a request. A private note (内部备注) is read only inside the bureau — never by the
    staff of an outside department (承办人)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("内容"))
    private = models.BooleanField(_("仅局内可见"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求备注")
        verbose_name_plural = _("诉求备注")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def ticket_file_path(instance: TicketFile, filename: str) -> str:
    """Stored name: aftercare/<request id>/<random>.<ext>; the user's name is kept only as data."""
    return f"aftercare/{instance.ticket_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class TicketFile(models.Model):
    """An attachment of a request, checked like every upload (``projects.files.check_upload``),
    stored outside the web root and served only as a download to those who may see the request."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=ticket_file_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Visit(TimeStampedModel):
    """A visit (走访) to a company: planned (``planned_on``) and, once made, recorded (``done_on``,
    people, notes, follow-ups). A visit made about a project is also logged on the project's timeline
    as a 走访 event (``project_event``), so the project's activity and light see it; visits logged on
    the project page before are shown on the company page too, not copied here."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="visits")
    project = models.ForeignKey("projects.InvestmentProject", verbose_name=_("关联项目"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="visits")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT,
                                related_name="visits")
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    done_on = models.DateField(_("走访日期"), null=True, blank=True)
    people = models.CharField(_("参加人员"), max_length=200, blank=True)
    purpose = models.CharField(_("走访事由"), max_length=200, blank=True)
    notes = models.TextField(_("走访记录"), blank=True)
    follow_ups = models.TextField(_("后续事项"), blank=True)
    project_event = models.OneToOneField("projects.ProjectEvent", verbose_name=_("项目动态"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="visit")
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-planned_on", "-done_on", "-id"]
        indexes = [models.Index(fields=["officer", "done_on", "planned_on"])]
        constraints = [models.CheckConstraint(condition=Q(planned_on__isnull=False) | Q(done_on__isnull=False),
                                              name="visit_planned_or_done")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.done_on or self.planned_on}"

    @property
    def status(self) -> str:
        return VisitStatus.DONE if self.done_on else VisitStatus.PLANNED

    @property
    def status_label(self) -> str:
        return VisitStatus(self.status).label


class PolicyBenefit(TimeStampedModel):
    """A policy a company has received (政策兑现): the policy's name, the date, the amount (万元, when
    money) and the document that granted it."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="policy_benefits")
    policy = models.CharField(_("政策名称"), max_length=128)
    granted_on = models.DateField(_("兑现日期"))
    amount = models.DecimalField(_("金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0, _("金额不能为负数。"))])
    reference = models.CharField(_("文号/依据"), max_length=128, blank=True)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("政策兑现")
        verbose_name_plural = _("政策兑现")
        ordering = ["-granted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.policy}"


class LandingTemplate(models.Model):
    """A checklist template of landing steps (高效办成一件事) an admin edits, for one project type
    (项目类型, the ledger's admin-edited list) or, without one, the default for any project that has
    no template of its own (:func:`lianzhao.aftercare.services.landing.template_for`)."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    project_type = models.ForeignKey("projects.LedgerChoice", verbose_name=_("适用项目类型"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="landing_templates",
                                     limit_choices_to={"list": LedgerList.PROJECT_TYPE},
                                     help_text=_("留空为默认模板，适用于没有专门模板的项目。"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("落地事项模板")
        verbose_name_plural = _("落地事项模板")
        ordering = [models.F("project_type").asc(nulls_first=True), "name"]

    def __str__(self) -> str:
        return self.name


class LandingTemplateStep(models.Model):
    """One step of a template: its name, the responsible department and how many days after the
    signing it is due."""

    template = models.ForeignKey(LandingTemplate, verbose_name=_("模板"), on_delete=models.CASCADE,
                                 related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("事项"), max_length=64)
    department = models.ForeignKey(ServiceDepartment, verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    due_days = models.PositiveSmallIntegerField(_("签约后天数"), validators=[MaxValueValidator(3650)],
                                                help_text=_("期限 = 签约日期 + 天数。"))

    class Meta:
        verbose_name = _("模板事项")
        verbose_name_plural = _("模板事项")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.name


class LandingChecklist(TimeStampedModel):
    """A landing project's checklist (落地事项清单), made from a template from its signing date."""

    project = models.OneToOneField("projects.InvestmentProject", verbose_name=_("项目"), on_delete=models.CASCADE,
                                   related_name="landing_checklist")
    template = models.ForeignKey(LandingTemplate, verbose_name=_("模板"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    started_on = models.DateField(_("起算日期（签约日期）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建立人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("落地事项清单")
        verbose_name_plural = _("落地事项清单")

    def __str__(self) -> str:
        return f"{self.project} 落地事项"


class LandingStepQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class LandingStep(models.Model):
    """One step of a project's checklist: due date and responsible department; done with its date
    and a reference — a document number or a file (kept with the project's files)."""

    checklist = models.ForeignKey(LandingChecklist, verbose_name=_("清单"), on_delete=models.CASCADE,
                                  related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("事项"), max_length=64)
    department = models.ForeignKey(ServiceDepartment, verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="landing_steps")
    due_on = models.DateField(_("期限"))
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    reference = models.CharField(_("文号"), max_length=128, blank=True)
    file = models.ForeignKey("projects.ProjectFile", verbose_name=_("办结材料"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = LandingStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("落地事项")
        verbose_name_plural = _("落地事项")
        ordering = ["checklist", "order", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"]), models.Index(fields=["department", "done_on"])]
        constraints = [models.CheckConstraint(
            condition=Q(done_on__isnull=True) | ~Q(reference="") | Q(file__isnull=False),
            name="landing_step_done_has_reference")]

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due_on < today
