"""Node shares: the GB/T 小类 rule, the even rule, analyst-set shares and the refusals
(docs/gaps.md, "Node demand")."""

from __future__ import annotations

import pytest

from lianzhao.econ.node_shares import ShareError, check_chain_shares, node_shares

# In the concordance 087 电池 has five 小类 and 094 电子元器件 thirteen.
CHAIN = [
    {"key": "battery", "gbt_codes": ["3841"]},              # one 小类 of 087
    {"key": "cathode", "gbt_codes": ["2613", "3985"]},      # 043 and one 小类 of 094, shared with two others
    {"key": "electrolyte", "gbt_codes": ["3985"]},
    {"key": "separator", "gbt_codes": ["3985"]},
    {"key": "chip", "gbt_codes": ["3973", "3972"]},         # two other 小类 of 094
]


def shares(rule="classes", **kw):
    return {k: {s: v.share for s, v in by.items()} for k, by in node_shares(CHAIN, rule, **kw).items()}


def test_the_classes_rule_counts_the_nodes_classes_and_splits_shared_ones():
    s = shares()
    assert s["battery"] == {"087": pytest.approx(1 / 5)}
    # 3985 is claimed by three nodes: each gets a third of 1/13 of 094
    assert s["electrolyte"] == s["separator"] == {"094": pytest.approx(1 / 13 / 3)}
    assert s["cathode"]["094"] == pytest.approx(1 / 13 / 3)
    assert s["chip"] == {"094": pytest.approx(2 / 13)}
    notes = node_shares(CHAIN)
    assert notes["battery"]["087"].note == "1/5 个小类"
    assert notes["electrolyte"]["094"].note == "1/13 个小类，与其他环节共用（3 个环节）"


def test_the_even_rule_splits_each_sector_between_the_nodes_mapped_to_it():
    s = shares("even")
    assert s["battery"] == {"087": 1.0}
    assert s["chip"]["094"] == s["electrolyte"]["094"] == pytest.approx(1 / 4)  # four nodes touch 094
    assert node_shares(CHAIN, "even")["chip"]["094"].note == "与 4 个环节均分"


def test_no_sector_is_counted_more_than_once_by_either_rule():
    for rule in ("classes", "even"):
        check_chain_shares(shares(rule))


def test_shares_set_by_an_analyst_win_and_the_others_share_what_is_left():
    s = node_shares(CHAIN, fixed={"chip": {"094": 0.9}}, fixed_notes={"chip": {"094": "调研：车规芯片占比"}})
    assert s["chip"]["094"].share == 0.9 and s["chip"]["094"].fixed and s["chip"]["094"].note == "调研：车规芯片占比"
    # the three 3985 nodes keep 1/13/3 each (sum 1/13 < 0.1 left): no scaling needed
    assert s["electrolyte"]["094"].share == pytest.approx(1 / 13 / 3)
    s = node_shares(CHAIN, fixed={"chip": {"094": 0.99}})
    left = sum(s[k]["094"].share for k in ("cathode", "electrolyte", "separator"))
    assert left == pytest.approx(0.01) and "按已设定份额缩减" in s["cathode"]["094"].note


def test_bad_shares_are_refused_with_the_nodes_named():
    with pytest.raises(ShareError, match=r"sector 094: the set shares of nodes chip 70%、electrolyte 40% sum to 110%") as e:
        node_shares(CHAIN, fixed={"chip": {"094": 0.7}, "electrolyte": {"094": 0.4}})
    assert e.value.nodes == ["chip", "electrolyte"] and e.value.sector == "094"
    with pytest.raises(ShareError, match=r"must be in \[0, 1\]"):
        node_shares(CHAIN, fixed={"chip": {"094": 1.2}})
    with pytest.raises(ShareError, match="not mapped to sector 087"):
        node_shares(CHAIN, fixed={"chip": {"087": 0.5}})
    with pytest.raises(ShareError, match="unknown node"):
        node_shares(CHAIN, fixed={"nowhere": {"094": 0.5}})
    with pytest.raises(ValueError, match="rule must be"):
        node_shares(CHAIN, "by_output")
