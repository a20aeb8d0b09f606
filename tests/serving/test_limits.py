"""Heavy requests (documents) take a shared slot; pages never wait for one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lianzhao.serving.limits import _FileSlots, is_heavy
from tests.conftest import login, needs_data


@pytest.mark.parametrize(("url", "heavy"), [
    ("/dispatch/?week=2025-W13&format=pdf", True),
    ("/dispatch/?week=2025-W13&format=xlsx", True),
    ("/analysis/gaps/nev.pdf", True),
    ("/analysis/projects/3/impact.pdf", True),
    ("/projects/export/", True),
    ("/dispatch/?week=2025-W13", False),
    ("/projects/", False),
    ("/analysis/projects/3/impact/", False),
    ("/jobs/4/download/", False),
])
def test_documents_are_heavy_and_pages_are_not(url, heavy):
    assert is_heavy(RequestFactory().get(url)) is heavy


@pytest.fixture
def one_slot(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.HEAVY_REQUEST_SLOTS = 1
    settings.HEAVY_REQUEST_WAIT = 0.2
    return _FileSlots(Path(tmp_path) / "run", 1)


def test_a_document_waits_for_a_busy_slot_then_answers_503_with_advice(client, personas, one_slot):
    login(client, personas["leader"])
    held = one_slot.acquire(0)  # another process is building a document
    try:
        busy = client.get(reverse("weekly_report"), {"week": "2025-W13", "format": "xlsx"})
        page = client.get(reverse("weekly_report"), {"week": "2025-W13"})
    finally:
        one_slot.release(held)
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert "后台生成" in busy.content.decode()
    assert page.status_code == 200

    free = client.get(reverse("weekly_report"), {"week": "2025-W13", "format": "xlsx"})
    assert free.status_code == 200 and free["Content-Disposition"].startswith("attachment")
    again = one_slot.acquire(0)
    assert again is not None  # the request gave its slot back
    one_slot.release(again)


def test_slots_are_shared_between_separate_holders(tmp_path):
    first, second = _FileSlots(tmp_path, 2), _FileSlots(tmp_path, 2)
    a, b = first.acquire(0), second.acquire(0)
    assert a is not None and b is not None
    assert first.acquire(0) is None and second.acquire(0.1) is None
    first.release(a)
    c = second.acquire(0)
    assert c is not None
    second.release(b)
    second.release(c)


@needs_data
def test_the_analysis_app_warms_the_national_tables_its_settings_use(db):
    from django.apps import apps

    from lianzhao.analysis import engine
    from lianzhao.analysis.models import AnalysisSettings
    from lianzhao.core.models import Region

    AnalysisSettings.objects.create(region=Region.objects.create(code="370215", name="即墨区"),
                                    table_year=2020, table_sectors=42)
    engine.national_table.cache_clear()
    apps.get_app_config("analysis").warm_up()
    assert engine.national_table.cache_info().currsize == 1
    assert len(engine.national_table(2020, 42).sectors) == 42
