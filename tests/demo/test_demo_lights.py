"""The Jimo demo shows red and yellow lights from planned dates on sample projects only."""

from __future__ import annotations

import datetime as dt

import pytest

from lianzhao.projects import lights
from lianzhao.projects.choices import PLANNED_DATE_FIELD
from lianzhao.projects.models import InvestmentProject, TrafficLightRule
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def test_sample_projects_plan_their_next_stage_and_the_article_projects_do_not(demo):
    planned = InvestmentProject.objects.exclude(**{f: None for f in PLANNED_DATE_FIELD.values()})
    assert planned.exists() and not planned.filter(is_sample=False).exists()
    cathode = InvestmentProject.objects.get(name="示例·正极材料生产基地项目")  # 洽谈 since 2025-06-20
    assert cathode.planned_signed_date == dt.date(2025, 9, 18)


@pytest.mark.parametrize("today", [dt.date(2025, 12, 1), dt.date(2026, 6, 1)])
def test_the_demo_shows_red_and_yellow_lights(demo, today):
    counts = lights.light_counts(InvestmentProject.objects.all(), today=today, rule=TrafficLightRule.load())
    assert counts["red"] > 0 and counts["yellow"] > 0
