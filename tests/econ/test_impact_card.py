"""Project impact card: the figures reproduced by hand from the printed assumptions and
multipliers, multipliers checked against an independent closed-model inverse, missing inputs,
sensitivity to δ, JSON output. Table: tests/econ/chain_tables.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import regionalize
from lianzhao.econ.construction import (
    DEFAULT_CONSTRUCTION_SHARES,
    default_construction_shares,
    project_sector_for_codes,
)
from lianzhao.econ.errors import LabelError
from lianzhao.econ.impact_card import (
    GROSS,
    MSG_NO_INVESTMENT,
    MSG_NO_JOBS,
    MSG_NO_OUTPUT,
    MSG_NO_SECTOR,
    MSG_NO_TYPE2,
    ImpactAssumptions,
    impact_card,
)
from tests.econ.chain_tables import X_R, small_table

SHARES = {"m": 0.25, "p": 0.25, "s": 0.5}


@pytest.fixture(scope="module")
def slq():
    t = small_table()
    return t, regionalize(t, X_R, method="slq")


def card_for(tables, **kwargs):
    t, r = tables
    return impact_card(t, r, ImpactAssumptions.for_tables(t, r, **kwargs))


def closed_model_effects(table):
    """Type I and II effects per unit of final demand, from explicit inverses of the open and
    the household-closed coefficient matrices (Miller & Blair 2009, §2.5): an independent check
    of the engine's partitioned-inverse shortcut."""
    x = table.x.to_numpy()
    safe = np.where(x == 0, 1.0, x)
    A = table.Z.to_numpy() / safe
    wages = table.va.loc["compensation"].to_numpy()
    h_r = wages / safe
    h_c = table.Y["households"].to_numpy() / wages.sum()
    n = len(x)
    A_bar = np.block([[A, h_c[:, None]], [h_r[None, :], np.zeros((1, 1))]])
    L = np.linalg.inv(np.eye(n) - A)
    L_bar = np.linalg.inv(np.eye(n + 1) - A_bar)[:n, :n]
    v = table.va.sum().to_numpy() / safe
    e = table.employment.to_numpy() / safe
    return {"output_I": L.sum(axis=0), "output_II": L_bar.sum(axis=0), "value_added_I": v @ L,
            "value_added_II": v @ L_bar, "jobs_I": e @ L, "jobs_II": e @ L_bar}


def test_multipliers_used_agree_with_an_independent_closed_model_inverse(slq):
    card = card_for(slq, investment=1000, construction_shares=SHARES, annual_output=100, project_sector="p")
    m = card.multipliers_used
    assert list(m.index) == ["p", "s"]  # the project sector, then the construction sectors with a local shock
    expected = closed_model_effects(slq[1].table)
    pos = {"p": 1, "s": 3}
    for col, values in expected.items():
        for s in m.index:
            assert m.loc[s, col] == pytest.approx(values[pos[s]], rel=1e-12)
    assert (m["output_II"] > m["output_I"]).all()


def test_operation_phase_reproduced_by_hand_from_the_multipliers(slq):
    card = card_for(slq, investment=1000, construction_shares=SHARES, annual_output=100, project_sector="p")
    m = card.multipliers_used.loc["p"]
    rows = card.phases["operation"].rows
    Q = 100.0  # annual output of the project, 万元, all of it new final demand for sector p
    assert rows.loc["output", "direct"] == pytest.approx(Q)
    assert rows.loc["output", "indirect"] == pytest.approx(Q * (m["output_I"] - 1))
    assert rows.loc["output", "induced"] == pytest.approx(Q * (m["output_II"] - m["output_I"]))
    assert rows.loc["output", "total"] == pytest.approx(Q * m["output_II"])
    assert rows.loc["value_added", "total"] == pytest.approx(Q * m["value_added_II"])
    assert rows.loc["jobs", "total"] == pytest.approx(Q * m["jobs_II"])
    assert rows.loc["jobs", "indirect"] + rows.loc["jobs", "direct"] == pytest.approx(Q * m["jobs_I"])
    assert (rows["induced"] > 0).all()
    assert rows[["direct", "indirect", "induced"]].sum(axis=1).to_numpy() == pytest.approx(rows["total"].to_numpy())


