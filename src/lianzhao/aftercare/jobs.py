"""Background jobs of enterprise service: the daily e-mail digest, for an admin to send now (the
daily run is `lianzhao digest` from cron or a systemd timer)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.accounts.choices import Role
from lianzhao.accounts.permissions import role_of
from lianzhao.aftercare.digest import DigestDisabled, send_digests
from lianzhao.jobs.registry import job_kind
from lianzhao.jobs.runner import JobFailed, JobResult


@job_kind("aftercare.digest", label=gettext_lazy("每日待办提醒邮件"),
          permission=lambda user: role_of(user) == Role.ADMIN)
def digest(run):
    """Send today's digest to every user with something due (see :mod:`lianzhao.aftercare.digest`)."""
    run.progress(0, 1, _("发送待办提醒"), force=True)
    try:
        result = send_digests(timezone.localdate())
    except DigestDisabled as exc:
        raise JobFailed(str(exc)) from exc
    return JobResult(summary=_("已发送 %(sent)s 封提醒邮件，%(skipped)s 位用户没有待办。")
                     % {"sent": result.sent, "skipped": result.skipped})
