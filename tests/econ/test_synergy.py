"""Honeycomb synergy: industry × industry flows on the hand-made table (tests/econ/chain_tables.py),
worked out on paper, sum consistency, the sector split and the strongest unnamed links."""

from __future__ import annotations

import pytest

from lianzhao.econ import regionalize
from lianzhao.econ.errors import LabelError
from lianzhao.econ.synergy import REST, industry_flows, industry_sector_shares, strongest_links
from tests.econ.chain_tables import X_R, small_table

# Z = A · 1024 (rows sell):  m [128 256 128 0]   p [0 128 384 0]   v [0 0 0 16]   s [128 128 128 256]
# Industry A = all of m and half of p; B = half of p and all of v; s belongs to neither (rest).
INDUSTRIES = {"A": {"m": 1.0, "p": 0.5}, "B": {"p": 0.5, "v": 1.0}}


def test_flows_match_the_hand_computation():
    F = industry_flows(small_table(), INDUSTRIES)
    # f_AA = z_mm + ½ z_mp + ½ z_pm + ¼ z_pp = 128 + 128 + 0 + 32
    # f_AB = ½ z_mp + z_mv + ¼ z_pp + ½ z_pv = 128 + 128 + 32 + 192
    # f_BA = ½ z_pm + ¼ z_pp + z_vm + ½ z_vp = 0 + 32 + 0 + 0
    # f_BB = ¼ z_pp + ½ z_pv + ½ z_vp + z_vv = 32 + 192 + 0 + 0
    assert F.to_dict() == {"A": {"A": 288.0, "B": 32.0}, "B": {"A": 480.0, "B": 224.0}}
    assert F.index.name == "seller" and F.columns.name == "buyer"
    # A buys 256 (column m) + ½ · 512 (column p); B buys ½ · 512 + 640 (column v)
    assert F.attrs["buyer_inputs"].to_dict() == {"A": 512.0, "B": 896.0}
    assert F.attrs["seller_sales"].to_dict() == {"A": 768.0, "B": 272.0}


@pytest.mark.parametrize("regional", [False, True])
def test_with_the_rest_the_matrix_sums_to_all_intermediate_flows(regional):
    t = small_table()
    table = regionalize(t, X_R, method="slq").table if regional else t
    F = industry_flows(table, INDUSTRIES, include_rest=True)
    Z = table.Z
    assert F.to_numpy().sum() == pytest.approx(Z.to_numpy().sum())
    # each industry's row sums to its attributed sales: Σ_i s_ki Σ_j z_ij
    assert F.loc["A"].sum() == pytest.approx(Z.loc["m"].sum() + 0.5 * Z.loc["p"].sum())
    assert F.loc[REST].sum() == pytest.approx(Z.loc["s"].sum())
    assert F.sum(axis=0).to_numpy() == pytest.approx(F.attrs["buyer_inputs"].to_numpy())
    if not regional:
        assert F.to_numpy().sum() == 1680.0  # 512 + 512 + 16 + 640


def test_own_keeps_a_shared_sectors_purchases_from_itself_inside_each_industry():
    t = small_table()
    split = industry_flows(t, INDUSTRIES, include_rest=True)
    own = industry_flows(t, INDUSTRIES, include_rest=True, within_sector="own")
    # p is shared half and half; z_pp = 128 gave ¼ · 128 = 32 to each of AA, AB, BA, BB under "split"
    assert own.loc["A", "B"] == split.loc["A", "B"] - 32 and own.loc["B", "A"] == split.loc["B", "A"] - 32
    assert own.loc["A", "A"] == split.loc["A", "A"] + 32 and own.loc["B", "B"] == split.loc["B", "B"] + 32
    assert own.sum(axis=1).to_numpy() == pytest.approx(split.sum(axis=1).to_numpy())
    assert own.to_numpy().sum() == pytest.approx(1680.0)
    with pytest.raises(ValueError, match="within_sector"):
        industry_flows(t, INDUSTRIES, within_sector="other")


def test_shared_sectors_are_split_by_the_nodes_claims():
    nodes = {"X": [{"p": 1.0}, {"p": 0.5, "m": 0.5}], "Y": [{"p": 1.0}]}
    assert industry_sector_shares(nodes) == {"X": {"m": 1.0, "p": 0.6}, "Y": {"p": 0.4}}
    assert industry_sector_shares(nodes, split="equal") == {"X": {"m": 1.0, "p": 0.5}, "Y": {"p": 0.5}}
    with pytest.raises(ValueError, match="split"):
        industry_sector_shares(nodes, split="other")


def test_a_sector_attributed_twice_is_refused():
    with pytest.raises(ValueError, match="more than once"):
        industry_flows(small_table(), {"A": {"p": 0.8}, "B": {"p": 0.5}})
    with pytest.raises(LabelError):
        industry_flows(small_table(), {"A": {"zz": 1.0}})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        industry_flows(small_table(), {"A": {"p": 1.5}})


def test_strongest_links_skip_named_pairs_and_the_diagonal():
    F = industry_flows(small_table(), INDUSTRIES, include_rest=True)
    links = strongest_links(F, named=set())
    assert links[["seller", "buyer", "flow"]].values.tolist() == [["A", "B", 480.0], ["B", "A", 32.0]]
    assert links.loc[0, "buyer_input_share"] == pytest.approx(480 / 896)
    assert links.loc[0, "seller_sales_share"] == pytest.approx(480 / 768)
    assert strongest_links(F, named={("B", "A")}).empty  # undirected: hides A → B too
    assert strongest_links(F, named={("B", "A")}, directed=True)["seller"].tolist() == ["A"]
    assert len(strongest_links(F, top=1)) == 1
