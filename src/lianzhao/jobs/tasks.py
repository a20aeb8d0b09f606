"""The one queued task: run a Job. Everything about the job lives on the Job row; the queue only
carries its id (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from lianzhao.jobs.runner import execute_job


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> str:
    worker_ids = context.task_result.worker_ids
    return execute_job(job_id, worker=worker_ids[-1] if worker_ids else "")