def test_construction_phase_reproduced_by_hand_from_the_printed_assumptions(slq):
    card = card_for(slq, investment=1000, construction_shares=SHARES, annual_output=100, project_sector="p")
    printed = {a.label: a.value for a in card.assumptions}
    # printed: investment 1,000 万元 spent 25 % on m, 25 % on p, 50 % on s; bought locally 0 %, 50 %, 100 %
    # (the SLQ local shares of the hand table: m is absent, SLQ_p = 0.5, SLQ_s = 1)
    assert printed["投资额"] == "1,000 万元"
    assert printed["建设投资构成"] == "m 材料 25%；p 零部件 25%；s 服务 50%"
    assert printed["本地采购比例（按部门）"] == "m 材料 0%；p 零部件 50%；s 服务 100%"
    shock = {"p": 1000 * 0.25 * 0.5, "s": 1000 * 0.5 * 1.0}  # 125 and 500 万元; m's 250 leaks out entirely
    phase = card.phases["construction"]
    assert phase.shock.to_dict() == shock
    m = card.multipliers_used
    for kind, col in (("output", "output_II"), ("value_added", "value_added_II"), ("jobs", "jobs_II")):
        assert phase.rows.loc[kind, "total"] == pytest.approx(sum(v * m.loc[s, col] for s, v in shock.items()))
    assert phase.rows.loc["output", "direct"] == pytest.approx(625.0)
    assert (phase.rows["induced"] > 0).all()
    assert m.loc["s", "local_purchase_share"] == 1.0 and m.loc["p", "local_purchase_share"] == 0.5


def test_the_card_prints_every_assumption(slq):
    card = card_for(slq, investment=1000, construction_shares=SHARES, annual_output=100, project_sector="p")
    labels = [a.label for a in card.assumptions]
    assert labels[:2] == ["投入产出表", "区域化方法"]
    for label in ("区域总产出", "投资额", "建设投资构成", "本地采购比例（按部门）", "项目所属部门", "预计年产值",
                  "运营期冲击", "就业系数", "诱发效应", "口径", "单位"):
        assert label in labels
    printed = {a.label: a for a in card.assumptions}
    assert printed["投入产出表"].value == "2020 年 4 部门"
    assert printed["区域化方法"].value == "SLQ"
    assert printed["口径"].value == GROSS
    assert printed["建设投资构成"].source == "项目填报"
    assert card.missing == []


def test_missing_inputs_leave_the_phase_out_and_say_why(slq):
    card = card_for(slq)
    assert card.missing == [MSG_NO_INVESTMENT, MSG_NO_SECTOR, MSG_NO_OUTPUT]
    assert card.phases == {"construction": None, "operation": None}
    card = card_for(slq, investment=1000, construction_shares=SHARES, annual_output=100)
    assert card.missing == [MSG_NO_SECTOR]
    assert card.phases["operation"] is None and card.phases["construction"] is not None
    card = card_for(slq, annual_output=100, project_sector="p")
    assert card.missing == [MSG_NO_INVESTMENT] and card.phases["construction"] is None


def test_a_table_without_jobs_or_households_drops_those_rows_not_zeroes_them():
    t = small_table(employment=False)
    card = card_for((t, regionalize(t, X_R, method="slq")), annual_output=100, project_sector="p")
    assert MSG_NO_JOBS in card.missing
    assert list(card.phases["operation"].rows.index) == ["output", "value_added"]
    assert not any(c.startswith("jobs") for c in card.multipliers_used.columns)
    t = small_table(households=False)
    card = card_for((t, regionalize(t, X_R, method="slq")), annual_output=100, project_sector="p")
    assert MSG_NO_TYPE2 in card.missing
    assert card.phases["operation"].rows["induced"].isna().all()
    assert card.to_dict()["phases"]["operation"]["rows"]["output"]["induced"] is None


def test_local_purchase_share_overrides_and_the_slq_fallback():
    t = small_table()
    r = regionalize(t, X_R, method="slq")
    card = card_for((t, r), investment=1000, construction_shares=SHARES, local_purchase_share=0.25)
    assert card.phases["construction"].shock.sum() == pytest.approx(250.0)
    card = card_for((t, r), investment=1000, construction_shares=SHARES, local_purchase_share={"s": 0.5})
    assert card.phases["construction"].shock.to_dict() == {"p": 125.0, "s": 250.0}
    printed = {a.label: a.value for a in card.assumptions}
    assert printed["本地采购比例（按部门）"] == "m 材料 0%；p 零部件 50%；s 服务 50%（项目填报）"
    # without services in the district nobody buys vehicles as an input: no local share for v,
    # so the card falls back to min(SLQ_v, 1) = 1 and says so
    r = regionalize(t, pd.Series([0.0, 64.0, 320.0, 0.0], index=list("mpvs")), method="slq")
    card = card_for((t, r), investment=1000, construction_shares={"v": 1.0})
    detail = card.phases["construction"].detail
    assert detail.loc["v", "local_purchase_share"] == 1.0 and detail.loc["v", "source"].startswith("min(SLQ, 1)")
    printed = {a.label: a.value for a in card.assumptions}
    assert printed["本地采购比例（按部门）"] == "v 整车 100%（min(SLQ, 1)，该部门无本地中间需求）"


