"""Rules written once and read everywhere: what each stage records (STAGE_SPECS: the service, the
form, the workflow template), which region is the district (the analyses and the weekly report),
what a 链主 on a chain node is (the chain map and the gap analysis)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from lianzhao.analysis.chains import chain_nodes, node_inputs
from lianzhao.core.models import Region
from lianzhao.core.region import DistrictUnknown, district
from lianzhao.dispatch.queries import district_name
from lianzhao.industries.models import ChainNode
from lianzhao.projects.choices import EVIDENCE_FIELDS, STAGE_SPECS
from lianzhao.projects.forms import StageChangeForm

# --- one spec per stage ----------------------------------------------------------------------------

def test_the_stage_form_has_exactly_the_specs_evidence_fields(make_project):
    form = StageChangeForm(project=make_project(stage="lead"))
    evidence = [name for name in form.fields if name not in ("to_stage", "from_stage", "on", "evidence_file", "note")]
    assert sorted(evidence) == sorted(f.name for f in EVIDENCE_FIELDS)
    for field in EVIDENCE_FIELDS:
        assert form.fields[field.name].label == field.label and not form.fields[field.name].required


def test_the_workflow_shows_one_fieldset_per_stage_with_evidence_from_its_spec(client, personas, make_project):
    project = make_project(stage="negotiating")
    client.force_login(personas["officer_a"])
    body = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    fieldsets = dict(re.findall(r'<fieldset class="evidence" data-stage="(\w+)">(.*?)</fieldset>', body, re.S))
    assert list(fieldsets) == [stage for stage, spec in STAGE_SPECS.items() if spec.evidence]
    for stage, html in fieldsets.items():
        spec = STAGE_SPECS[stage]
        assert f"<legend>{spec.legend}</legend>" in html
        assert re.findall(r'name="(\w+)"', html) == [f.name for f in spec.evidence]
        assert (str(spec.file_hint) in html) if spec.file_hint else "muted small" not in html


# --- the district ----------------------------------------------------------------------------------

@pytest.fixture
def counties(db):
    province = Region.objects.create(code="37", name="山东省")
    city = Region.objects.create(code="3702", name="青岛市", parent=province)
    return {"jimo": Region.objects.create(code="370215", name="即墨区", parent=city), "city": city}


def test_the_one_county_level_region_is_the_district(counties):
    assert district() == counties["jimo"] and district_name() == "即墨区"


def test_with_two_county_level_regions_nobody_guesses(client, personas, counties):
    Region.objects.create(code="370211", name="黄岛区", parent=counties["city"])
    with pytest.raises(DistrictUnknown, match="LIANZHAO_DISTRICT"):
        district()
    assert district_name() == "本区"  # the weekly report's neutral title
    client.force_login(personas["analyst"])
    response = client.get(reverse("analysis_overview"))
    assert response.status_code == 409 and "LIANZHAO_DISTRICT" in response.content.decode()


def test_the_setting_names_the_district(counties):
    Region.objects.create(code="370211", name="黄岛区", parent=counties["city"])
    with override_settings(DISTRICT_CODE="370211"):
        assert district().name == "黄岛区" and district_name() == "黄岛区"
    with override_settings(DISTRICT_CODE="370299"), pytest.raises(DistrictUnknown, match="370299"):
        district()


def test_without_any_region_the_analysis_pages_say_so_instead_of_404(client, personas, db):
    client.force_login(personas["analyst"])
    response = client.get(reverse("analysis_overview"))
    assert response.status_code == 409
    assert "尚未设置本区（区划）" in response.content.decode()
    assert district_name() == "本区"


# --- 链主 -------------------------------------------------------------------------------------------

def test_a_chain_node_counts_only_local_chain_leaders_on_the_map_and_in_the_gaps(client, personas, industry):
    from lianzhao.enterprises.models import Enterprise

    battery = industry.chain_nodes.get(key="t-battery")
    local = Enterprise.objects.create(name="本地链主企业", is_local=True, is_chain_leader=True)
    outside = Enterprise.objects.create(name="外地链主企业", is_local=False, is_chain_leader=True)
    for enterprise in (local, outside):
        enterprise.chain_nodes.add(battery)
    node = ChainNode.objects.with_presence().get(pk=battery.pk)
    assert (node.local_count, node.leader_count) == (1, 1)
    client.force_login(personas["analyst"])
    response = client.get(reverse("industry_detail", args=[industry.slug]))
    shown = {n.key: (n.local_count, n.leader_count, n.enterprise_count) for n in response.context["nodes"]}
    assert shown["t-battery"] == (1, 1, 2)

    class Context:  # what node_inputs reads of a regional context
        table_sectors, table_year, share_rule, node_shares = 153, 2020, "classes", {}

    inputs = node_inputs(chain_nodes(industry), Context())
    by_key = {i.key: i for i in inputs}
    assert (by_key["t-battery"].local_enterprises, by_key["t-battery"].chain_leaders) == (1, 1)

