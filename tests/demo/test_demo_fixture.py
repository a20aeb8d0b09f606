"""The session's demo fixture (tests/conftest.py): loaded once, copied into each test as it was loaded,
and a test's own rows go on top of it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lianzhao.core.models import Region
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def _values(obj) -> tuple:
    return tuple(getattr(obj, field.attname) for field in obj._meta.concrete_fields)


def test_the_kept_rows_are_every_row_a_fresh_load_writes(_demo_rows):
    seeded = {model: set(model._base_manager.values_list("pk", flat=True)) for model, _, _ in _demo_rows}
    # The reference companies (the registry fixture, tests/conftest.py) are not part of the demo rows.
    call_command("demo", "load", "--no-reference", verbosity=0)
    for model, added, kept_seeded in _demo_rows:
        assert model._base_manager.count() == len(seeded[model]) + len(added), model.__name__
        assert {obj.pk for obj in kept_seeded} == seeded[model], model.__name__
    kept = {model for model, _, _ in _demo_rows}
    assert Enterprise.chain_nodes.through in kept and Region in kept


def test_each_test_gets_the_rows_exactly_as_loaded(demo, _demo_rows):
    assert demo.code == "370215"
    for model, added, seeded in _demo_rows:
        written = {obj.pk: _values(obj) for obj in [*added, *seeded]}
        stored = {obj.pk: _values(obj) for obj in model._base_manager.filter(pk__in=list(written))}
        assert stored == written, model.__name__


def test_a_test_adds_its_own_rows_on_top_of_the_demo(demo):
    before = Enterprise.objects.count()
    enterprise = Enterprise.objects.create(name="测试·加在示例之上的企业", gbt_code="3841", is_sample=True)
    enterprise.chain_nodes.add(ChainNode.objects.get(key="nev-battery"))
    assert Enterprise.objects.count() == before + 1
    assert enterprise.pk > max(Enterprise.objects.exclude(pk=enterprise.pk).values_list("pk", flat=True))