def test_larger_delta_gives_smaller_effects():
    t = small_table()
    r = regionalize(t, X_R, method="flq", delta=0.3)
    card = card_for((t, r), investment=1000, construction_shares=SHARES, annual_output=100, project_sector="p")
    assert [s["delta"] for s in card.sensitivity] == [0.1, 0.2, 0.3, 0.4]
    for phase in ("construction", "operation"):
        for kind in ("output", "value_added", "jobs"):
            values = [s[phase][kind] for s in card.sensitivity]
            assert all(a > b for a, b in zip(values, values[1:])), (phase, kind, values)
        assert card.sensitivity[2][phase]["output"] == pytest.approx(card.phases[phase].rows.loc["output", "total"])
    lambdas = [s["lambda_star"] for s in card.sensitivity]
    assert all(a > b for a, b in zip(lambdas, lambdas[1:]))
    printed = {a.label: a.value for a in card.assumptions}
    assert printed["δ"] == "0.3" and printed["λ*"] == f"{r.lambda_star:.4f}"


def test_to_dict_is_json(slq):
    card = card_for(slq, investment=1000, construction_shares=SHARES, annual_output=100, project_sector="p")
    data = json.loads(json.dumps(card.to_dict(), ensure_ascii=False))
    assert data["phases"]["operation"]["rows"]["output"]["total"] == pytest.approx(
        card.phases["operation"].rows.loc["output", "total"])
    assert data["assumptions"][0]["label"] == "投入产出表"
    assert {row["sector"] for row in data["multipliers_used"]} == {"p", "s"}


def test_assumptions_that_contradict_the_tables_are_refused(slq):
    t, r = slq
    with pytest.raises(ValueError, match="flq"):
        impact_card(t, r, ImpactAssumptions(table_year=2020, sectors=4, method="flq", delta=0.3))
    with pytest.raises(ValueError, match="table year"):
        impact_card(t, r, ImpactAssumptions(table_year=2018, sectors=4, method="slq", delta=None))
    with pytest.raises(ValueError, match="investment"):
        card_for(slq, investment=-1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        card_for(slq, investment=1.0, construction_shares={"m": 0.5})
    with pytest.raises(LabelError):
        card_for(slq, investment=1.0, construction_shares={"zz": 1.0})
    with pytest.raises(LabelError):
        card_for(slq, annual_output=1.0, project_sector="zz")


def test_default_construction_shares_are_illustrative_and_sum_to_one():
    from lianzhao.econ.concordance import load_concordance

    codes = set(load_concordance()["io153_code"])
    for profile, shares in DEFAULT_CONSTRUCTION_SHARES.items():
        assert sum(shares.values()) == pytest.approx(1.0), profile
        assert set(shares) <= codes
    assert default_construction_shares("100") == DEFAULT_CONSTRUCTION_SHARES["energy"]
    assert default_construction_shares(None) == DEFAULT_CONSTRUCTION_SHARES["manufacturing"]
    to42 = default_construction_shares("24", sectors=42)  # 电力、热力 → the energy profile, aggregated
    assert sum(to42.values()) == pytest.approx(1.0) and to42["27"] == pytest.approx(0.40)
    assert project_sector_for_codes(["3841"]) == "087"
    assert project_sector_for_codes(["3670", "3812"]) == "080"  # a tie goes to the lower code


def test_nbs_2020_card_with_the_default_shares(nbs_data):
    from lianzhao.refdata.nbs import read_nbs
    from tests.econ.sample_region import JIMO_EXAMPLE, sample_regional_output

    t = read_nbs(2020, 153, domestic=True, employment=True)
    r = regionalize(t, sample_regional_output(t, **JIMO_EXAMPLE), "flq", 0.3)
    card = impact_card(t, r, ImpactAssumptions.for_tables(t, r, investment=10e4, annual_output=8e4,
                                                          project_sector="087"))
    assert card.missing == []
    printed = {a.label: a for a in card.assumptions}
    assert printed["建设投资构成"].source.startswith("示例默认构成")
    assert printed["就业系数"].value.startswith("2018 年")
    for phase in card.phases.values():
        assert np.isfinite(phase.rows.to_numpy()).all() and (phase.rows["induced"] > 0).all()
    assert card.phases["operation"].rows.loc["output", "total"] == pytest.approx(
        8e4 * card.multipliers_used.loc["087", "output_II"])
