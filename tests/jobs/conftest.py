"""Kinds of job used only by these tests (the fixtures that run jobs are in tests/conftest.py)."""

from __future__ import annotations

from django import forms

from lianzhao.accounts import permissions
from lianzhao.jobs.registry import job_kind
from lianzhao.jobs.runner import JobFailed, JobResult


class CountForm(forms.Form):
    rows = forms.IntegerField(min_value=0, max_value=1000)

    def __init__(self, data=None, *, user=None):
        super().__init__(data)


@job_kind("test.count", label="测试·计数", permission=permissions.can_read, form=CountForm)
def count_rows(run, *, rows):
    for done in range(rows):
        run.progress(done, rows, f"第 {done + 1} 行")
    return JobResult(content=("\n".join(str(i) for i in range(rows))).encode(), filename="计数.txt",
                     content_type="text/plain", summary=f"共 {rows} 行")


@job_kind("test.bad_rows", label="测试·坏行", permission=permissions.can_read)
def bad_rows(run):
    run.progress(1, 2, "校验", force=True)
    raise JobFailed("导入未完成：2 行有错误，未写入任何数据。", ["第 3 行：签约投资额不是数字", "第 7 行：缺少项目名称"])


@job_kind("test.crash", label="测试·崩溃", permission=permissions.can_read)
def crash(run):
    raise ZeroDivisionError("boom")


@job_kind("test.admin_only", label="测试·仅管理员", permission=lambda user: user.is_superuser)
def admin_only(run):
    return None
