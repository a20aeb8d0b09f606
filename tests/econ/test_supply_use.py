"""Symmetric tables from supply and use tables (IOTable.from_supply_use, econ/supply_use.py),
on small tables worked by hand. BEA's published tables are reproduced in tests/refdata/test_bea.py.

The two-industry example: industry I1 makes 90 of c1 and 10 of c2, industry I2 makes 100 of
c2 (g = (100, 100), q = (90, 110)); I1 buys (20, 30) of (c1, c2), I2 buys (10, 40); final
demand (60, 40); value added (50, 50).

* industry technology, commodity × commodity: c2 is made 10/110 by I1 and 100/110 by I2, each
  with its own inputs per unit of output, so c2's 110 needs 10·(.2, .3) + 100·(.1, .4) =
  (12, 43), and c1's 90 needs 90·(.2, .3) = (18, 27);
* commodity technology, commodity × commodity: c2 has I2's technology (.1, .4) wherever it is
  made, so I1's 10 of c2 used (1, 4) and c1's 90 used the rest of I1's inputs, (19, 26);
* industry × industry: I1's output is c1 (90) and 10/110 of c2; with market shares
  Z = D U = [[20 + 30/11, 10 + 40/11], [300/11, 400/11]]; with commodity technology
  Z = C⁻¹ U = [[200/9, 100/9], [250/9, 350/9]] (C⁻¹ = [[10/9, 0], [−1/9, 1]]).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import (
    BalanceError,
    BalanceWarning,
    IOTable,
    LabelError,
    NegativeValueError,
    ShapeError,
    SingularError,
    SparseInputError,
)
from lianzhao.econ import supply_use as su

IND, COM = ["I1", "I2"], ["c1", "c2"]


@pytest.fixture
def sut():
    return {
        "make": pd.DataFrame([[90.0, 10.0], [0.0, 100.0]], index=IND, columns=COM),
        "use": pd.DataFrame([[20.0, 10.0], [30.0, 40.0]], index=COM, columns=IND),
        "final_demand": pd.DataFrame({"households": [60.0, 40.0]}, index=COM),
        "va": pd.DataFrame([[50.0, 50.0]], index=["compensation"], columns=IND),
    }


@pytest.mark.parametrize("kind, technology, Z, Y, x", [
    ("commodity", "industry", [[18, 12], [27, 43]], [60, 40], [90, 110]),
    ("commodity", "commodity", [[19, 11], [26, 44]], [60, 40], [90, 110]),
    ("industry", "industry", [[20 + 30 / 11, 10 + 40 / 11], [300 / 11, 400 / 11]], [60 + 40 / 11, 400 / 11], [100, 100]),
    ("industry", "commodity", [[200 / 9, 100 / 9], [250 / 9, 350 / 9]], [600 / 9, 300 / 9], [100, 100]),
])
def test_the_four_symmetric_tables_of_the_hand_worked_example(sut, kind, technology, Z, Y, x):
    t = IOTable.from_supply_use(**sut, kind=kind, technology=technology)
    labels = COM if kind == "commodity" else IND
    assert list(t.sectors) == labels
    np.testing.assert_allclose(t.Z.to_numpy(), Z, rtol=1e-12)
    np.testing.assert_allclose(t.Y["households"], Y, rtol=1e-12)
    np.testing.assert_allclose(t.x, x, rtol=1e-12)
    # every table balances: its value added is moved with the same matrix as its inputs
    assert t.balance_report()[["row_relative", "column_relative"]].abs().max().max() < 1e-12
    assert t.meta["supply_use"] == {"kind": kind, "technology": technology, "scrap": None}


def test_value_added_follows_the_technology(sut):
    # each industry adds 0.5 per unit of output: c1 = 90 · .5, c2 = 10 · .5 + 100 · .5
    cc = IOTable.from_supply_use(**sut, kind="commodity")
    np.testing.assert_allclose(cc.va.loc["compensation"], [45, 55], rtol=1e-12)
    ii = IOTable.from_supply_use(**sut, kind="industry")
    np.testing.assert_allclose(ii.va.loc["compensation"], [50, 50], rtol=1e-12)
    assert ii.multipliers("income", type="II")["effect"].notna().all()


def test_requirements_are_those_of_bea_formulas(sut):
    V, U = sut["make"].to_numpy(), sut["use"].to_numpy()
    B = su.direct_requirements(U, V.sum(axis=1))
    D = su.market_shares(V)
    np.testing.assert_allclose(D, [[1, 1 / 11], [0, 10 / 11]], rtol=1e-12)
    cc = IOTable.from_supply_use(**sut, kind="commodity")
    ii = IOTable.from_supply_use(**sut, kind="industry")
    np.testing.assert_allclose(cc.L.to_numpy(), np.linalg.inv(np.eye(2) - B @ D), rtol=1e-12)  # (I − B D)⁻¹
    np.testing.assert_allclose(ii.L.to_numpy(), np.linalg.inv(np.eye(2) - D @ B), rtol=1e-12)  # (I − D B)⁻¹


def test_ndarrays_work_like_frames(sut):
    plain = IOTable.from_supply_use(*(sut[k].to_numpy() for k in ("make", "use", "final_demand", "va")))
    framed = IOTable.from_supply_use(**sut)
    np.testing.assert_allclose(plain.Z.to_numpy(), framed.Z.to_numpy(), rtol=1e-12)


def test_a_commodity_nobody_makes_becomes_an_unallocated_input_row():
    # c3 is imported only: used by I1 (5), household imports net out its final demand
    make = pd.DataFrame([[100.0, 0.0, 0.0], [0.0, 100.0, 0.0]], index=IND, columns=["c1", "c2", "c3"])
    use = pd.DataFrame([[10.0, 20.0], [30.0, 10.0], [5.0, 0.0]], index=make.columns, columns=IND)
    fd = pd.DataFrame({"households": [70.0, 60.0, 7.0], "imports": [0.0, 0.0, -12.0]}, index=make.columns)
    va = pd.DataFrame([[55.0, 70.0]], index=["compensation"], columns=IND)
    ii = IOTable.from_supply_use(make, use, fd, va)
    assert list(ii.imports.index) == ["unallocated:c3"]
    np.testing.assert_allclose(ii.imports.loc["unallocated:c3"], [5.0, 0.0])
    cc = IOTable.from_supply_use(make, use, fd, va, kind="commodity")
    assert list(cc.sectors) == ["c1", "c2"] and list(cc.imports.index) == ["unallocated:c3"]
    assert any("c3" in note for note in cc.meta["notes"])


def test_bea_scrap_adjustment_by_hand():
    # I1 makes 90 of c1 and 10 of scrap (p = .1); I2 makes 100 of c2 and buys 5 of scrap.
    # W = diag(1 − p)⁻¹ D' = [[10/9, 0, 0], [0, 1, 0]]; A = W B with B = U / g.
    make = pd.DataFrame([[90.0, 0.0, 10.0], [0.0, 100.0, 0.0]], index=IND, columns=["c1", "c2", "scrap"])
    use = pd.DataFrame([[10.0, 20.0], [30.0, 10.0], [0.0, 5.0]], index=make.columns, columns=IND)
    fd = pd.DataFrame({"households": [60.0, 60.0, 5.0]}, index=make.columns)
    va = pd.DataFrame([[60.0, 65.0]], index=["compensation"], columns=IND)
    with pytest.warns(BalanceWarning, match="column"):  # BEA's adjustment leaves the columns short
        t = IOTable.from_supply_use(make, use, fd, va, scrap="scrap")
    np.testing.assert_allclose(t.A.to_numpy(), [[1 / 9, 2 / 9], [0.3, 0.1]], rtol=1e-12)
    np.testing.assert_allclose(t.x, [100, 100], rtol=1e-12)
    np.testing.assert_allclose(t.Y["households"], [600 / 9, 60], rtol=1e-12)
    assert list(t.imports.index) == ["unallocated:scrap"]
    assert any("scrap adjustment" in note for note in t.meta["notes"])
    plain = IOTable.from_supply_use(make, use, fd, va)  # scrap as an ordinary commodity: balanced
    np.testing.assert_allclose(plain.A.to_numpy(), [[0.1, 0.2 + 0.05], [0.3, 0.1]], rtol=1e-12)


def test_bad_supply_and_use_tables_are_refused_with_the_reason(sut):
    rect = pd.DataFrame([[90.0, 10.0, 5.0], [0.0, 100.0, 5.0]], index=IND, columns=["c1", "c2", "c3"])
    use = pd.DataFrame([[20.0, 10.0], [30.0, 40.0], [0.0, 0.0]], index=rect.columns, columns=IND)
    fd = pd.DataFrame({"households": [60.0, 40.0, 10.0]}, index=rect.columns)
    with pytest.raises(ShapeError, match="square make table"):
        IOTable.from_supply_use(rect, use, fd, technology="commodity")
    twins = pd.DataFrame([[50.0, 50.0], [50.0, 50.0]], index=IND, columns=COM)
    with pytest.raises(SingularError, match="product-mix"):
        IOTable.from_supply_use(twins, sut["use"], pd.DataFrame({"f": [70.0, 30.0]}, index=COM), technology="commodity")
    off = sut["final_demand"] + 1.0
    with pytest.raises(BalanceError, match="'c1', 'c2'"):
        IOTable.from_supply_use(sut["make"], sut["use"], off)
    with pytest.raises(LabelError, match="use row"):
        IOTable.from_supply_use(sut["make"], sut["use"].rename(index={"c2": "cX"}), sut["final_demand"])
    with pytest.raises(LabelError, match="scrap commodity 'S004'"):
        IOTable.from_supply_use(**sut, scrap="S004")
    with pytest.raises(ValueError, match="technology must be"):
        IOTable.from_supply_use(**sut, technology="activity")


def test_negative_flows_are_refused_unless_allowed(sut):
    use = sut["use"].copy()
    use.loc["c1", "I1"] = -5.0  # like BEA's crop insurance: premiums less claims
    fd = sut["final_demand"].copy()
    fd.loc["c1", "households"] += 25.0
    with pytest.raises(NegativeValueError, match="intermediate flows Z"):
        IOTable.from_supply_use(sut["make"], use, fd)
    t = IOTable.from_supply_use(sut["make"], use, fd, negative="allow")
    assert (t.Z.to_numpy() < 0).any()


def test_sparse_blocks_get_the_named_error(sut):
    import scipy.sparse as sp

    with pytest.raises(SparseInputError, match="make"):
        IOTable.from_supply_use(sp.csr_matrix(sut["make"].to_numpy()), sut["use"], sut["final_demand"])
