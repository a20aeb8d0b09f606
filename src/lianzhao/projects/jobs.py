"""Background jobs of the projects app: a long Excel import runs in the worker with progress instead
of holding a web request (see lianzhao.jobs)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lianzhao.accounts import permissions
from lianzhao.jobs.registry import job_kind
from lianzhao.jobs.runner import JobFailed, JobResult

#: Error lines kept on a failed job (a file of 50,000 bad rows has as many); the count says the rest.
MAX_ERROR_LINES = 2000


@job_kind("projects.import", label=gettext_lazy("项目导入"), permission=permissions.can_create_project)
def import_projects(run):
    """Import the job's input file (:func:`lianzhao.projects.importing.import_projects`): all rows
    or none, each error as a detail line of the failed job."""
    from lianzhao.projects.importing import import_projects as run_import

    with run.open_input() as upload:
        result = run_import(upload, acting_user=run.user, progress=run.progress)
    if not result.ok:
        lines = [str(e) for e in result.errors[:MAX_ERROR_LINES]]
        if len(result.errors) > MAX_ERROR_LINES:
            lines.append(f"……另有 {len(result.errors) - MAX_ERROR_LINES:,} 处错误未列出。")
        raise JobFailed(f"导入未完成：发现 {len(result.errors):,} 处错误，未写入任何数据。请改正后重新导入。", lines)
    return JobResult(summary=result.summary(), url=reverse("project_list"))
