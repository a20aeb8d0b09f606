"""Property tests on random valid tables (hypothesis): identities that must hold for any
productive table, whatever its numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lianzhao.econ import IOTable, regionalize
from lianzhao.econ.iomath import naive_extraction

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def tables(draw, min_n=1, max_n=7):
    """A productive table: A ≥ 0 with column sums < 1, y ≥ 0, value added ≥ 0, jobs > 0."""
    n = draw(st.integers(min_n, max_n))
    raw = draw(arrays(float, (n, n), elements=st.floats(0, 1)))
    colsum = draw(arrays(float, n, elements=st.floats(0, 0.95)))
    total = raw.sum(axis=0)
    A = np.where(total > 0, raw / np.where(total > 0, total, 1) * colsum, 0.0)
    y = draw(arrays(float, n, elements=st.floats(0.1, 1e4)))
    hh = draw(arrays(float, n, elements=st.floats(0, 0.9)))  # households save some income
    wage = draw(arrays(float, n, elements=st.floats(0.05, 1)))
    jobs = draw(arrays(float, n, elements=st.floats(0.01, 1)))
    x = np.linalg.solve(np.eye(n) - A, y)
    Z = A * x
    va = x - Z.sum(axis=0)
    return IOTable.from_flows(
        Z, pd.DataFrame({"households": hh * y, "other": (1 - hh) * y}),
        va=pd.DataFrame([wage * va, (1 - wage) * va], index=["compensation", "other"]),
        employment=jobs * x, rtol=1e-6,
    )


@SETTINGS
@given(tables())
def test_leontief_inverse_inverts_i_minus_a(t):
    n = t.n
    np.testing.assert_allclose(t.L.to_numpy() @ (np.eye(n) - t.A.to_numpy()), np.eye(n), atol=1e-8)


@SETTINGS
@given(tables())
def test_leontief_inverse_is_at_least_identity(t):
    assert (t.L.to_numpy() - np.eye(t.n) >= -1e-12).all()


@SETTINGS
@given(tables())
def test_output_is_leontief_inverse_times_final_demand(t):
    np.testing.assert_allclose(t.L.to_numpy() @ t.Y.sum(axis=1).to_numpy(), t.x, rtol=1e-8)


@SETTINGS
@given(tables())
def test_type_ii_multipliers_are_at_least_type_i(t):
    assert (t.output_multipliers("II") >= t.output_multipliers("I") - 1e-12).all()
    for kind in ("income", "value_added", "employment"):
        one, two = t.multipliers(kind, "I")["effect"], t.multipliers(kind, "II")["effect"]
        assert (two >= one - 1e-12 * one.abs().max()).all()


@SETTINGS
@given(tables(), st.floats(0.0, 1.0))
def test_flq_equals_cilq_when_delta_is_zero(t, share):
    regional = t.x * np.linspace(0.2, 1.0, t.n) * max(share, 0.01)
    flq = regionalize(t, regional, method="flq", delta=0.0)
    cilq = regionalize(t, regional, method="cilq")
    np.testing.assert_allclose(flq.quotients, cilq.quotients, rtol=1e-12)
    np.testing.assert_allclose(flq.table.A, cilq.table.A, rtol=1e-12, atol=1e-15)


@SETTINGS
@given(tables(), st.sampled_from(["slq", "cilq", "flq", "aflq"]), st.floats(0.0, 1.0))
def test_every_quotient_is_one_when_the_region_is_the_nation(t, method, delta):
    r = regionalize(t, t.x, method=method, delta=delta)
    np.testing.assert_allclose(r.quotients, 1.0, rtol=1e-12)
    np.testing.assert_allclose(r.table.A, t.A, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r.local_share.dropna(), 1.0, rtol=1e-12)


@SETTINGS
@given(tables(min_n=1, max_n=6), st.floats(0.1, 1e3))
def test_extracting_a_sector_with_no_links_changes_nothing(t, own_demand):
    labels = [*map(str, t.sectors), "isolated"]
    Z = pd.DataFrame(0.0, index=labels, columns=labels)
    Z.iloc[:-1, :-1] = t.Z.to_numpy()
    Y = pd.concat([t.Y.set_axis(labels[:-1]), pd.DataFrame({"households": [own_demand], "other": [0.0]}, index=["isolated"])])
    bigger = IOTable.from_flows(Z, Y)
    loss = bigger.extract("isolated")
    assert loss[["total", "backward", "forward", "forward_ghosh"]].abs().max() <= 1e-9 * float(bigger.x.sum())
    np.testing.assert_allclose(bigger.output_multipliers().iloc[:-1], t.output_multipliers(), rtol=1e-10)


@SETTINGS
@given(tables(min_n=2, max_n=6))
def test_extract_all_matches_rebuilding_each_extracted_table(t):
    fast = t.extract_all()
    np.testing.assert_allclose(fast["backward"] + fast["forward"], fast["total"], rtol=1e-12)
    for j, sector in enumerate(t.sectors):
        slow = naive_extraction(t.Z.to_numpy(), t.x.to_numpy(), t.y.to_numpy(), j)
        for kind, value in slow.items():
            np.testing.assert_allclose(fast.loc[sector, kind], value, rtol=1e-7, atol=1e-9 * float(t.x.sum()))
        np.testing.assert_allclose(t.extract(sector)[list(slow)], fast.loc[sector, list(slow)], rtol=1e-9, atol=1e-9)


@SETTINGS
@given(tables(min_n=2, max_n=7), st.data())
def test_aggregation_preserves_totals(t, data):
    groups = data.draw(st.lists(st.sampled_from(["g1", "g2", "g3"]), min_size=t.n, max_size=t.n))
    agg = t.aggregate(dict(zip(t.sectors, groups)))
    for part in ("Z", "Y", "va"):
        assert np.isclose(getattr(agg, part).to_numpy().sum(), getattr(t, part).to_numpy().sum(), rtol=1e-12)
    assert np.isclose(agg.x.sum(), t.x.sum(), rtol=1e-12)
    assert np.isclose(agg.employment.sum(), t.employment.sum(), rtol=1e-12)
    assert agg.n == len(set(groups))


@SETTINGS
@given(tables(), st.data())
def test_impact_decomposes_into_direct_indirect_and_induced(t, data):
    dy = np.array(data.draw(st.lists(st.floats(-1e3, 1e3), min_size=t.n, max_size=t.n)))
    one, two = t.impact(dy), t.impact(dy, type="II")
    np.testing.assert_allclose(one["direct"], dy)
    np.testing.assert_allclose(one["direct"] + one["indirect"], t.L.to_numpy() @ dy, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(two[["direct", "indirect", "induced"]].sum(axis=1), two["total"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(two["indirect"], one["indirect"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(one["jobs"], t.coefficients("employment") * one["total"], rtol=1e-12, atol=1e-12)


@SETTINGS
@given(tables())
def test_value_added_multipliers_are_one_without_imports(t):
    """With no imports every unit of final demand ends up as value added: v'L = 1'."""
    np.testing.assert_allclose(t.multipliers("value_added")["effect"], 1.0, rtol=1e-9)
