"""The report jobs other apps declare, run through the job framework."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from lianzhao.jobs.choices import JobState
from lianzhao.jobs.services import start_job


def test_the_weekly_report_is_built_as_a_job(personas, make_project, immediate_jobs):
    make_project(stage="signed")
    job = start_job("dispatch.weekly_report", {"week": "2025-W13", "unit": "", "format": "xlsx"},
                    acting_user=personas["leader"])

    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result_name == "周调度表_2025-W13.xlsx" and (job.done, job.total) == (3, 3)
    workbook = openpyxl.load_workbook(io.BytesIO(job.result_file.read()))
    assert workbook.sheetnames


@pytest.mark.parametrize("week", ["2999-W01", "last week", ""])
def test_a_bad_week_is_refused_when_the_job_is_started(personas, week):
    with pytest.raises(ValidationError):
        start_job("dispatch.weekly_report", {"week": week, "format": "pdf"}, acting_user=personas["leader"])
