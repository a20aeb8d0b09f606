"""The kinds of background job. Each app declares its own in ``<app>/jobs.py``::

    from lianzhao.jobs.registry import job_kind
    from lianzhao.jobs.runner import JobResult

    @job_kind("dispatch.weekly_report", label=_("周调度报告"), permission=permissions.can_read,
              form=WeeklyReportJobForm)
    def weekly_report(run, *, week, unit, format):
        run.progress(0, 3, "读取项目数据")
        ...
        return JobResult(content=data, filename="…pdf", content_type="application/pdf")

``form(data, *, user)`` builds a bound Django form from the job's parameters (strings, as posted);
it is validated when the job is started and again when it runs (the data may have changed in
between), and its ``cleaned_data`` are the handler's keyword arguments. Without a form the handler
gets the parameters as they were given. ``permission(user)`` is checked at both times too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    handler: Callable[..., Any]
    permission: Callable[[Any], bool]
    form: Callable[..., Any] | None = None

    def bind(self, params: dict, *, user):
        """The kind's form bound to ``params`` (None when the kind takes no form)."""
        return self.form(params, user=user) if self.form is not None else None


_kinds: dict[str, JobKind] = {}


class UnknownJobKind(LookupError):
    pass


def job_kind(name: str, *, label, permission: Callable[[Any], bool], form=None):
    """Register the decorated function as the handler of jobs of kind ``name``."""

    def register(handler):
        if name in _kinds and _kinds[name].handler is not handler:
            raise ImproperlyConfigured(f"job kind {name!r} is declared twice")
        _kinds[name] = JobKind(name=name, label=label, handler=handler, permission=permission, form=form)
        return handler

    return register


def get_kind(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownJobKind(_("未知的任务类型：%(kind)s") % {"kind": name}) from None


def kind_label(name: str) -> str:
    kind = _kinds.get(name)
    return str(kind.label) if kind else name
