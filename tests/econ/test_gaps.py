"""Chain gap finder: classes, leakages and thresholds on a hand-made table whose answer is worked
out on paper (tests/econ/chain_tables.py), bad input, and the real NBS 2020 table with the
demo's six chains."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import regionalize
from lianzhao.econ.errors import LabelError
from lianzhao.econ.gaps import (
    KLASS_LABELS,
    KLASSES,
    ChainNodeInput,
    GapThresholds,
    chain_node_inputs,
    chain_totals,
    class_coverage,
    find_gaps,
    gap_summary,
    local_counts,
)
from lianzhao.econ.node_shares import ShareError
from tests.econ.chain_tables import DEMAND, IMPORTS, LOCAL_SLQ, X_R, small_table

# Loose enough for the small table's amounts (万元), strict enough that "strong" means it.
T = GapThresholds(min_demand=10, plant_share=0, strengthen_leakage=0.5, extend_linkage=0.05,
                  strong_neighbour_share=0.9)
NO_PLANTS = np.zeros(4)


def node(key, sectors, local=0, leaders=0, neighbours=(), shares=None):
    return ChainNodeInput(key=key, name={"veh": "整车"}.get(key, key), position="midstream", sectors=sectors,
                          local_enterprises=local, chain_leaders=leaders, neighbours=tuple(neighbours),
                          shares=shares if shares is not None else dict.fromkeys(sectors, 1.0))


def nodes(parts_leaders=0):
    return [
        node("mat", {"m": 1.0}, neighbours=["parts"]),           # d 64, no firms, parts not strong → fill
        node("parts", {"p": 1.0}, local=1, leaders=parts_leaders, neighbours=["mat", "veh"]),  # leak 104/168 → strengthen
        node("veh", {"v": 1.0}, local=2, leaders=1, neighbours=["parts", "dealer"]),  # d 2 < 10 but share 1 → advantage
        node("svc", {"s": 1.0}, local=3, shares={"s": 0.5}),     # half of s: d 40, share 1 → advantage
        node("dealer", {"s": 1.0}, neighbours=["veh"], shares={"s": 0.5}),  # no firms, veh strong, a_sv = 0.125 → extend
    ]


def mixed_chain():
    """Half m, half p by weight; "mixed" stands for a quarter of each: D = 0.25·64 + 0.25·168 = 58;
    "rest" holds the other three quarters of m."""
    return [node("mixed", {"m": 0.5, "p": 0.5}, shares={"m": 0.25, "p": 0.25}),
            node("rest", {"m": 1.0}, shares={"m": 0.75})]


@pytest.fixture(scope="module")
def tables():
    t = small_table(imports=True)
    return t, regionalize(t, X_R, method="slq")


def gaps(tables, thresholds=T, ns=None, plants=NO_PLANTS):
    _, r = tables
    return find_gaps(r, ns or nodes(), thresholds, plant_output=plants)


def test_demand_is_total_and_the_leakage_splits_into_other_regions_and_abroad(tables):
    g = gaps(tables)
    for key, sector in (("mat", "m"), ("parts", "p"), ("veh", "v")):
        assert g.loc[key, "demand"] == DEMAND[sector] + IMPORTS[sector]
        assert g.loc[key, "local_supply"] == LOCAL_SLQ[sector]
        assert g.loc[key, "leakage_abroad"] == IMPORTS[sector]
        assert g.loc[key, "leakage_domestic"] == DEMAND[sector] - LOCAL_SLQ[sector]
        assert g.loc[key, "leakage"] == g.loc[key, "leakage_domestic"] + g.loc[key, "leakage_abroad"]
    # parts: d^T = 128 + 40 = 168, l = 64, o = 64, f = 40
    assert g.loc["parts", "abroad_share"] == 40 / 168 and g.loc["parts", "local_share"] == 64 / 168
    # node shares: D = Σ s_i d_i
    assert g.loc["svc", "demand"] == 0.5 * 80 and g.loc["dealer", "demand"] == 0.5 * 80
    g = gaps(tables, ns=mixed_chain())
    assert g.loc["rest", "demand"] == 0.75 * 64
    assert (g.loc["mixed", "demand"], g.loc["mixed", "local_supply"]) == (0.25 * 64 + 0.25 * 168, 0.25 * 64)
    assert (g.loc["mixed", "leakage_domestic"], g.loc["mixed", "leakage_abroad"]) == (0.25 * 56 + 0.25 * 64,
                                                                                        0.25 * 8 + 0.25 * 40)


def test_every_class_on_the_hand_made_table(tables):
    g = gaps(tables)
    assert g["klass"].to_dict() == {"mat": "fill", "parts": "strengthen", "veh": "advantage", "svc": "advantage",
                                    "dealer": "extend"}
    assert gaps(tables, ns=mixed_chain())["klass"].to_dict() == {"mixed": "fill", "rest": "fill"}
    assert (g["klass_label"] == g["klass"].map(KLASS_LABELS)).all()
    # 延链 names the strong neighbour and the link: a_sv = z_sv / x_v = 128 / 1024 (services → vehicles)
    assert g.loc["dealer", "linked_to"] == "veh" and g.loc["dealer", "linkage"] == 0.125
    assert g["linked_to"].drop("dealer").isna().all()


def test_reasons_print_the_numbers_each_share_and_the_two_leakages(tables):
    g = gaps(tables)
    assert g.loc["mat", "reason"] == ("本地需求 64 万元，本地供给 0%，外流 64 万元（国内其他地区 56 万元、国外进口 8 万元），"
                                      "无本地企业（按部门份额计：m 材料 × 100%）")
    assert "外流占比 62% ≥ 50%" in g.loc["parts", "reason"] and "本地企业 1 家" in g.loc["parts", "reason"]
    assert "相邻环节「整车」为本地优势" in g.loc["dealer", "reason"]
    assert "直接消耗系数 0.125（本环节 → 「整车」） ≥ 0.05" in g.loc["dealer", "reason"]
    g = gaps(tables, ns=mixed_chain())
    assert g.loc["mixed", "reason"].endswith("（按部门份额计：m 材料 × 25%、p 零部件 × 25%）")


def test_large_imports_make_an_import_substitution_candidate(tables):
    # parts import 40 of 168 = 23.8 %: a candidate at a 20 % bar, not at 25 %
    assert not gaps(tables).loc["parts", "import_substitution"]
    g = gaps(tables, dataclasses.replace(T, import_substitution_share=0.2))
    assert g.loc["parts", "import_substitution"] and "进口占需求 24% ≥ 20%，为进口替代候选" in g.loc["parts", "reason"]
    assert not g.loc["veh", "import_substitution"]  # 优势 nodes are never candidates


@pytest.mark.parametrize(("change", "key", "at", "above"), [
    # parts leaks exactly 104/168: 强链 at the threshold, 优势 just above it
    ({"strengthen_leakage": 104 / 168}, "parts", "strengthen", "advantage"),
    # mat's demand is exactly 64: 补链 at the threshold, 待观察 just above it
    ({"min_demand": 64.0}, "mat", "fill", "watch"),
    # dealer's link to veh is exactly 0.125: 延链 at the threshold; above it 待观察, not 补链: its
    # demand 40 ≥ 10, but services are all bought locally (SLQ_s = 1), so there is no gap to fill
    ({"extend_linkage": 0.125}, "dealer", "extend", "watch"),
    # parts meets exactly 64/168 locally: strong at the threshold, so mat extends it; above, mat is 补链
    ({"strong_neighbour_share": 64 / 168}, "mat", "extend", "fill"),
])
def test_threshold_boundaries_are_inclusive(tables, change, key, at, above):
    (name, value), = change.items()
    assert gaps(tables, dataclasses.replace(T, **change)).loc[key, "klass"] == at
    assert gaps(tables, dataclasses.replace(T, **{name: value + 1e-9})).loc[key, "klass"] == above


def test_a_node_without_local_firms_whose_demand_is_met_locally_is_no_gap_to_fill(tables):
    g = gaps(tables, dataclasses.replace(T, extend_linkage=1.0))  # dealer: no strong link any more
    assert g.loc["dealer", "klass"] == "watch" and g.loc["dealer", "local_share"] == 1.0
    assert "外流占比 0% < 50%，需求主要由区内满足，无外流可替代；无本地企业" in g.loc["dealer", "reason"]
    # the same node with half its demand leaking would be 补链
    assert gaps(tables, dataclasses.replace(T, extend_linkage=1.0, strengthen_leakage=0.0)).loc["dealer", "klass"] == "fill"


def test_a_node_no_industry_buys_from_says_so(tables):
    ns = nodes()
    ns[0] = dataclasses.replace(ns[0], shares={"m": 0.0})  # mat stands for nothing of m: no demand
    g = gaps(tables, dataclasses.replace(T, min_demand=0), ns=ns)
    assert g.loc["mat", "demand"] == 0 and g.loc["mat", "klass"] == "watch"
    assert g.loc["mat", "reason"].startswith("区内产业对本环节产品没有中间需求")


def test_a_node_whose_demand_cannot_keep_one_plant_busy_is_said_to_be_so(tables):
    plants = np.array([64.0, 100.0, 1.0, 1.0])  # 万元 a year per sector m, p, v, s
    g = gaps(tables, dataclasses.replace(T, min_demand=0, plant_share=1.0), plants=plants)
    assert g.loc["mat", "klass"] == "fill" and g.loc["mat", "plants"] == 1.0  # 64 ≥ 1 × 64: exactly one plant
    assert "约合 1.0 家典型企业的年产值（典型企业约 64 万元/年）" in g.loc["mat", "reason"]
    g = gaps(tables, dataclasses.replace(T, min_demand=0, plant_share=1.5), plants=plants)
    assert g.loc["mat", "klass"] == "watch" and g.loc["mat", "demand_threshold"] == 96
    assert g.loc["mat", "reason"].startswith("本地需求 64 万元，不足以支撑一家典型企业（年产值约 64 万元，门槛 96 万元）")
    # a node's plant size is the smallest of its sectors': mixed = min(64, 100), not 0.5·64 + 0.5·100
    assert gaps(tables, ns=mixed_chain(), plants=plants).loc["mixed", "plant_output"] == 64.0


def test_a_chain_leader_makes_a_neighbour_strong_unless_switched_off(tables):
    with_leader = nodes(parts_leaders=1)
    g = gaps(tables, ns=with_leader)
    assert g.loc["mat", "klass"] == "extend" and g.loc["mat", "linked_to"] == "parts"
    assert "为链主" in g.loc["mat", "reason"]
    off = dataclasses.replace(T, chain_leader_is_strong=False)
    assert gaps(tables, off, ns=with_leader).loc["mat", "klass"] == "fill"


def test_summary_and_chain_totals_count_each_sector_once(tables):
    _, r = tables
    g = gaps(tables)
    s = gap_summary(g)
    assert list(s.index) == list(KLASSES)
    assert s["nodes"].to_dict() == {"extend": 1, "fill": 1, "strengthen": 1, "advantage": 2, "watch": 0}
    totals = chain_totals(r, nodes())
    assert totals["demand"] == 64 + 168 + 2 + 80 and totals["sectors"] == 4
    assert totals["node_demand"] == g["demand"].sum() <= totals["demand"]


def test_non_tradables_are_supplied_locally(tables):
    t, _ = tables
    r = regionalize(t, X_R, method="slq", non_tradables=["p"])
    g = find_gaps(r, nodes(), T, plant_output=NO_PLANTS)
    assert g.loc["parts", "local_share"] == pytest.approx(1.0) and g.loc["parts", "leakage"] == pytest.approx(0.0)
    assert g.loc["parts", "klass"] == "advantage"


def test_amounts_are_in_wan_yuan_whatever_the_table_unit():
    t = small_table(unit="亿元", scale=1e-4)
    r = regionalize(t, X_R * 1e-4, method="slq")
    g = find_gaps(r, nodes(), T, plant_output=NO_PLANTS)
    assert g.loc["mat", "demand"] == pytest.approx(56.0)
    assert g.loc["parts", "local_supply"] == pytest.approx(64.0)


@pytest.mark.parametrize("bad", [1, "x", None, [1], {"bogus": 1}, {"min_demand": -1}, {"min_demand": "abc"},
                                 {"strengthen_leakage": 2}, {"min_demand": float("inf")}, {"min_demand": 1e999},
                                 {"min_demand": float("nan")}, {"min_demand": {"a": {"b": 1}}},
                                 {"chain_leader_is_strong": "yes"}, {"plant_share": True}])
def test_thresholds_reject_nonsense(bad):
    with pytest.raises(ValueError):
        GapThresholds.from_dict(bad)


def test_thresholds_round_trip():
    t = GapThresholds(min_demand=5e3, extend_linkage=0.03)
    assert GapThresholds.from_dict(t.as_dict()) == t
    assert GapThresholds.from_dict({}) == GapThresholds()
    assert GapThresholds().as_dict() == {"min_demand": 0.0, "plant_share": 1.0, "strengthen_leakage": 0.5,
                                         "extend_linkage": 0.02, "strong_neighbour_share": 0.5,
                                         "chain_leader_is_strong": True, "import_substitution_share": 0.25}


def test_bad_input_is_named(tables):
    _, r = tables
    with pytest.raises(LabelError, match="unknown neighbour"):
        find_gaps(r, [node("a", {"m": 1.0}, neighbours=["nowhere"])], T)
    with pytest.raises(LabelError, match="not in the table"):
        find_gaps(r, [node("a", {"zz": 1.0})], T)
    with pytest.raises(ValueError, match="sum to 1"):
        find_gaps(r, [node("a", {"m": 0.5})], T)
    with pytest.raises(LabelError, match="duplicate"):
        find_gaps(r, [node("a", {"m": 1.0}), node("a", {"p": 1.0})], T)
    with pytest.raises(ValueError, match="chain_leaders"):
        find_gaps(r, [node("a", {"m": 1.0}, local=0, leaders=1)], T)
    with pytest.raises(ShareError, match="nodes a、b sum to 150.0%") as caught:
        find_gaps(r, [node("a", {"m": 1.0}), node("b", {"m": 1.0}, shares={"m": 0.5})], T)
    assert caught.value.nodes == ["a", "b"] and caught.value.sector == "m"
    with pytest.raises(ShareError, match=r"node 'a'.*\[0, 1\]"):
        find_gaps(r, [node("a", {"m": 1.0}, shares={"m": 1.5})], T)
    with pytest.raises(LabelError, match="not mapped to"):
        find_gaps(r, [node("a", {"m": 1.0}, shares={"p": 0.5})], T)


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
    assert ins["u1"].shares == {"087": pytest.approx(1 / 5)}  # one of 087 电池's five 小类
    assert ins["u2"].shares["094"] == pytest.approx(1 / 13)   # one of 094 电子元器件's thirteen
    assert {n.key: n.neighbours for n in chain_node_inputs(chain, link_positions=False)}["m1"] == ()


def test_class_coverage_counts_the_share_of_a_sectors_classes():
    assert class_coverage(["384"]) == {"087": 1.0}  # 087 电池 is exactly GB/T 384
    assert class_coverage(["3841"])["087"] == pytest.approx(1 / 5)  # one of 384's five 小类


@pytest.fixture(scope="module")
def demo_gaps():
    from lianzhao.paths import DataDirError, data_dir

    try:
        if not (data_dir() / "nbs_io_tables/csv").is_dir():
            pytest.skip("NBS tables not installed")
    except DataDirError as exc:
        pytest.skip(str(exc))
    from lianzhao.demo import pack_analysis, pack_region
    from lianzhao.demo.pack_chains import CHAINS
    from lianzhao.demo.pack_data import ENTERPRISES
    from lianzhao.econ.hybrid import NON_TRADABLES_153, ColumnOverride
    from lianzhao.refdata.nbs import read_nbs

    t = read_nbs(2020, 153, domestic=True)
    xr = t.x * pack_region.REST_SHARE
    for code, _, value, _ in pack_region.ROWS:
        xr[code] = value
    c = pack_analysis.NEV_COLUMN
    r = regionalize(t, xr, "flq", 0.3, non_tradables=NON_TRADABLES_153,
                    overrides=[ColumnOverride(c["sector"], c["coefficients"], rest=c["rest"],
                                               weight=c["weight"])])
    counts = local_counts(ENTERPRISES)
    out = {}
    for chain, chain_nodes in CHAINS.items():
        fixed, notes = pack_analysis.node_share_maps([n["key"] for n in chain_nodes])
        ins = chain_node_inputs(chain_nodes, counts, fixed_shares=fixed, fixed_notes=notes)
        out[chain] = (ins, find_gaps(r, ins), chain_totals(r, ins))
    return r, out


def test_on_the_demo_only_nodes_defined_alike_show_the_same_demand(demo_gaps):
    _, chains = demo_gaps
    codes = {n.key: frozenset(n.gbt_codes) for ins, _, _ in chains.values() for n in ins}
    g = pd.concat([g for _, g, _ in chains.values()])
    for _, same in g.groupby(g["demand"].round(6)):
        assert len({codes[k] for k in same.index}) == 1, f"different nodes, same demand: {list(same.index)}"


def test_on_the_demo_node_demands_never_exceed_the_chains_sectors_counted_once(demo_gaps):
    _, chains = demo_gaps
    for chain, (_, g, totals) in chains.items():
        assert g["demand"].sum() == pytest.approx(totals["node_demand"])
        assert totals["node_demand"] <= totals["demand"] + 1e-6, chain


def test_on_the_demo_non_tradables_are_supplied_locally_and_every_node_is_classified(demo_gaps):
    r, chains = demo_gaps
    g = pd.concat([g for _, g, _ in chains.values()])
    local = r.local_share[list(r.non_tradables)].dropna()
    assert len(local) > 10 and np.allclose(local, 1.0, rtol=0, atol=1e-12)
    assert g.loc["logistics-road", "local_share"] == pytest.approx(1.0, abs=1e-12)
    assert g.loc["logistics-warehouse", "leakage"] == pytest.approx(0.0, abs=1e-6)
    assert g["klass"].isin(KLASSES).all() and g["reason"].str.len().gt(10).all()
    for col in ("demand", "local_supply", "leakage", "leakage_domestic", "leakage_abroad"):
        assert np.isfinite(g[col].to_numpy(dtype=float)).all() and (g[col] >= -1e-9).all()
    # the demo's vehicle node has two local firms and a chain leader: never a gap to fill
    assert g.loc["nev-vehicle", "klass"] in ("advantage", "strengthen")
    # chips: a third or more imported — the import-substitution case 补链 exists for
    assert g.loc["nev-chip", "abroad_share"] > 0.3 and g.loc["nev-chip", "import_substitution"]
    assert not math.isnan(g["demand"].sum())
