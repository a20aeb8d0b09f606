"""Per-process caches stay right when another process changes the data: every key is read from
the database on each request (the settings' version, the base, the project's own values)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F

from lianzhao.analysis import engine
from lianzhao.analysis.impact import project_impact
from lianzhao.analysis.models import AnalysisSettings
from lianzhao.projects.models import InvestmentProject
from tests.conftest import needs_data

pytestmark = needs_data


def _project():
    return InvestmentProject.objects.with_related().get(name="中电建海上光伏项目")


def test_an_impact_card_is_computed_once_per_process_and_shared(demo):
    first = project_impact(_project(), engine.regional_context(demo)).card
    again = project_impact(_project(), engine.regional_context(demo)).card
    assert again is first


def test_a_changed_project_gets_a_new_card(demo):
    before = project_impact(_project(), engine.regional_context(demo)).card
    InvestmentProject.objects.filter(pk=_project().pk).update(amount=Decimal("51.00"))
    after = project_impact(_project(), engine.regional_context(demo)).card
    assert after is not before
    spent = after.phases["construction"].detail["spending"].sum()
    assert abs(spent - 510_000) < 1e-6  # 51 亿元 in 万元


def test_settings_changed_by_another_process_are_seen_at_the_next_request(demo):
    before = engine.regional_context(demo)
    card = project_impact(_project(), before).card
    # What another web process's service writes: a new δ and the next version — no signal reaches
    # this process, only the database.
    AnalysisSettings.objects.filter(region=demo).update(delta=Decimal("0.2"), version=F("version") + 1)

    after = engine.regional_context(demo)
    assert after is not before and after.delta == 0.2
    assert project_impact(_project(), after).card is not card
    assert project_impact(_project(), after).card.assumptions != card.assumptions


def test_warming_a_web_server_regionalizes_the_districts_table(demo):
    from django.apps import apps

    engine.clear_cache()
    apps.get_app_config("analysis").warm_up()
    assert [context.region_code for context in engine._contexts.values()] == ["370215"]
