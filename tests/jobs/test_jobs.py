"""Background jobs: starting, progress, outcome, downloads restricted to the starter, clean-up."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lianzhao.audit.models import AuditRecord
from lianzhao.jobs.choices import JobState
from lianzhao.jobs.models import Job
from lianzhao.jobs.services import purge_expired_jobs, recover_interrupted_jobs, start_job, worker_id
from tests.conftest import login, run_worker_once


def test_a_job_is_queued_then_run_by_the_worker(personas):
    job = start_job("test.count", {"rows": "3"}, acting_user=personas["officer_a"])
    assert job.state == JobState.QUEUED and job.task_id

    run_worker_once()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert (job.done, job.total, job.summary) == (3, 3, "共 3 行")
    assert job.worker == worker_id()
    assert job.result_file.read() == b"0\n1\n2"
    assert job.started_at <= job.finished_at


def test_starting_a_job_writes_one_audit_row(personas, immediate_jobs):
    job = start_job("test.count", {"rows": "2"}, acting_user=personas["officer_a"])

    record = AuditRecord.objects.for_object(job).get()
    assert record.actor == personas["officer_a"] and record.action == "create"
    assert record.after["kind"] == "test.count" and record.after["params"] == {"rows": "2"}


def test_bad_parameters_are_refused_before_anything_is_queued(personas):
    with pytest.raises(ValidationError):
        start_job("test.count", {"rows": "many"}, acting_user=personas["officer_a"])
    assert not Job.objects.exists() and not AuditRecord.objects.exists()


def test_a_kind_the_user_may_not_run_is_refused(personas):
    with pytest.raises(PermissionDenied):
        start_job("test.admin_only", acting_user=personas["leader"])
    with pytest.raises(PermissionDenied):
        start_job("test.count", {"rows": "1"}, acting_user=personas["norole"])
    assert not Job.objects.exists()


def test_the_start_form_starts_a_job_and_shows_its_page(client, personas, immediate_jobs):
    login(client, personas["analyst"])
    response = client.post(reverse("job_start", args=["test.count"]), {"rows": "4", "ignored": "x"})

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert job.params == {"rows": "4"} and job.started_by == personas["analyst"]
    page = client.get(response.url)
    assert "共 4 行" in page.content.decode() and reverse("job_download", args=[job.pk]) in page.content.decode()


def test_the_start_form_sends_bad_parameters_back_with_the_reason(client, personas):
    login(client, personas["analyst"])
    response = client.post(reverse("job_start", args=["test.count"]),
                           {"rows": "-1", "next": reverse("weekly_report")}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("weekly_report")
    assert "0" in " ".join(str(m) for m in response.context["messages"])
    assert not Job.objects.exists()


def test_the_start_form_never_redirects_off_site(client, personas):
    login(client, personas["analyst"])
    response = client.post(reverse("job_start", args=["test.count"]), {"rows": "x", "next": "https://evil.example/"})
    assert response.url == reverse("job_list")


@pytest.mark.parametrize(("who", "status"), [("norole", 403), ("leader", 403), ("admin", 302)])
def test_the_start_form_checks_the_kinds_permission(client, personas, immediate_jobs, who, status):
    login(client, personas[who])
    assert client.post(reverse("job_start", args=["test.admin_only"])).status_code == status


def test_an_unknown_kind_is_not_found(client, personas):
    login(client, personas["admin"])
    assert client.post(reverse("job_start", args=["nope"])).status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    ("anonymous", 302), ("norole", 403), ("officer_b", 403), ("leader", 403), ("officer_a", 200), ("admin", 200),
])
def test_only_the_starter_or_an_admin_sees_and_downloads_a_job(client, personas, immediate_jobs, who, status):
    job = start_job("test.count", {"rows": "2"}, acting_user=personas["officer_a"])
    if who != "anonymous":
        login(client, personas[who])
    for name in ("job_detail", "job_download"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == status, name
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert "filename*=utf-8''%E8%AE%A1%E6%95%B0.txt" in response["Content-Disposition"]
        assert response["Cache-Control"] == "no-store"
        assert b"".join(response.streaming_content) == b"0\n1"


def test_the_job_list_shows_my_jobs_and_admins_see_all(client, personas, immediate_jobs):
    mine = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    theirs = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_b"])

    login(client, personas["officer_a"])
    assert [j.pk for j in client.get(reverse("job_list")).context["page"]] == [mine.pk]
    login(client, personas["admin"])
    assert {j.pk for j in client.get(reverse("job_list")).context["page"]} == {mine.pk, theirs.pk}


def test_the_status_fragment_polls_while_the_job_runs_and_stops_when_it_is_done(client, personas):
    job = start_job("test.count", {"rows": "5"}, acting_user=personas["officer_a"])
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=2, total=5, message="第 3 行")
    login(client, personas["officer_a"])
    url = reverse("job_detail", args=[job.pk])

    running = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in running and f'hx-get="{url}"' in running
    assert "40%" in running and "第 3 行" in running
    assert f'<a href="{url}">' in running  # without JavaScript: a plain link that reloads the page
    assert "<html" not in running

    run_worker_once()  # a running job is not picked up again
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, finished_at=timezone.now())
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "已完成" in done


def test_a_job_that_fails_for_a_reason_says_why_row_by_row(client, personas, immediate_jobs):
    job = start_job("test.bad_rows", acting_user=personas["officer_a"])

    assert job.state == JobState.FAILED and job.finished_at
    assert job.error == "导入未完成：2 行有错误，未写入任何数据。"
    login(client, personas["officer_a"])
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "第 3 行：签约投资额不是数字" in page and "第 7 行：缺少项目名称" in page


def test_a_crashing_job_fails_with_a_chinese_message_and_keeps_the_traceback_for_the_operator(personas):
    from django_tasks_db.models import DBTaskResult

    job = start_job("test.crash", acting_user=personas["officer_a"])
    run_worker_once()

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == f"任务因内部错误中止（任务编号 {job.pk}），请联系管理员查看服务器日志。"
    entry = DBTaskResult.objects.get(id=job.task_id)
    assert entry.status == "FAILED" and "ZeroDivisionError" in entry.traceback


def test_a_job_whose_starter_lost_the_right_fails_when_it_runs(personas):
    job = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    personas["officer_a"].role = ""
    personas["officer_a"].save()
    run_worker_once()

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "发起人已无权执行此任务。"


def test_finished_jobs_and_their_files_are_deleted_after_the_retention_period(personas, immediate_jobs, settings):
    settings.JOB_RETENTION_DAYS = 7
    old = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    recent = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    path = old.result_file.path
    assert os.path.exists(path)

    assert purge_expired_jobs() == 1

    assert not os.path.exists(path)
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert os.path.exists(recent.result_file.path)


def test_a_job_left_running_by_a_dead_worker_is_marked_failed(personas):
    job = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    alive = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = worker_id().rsplit(":", 1)[0]
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker=f"{host}:{gone.stdout.strip()}")
    Job.objects.filter(pk=alive.pk).update(state=JobState.RUNNING, worker=worker_id())

    assert recover_interrupted_jobs() == 1

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "任务被中断（后台进程已重启），请重新发起。"
    assert Job.objects.get(pk=alive.pk).state == JobState.RUNNING


def test_progress_that_cannot_be_written_while_the_database_is_busy_does_not_fail_the_job(personas, monkeypatch):
    from django.db import OperationalError

    from lianzhao.jobs import runner

    job = start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(type(Job.objects.filter(pk=job.pk)), "update", busy)
    run = runner.JobRun(job)
    monkeypatch.setattr(runner, "_in_transaction", lambda: False)
    run.progress(1, 2, "第 1 行", force=True)  # no exception: the job goes on
    assert (run.job.done, run.job.total) == (1, 2)
    monkeypatch.setattr(runner, "_in_transaction", lambda: True)  # inside one, the error must surface
    with pytest.raises(OperationalError):
        run.progress(2, 2, force=True)


def test_the_job_list_costs_the_same_queries_for_one_job_or_many(client, personas, immediate_jobs,
                                                                   django_assert_max_num_queries):
    login(client, personas["admin"])
    start_job("test.count", {"rows": "1"}, acting_user=personas["officer_a"])
    client.get(reverse("job_list"))  # session and user cached like any later page
    with django_assert_max_num_queries(6) as one:
        client.get(reverse("job_list"))
    for who in ("officer_a", "officer_b", "leader", "analyst"):
        start_job("test.count", {"rows": "1"}, acting_user=personas[who])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(reverse("job_list")).context["page"]) == 5
