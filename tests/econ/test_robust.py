"""Robust classes: the band of assumptions and the stability labels, on the hand-made table
(tests/econ/chain_tables.py) where every outcome is worked out on paper, and the demo's six
chains on NBS 2020."""

from __future__ import annotations

import numpy as np
import pytest

from lianzhao.econ import regionalize
from lianzhao.econ.gaps import ChainNodeInput, GapThresholds
from lianzhao.econ.robust import Band, Scenario, band_classes, robust_share, stability
from tests.econ.chain_tables import X_R, small_table

# District x^r = (0, 64, 320, 128) of a nation of 4 × 1024: λ* = log2(1 + 1/8)^δ = 0.8375 (δ 0.1),
# 0.5874 (δ 0.3). SLQ = (0, 0.5, 2.5, 1). Services (d_s = 80): with FLQ, Q_sp = 2λ*, Q_sv = 0.4λ*,
# Q_ss = λ*, so l_s = 8·min(2λ*, 1) + 40·0.4λ* + 32·λ* = 8 + 48λ*: 48.2 at δ 0.1 (local share
# 0.60, leaks 40 % → 优势), 36.2 at δ 0.3 (0.45, leaks 55 % → 强链).
T = GapThresholds(min_demand=40, plant_share=0, strengthen_leakage=0.5)
BASE = Scenario("flq", 0.3, "classes")
BAND = Band(deltas=(0.1, 0.3), methods=("flq",))


def chain(rule):
    p_half, p_other = (0.25, 0.75) if rule == "classes" else (0.5, 0.5)
    def n(key, sector, share, local=0):
        return ChainNodeInput(key=key, name=key, position="upstream", sectors={sector: 1.0}, local_enterprises=local,
                              shares={sector: share})
    return [
        n("svc", "s", 1.0, local=1),       # 强链 at δ 0.3, 优势 at δ 0.1 → 敏感 (δ)
        n("mat", "m", 1.0),                # d_m = 56 ≥ 40, no firms → 补链 everywhere → 稳健
        n("half", "p", p_half),            # d_p = 128: 32 < 40 (小类 rule) → 待观察; 64 (均分) → 补链 → 敏感 (rule)
        n("other", "p", p_other),          # 96 or 64 ≥ 40 → 补链 everywhere → 稳健
    ]


@pytest.fixture(scope="module")
def band():
    t = small_table()
    scenarios = BAND.scenarios(BASE)
    regionals = {sc.regional_key: regionalize(t, X_R, sc.method, sc.delta) for sc in scenarios}
    classes = band_classes(regionals, {rule: chain(rule) for rule in BAND.share_rules}, scenarios, T,
                           plant_output=np.zeros(4))
    return scenarios, classes, stability(classes, scenarios)


def test_the_band_starts_with_the_base_and_covers_every_combination():
    scenarios = BAND.scenarios(BASE)
    assert scenarios[0] == BASE and len(scenarios) == 4 and len(set(scenarios)) == 4
    assert Scenario("flq", 0.1, "even") in scenarios
    full = Band().scenarios(Scenario("cilq", None, "classes"))
    assert full[0].method == "cilq" and len(full) == 2 + 2 * 4 * 2  # CILQ × 2 rules, FLQ/AFLQ × 4 δ × 2 rules


def test_each_node_class_in_each_scenario_is_the_hand_worked_one(band):
    scenarios, classes, _ = band
    expected = {
        Scenario("flq", 0.3, "classes"): ["strengthen", "fill", "watch", "fill"],
        Scenario("flq", 0.1, "classes"): ["advantage", "fill", "watch", "fill"],
        Scenario("flq", 0.1, "even"): ["advantage", "fill", "fill", "fill"],
        Scenario("flq", 0.3, "even"): ["strengthen", "fill", "fill", "fill"],
    }
    for sc, klasses in expected.items():
        assert classes[sc].tolist() == klasses, sc


def test_stability_labels_name_what_flips_a_verdict_and_to_what(band):
    _, _, st = band
    assert st["stability_label"].to_dict() == {"svc": "敏感", "mat": "稳健", "half": "敏感", "other": "稳健"}
    assert st.loc["svc", "flips"] == "δ=0.1 时为优势"
    assert st.loc["half", "flips"] == "按部门均分 时为补链"
    assert st.loc["mat", "flips"] == "" and st.loc["mat", "agreement"] == 1.0
    assert st.loc["svc", "agreement"] == 0.5 and st.loc["svc", "band"] == {"strengthen": 2, "advantage": 2}
    assert robust_share(st) == 0.5


def test_a_flip_seen_only_in_a_combination_of_assumptions_says_so():
    import pandas as pd

    scenarios = BAND.scenarios(BASE)
    classes = pd.DataFrame({sc: ["fill"] for sc in scenarios}, index=["x"])
    classes[Scenario("flq", 0.1, "even")] = ["watch"]
    st = stability(classes, scenarios)
    assert st.loc["x", "flips"] == "组合假设（δ=0.1、按部门均分 时为待观察）"


def test_the_demo_chains_have_stable_and_sensitive_verdicts(nbs_data):
    from lianzhao.demo import pack_analysis, pack_region
    from lianzhao.demo.pack_chains import CHAINS
    from lianzhao.demo.pack_data import ENTERPRISES
    from lianzhao.econ.gaps import chain_node_inputs, find_gaps, local_counts
    from lianzhao.econ.hybrid import NON_TRADABLES_153
    from lianzhao.refdata.nbs import read_nbs

    t = read_nbs(2020, 153, domestic=True)
    xr = t.x * pack_region.REST_SHARE
    for code, _, value, _ in pack_region.ROWS:
        xr[code] = value
    band = Band()
    scenarios = band.scenarios(BASE)
    regionals = {sc.regional_key: regionalize(t, xr, sc.method, sc.delta, non_tradables=NON_TRADABLES_153)
                 for sc in scenarios}
    counts = local_counts(ENTERPRISES)
    nodes = CHAINS["nev"]
    fixed, notes = pack_analysis.node_share_maps([n["key"] for n in nodes])
    sets = {rule: chain_node_inputs(nodes, counts, share_rule=rule, fixed_shares=fixed, fixed_notes=notes)
            for rule in band.share_rules}
    classes = band_classes(regionals, sets, scenarios)
    st = stability(classes, scenarios)
    # the base scenario of the band is exactly find_gaps on the base regionalization
    base = find_gaps(regionals[BASE.regional_key], sets["classes"])
    assert (st["klass"] == base["klass"]).all()
    assert set(st["stability"]) == {"robust", "sensitive"}
    assert 0 < robust_share(st) < 1
    assert (st.loc[st["stability"] == "sensitive", "flips"].str.contains("时为")).all()
