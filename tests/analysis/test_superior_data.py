"""The analysts' superior data on the Jimo demo: node shares and hybrid-table overrides (audited,
refused with the nodes or sector named), the what-if scenario, and the gap page's 稳健 share, chain
totals and labels (issue 10)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.urls import reverse

from lianzhao.analysis import engine
from lianzhao.analysis.chains import industry_gaps, rows_for_display
from lianzhao.analysis.models import CoefficientOverride, NodeShare
from lianzhao.audit.models import AuditRecord
from lianzhao.industries.models import ChainNode, Industry
from tests.conftest import needs_data

pytestmark = needs_data


def all_gaps(region):
    context = engine.regional_context(region)
    return [industry_gaps(i, context) for i in Industry.objects.filter(chain_nodes__isnull=False).distinct()]


def test_on_the_demo_every_node_has_a_stability_label_and_only_alike_nodes_share_a_demand(demo):
    gaps = all_gaps(demo)
    table = pd.concat([g.table for g in gaps])
    codes = {n.key: frozenset(n.gbt_codes) for g in gaps for n in g.nodes}
    for _, same in table.groupby(table["demand"].round(6)):
        assert len({codes[k] for k in same.index}) == 1, list(same.index)
    for g in gaps:
        assert g.stability["stability_label"].isin(["稳健", "敏感"]).all()
        assert g.totals["node_demand"] <= g.totals["demand"] + 1e-6  # each sector counted once
    context = engine.regional_context(demo)
    local = context.regional.local_share[list(context.regional.non_tradables)].dropna()
    assert len(local) > 10 and ((local - 1).abs() < 1e-12).all()


def test_the_gap_page_prints_the_robust_share_the_totals_the_labels_and_the_override(demo, client, demo_users):
    client.force_login(demo_users["officer_a"])
    response = client.get(reverse("gap_detail", args=["nev"]))
    body = response.content.decode()
    gaps = industry_gaps(Industry.objects.get(slug="nev"), engine.regional_context(demo))
    assert f"稳健结论 {gaps.robust_count}/18 个环节" in body
    assert "每个部门只计一次" in body and 'id="gap-totals"' in body
    rows = response.context["rows"]
    assert all(r["stability_label"] in ("稳健", "敏感") for r in rows)
    # officers see 稳健 verdicts first
    labels = [r["stability"] for r in rows]
    assert labels == sorted(labels, key=lambda s: s != "robust")
    assert "示例：新能源整车厂采购结构" in body and "混合表覆盖" in body
    assert 'id="what-if"' not in body  # the trial form is for analysts


def test_an_analyst_tries_a_scenario_without_saving_it(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    url = reverse("gap_detail", args=["nev"])
    assert 'id="what-if"' in client.get(url).content.decode()
    version = engine.settings_for(demo).version
    response = client.get(url, {"whatif": "1", "method": "flq", "delta": "0.1", "node_share_rule": "classes",
                                "min_demand": "0", "plant_share": "0.2", "strengthen_leakage": "0.5",
                                "extend_linkage": "0.02", "import_substitution_share": "0.25"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "试算情景" in body and response.context["context"].what_if and response.context["context"].delta == 0.1
    assert engine.settings_for(demo).version == version and not AuditRecord.objects.filter(actor__isnull=False).exists()
    # the saved settings are what everyone else sees
    assert engine.regional_context(demo).delta == 0.3


@pytest.mark.parametrize("bad", [{"delta": "5"}, {"min_demand": "x"}, {"plant_share": "1e999"}, {"method": "nope"},
                                 {"strengthen_leakage": "-1"}, {"delta": ""}])
def test_a_bad_scenario_is_a_form_error_never_a_500(demo, client, demo_users, bad):
    client.force_login(demo_users["analyst"])
    values = {"whatif": "1", "method": "flq", "delta": "0.3", "node_share_rule": "classes", "min_demand": "0",
              "plant_share": "1", "strengthen_leakage": "0.5", "extend_linkage": "0.02",
              "import_substitution_share": "0.25", **bad}
    response = client.get(reverse("gap_detail", args=["nev"]), values)
    assert response.status_code == 400
    (field,) = bad
    assert response.context["what_if_form"].errors.get(field)
    assert "试算情景" not in response.content.decode().split('id="gap-summary"')[1][:500]


def test_an_analyst_sets_a_node_share_and_removes_it_both_audited(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    node = ChainNode.objects.get(key="nev-chip")
    before = rows_for_display(industry_gaps(node.industry, engine.regional_context(demo)))
    response = client.post(reverse("node_share_set", args=["nev"]), {
        "node": node.pk, "sector": "094", "share": "0.2", "source": "示例：车规芯片产值调研"})
    assert response.status_code == 302
    share = NodeShare.objects.get(node=node, sector="094")
    assert share.author == demo_users["analyst"] and str(share.share) == "0.2000"
    record = AuditRecord.objects.get(model_name="nodeshare", action="create", actor__isnull=False)
    assert record.actor == demo_users["analyst"] and record.after["share"] == "0.2000"
    after = rows_for_display(industry_gaps(node.industry, engine.regional_context(demo)))
    chip = next(r for r in after if r["key"] == "nev-chip")
    assert chip["demand"] != next(r for r in before if r["key"] == "nev-chip")["demand"]
    assert "094 电子元器件 × 20%〔示例：车规芯片产值调研〕" in chip["reason"]
    page = client.get(reverse("node_shares", args=["nev"])).content.decode()
    assert "分析员设定" in page and "示例：车规芯片产值调研" in page
    response = client.post(reverse("node_share_remove", args=[share.pk]))
    assert response.status_code == 302 and not NodeShare.objects.filter(pk=share.pk).exists()
    assert AuditRecord.objects.get(model_name="nodeshare", action="delete").before["share"] == "0.2000"


def test_shares_of_one_sector_above_one_are_refused_with_the_nodes_named(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    chip, components = ChainNode.objects.get(key="ngit-ic-mfg"), ChainNode.objects.get(key="ngit-components")
    ok = client.post(reverse("node_share_set", args=["ngit"]), {
        "node": chip.pk, "sector": "094", "share": "0.7", "source": "调研"})
    assert ok.status_code == 302
    response = client.post(reverse("node_share_set", args=["ngit"]), {
        "node": components.pk, "sector": "094", "share": "0.5", "source": "调研"})
    assert response.status_code == 400
    error = " ".join(response.context["form"].errors["share"])
    assert "部门 094" in error and "“晶圆制造与封装测试”" in error and "“电子元件与电路板”" in error
    assert not NodeShare.objects.filter(node=components, sector="094").exists()
    assert AuditRecord.objects.filter(model_name="nodeshare", actor__isnull=False).count() == 1
    wrong = client.post(reverse("node_share_set", args=["ngit"]), {
        "node": chip.pk, "sector": "087", "share": "0.1", "source": "调研"})
    assert wrong.status_code == 400 and "不对应部门 087" in " ".join(wrong.context["form"].errors["sector"])
    for share in ("1.5", "-0.1", "x"):
        bad = client.post(reverse("node_share_set", args=["ngit"]), {
            "node": chip.pk, "sector": "094", "share": share, "source": "调研"})
        assert bad.status_code == 400 and bad.context["form"].errors["share"]


def test_an_override_changes_the_analysis_is_shown_and_is_removable(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    before = engine.regional_context(demo)
    response = client.post(reverse("analysis_override_add"), {
        "kind": "local_share", "sector": "087", "share": "0.6", "rest": "keep", "coefficients": "",
        "label": "电池本地采购调查", "source": "示例：2025 年区内整车厂采购调查", "as_of": "2025-06-30"})
    assert response.status_code == 302
    o = CoefficientOverride.objects.get(sector="087", kind="local_share")
    assert o.author == demo_users["analyst"]
    assert AuditRecord.objects.get(model_name="coefficientoverride", actor__isnull=False).actor == o.author
    after = engine.regional_context(demo)
    assert after.fingerprint != before.fingerprint
    assert after.regional.local_share["087"] == pytest.approx(0.6)
    page = client.get(reverse("gap_detail", args=["nev"])).content.decode()
    assert "电池本地采购调查" in page and "2025-06-30" in page
    assert "电池本地采购调查" in client.get(reverse("analysis_overrides")).content.decode()
    response = client.post(reverse("analysis_override_remove", args=[o.pk]))
    assert response.status_code == 302 and not CoefficientOverride.objects.filter(pk=o.pk).exists()
    assert AuditRecord.objects.filter(model_name="coefficientoverride", action="delete").count() == 1
    assert engine.regional_context(demo).regional.local_share["087"] != pytest.approx(0.6)


@pytest.mark.parametrize(("post", "field", "text"), [
    ({"kind": "column", "sector": "080", "coefficients": "062=0.6, 080=0.5", "rest": "keep"}, None, "部门 080"),
    ({"kind": "column", "sector": "080", "coefficients": "062=0.99", "rest": "scale"}, None, "080"),
    ({"kind": "column", "sector": "080", "coefficients": "062=x", "rest": "keep"}, "coefficients", "不是数字"),
    ({"kind": "column", "sector": "080", "coefficients": "062=1.2", "rest": "keep"}, "coefficients", "超出范围"),
    ({"kind": "column", "sector": "080", "coefficients": "999=0.1", "rest": "keep"}, "coefficients", "999"),
    ({"kind": "column", "sector": "999", "coefficients": "062=0.1", "rest": "keep"}, "sector", "999"),
    ({"kind": "local_share", "sector": "087", "share": "1.2", "rest": "keep"}, "share", ""),
    ({"kind": "local_share", "sector": "087", "share": "", "rest": "keep"}, "share", ""),
    ({"kind": "column", "sector": "079", "coefficients": "087=0.1", "rest": "keep"}, None, ""),  # the demo's own
    ({"kind": "column", "sector": "080", "coefficients": "062=0.1", "rest": "keep", "weight": "0"}, "weight", "大于 0"),
    ({"kind": "column", "sector": "080", "coefficients": "062=0.1", "rest": "keep", "weight": "1.5"}, "weight", ""),
])
def test_a_bad_override_is_refused_with_the_sector_named(demo, client, demo_users, post, field, text):
    client.force_login(demo_users["analyst"])
    data = {"label": "调查", "source": "示例", "as_of": dt.date(2025, 1, 1).isoformat(), "share": "",
            "coefficients": "", **post}
    response = client.post(reverse("analysis_override_add"), data)
    assert response.status_code == 400
    form = response.context["form"]
    errors = " ".join(form.errors.get(field, [])) if field else " ".join(form.non_field_errors())
    assert errors and text in errors, form.errors
    assert CoefficientOverride.objects.filter(kind=post["kind"], sector=post["sector"]).count() == (
        1 if post["sector"] == "079" else 0)
    assert not AuditRecord.objects.filter(model_name="coefficientoverride", actor__isnull=False).exists()


@pytest.mark.parametrize(("who", "status"), [("officer_a", 403), ("leader", 403), ("norole", 403)])
def test_only_analysts_and_admins_write_superior_data(demo, client, demo_users, who, status):
    client.force_login(demo_users[who])
    node = ChainNode.objects.get(key="nev-chip")
    assert client.post(reverse("node_share_set", args=["nev"]), {
        "node": node.pk, "sector": "094", "share": "0.1", "source": "x"}).status_code == status
    assert client.post(reverse("analysis_override_add"), {
        "kind": "local_share", "sector": "087", "share": "0.5", "label": "x", "source": "x",
        "as_of": "2025-01-01"}).status_code == status
    o = CoefficientOverride.objects.first()
    assert client.post(reverse("analysis_override_remove", args=[o.pk])).status_code == status
    assert not AuditRecord.objects.filter(actor__isnull=False).exists()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("norole", 403), ("leader", 200),
                                              ("officer_a", 200), ("analyst", 200)])
def test_superior_data_pages_permission_matrix(demo, client, demo_users, who, status):
    if who != "anonymous":
        client.force_login(demo_users[who])
    for url in (reverse("analysis_overrides"), reverse("node_shares", args=["nev"])):
        assert client.get(url).status_code == status, url


def test_the_demo_s_vehicle_override_covers_the_new_energy_fifth_of_vehicle_output(demo, client, demo_users):
    """The surveyed NEV plant structure stands for the district's NEV output only (weight 0.2): the
    vehicle column's battery purchases are a fifth at the survey's 0.30 and four fifths national."""
    from lianzhao.econ.regional import regionalize

    client.force_login(demo_users["analyst"])
    page = client.get(reverse("analysis_overrides")).content.decode()
    assert "按产出的 20% 加权，其余产出保持全国表结构" in page
    # …and every result it affects says so in its basis (计算依据).
    assert "079 汽车整车 的投入结构（按产出的 20% 加权）" in client.get(reverse("gap_detail", args=["nev"])).content.decode()
    context = engine.regional_context(demo)
    sectors = [str(s) for s in context.national.sectors]
    j, battery = sectors.index("079"), sectors.index("087")
    national = regionalize(context.national, context.output).coefficients.total[battery, j]
    assert context.regional.coefficients.total[battery, j] == pytest.approx(0.2 * 0.30 + 0.8 * national)
