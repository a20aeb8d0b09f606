"""The Job record: what was started, by whom, how far it got, and what came out."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhao.jobs.choices import FINISHED_STATES, JobState


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs a user may see: their own; admins see everyone's."""
        from lianzhao.accounts import permissions
        from lianzhao.accounts.choices import Role

        if permissions.role_of(user) == Role.ADMIN:
            return self
        return self.filter(started_by=user.pk)

    def finished_before(self, moment: dt.datetime):
        return self.filter(state__in=FINISHED_STATES, finished_at__lt=moment)


class Job(models.Model):
    """One piece of long work run by the background worker (an import of thousands of rows, a report
    over the whole pipeline, a recomputation): who started it, which kind with which parameters, its
    state and progress, and its outcome — a result file only its starter (or an admin) may download,
    a summary, or an error in Chinese. Deleted with its files after the retention period
    (``JOB_RETENTION_DAYS``)."""

    kind = models.CharField(_("任务类型"), max_length=64)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                                   verbose_name=_("发起人"))
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总量"), null=True, blank=True)
    message = models.CharField(_("进度说明"), max_length=255, blank=True)
    input_file = models.FileField(_("输入文件"), upload_to="jobs/in/%Y/%m/", blank=True)
    input_name = models.CharField(_("输入文件名"), max_length=255, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/out/%Y/%m/", blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=255, blank=True)
    result_type = models.CharField(_("结果类型"), max_length=127, blank=True)
    summary = models.TextField(_("结果摘要"), blank=True)
    result_url = models.CharField(_("结果链接"), max_length=500, blank=True)
    error = models.TextField(_("错误"), blank=True)
    error_details = models.JSONField(_("错误明细"), default=list, blank=True)
    task_id = models.CharField(_("队列编号"), max_length=64, blank=True)
    worker = models.CharField(_("执行进程"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    #: The audit row of a job's start records what was asked; the outcome is on the job itself.
    audit_exclude = ("done", "total", "message", "result_file", "result_name", "result_type", "summary",
                     "result_url", "error", "error_details", "task_id", "worker", "started_at", "finished_at")

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="job_user_recent"),
            models.Index(fields=["state", "finished_at"], name="job_state_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        from lianzhao.jobs.registry import kind_label

        return kind_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int | None:
        """Progress in whole per cent, or None while the total is unknown."""
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))

    @property
    def expires_at(self) -> dt.datetime | None:
        """When the job and its files are deleted (finished jobs only)."""
        if self.finished_at is None:
            return None
        return self.finished_at + dt.timedelta(days=settings.JOB_RETENTION_DAYS)

    def can_be_seen_by(self, user) -> bool:
        from lianzhao.accounts import permissions
        from lianzhao.accounts.choices import Role

        return user.pk == self.started_by_id or permissions.role_of(user) == Role.ADMIN
