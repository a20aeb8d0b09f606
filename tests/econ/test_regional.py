"""Regionalization by location quotients (Flegg & Webber 1997, 2000; Miller & Blair 2009 §8.2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import IOTable, IOTableError, regionalize
from lianzhao.econ.regional import calc_lambda
from lianzhao.econ.synthetic import random_table

S = ["a", "b", "c"]


@pytest.fixture
def nation():
    """National output 100/200/700 (total 1,000); the region below has 10/5/35 (total 50)."""
    Z = pd.DataFrame([[10.0, 40, 70], [20, 30, 140], [10, 20, 210]], index=S, columns=S)
    x = pd.Series([100.0, 200, 700], index=S)
    Y = pd.DataFrame({"households": (x - Z.sum(axis=1)) * 0.5, "other": (x - Z.sum(axis=1)) * 0.5})
    va = pd.DataFrame([(x - Z.sum(axis=0)) * 0.6, (x - Z.sum(axis=0)) * 0.4], index=["compensation", "surplus"])
    return IOTable.from_flows(Z, Y, va=va, x=x, employment=x / 10)


REGION = pd.Series([10.0, 5, 35], index=S)  # SLQ = 2, 0.5, 1 (hand-computed)


def test_simple_location_quotients_by_hand(nation):
    r = regionalize(nation, REGION, method="slq")
    assert r.slq.tolist() == pytest.approx([2.0, 0.5, 1.0])
    np.testing.assert_allclose(r.quotients, [[2.0] * 3, [0.5] * 3, [1.0] * 3], rtol=1e-12)
    # min(SLQ, 1): row a unchanged, row b halved, row c unchanged
    np.testing.assert_allclose(r.table.A, nation.A * np.array([[1.0], [0.5], [1.0]]), rtol=1e-12)


def test_cross_industry_quotients_by_hand(nation):
    r = regionalize(nation, REGION, method="cilq")
    expected = [[2.0, 4.0, 2.0], [0.25, 0.5, 0.5], [0.5, 2.0, 1.0]]  # SLQ_i / SLQ_j, SLQ_i on the diagonal
    np.testing.assert_allclose(r.quotients, expected, rtol=1e-12)


def test_flq_and_aflq_by_hand(nation):
    lam = np.log2(1 + 50 / 1000) ** 0.3
    assert calc_lambda(50, 1000, 0.3) == pytest.approx(lam) and lam == pytest.approx(0.4511, abs=1e-4)
    flq = regionalize(nation, REGION, method="flq", delta=0.3)
    assert flq.lambda_star == pytest.approx(lam)
    np.testing.assert_allclose(flq.quotients, np.array([[2.0, 4.0, 2.0], [0.25, 0.5, 0.5], [0.5, 2.0, 1.0]]) * lam)
    aflq = regionalize(nation, REGION, method="aflq", delta=0.3)
    boost = np.array([np.log2(3.0), 1.0, 1.0])  # only sector a has SLQ > 1
    np.testing.assert_allclose(aflq.quotients, flq.quotients.to_numpy() * boost[np.newaxis, :])


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_the_regional_table_balances_and_buys_less_locally(nation, method):
    r = regionalize(nation, REGION, method=method)
    report = r.table.balance_report()
    assert report[["row_relative", "column_relative"]].max().max() < 1e-12
    assert (r.table.A.to_numpy() <= nation.A.to_numpy() + 1e-15).all()
    assert ((r.local_share >= 0) & (r.local_share <= 1 + 1e-12)).all()
    assert (r.table.output_multipliers() <= nation.output_multipliers() + 1e-12).all()
    assert r.table.x.tolist() == REGION.tolist()
    assert r.table.output_multipliers("II").notna().all()


def test_it_unpacks_into_table_and_local_share(nation):
    table, share = regionalize(nation, REGION)
    assert isinstance(table, IOTable) and share.name == "local_share"


def test_local_share_is_the_requirement_weighted_coefficient_ratio(nation):
    r = regionalize(nation, REGION, method="flq")
    need = nation.A.to_numpy() @ REGION.to_numpy()
    np.testing.assert_allclose(r.local_share, r.table.Z.sum(axis=1) / need, rtol=1e-12)
    assert r.table.imports.loc["from_outside_region"].sum() == pytest.approx(need.sum() - r.table.Z.to_numpy().sum())


def test_it_accepts_regional_jobs(nation):
    by_jobs = regionalize(nation, REGION / 10, measure="employment")
    by_output = regionalize(nation, REGION)
    np.testing.assert_allclose(by_jobs.table.A, by_output.table.A, rtol=1e-12)
    assert by_jobs.table.employment.tolist() == pytest.approx((REGION / 10).tolist())


def test_a_region_larger_than_the_nation_is_rejected(nation):
    with pytest.raises(IOTableError, match="exceeds the national total"):
        regionalize(nation, nation.x * 2)


def test_a_sector_the_region_lacks_buys_nothing_and_sells_nothing():
    t = random_table(8, 5)
    regional = t.x * 0.05
    regional.iloc[2] = 0.0
    r = regionalize(t, regional, method="flq")
    assert r.table.Z.iloc[2].sum() == 0 and r.table.Z.iloc[:, 2].sum() == 0
    assert r.local_share.iloc[2] == 0
