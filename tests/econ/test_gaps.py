"""Chain gap finder: classes on a hand-made table whose answer is worked out on paper
(tests/econ/chain_tables.py), threshold boundaries, bad input, and the real NBS 2020 table with
the demo's new-energy-vehicle chain."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import MissingDataError, regionalize
from lianzhao.econ.errors import LabelError
from lianzhao.econ.gaps import (
    KLASS_LABELS,
    KLASSES,
    ChainNodeInput,
    GapThresholds,
    chain_node_inputs,
    class_coverage,
    find_gaps,
    gap_summary,
    local_counts,
    national_coefficients,
)
from tests.econ.chain_tables import DEMAND, LOCAL_SLQ, X_R, small_table

# Loose enough for the small table's amounts (万元), strict enough that "strong" means it.
T = GapThresholds(min_demand=10, strengthen_leakage=0.5, extend_linkage=0.05, strong_neighbour_share=0.9)


def node(key, sectors, local=0, leaders=0, neighbours=(), shares=None):
    return ChainNodeInput(key=key, name={"veh": "整车"}.get(key, key), position="midstream", sectors=sectors,
                          local_enterprises=local, chain_leaders=leaders, neighbours=tuple(neighbours),
                          sector_shares=shares)


def nodes(parts_leaders=0):
    return [
        node("mat", {"m": 1.0}, neighbours=["parts"]),           # d 56, no firms, parts not strong → fill
        node("parts", {"p": 1.0}, local=1, leaders=parts_leaders, neighbours=["mat", "veh"]),  # leak 64/128 → strengthen
        node("veh", {"v": 1.0}, local=2, leaders=1, neighbours=["parts", "dealer"]),  # d 2 < 10 but share 1 → advantage
        node("svc", {"s": 1.0}, local=3),                         # d 80, share 1 → advantage
        node("dealer", {"s": 1.0}, neighbours=["veh"]),           # no firms, veh strong, a_sv = 0.125 → extend
        node("spare", {"v": 1.0}),                                # d 2 < 10, no firms, no neighbours → watch
        # half m, half p; the node stands for half of p: D = 0.5·56 + 0.5·0.5·128 = 60, L = 0.25·64 = 16
        node("mixed", {"m": 0.5, "p": 0.5}, shares={"p": 0.5}),
    ]


@pytest.fixture(scope="module")
def tables():
    t = small_table()
    return t, regionalize(t, X_R, method="slq")


def gaps(tables, thresholds=T, ns=None):
    t, r = tables
    return find_gaps(r, ns or nodes(), thresholds, national=t)


def test_demand_local_supply_and_leakage_match_the_hand_computation(tables):
    g = gaps(tables)
    for key, sector in (("mat", "m"), ("parts", "p"), ("veh", "v"), ("svc", "s"), ("dealer", "s"), ("spare", "v")):
        assert g.loc[key, "demand"] == DEMAND[sector]
        assert g.loc[key, "local_supply"] == LOCAL_SLQ[sector]
        assert g.loc[key, "leakage"] == DEMAND[sector] - LOCAL_SLQ[sector]
    assert g.loc["parts", "local_share"] == 0.5 and g.loc["parts", "leakage_share"] == 0.5
    assert (g.loc["mixed", "demand"], g.loc["mixed", "local_supply"], g.loc["mixed", "leakage"]) == (60.0, 16.0, 44.0)


def test_every_class_on_the_hand_made_table(tables):
    g = gaps(tables)
    assert g["klass"].to_dict() == {"mat": "fill", "parts": "strengthen", "veh": "advantage", "svc": "advantage",
                                    "dealer": "extend", "spare": "watch", "mixed": "fill"}
    assert list(g.columns) == ["name", "position", "sectors", "demand", "local_supply", "leakage", "local_share",
                               "leakage_share", "local_enterprises", "chain_leaders", "klass", "klass_label",
                               "reason", "linked_to", "linkage"]
    assert (g["klass_label"] == g["klass"].map(KLASS_LABELS)).all()
    # 延链 names the strong neighbour and the link: a_sv = z_sv / x_v = 128 / 1024 (services → vehicles)
    assert g.loc["dealer", "linked_to"] == "veh" and g.loc["dealer", "linkage"] == 0.125
    assert g["linked_to"].drop("dealer").isna().all()


def test_reasons_print_the_numbers_and_the_basis(tables):
    g = gaps(tables)
    assert g.loc["mat", "reason"] == "本地需求 56 万元，本地供给 0%，外流 56 万元，无本地企业（部门：m 材料，按该部门全部需求计）"
    assert "外流占比 50% ≥ 50%" in g.loc["parts", "reason"] and "本地企业 1 家" in g.loc["parts", "reason"]
    assert "相邻环节「整车」为本地优势" in g.loc["dealer", "reason"]
    assert "直接消耗系数 0.125（本环节 → 「整车」） ≥ 0.05" in g.loc["dealer", "reason"]
    assert "低于门槛 10 万元" in g.loc["spare", "reason"]
    assert "m 材料 50%、p 零部件 50%" in g.loc["mixed", "sectors"]
    assert "按节点所占部门份额计：p 的 50%" in g.loc["mixed", "reason"]


@pytest.mark.parametrize(("change", "key", "at", "above"), [
    # parts leaks exactly 50 %: 强链 at the threshold, 优势 just above it
    ({"strengthen_leakage": 0.5}, "parts", "strengthen", "advantage"),
    # mat's demand is exactly 56: 补链 at the threshold, 待观察 just above it
    ({"min_demand": 56.0}, "mat", "fill", "watch"),
    # dealer's link to veh is exactly 0.125: 延链 at the threshold, 补链 (its demand 80 ≥ 10) above it
    ({"extend_linkage": 0.125}, "dealer", "extend", "fill"),
    # parts meets exactly 50 % locally: strong at the threshold, so mat extends it; above, mat is 补链
    ({"strong_neighbour_share": 0.5}, "mat", "extend", "fill"),
])
def test_threshold_boundaries_are_inclusive(tables, change, key, at, above):
    (name, value), = change.items()
    assert gaps(tables, dataclasses.replace(T, **change)).loc[key, "klass"] == at
    assert gaps(tables, dataclasses.replace(T, **{name: value + 1e-9})).loc[key, "klass"] == above


def test_a_chain_leader_makes_a_neighbour_strong_unless_switched_off(tables):
    with_leader = nodes(parts_leaders=1)
    g = gaps(tables, ns=with_leader)
    assert g.loc["mat", "klass"] == "extend" and g.loc["mat", "linked_to"] == "parts"
    assert "为链主" in g.loc["mat", "reason"]
    off = dataclasses.replace(T, chain_leader_is_strong=False)
    assert gaps(tables, off, ns=with_leader).loc["mat", "klass"] == "fill"


def test_local_firms_with_little_demand_that_leaks_are_watched(tables):
    # parts with min_demand above its demand (128): leak share 0.5 is not < 0.5, so not 优势
    g = gaps(tables, dataclasses.replace(T, min_demand=200))
    assert g.loc["parts", "klass"] == "watch"
    assert g.loc["parts", "reason"].startswith("本地需求 128 万元，低于门槛 200 万元，本地供给 50%，本地企业 1 家")


def test_summary_counts_every_class_in_rule_order(tables):
    s = gap_summary(gaps(tables))
    assert list(s.index) == list(KLASSES)
    assert s["nodes"].to_dict() == {"extend": 1, "fill": 2, "strengthen": 1, "advantage": 2, "watch": 1}
    assert s.loc["fill", "leakage"] == 56 + 44
    assert s.loc["fill", "klass_label"] == "补链"


def test_amounts_are_in_wan_yuan_whatever_the_table_unit():
    t = small_table(unit="亿元", scale=1e-4)
    r = regionalize(t, X_R * 1e-4, method="slq")
    g = find_gaps(r, nodes(), T, national=t)
    assert g.loc["mat", "demand"] == pytest.approx(56.0)
    assert g.loc["parts", "local_supply"] == pytest.approx(64.0)


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_without_the_national_table_the_coefficients_are_recovered_exactly(method):
    # every sector present (SLQ = 0.25, 0.5, 2.5, 0.75): a^N = a^r / min(Q, 1), x^N ∝ x^r / SLQ
    t = small_table()
    r = regionalize(t, pd.Series([32.0, 64.0, 320.0, 96.0], index=X_R.index), method=method)
    A, B = national_coefficients(r)
    np.testing.assert_allclose(A, t.A.to_numpy(), rtol=1e-14, atol=1e-17)
    np.testing.assert_allclose(B, t.B.to_numpy(), rtol=1e-14, atol=1e-17)
    # (the reasons round amounts, so a last-digit difference can flip one printed digit: compare the rest)
    pd.testing.assert_frame_equal(find_gaps(r, nodes(), T).drop(columns="reason"),
                                  find_gaps(r, nodes(), T, national=t).drop(columns="reason"), rtol=1e-12)


def test_thresholds_round_trip_and_reject_nonsense():
    t = GapThresholds(min_demand=5e3, extend_linkage=0.03)
    assert GapThresholds.from_dict(t.as_dict()) == t
    assert GapThresholds.from_dict({}) == GapThresholds()
    assert GapThresholds().as_dict() == {"min_demand": 10_000.0, "strengthen_leakage": 0.5, "extend_linkage": 0.02,
                                         "strong_neighbour_share": 0.5, "chain_leader_is_strong": True}
    with pytest.raises(ValueError, match="unknown gap threshold"):
        GapThresholds.from_dict({"min_demnd": 1})
    with pytest.raises(ValueError, match="min_demand"):
        GapThresholds(min_demand=-1)
    with pytest.raises(ValueError, match="shares"):
        GapThresholds(strengthen_leakage=1.5)


def test_bad_input_is_named(tables):
    t, r = tables
    with pytest.raises(MissingDataError, match=r"no output in sector\(s\) 'm'.*national=t"):
        find_gaps(r, nodes(), T)  # m is absent from the district: its national row cannot be recovered
    with pytest.raises(LabelError, match="unknown neighbour"):
        find_gaps(r, [node("a", {"m": 1.0}, neighbours=["nowhere"])], T, national=t)
    with pytest.raises(LabelError, match="not in the table"):
        find_gaps(r, [node("a", {"zz": 1.0})], T, national=t)
    with pytest.raises(ValueError, match="sum to 1"):
        find_gaps(r, [node("a", {"m": 0.5})], T, national=t)
    with pytest.raises(LabelError, match="duplicate"):
        find_gaps(r, [node("a", {"m": 1.0}), node("a", {"p": 1.0})], T, national=t)
    with pytest.raises(ValueError, match="chain_leaders"):
        find_gaps(r, [node("a", {"m": 1.0}, local=0, leaders=1)], T, national=t)


def test_chain_node_inputs_link_parents_children_and_position_roots():
    chain = [
        {"key": "u1", "name": "上游一", "position": "upstream", "parent": None, "gbt_codes": ["3841"]},
        {"key": "u2", "name": "上游二", "position": "upstream", "parent": "u1", "gbt_codes": ["2613", "3985"]},
        {"key": "m1", "name": "中游", "position": "midstream", "parent": None, "gbt_codes": ["3670"]},
        {"key": "d1", "name": "下游", "position": "downstream", "parent": None, "gbt_codes": ["3612"]},
    ]
    ins = {n.key: n for n in chain_node_inputs(chain, {"u1": (2, 1)})}
    assert ins["u1"].neighbours == ("u2", "m1") and ins["u2"].neighbours == ("u1",)
    assert ins["m1"].neighbours == ("u1", "d1") and ins["d1"].neighbours == ("m1",)
    assert (ins["u1"].local_enterprises, ins["u1"].chain_leaders, ins["u2"].local_enterprises) == (2, 1, 0)
    assert ins["u2"].sectors == {"043": 0.5, "094": 0.5}
    assert {n.key: n.neighbours for n in chain_node_inputs(chain, link_positions=False)}["m1"] == ()


def test_class_coverage_counts_the_share_of_a_sectors_classes():
    assert class_coverage(["384"]) == {"087": 1.0}  # 087 电池 is exactly GB/T 384
    assert class_coverage(["3841"])["087"] == pytest.approx(1 / 5)  # one of 384's five 小类


def test_nbs_2020_and_the_demo_nev_chain_every_node_classified(nbs_data):
    from lianzhao.demo.pack_chains import CHAINS
    from lianzhao.demo.pack_data import ENTERPRISES
    from lianzhao.refdata.nbs import read_nbs
    from tests.econ.sample_region import JIMO_EXAMPLE, sample_regional_output

    t = read_nbs(2020, 153, domestic=True)
    r = regionalize(t, sample_regional_output(t, **JIMO_EXAMPLE), "flq", 0.3)
    counts = local_counts(ENTERPRISES)
    assert counts["nev-vehicle"] == (2, 1)  # two local vehicle makers, one of them the chain leader
    ins = chain_node_inputs(CHAINS["nev"], counts)
    g = find_gaps(r, ins, national=t)
    # the illustrative output has every sector, so the spec'd call without the national table agrees
    pd.testing.assert_frame_equal(find_gaps(r, ins).drop(columns="reason"), g.drop(columns="reason"), rtol=1e-9)
    assert list(g.index) == [n["key"] for n in CHAINS["nev"]]
    assert g["klass"].isin(KLASSES).all() and g["reason"].str.len().gt(10).all()
    for col in ("demand", "local_supply", "leakage"):
        assert np.isfinite(g[col].to_numpy(dtype=float)).all()
    assert (g["demand"] >= g["local_supply"] - 1e-6).all() and (g["local_supply"] >= 0).all()
    has = g["demand"] > 0
    assert np.isfinite(g.loc[has, "local_share"].to_numpy(dtype=float)).all()
    assert g.loc[has, "local_share"].between(0, 1).all()
    # the demo's vehicle node has two local firms and a chain leader: never a gap to fill
    assert g.loc["nev-vehicle", "klass"] in ("advantage", "strengthen")
    assert not math.isnan(g["demand"].sum()) and isinstance(g, pd.DataFrame)
