"""The demo's 2025 department targets: present, labelled 示例, loaded once, and ranked."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.queries import department_progress
from lianzhao.dispatch.ranking import rank_departments
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def test_the_demo_departments_get_sample_targets_for_2025_and_the_year_it_is_loaded_once(demo):
    years = sorted({2025, timezone.localdate().year})
    for year in years:  # every measure set, so no column of the targets page is blank
        targets = DepartmentTarget.objects.filter(year=year)
        assert sorted(t.department.code for t in targets) == ["invest-1", "invest-2", "invest-3", "invest-4"]
        assert all(t.note.startswith("示例") and t.funds_in_place and t.new_projects for t in targets)
    targets = DepartmentTarget.objects.filter(year=2025)
    changed = targets.get(department__code="invest-1")
    changed.signed_amount = 33
    changed.save()
    call_command("demo", "load", "--no-reference", stdout=StringIO())
    assert DepartmentTarget.objects.count() == 4 * len(years)
    changed.refresh_from_db()
    assert changed.signed_amount == 33  # an admin's change survives a reload


def test_the_demo_ranking_ranks_the_four_departments_with_targets(demo):
    ranked = rank_departments(department_progress(2025, dt.date(2025, 12, 31)))
    assert [r.rank is not None for r in ranked] == [True, True, True, True, False]
    assert ranked[-1].progress.department == "综合科"
