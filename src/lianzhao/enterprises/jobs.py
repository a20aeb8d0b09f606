"""Background jobs of the registry: a large import (a bought list of a million companies) runs in the
worker with progress instead of holding a web request (see lianzhao.jobs)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lianzhao.accounts import permissions
from lianzhao.jobs.registry import job_kind
from lianzhao.jobs.runner import JobFailed, JobResult


@job_kind("enterprises.import", label=gettext_lazy("企业库导入"), permission=permissions.can_edit_enterprises)
def import_registry(run, **params):
    """Import the job's input file (:func:`lianzhao.enterprises.importing.import_enterprises`): all rows
    or none, each error as a detail line of the failed job."""
    from lianzhao.enterprises.importing import import_enterprises

    with run.open_input() as upload:
        result = import_enterprises(upload, filename=run.job.input_name, acting_user=run.user, progress=run.progress)
    if not result.ok:
        raise JobFailed(f"导入未完成：发现 {result.error_count:,} 处错误，未写入任何数据。请改正后重新导入。", result.errors)
    return JobResult(summary=result.summary(), url=reverse("import_batch_list"))
