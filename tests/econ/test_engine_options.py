"""Engine options (issue 10, item 7): Leontief or Ghosh forward linkages, the reduced-system
form of total extraction, zero-output sectors out of the linkage means, read-only results, and
a named error for sparse input.

Hand-worked numbers on Miller & Blair (2009), Table 2.3 (``miller_blair`` fixture): with
A = [[.15, .25], [.20, .05]], det(I − A) = .7575 = 303/400, so
L = (I − A)⁻¹ = [[380, 100], [80, 340]] / 303 exactly, and x = (1000, 2000), y = (350, 1700).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from lianzhao.econ import IOTable, SparseInputError, regionalize
from lianzhao.econ.iomath import naive_extraction

L_303 = np.array([[380.0, 100.0], [80.0, 340.0]])  # L × 303


@pytest.fixture(params=["ndarray", "DataFrame"])
def mb(request, miller_blair):
    Z, y = np.array(miller_blair["Z"]), np.array(miller_blair["f"])
    if request.param == "DataFrame":
        Z = pd.DataFrame(Z, index=["1", "2"], columns=["1", "2"])
        y = pd.Series(y, index=["1", "2"])
    return IOTable.from_flows(Z, y)


def test_the_leontief_inverse_is_the_hand_worked_one(mb):
    np.testing.assert_allclose(mb.L.to_numpy(), L_303 / 303, rtol=1e-12)


def test_leontief_forward_linkages_are_row_sums_of_l_the_chinese_sensitivity_coefficient(mb):
    links = mb.linkages(forward="leontief")
    # row sums of L: (480, 420) / 303, mean 450 / 303 → 感应度系数 16/15 and 14/15
    np.testing.assert_allclose(links["forward"], np.array([480, 420]) / 303, rtol=1e-12)
    np.testing.assert_allclose(links["sensitivity_of_dispersion"], [16 / 15, 14 / 15], rtol=1e-12)
    # direct: row sums of A
    np.testing.assert_allclose(links["forward_direct"], [0.40, 0.25], rtol=1e-12)
    # backward is the same in both conventions: column sums (460, 440) / 303 → 46/45, 44/45
    np.testing.assert_allclose(links["power_of_dispersion"], [46 / 45, 44 / 45], rtol=1e-12)
    assert list(links["type"]) == ["key", "weak"] and links.attrs["forward"] == "leontief"


def test_ghosh_forward_linkages_are_row_sums_of_g(mb):
    links = mb.linkages()  # the default
    # G = x̂⁻¹ L x̂: rows (380 + 100·2, 80/2 + 340) / 303 = (580, 380) / 303, mean 480 / 303
    np.testing.assert_allclose(links["forward"], np.array([580, 380]) / 303, rtol=1e-12)
    np.testing.assert_allclose(links["sensitivity_of_dispersion"], [29 / 24, 19 / 24], rtol=1e-12)
    np.testing.assert_allclose(links["forward_direct"], [650 / 1000, 300 / 2000], rtol=1e-12)  # B 1
    assert links.attrs["forward"] == "ghosh"
    pd.testing.assert_series_equal(mb.linkages(forward="ghosh")["forward"], links["forward"])


def test_an_unknown_forward_convention_is_refused(mb):
    with pytest.raises(ValueError, match="ghosh, leontief"):
        mb.linkages(forward="chenery")


@pytest.mark.parametrize("forward", ["ghosh", "leontief"])
def test_a_zero_output_sector_is_left_out_of_the_linkage_means(miller_blair, forward):
    Z = np.zeros((3, 3))
    Z[:2, :2] = miller_blair["Z"]
    with_idle = IOTable.from_flows(Z, [*miller_blair["f"], 0.0], sectors=["1", "2", "idle"])
    links = with_idle.linkages(forward=forward)
    plain = IOTable.from_flows(np.array(miller_blair["Z"]), miller_blair["f"], sectors=["1", "2"]).linkages(forward=forward)
    for col in ("power_of_dispersion", "sensitivity_of_dispersion"):
        np.testing.assert_allclose(links[col].iloc[:2], plain[col], rtol=1e-12)
        assert np.isnan(links.loc["idle", col])
    assert links.loc["idle", "type"] == "no_output" and not links.loc["idle", "key_sector"]
    # its L row and column are those of I: it would have pulled both means down
    assert links.loc["idle", "backward"] == pytest.approx(1.0)


def test_total_extraction_in_the_textbook_reduced_system_form(mb, miller_blair):
    out = mb.extract_all()
    # sector 1 deleted: x̄₂ = 1700 / 0.95, T₁ = 3000 − 1789.47 = 1210.53 = total (860.53) + y₁ (350)
    assert out["total_reduced"].iloc[0] == pytest.approx(3000 - 1700 / 0.95, rel=1e-12)
    assert out["total_reduced"].iloc[0] == pytest.approx(out["total"].iloc[0] + 350, rel=1e-12)
    # sector 2 deleted: x̄₁ = 350 / 0.85; also x₂ (1'L e₂) / l₂₂ = 2000 · 440 / 340
    assert out["total_reduced"].iloc[1] == pytest.approx(3000 - 350 / 0.85, rel=1e-12)
    assert out["total_reduced"].iloc[1] == pytest.approx(2000 * 440 / 340, rel=1e-12)
    assert out["total_reduced_share"].iloc[1] == pytest.approx((3000 - 350 / 0.85) / 3000, rel=1e-12)
    slow = naive_extraction(np.array(miller_blair["Z"]), miller_blair["x"], miller_blair["f"], 0, kinds=("total_reduced",))
    assert slow["total_reduced"] == pytest.approx(3000 - 1700 / 0.95, rel=1e-12)
    assert mb.extract(mb.sectors[1])["total_reduced"] == pytest.approx(2000 * 440 / 340, rel=1e-12)


def test_cached_results_are_read_only_and_a_write_corrupts_nothing(mb):
    G, extraction = mb.G.to_numpy().copy(), mb.extract_all()
    L = mb.L
    with pytest.raises(ValueError, match="read-only"):
        L.loc[:, :] = 0  # the example: it used to zero the cached L that G and extract_all read
    for name in ("A", "L", "B", "G", "Z"):
        frame = getattr(mb, name)
        with pytest.raises(ValueError, match="read-only"):
            frame.iloc[0, 0] = 5.0
        with pytest.raises(ValueError, match="read-only"):
            getattr(mb.arrays, name)[0, 0] = 5.0
    x = mb.x
    with pytest.raises(ValueError, match="read-only"):
        x.iloc[0] = 0.0
    frame = mb.L
    frame[frame.columns[0]] = 0.0  # replaces a column of this frame only
    np.testing.assert_allclose(mb.L.to_numpy(), L_303 / 303, rtol=1e-12)
    np.testing.assert_array_equal(mb.G.to_numpy(), G)
    pd.testing.assert_frame_equal(mb.extract_all(), extraction)


def test_a_scipy_sparse_matrix_gets_a_named_error(miller_blair):
    Z, y = np.array(miller_blair["Z"]), np.array(miller_blair["f"])
    with pytest.raises(SparseInputError, match=r"Z is a SciPy sparse csr matrix \(2, 2\).*Z.toarray\(\)"):
        IOTable.from_flows(sp.csr_matrix(Z), y)
    with pytest.raises(SparseInputError, match="Y is a SciPy sparse"):
        IOTable.from_flows(Z, sp.csc_matrix(y[:, None]))
    with pytest.raises(SparseInputError, match=r"va\['compensation'\]"):
        IOTable.from_flows(Z, y, va={"compensation": sp.coo_matrix(np.array([[500.0, 1400.0]]))})
    t = IOTable.from_flows(Z, y)
    with pytest.raises(SparseInputError, match="regional output"):
        regionalize(t, sp.csr_matrix(np.array([[10.0, 20.0]])))
