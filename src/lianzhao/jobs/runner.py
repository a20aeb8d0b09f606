"""Running one job: what a handler receives (:class:`JobRun`), returns (:class:`JobResult`) or raises
(:class:`JobFailed`), and :func:`execute_job`, which the queued task calls in the worker."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianzhao.core.i18n import data_language
from lianzhao.jobs.choices import JobState
from lianzhao.jobs.models import Job
from lianzhao.jobs.registry import UnknownJobKind, get_kind

logger = logging.getLogger(__name__)

#: Progress is written at most this often (seconds); the page polls every two seconds.
PROGRESS_INTERVAL = 0.5


class JobFailed(Exception):
    """Raised by a handler when the job cannot be done for a reason its user can act on.

    ``message`` (Chinese, shown as the job's error) and ``details`` (for example one "第 N 行 …" line
    per bad row of an import, shown as a list)."""

    def __init__(self, message: str, details: list[str] | tuple[str, ...] = ()):
        super().__init__(message)
        self.message = str(message)
        self.details = [str(d) for d in details]


@dataclass
class JobResult:
    """What a finished job produced: a file to download (``content`` with its ``filename`` and
    ``content_type``), a ``summary`` in words, and/or a ``url`` where the result can be seen."""

    content: bytes | None = None
    filename: str = ""
    content_type: str = "application/octet-stream"
    summary: str = ""
    url: str = ""


class JobRun:
    """Handed to a handler: the job, who started it, its input file, and :meth:`progress`."""

    def __init__(self, job: Job):
        self.job = job
        self._last_write = 0.0

    @property
    def user(self):
        return self.job.started_by

    def open_input(self):
        """The uploaded input file, opened for binary reading (the caller closes it)."""
        if not self.job.input_file:
            raise JobFailed(_("该任务没有输入文件。"))
        return self.job.input_file.open("rb")

    def progress(self, done: int, total: int | None = None, message: str | None = None, *,
                 force: bool = False) -> None:
        """Record how far the job got: ``done`` of ``total`` units (rows, steps) and what it does now.

        Written at most every :data:`PROGRESS_INTERVAL` seconds (unless ``force``). It is written on
        the job's own database connection: call it outside a long all-or-nothing transaction — inside
        one, other users see it only when the transaction commits."""
        self.job.done = max(0, int(done))
        if total is not None:
            self.job.total = max(0, int(total))
        if message is not None:
            self.job.message = str(message)[:255]
        now = time.monotonic()
        if force or now - self._last_write >= PROGRESS_INTERVAL:
            self._last_write = now
            try:
                Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=self.job.total,
                                                          message=self.job.message)
            except OperationalError:
                # SQLite busy for longer than its timeout (another process writing at length):
                # progress is only a display, so the job goes on and the next call writes it.
                # Inside a transaction the error would have spoiled it: let it surface there.
                if _in_transaction():
                    raise
                logger.info("progress of job %s not written: database busy", self.job.pk)


def _in_transaction() -> bool:
    return transaction.get_connection().in_atomic_block


def _form_errors(form) -> list[str]:
    lines = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        lines.extend(f"{label}：{error}" if label else str(error) for error in errors)
    return lines


def handler_arguments(kind, params: dict, user) -> dict:
    """The handler's keyword arguments: the kind's form's cleaned data (JobFailed if invalid)."""
    form = kind.bind(params, user=user)
    if form is None:
        return dict(params)
    if not form.is_valid():
        raise JobFailed(_("任务参数无效。"), _form_errors(form))
    return dict(form.cleaned_data)


def _store_result(job: Job, result: JobResult | None) -> None:
    if result is None:
        return
    if result.content is not None:
        job.result_name = result.filename or f"job-{job.pk}"
        job.result_type = result.content_type
        job.result_file.save(job.result_name, ContentFile(result.content), save=False)
    job.summary = result.summary
    job.result_url = result.url


def _finish(job: Job, fields: list[str]) -> None:
    job.finished_at = timezone.now()
    job.save(update_fields=[*fields, "state", "finished_at", "done", "total", "message"])


def execute_job(job_id: int, *, worker: str = "") -> str:
    """Run the job ``job_id`` if it is still queued and record its outcome on the Job row.

    Returns the final state. A :class:`JobFailed` (or a ValidationError) becomes the job's error as
    it is; any other exception is logged with its traceback, recorded as an internal error and
    raised again so the queue keeps the traceback for the operator."""
    job = Job.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None or job.state != JobState.QUEUED:
        return job.state if job else ""
    job.state, job.started_at, job.worker = JobState.RUNNING, timezone.now(), worker[:128]
    job.save(update_fields=["state", "started_at", "worker"])
    run = JobRun(job)
    try:
        # Progress messages and errors are written in the data language (Chinese), like the audit trail.
        with data_language():
            try:
                kind = get_kind(job.kind)
            except UnknownJobKind as exc:
                raise JobFailed(str(exc)) from exc
            if not kind.permission(job.started_by) or not job.started_by.is_active:
                raise JobFailed(_("发起人已无权执行此任务。"))
            result = kind.handler(run, **handler_arguments(kind, job.params, job.started_by))
            job.state = JobState.SUCCEEDED
            if job.total is not None:
                job.done = job.total
            _store_result(job, result)
            _finish(job, ["summary", "result_url", "result_file", "result_name", "result_type"])
    except (JobFailed, ValidationError) as exc:
        job.state = JobState.FAILED
        if isinstance(exc, JobFailed):
            job.error, job.error_details = exc.message, exc.details
        else:
            job.error, job.error_details = _("任务未能完成。"), list(exc.messages)
        _finish(job, ["error", "error_details"])
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.state = JobState.FAILED
        with data_language():
            job.error = _("任务因内部错误中止（任务编号 %(id)s），请联系管理员查看服务器日志。") % {"id": job.pk}
        job.error_details = []
        _finish(job, ["error", "error_details"])
        raise
    return job.state
