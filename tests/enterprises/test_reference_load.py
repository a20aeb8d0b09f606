"""`lianzhao refdata load`: the listed companies, their main products and the product graph read from
the data folder (the `registry` fixture is what it writes). The database holds the files' facts, so
the held-out evaluation (bench/targets_eval.py, on the files) measures what the pages show; a second
load changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lianzhao.audit.models import AuditRecord
from lianzhao.econ.targets import TargetWeights, rank_candidates
from lianzhao.enterprises.facts import company_facts, node_profile
from lianzhao.enterprises.models import Enterprise, ImportBatch
from lianzhao.industries.models import ChainNode
from lianzhao.refdata.company_facts import listed_company_facts
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def test_the_database_holds_the_same_facts_as_the_files(registry):
    stored = {f.name: f for f in company_facts(Enterprise.objects.exclude(stock_code=""))}
    files = {f.name: f for f in listed_company_facts()}
    assert set(stored) == set(files)
    for name, f in files.items():
        s = stored[name]
        assert (s.csrc_code, s.region_code, s.region_name, s.listed) == (f.csrc_code, f.region_code, f.region_name, True)
        assert [p.name for p in s.products] == [p.name[:64] for p in f.products], name
        assert all((a.share is None) == (b.share is None) and abs((a.share or 0) - (b.share or 0)) < 1e-4
                   for a, b in zip(s.products, f.products, strict=True)), name  # stored with four decimals
    node = node_profile(ChainNode.objects.get(key="nev-separator"))
    by_files = rank_candidates(node, files.values(), weights=TargetWeights(), district_code="370215", limit=20)
    by_db = rank_candidates(node, stored.values(), weights=TargetWeights(), district_code="370215", limit=20)
    assert by_db and [c.company.name for c in by_db] == [c.company.name for c in by_files]


def test_a_second_load_changes_nothing(registry):
    before, audited = Enterprise.objects.count(), AuditRecord.objects.filter(model_name="enterprise").count()
    out = StringIO()
    call_command("refdata", "load", stdout=out)
    assert "新建 0 家，更新 0 家" in out.getvalue()
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.kind == "refdata" and batch.unchanged == batch.rows > 5000
    assert Enterprise.objects.count() == before
    assert AuditRecord.objects.filter(model_name="enterprise").count() == audited
