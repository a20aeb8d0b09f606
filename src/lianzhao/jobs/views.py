"""The job pages: my jobs, one job's status (page and the htmx fragment it polls), its download, and
the generic start form (POST) for kinds whose parameters come from a plain form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianzhao.accounts import permissions
from lianzhao.core.htmx import is_htmx
from lianzhao.core.http import stored_attachment
from lianzhao.jobs.models import Job
from lianzhao.jobs.registry import UnknownJobKind, get_kind
from lianzhao.jobs.services import start_job

_NOT_YOURS = _("只有任务发起人或管理员可以查看该任务。")


def _no_store(response):
    # Status changes every second and results are personal: never from a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def job_list(request):
    """The user's jobs, newest first (admins: everyone's)."""
    permissions.require(permissions.can_read(request.user))
    jobs = Job.objects.visible_to(request.user).select_related("started_by")
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return _no_store(render(request, "jobs/job_list.html",
                            {"page": page, "retention_days": settings.JOB_RETENTION_DAYS}))


def _visible_job(request, pk) -> Job:
    job = get_object_or_404(Job.objects.select_related("started_by"), pk=pk)
    permissions.require(job.can_be_seen_by(request.user), _NOT_YOURS)
    return job


@require_GET
def job_detail(request, pk):
    """One job: state, progress, outcome. The htmx fragment polls itself every two seconds until the
    job has finished; without JavaScript the page has a plain link that reloads it."""
    job = _visible_job(request, pk)
    template = "jobs/_job_status.html" if is_htmx(request) else "jobs/job_detail.html"
    return _no_store(render(request, template, {"job": job}))


@require_GET
def job_download(request, pk):
    """The job's result file, for the user who started it (or an admin)."""
    job = _visible_job(request, pk)
    if not job.result_file:
        raise Http404(_("该任务没有结果文件。"))
    return stored_attachment(job.result_file, filename=job.result_name, content_type=job.result_type,
                             missing=_("结果文件已被清理。"))


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def job_start(request, kind):
    """Start a job of ``kind`` with the posted form fields as its parameters, then show its status."""
    try:
        job_kind = get_kind(kind)
    except UnknownJobKind:
        raise Http404(_("未知的任务类型。")) from None
    permissions.require(job_kind.permission(request.user))
    form = job_kind.bind(request.POST, user=request.user)
    names = list(form.fields) if form is not None else []
    params = {name: request.POST.get(name, "") for name in names}
    try:
        job = start_job(kind, params, acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back(request, "job_list")
    return redirect("job_detail", pk=job.pk)
