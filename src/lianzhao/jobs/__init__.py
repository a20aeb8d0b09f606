"""Background jobs: long work (imports, reports over the whole pipeline, recomputations) runs in a
worker process with progress, instead of holding a web request.

The public API (see docs/operations.md, "Background jobs"):

    from lianzhao.jobs.registry import job_kind            # declare a kind of job (in <app>/jobs.py)
    from lianzhao.jobs.runner import JobFailed, JobResult  # what a handler raises / returns
    from lianzhao.jobs.services import start_job           # start one (permission, params, audit row)

Queueing and the worker loop are django-tasks (the backport of Django 6's ``django.tasks``) with its
database backend (django-tasks-db): the queue is a table in lianzhao's own database, so SQLite on a
laptop and PostgreSQL on a server need nothing else installed.
"""
