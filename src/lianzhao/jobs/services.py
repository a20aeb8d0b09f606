"""Starting jobs, cleaning up after them, and recovering from a worker that died."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import data_language
from lianzhao.jobs.choices import JobState
from lianzhao.jobs.models import Job
from lianzhao.jobs.registry import get_kind
from lianzhao.jobs.runner import JobFailed, handler_arguments

logger = logging.getLogger(__name__)


def start_job(kind: str, params: dict | None = None, *, acting_user, input_file=None) -> Job:
    """Record a job of ``kind`` with ``params`` for ``acting_user`` and queue it for the worker.

    Checks the kind's permission (PermissionDenied) and validates the parameters with its form
    (ValidationError listing the form's messages), so a bad request fails at once instead of in the
    worker. ``input_file`` (an uploaded file) is stored with the job for the handler to read. One
    transaction: the Job row, its queue entry (the database backend queues in the same database)
    and one audit row (create) commit together.
    """
    job_kind = get_kind(kind)
    permissions.require(job_kind.permission(acting_user))
    params = dict(params or {})
    try:
        handler_arguments(job_kind, params, acting_user)
    except JobFailed as exc:
        raise ValidationError(exc.details or [exc.message]) from exc
    from lianzhao.jobs.tasks import run_job

    with transaction.atomic():
        job = Job.objects.create(kind=kind, started_by=acting_user, params=params)
        if input_file is not None:
            name = os.path.basename(getattr(input_file, "name", "") or "input")
            job.input_name = name[:255]
            job.input_file.save(name, input_file, save=False)
            job.save(update_fields=["input_file", "input_name"])
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=job, before=None,
                      after=snapshot(job))
        # With the immediate backend (tests) the job runs here, so its row is re-read afterwards.
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _delete_files(job: Job) -> None:
    for field in (job.input_file, job.result_file):
        if field:
            field.delete(save=False)


def purge_expired_jobs(*, now: dt.datetime | None = None) -> int:
    """Delete jobs that finished more than ``JOB_RETENTION_DAYS`` ago, with their input and result
    files and their queue entries. Housekeeping, not a business change: no audit row (the job's
    start has one). Returns how many jobs were deleted."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.JOB_RETENTION_DAYS)
    expired = list(Job.objects.finished_before(cutoff))
    for job in expired:
        _delete_files(job)
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return len(expired)


def worker_id() -> str:
    """This process as a worker: ``host:pid`` (what :func:`recover_interrupted_jobs` checks)."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted_jobs() -> int:
    """Mark as failed the jobs left running by a worker of this host that no longer exists (it was
    killed, or the machine restarted), so their users see what happened instead of a job that never
    ends; their queue entries are closed too. Run by every worker when it starts. Returns how many."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    host = socket.gethostname()[:50]
    dead = []
    for job in Job.objects.filter(state=JobState.RUNNING, worker__startswith=f"{host}:"):
        pid = job.worker.rsplit(":", 1)[1]
        if pid.isdigit() and not _process_alive(int(pid)):
            dead.append(job)
    now = timezone.now()
    for job in dead:
        job.state, job.finished_at = JobState.FAILED, now
        with data_language():
            job.error = _("任务被中断（后台进程已重启），请重新发起。")
        job.save(update_fields=["state", "finished_at", "error"])
        logger.warning("job %s (%s) was interrupted: its worker %s is gone", job.pk, job.kind, job.worker)
    workers = {job.worker for job in dead}
    if workers:
        for entry in DBTaskResult.objects.running():
            if set(entry.worker_ids) & workers:
                entry.status, entry.finished_at = TaskResultStatus.FAILED, now
                entry.save(update_fields=["status", "finished_at"])
    return len(dead)
