"""Hybrid regional tables (superior data over the quotient estimate), non-tradables, sector δ
(SFLQ) and the imports split, on the hand-made four-sector table (tests/econ/chain_tables.py)
and on NBS 2020."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import LabelError, NonProductiveError, regionalize
from lianzhao.econ.hybrid import ColumnOverride, LocalShareOverride, OverrideError, default_non_tradables
from tests.econ.chain_tables import A_M, A_N, SECTORS, small_table

X_ALL = pd.Series([32.0, 64.0, 320.0, 96.0], index=SECTORS)  # every sector present


@pytest.fixture(scope="module")
def nation():
    return small_table(imports=True)


def split(r):
    c = r.coefficients
    return {"total": c.total, "domestic": c.domestic, "local": c.local, "abroad": c.abroad}


def changed(a: dict, b: dict) -> dict[str, set[tuple[int, int]]]:
    return {k: {tuple(ix) for ix in np.argwhere(~np.isclose(a[k], b[k], rtol=0, atol=1e-15))} for k in a}


def test_the_quotient_estimate_splits_total_requirements_three_ways(nation):
    r = regionalize(nation, X_ALL, method="slq")
    c = r.coefficients
    np.testing.assert_allclose(c.total, A_N + A_M, rtol=0, atol=1e-15)
    np.testing.assert_allclose(c.abroad, A_M, rtol=0, atol=1e-15)
    np.testing.assert_allclose(c.local, A_N * np.minimum(r.slq.to_numpy(), 1)[:, None], rtol=0, atol=1e-15)
    np.testing.assert_allclose(c.other_regions, c.total - c.local - c.abroad)
    assert r.imports_by_product and r.national is nation


def test_a_column_override_changes_exactly_the_column_it_names(nation):
    base = regionalize(nation, X_ALL, method="flq", delta=0.3)
    bom = ColumnOverride("v", {"m": 0.05, "p": 0.5}, rest="keep", source="某整车厂物料清单（示例）")
    r = regionalize(nation, X_ALL, method="flq", delta=0.3, overrides=[bom])
    diff = changed(split(base), split(r))
    assert {j for cells in diff.values() for _, j in cells} == {2}  # column v only
    assert r.coefficients.total[0, 2] == 0.05 and r.coefficients.total[1, 2] == 0.5
    # the other cells of the column are kept; the domestic part keeps each product's national ratio
    assert r.coefficients.total[3, 2] == base.coefficients.total[3, 2]
    # parts: nationally 0.5 · 1024 bought domestically of 0.625 · 1024 in all → r_p = 0.8
    assert r.coefficients.domestic_ratio[1] == 0.8 and r.coefficients.domestic[1, 2] == 0.8 * 0.5
    # the value added of v absorbs the change and the regional table still balances
    assert r.table.balance_report()[["row_relative", "column_relative"]].max().max() < 1e-12


def test_a_scaling_override_keeps_the_column_total(nation):
    r = regionalize(nation, X_ALL, method="slq", overrides=[ColumnOverride("v", {"p": 0.25}, rest="scale")])
    total = (A_N + A_M)[:, 2]
    col = r.coefficients.total[:, 2]
    assert col.sum() == pytest.approx(total.sum()) and col[1] == 0.25
    # the rest (m 0.125, v 0, s 0.125; together 0.25) is scaled to fill 0.75 − 0.25 = 0.5: × 2
    np.testing.assert_allclose(col[[0, 2, 3]], total[[0, 2, 3]] * 2)


def test_a_local_purchase_share_changes_exactly_the_row_it_names(nation):
    base = regionalize(nation, X_ALL, method="slq")
    r = regionalize(nation, X_ALL, method="slq", overrides=[LocalShareOverride("p", 0.8, source="企业调查（示例）")])
    diff = changed(split(base), split(r))
    assert {i for cells in diff.values() for i, _ in cells} == {1} and not diff["total"]
    np.testing.assert_allclose(r.coefficients.local[1], 0.8 * r.coefficients.total[1])
    # the other 20 % splits abroad / other regions in the national proportion (r_p = 0.8 domestic)
    np.testing.assert_allclose(r.coefficients.abroad[1], 0.2 * 0.2 * r.coefficients.total[1])
    assert r.local_share["p"] == pytest.approx(0.8)


def test_bad_overrides_are_refused_with_the_sector_named(nation):
    with pytest.raises(NonProductiveError, match="column 'v'.*must be < 1") as caught:
        regionalize(nation, X_ALL, overrides=[ColumnOverride("v", {"p": 0.9}, rest="keep")])
    assert caught.value.sectors == ["v"]
    with pytest.raises(OverrideError, match="column 'v'.*more than the column"):
        regionalize(nation, X_ALL, overrides=[ColumnOverride("v", {"p": 0.9}, rest="scale")])
    with pytest.raises(OverrideError, match="≥ 0"):
        ColumnOverride("v", {"p": -0.1})
    with pytest.raises(OverrideError, match=r"share of 'p' must be in \[0, 1\]"):
        LocalShareOverride("p", 1.2)
    with pytest.raises(LabelError, match="'zz' not in the table"):
        regionalize(nation, X_ALL, overrides=[ColumnOverride("v", {"zz": 0.1})])
    with pytest.raises(OverrideError, match="overridden twice"):
        regionalize(nation, X_ALL, overrides=[LocalShareOverride("p", 0.5), LocalShareOverride("p", 0.6)])


def test_non_tradable_rows_are_met_locally_in_full(nation):
    r = regionalize(nation, X_ALL, method="flq", non_tradables=["s", "p"])
    c = r.coefficients
    np.testing.assert_array_equal(c.local[[1, 3]], c.total[[1, 3]])
    assert not c.abroad[[1, 3]].any()
    assert r.local_share[["p", "s"]].tolist() == [1.0, 1.0]
    with pytest.raises(LabelError, match="'zz'"):
        regionalize(nation, X_ALL, non_tradables=["zz"])


def test_sector_specific_delta_sflq_by_hand(nation):
    # total 512 of 4096 → λ*_j = log2(1 + 1/8)^δ_j; column v gets δ 0.1, the rest δ 0.3
    r = regionalize(nation, X_ALL, method="flq", delta=0.3, sector_delta={"v": 0.1})
    base = np.log2(1 + 512 / 4096)
    slq = r.slq.to_numpy()
    expected = slq[:, None] / slq[None, :] * np.array([base ** 0.3, base ** 0.3, base ** 0.1, base ** 0.3])[None, :]
    np.fill_diagonal(expected, slq * np.array([base ** 0.3, base ** 0.3, base ** 0.1, base ** 0.3]))
    np.testing.assert_allclose(r.quotients, expected, rtol=1e-13)
    assert r.lambda_star == pytest.approx(base ** 0.3)
    with pytest.raises(ValueError, match="sector δ"):
        regionalize(nation, X_ALL, sector_delta={"v": 1.5})


def test_default_non_tradables_by_classification():
    codes153 = [f"{i:03d}" for i in range(1, 154)]
    assert {"104", "110", "114", "121"} <= set(default_non_tradables(codes153))
    assert "100" not in default_non_tradables(codes153) and "109" not in default_non_tradables(codes153)
    assert default_non_tradables([f"{i:02d}" for i in range(1, 43)])[:3] == ("25", "26", "27")
    assert default_non_tradables(SECTORS) == ()


def test_on_nbs_2020_the_nev_override_changes_only_column_079(nbs_data):
    from lianzhao.demo import pack_analysis
    from lianzhao.refdata.nbs import read_nbs

    t = read_nbs(2020, 153, domestic=True)
    xr = t.x * 0.001
    c = pack_analysis.NEV_COLUMN
    nev = ColumnOverride(c["sector"], c["coefficients"], rest=c["rest"], weight=c["weight"])
    base, r = regionalize(t, xr), regionalize(t, xr, overrides=[nev])
    diff = changed(split(base), split(r))
    assert {t.sectors[j] for cells in diff.values() for _, j in cells} == {"079"}
    j, battery = list(t.sectors).index("079"), list(t.sectors).index("087")
    assert r.coefficients.total[:, j].sum() == pytest.approx(base.coefficients.total[:, j].sum())
    # A fifth of the vehicle output buys batteries at 0.30 per 元, the rest as the national column.
    assert r.coefficients.total[battery, j] == pytest.approx(0.2 * 0.30 + 0.8 * base.coefficients.total[battery, j])


def test_the_proportional_import_assumption_against_the_non_competitive_42_sector_table(nbs_data):
    """At 153 sectors NBS publishes a competitive table: imports by product are split over users
    by the proportional assumption. The 2020 42-sector table is non-competitive (imported
    intermediates by cell): aggregated to 42 sectors, the 153-sector estimate's intermediate
    imports by product track the published ones (correlation 0.998 of the amounts, 0.978 of the
    import shares of intermediate use, across the 42 products) and overstate total
    intermediate imports by about 10 % (docs/gaps.md)."""
    from lianzhao.econ.concordance import to_42
    from lianzhao.refdata.nbs import read_nbs

    nc = read_nbs(2020, 42)
    t153 = read_nbs(2020, 153, domestic=True)
    S = pd.get_dummies(pd.Series([to_42(c) for c in t153.sectors])).T.reindex(list(nc.sectors)).fillna(0)
    S = S.to_numpy(dtype=float)
    published = nc.imports.to_numpy().sum(axis=1)
    estimated = (S @ t153.imports.to_numpy() @ S.T).sum(axis=1)
    use = (nc.Z.to_numpy() + nc.imports.to_numpy()).sum(axis=1)
    assert np.corrcoef(published, estimated)[0, 1] > 0.99
    assert np.corrcoef(published / use, estimated / use)[0, 1] > 0.97
    assert 1.0 < estimated.sum() / published.sum() < 1.15


def test_a_non_tradable_the_district_does_not_produce_cannot_be_supplied_locally(nation):
    from tests.econ.chain_tables import X_R  # m has no regional output

    r = regionalize(nation, X_R, method="flq", non_tradables=["m", "s"])
    assert r.non_tradables == ("s",) and r.table.meta["regionalized"]["non_tradables_without_output"] == ["m"]
    assert not r.coefficients.local[0].any()


def test_a_weighted_override_mixes_the_surveyed_and_the_national_column(nation):
    """w = 0.2: a fifth of the sector's output made with the surveyed structure, the rest as in the
    national table — each cell of the column, and so its total, in between."""
    base = regionalize(nation, X_ALL, method="slq")
    full = regionalize(nation, X_ALL, method="slq", overrides=[ColumnOverride("v", {"m": 0.05, "p": 0.5})])
    part = regionalize(nation, X_ALL, method="slq",
                       overrides=[ColumnOverride("v", {"m": 0.05, "p": 0.5}, weight=0.2)])
    j = list(nation.sectors).index("v")
    for name in ("total", "domestic"):
        expected = 0.2 * getattr(full.coefficients, name)[:, j] + 0.8 * getattr(base.coefficients, name)[:, j]
        assert getattr(part.coefficients, name)[:, j] == pytest.approx(expected)
    others = [k for k in range(len(nation.sectors)) if k != j]
    assert part.coefficients.total[:, others] == pytest.approx(base.coefficients.total[:, others])


@pytest.mark.parametrize("weight", [0, -0.1, 1.5, float("nan")])
def test_a_weight_outside_zero_to_one_is_refused(weight):
    with pytest.raises(OverrideError, match="weight"):
        ColumnOverride("v", {"p": 0.1}, weight=weight)
