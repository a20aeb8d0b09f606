"""Shift-share decomposition (Dunn 1960; Esteban-Marquillas 1972)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lianzhao.econ import IOTableError, shift_share


def test_classical_and_esteban_marquillas_components_by_hand():
    """Hand-worked example: g = 0.15, g_i = (0.2, 0.1), r_i = (0.2, −0.2); ê = (75, 75)."""
    out = shift_share(pd.Series([100.0, 50], index=["x", "y"]), [120.0, 40], [1000.0, 1000], [1200.0, 1100])
    assert out.attrs["national_growth"] == pytest.approx(0.15)
    assert out["national_share"].tolist() == pytest.approx([15.0, 7.5])
    assert out["industry_mix"].tolist() == pytest.approx([5.0, -2.5])
    assert out["competitive"].tolist() == pytest.approx([0.0, -15.0])
    assert out["homothetic_start"].tolist() == pytest.approx([75.0, 75.0])
    assert out["competitive_homothetic"].tolist() == pytest.approx([0.0, -22.5])
    assert out["allocation"].tolist() == pytest.approx([0.0, 7.5])
    assert list(out.index) == ["x", "y"]


JOBS = st.one_of(st.just(0.0), st.floats(1e-3, 1e5))  # job counts: none, or at least a fraction


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(*[arrays(float, n, elements=JOBS)] * 2,
                                                        *[arrays(float, n, elements=st.floats(1, 1e7))] * 2)))
def test_components_add_up_to_the_change(data):
    e0, et, E0, Et = data
    e0 = np.minimum(e0, E0)
    out = shift_share(e0, et, E0, Et)
    np.testing.assert_allclose(out[["national_share", "industry_mix", "competitive"]].sum(axis=1), et - e0, atol=1e-6)
    np.testing.assert_allclose(out["competitive_homothetic"] + out["allocation"], out["competitive"], atol=1e-6)
    assert out["homothetic_start"].sum() == pytest.approx(e0.sum())


def test_a_sector_new_to_the_region_is_all_competitive():
    out = shift_share([0.0, 10], [5.0, 10], [100.0, 100], [100.0, 100])
    assert out.loc[0, "competitive"] == 5.0 and out.loc[0, "allocation"] == 0.0
    assert np.isnan(out.loc[0, "advantage"])


def test_it_rejects_a_regional_sector_missing_nationally():
    with pytest.raises(IOTableError, match="national start is 0"):
        shift_share([1.0, 1], [1.0, 1], [0.0, 5], [1.0, 5])
