"""In headless Chromium: a running job's page refreshes its status by itself, and says so to the
server (the refresh does not count as the user being there: lianzhao.core.middleware.POLL_HEADER)."""

from __future__ import annotations

import pytest

from lianzhao.accounts.models import User
from lianzhao.core.middleware import POLL_HEADER
from lianzhao.jobs.models import Job
from tests.browser.test_officer_journey import _login
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]


def test_a_running_job_s_page_polls_as_a_timed_refresh(page, live_server, transactional_db, demo):
    base = live_server.url
    officer = User.objects.get(username="officer")
    job = Job.objects.create(kind="enterprise_import", started_by=officer, state="running", done=10, total=100,
                             message="读取并校验 10 行")
    _login(page, base, "officer")
    page.goto(f"{base}/jobs/{job.pk}/")
    with page.expect_request(lambda r: r.url.endswith(f"/jobs/{job.pk}/") and r.headers.get("hx-request")) as polled:
        pass
    assert polled.value.headers.get(POLL_HEADER.lower()) == "1"
    Job.objects.filter(pk=job.pk).update(state="succeeded", summary="导入完成：新建 100 家企业")
    page.wait_for_selector("#job-status[data-state=succeeded] .job-summary")  # the refresh brought the outcome
