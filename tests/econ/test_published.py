"""The engine reproduces published input-output results (sources cited in conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import IOTable


@pytest.mark.parametrize("as_frame", [False, True], ids=["ndarray", "DataFrame"])
def test_it_reproduces_miller_blair_table_2_3(miller_blair, as_frame):
    Z, f = np.array(miller_blair["Z"]), np.array(miller_blair["f"])
    if as_frame:
        Z = pd.DataFrame(Z, index=["1", "2"], columns=["1", "2"])
        f = pd.Series(f, index=["1", "2"], name="final_demand")
    t = IOTable.from_flows(Z, f)
    np.testing.assert_allclose(t.x, miller_blair["x"], rtol=1e-12)
    np.testing.assert_allclose(t.A, miller_blair["A"], rtol=1e-12)
    np.testing.assert_allclose(t.L, miller_blair["L_3dp"], atol=5e-4)
    impact = t.impact(np.array(miller_blair["f_new"]) if not as_frame else pd.Series(miller_blair["f_new"], index=["1", "2"]))
    np.testing.assert_allclose(impact["total"], miller_blair["x_new_2dp"], atol=5e-3)


def test_extraction_on_the_miller_blair_table_by_hand():
    """Our own arithmetic on Table 2.3: cutting sector 1's links leaves x̄ = (350, 1700/0.95);
    cutting only its purchases leaves x̄₂ = 1700/0.95 and x̄₁ = 350 + 0.25 x̄₂."""
    t = IOTable.from_flows(np.array([[150.0, 500.0], [200.0, 100.0]]), np.array([350.0, 1700.0]))
    loss = t.extract(0)
    x2 = 1700 / 0.95
    assert loss["total"] == pytest.approx(3000 - 350 - x2, rel=1e-12)
    assert loss["backward"] == pytest.approx(3000 - (350 + 0.25 * x2) - x2, rel=1e-12)
    assert loss["forward"] == pytest.approx(loss["total"] - loss["backward"], rel=1e-12)


def test_miller_blair_inverse_is_exact():
    """L = 1/|I − A| · adj(I − A) for the 2 × 2 example: |I − A| = 0.85·0.95 − 0.25·0.2 = 0.7575."""
    t = IOTable.from_flows(np.array([[150.0, 500.0], [200.0, 100.0]]), np.array([350.0, 1700.0]))
    np.testing.assert_allclose(t.L, np.array([[0.95, 0.25], [0.20, 0.85]]) / 0.7575, rtol=1e-14)


@pytest.fixture
def beutel_table(beutel_frames):
    f = beutel_frames
    return IOTable.from_flows(f["Z"], f["Y"], va=f["va"], x=f["x"], imports=f["imports"],
                              taxes=f["taxes"], employment=f["employment"], rtol=1e-12)


def test_beutel_table_balances_exactly(beutel_table):
    report = beutel_table.balance_report()
    assert report["row_residual"].abs().max() == 0
    assert report["column_residual"].abs().max() == 0


def test_it_reproduces_beutel_coefficients_and_inverse(beutel_table, beutel):
    pub = beutel["published"]
    A, L = beutel_table.A.to_numpy(), beutel_table.L.to_numpy()
    for (i, j), value in pub["A_cells_4dp"].items():
        assert A[i, j] == pytest.approx(value, abs=5e-5)
    np.testing.assert_allclose(np.diag(L)[:3], pub["L_diagonal_4dp"], atol=5e-5)


def test_it_reproduces_beutel_output_gva_and_employment_multipliers(beutel_table, beutel):
    pub = beutel["published"]
    np.testing.assert_allclose(beutel_table.output_multipliers(), pub["output_multipliers_4dp"], atol=5e-5)
    np.testing.assert_allclose(beutel_table.multipliers("value_added")["effect"], pub["gva_multipliers_4dp"], atol=5e-5)
    np.testing.assert_allclose(beutel_table.multipliers("employment")["effect"], pub["employment_multipliers_4dp"], atol=5e-5)


def test_it_reproduces_beutel_forward_linkages(beutel_table, beutel):
    forward = beutel_table.linkages()["forward"].to_numpy()
    for i, value in beutel["published"]["forward_linkages_4dp"].items():
        assert forward[i] == pytest.approx(value, abs=5e-5)


def test_beutel_backward_linkages_are_the_output_multipliers(beutel_table):
    links = beutel_table.linkages()
    np.testing.assert_allclose(links["backward"], beutel_table.output_multipliers(), rtol=1e-14)
    np.testing.assert_allclose(links["backward"], beutel_table.L.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(links["forward"], beutel_table.G.sum(axis=1), rtol=1e-12)
