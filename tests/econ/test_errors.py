"""Bad input raises a clear error that names the check and the sector(s) concerned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import (
    BalanceError,
    IOTable,
    LabelError,
    MissingDataError,
    NegativeValueError,
    NonFiniteError,
    NonProductiveError,
    ShapeError,
    SingularError,
)
from lianzhao.econ.iomath import household_closure, leontief_lu

S = ["agri", "manu", "serv"]


def frames(Z=None, y=None):
    Z = pd.DataFrame(Z if Z is not None else [[10.0, 20, 5], [15, 40, 10], [5, 10, 15]], index=S, columns=S, dtype=float)
    y = pd.Series(y if y is not None else [65.0, 35, 70], index=S, name="final_demand", dtype=float)
    return Z, y


def test_it_rejects_a_non_square_z():
    with pytest.raises(ShapeError, match=r"\[shape\].*square.*\(2, 3\)"):
        IOTable.from_flows(np.ones((2, 3)), np.ones(2))


def test_it_rejects_final_demand_of_the_wrong_length():
    with pytest.raises(ShapeError, match="Y must have 3 rows"):
        IOTable.from_flows(np.eye(3) * 0.1, np.ones(4))


def test_it_names_labels_that_do_not_match():
    Z, y = frames()
    with pytest.raises(LabelError, match=r"\[labels\].*missing 'serv'.*unknown 'services'") as err:
        IOTable.from_flows(Z, y.rename({"serv": "services"}))
    assert set(err.value.sectors) == {"serv", "services"}


def test_it_reorders_labels_that_match_in_another_order():
    Z, y = frames()
    t = IOTable.from_flows(Z, y.iloc[::-1])
    assert t.y["agri"] == pytest.approx(65.0)


def test_it_rejects_duplicated_labels():
    with pytest.raises(LabelError, match="duplicated sector labels: 'a'"):
        IOTable.from_flows(np.eye(2) * 0.1, np.ones(2), sectors=["a", "a"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_it_names_the_cell_with_nan_or_inf(bad):
    Z, y = frames()
    Z.loc["manu", "serv"] = bad
    with pytest.raises(NonFiniteError, match=r"\[finite\] Z has 1 NaN or infinite.*\(manu, serv\)") as err:
        IOTable.from_flows(Z, y)
    assert err.value.sectors == ["manu", "serv"]


def test_it_names_sectors_with_negative_output():
    Z, y = frames()
    with pytest.raises(NegativeValueError, match=r"\[non-negative\] total output x.*'serv'") as err:
        IOTable.from_flows(Z, y, x=[100.0, 100.0, -1.0], balance="warn")
    assert err.value.sectors == ["serv"]


def test_it_rejects_negative_intermediate_flows():
    Z, y = frames()
    Z.loc["agri", "manu"] = -1
    with pytest.raises(NegativeValueError, match="intermediate flows Z.*'agri'"):
        IOTable.from_flows(Z, y)


def test_it_names_a_column_of_a_that_sums_to_one_or_more():
    Z, y = frames(Z=[[10.0, 20, 50], [15, 40, 60], [5, 10, 20]], y=[65.0, 35, 10])  # x_serv = 45 < 130
    with pytest.raises(NonProductiveError, match=r"\[productive\] column sums of A must be < 1.*serv: 2\.888") as err:
        IOTable.from_flows(Z, y)
    assert err.value.sectors == ["serv"]


def test_a_singular_leontief_matrix_is_reported_with_its_sector():
    with pytest.raises(SingularError, match=r"\[singular\] I − A is singular.*sector b"):
        leontief_lu(np.array([[0.5, 0.0], [0.0, 1.0]]), np.ones(2), ["a", "b"])


def test_an_unbalanced_table_is_reported_with_its_worst_rows_and_columns():
    Z, y = frames()
    x = Z.sum(axis=1) + y
    x["manu"] += 5  # row: output exceeds uses; column: exceeds inputs
    va = pd.Series(x - Z.sum(axis=0), name="value_added")
    va["agri"] += 3
    with pytest.raises(BalanceError) as err:
        IOTable.from_flows(Z, y, x=x, va=va)
    message = str(err.value)
    assert "[balance]" in message and "row (uses" in message and "column (inputs" in message
    assert "manu: 5" in message and "agri: -3" in message
    assert set(err.value.sectors) == {"manu", "agri"}
    assert list(err.value.report.columns) == ["output", "row_residual", "row_relative", "column_residual", "column_relative"]


def test_an_unbalanced_table_can_be_used_with_a_warning():
    Z, y = frames()
    with pytest.warns(UserWarning, match="row .* balance"):
        t = IOTable.from_flows(Z, y, x=Z.sum(axis=1) + y + 1, balance="warn")
    assert t.balance_report()["row_residual"].tolist() == [1.0, 1.0, 1.0]


def test_a_zero_output_sector_that_buys_inputs_is_rejected():
    with pytest.raises(BalanceError, match="zero output but non-zero intermediate"):
        IOTable.from_flows(np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([2.0, 0.0]), x=[3.0, 0.0])


def test_a_zero_output_sector_without_flows_is_fine():
    t = IOTable.from_flows(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([2.0, 0.0]))
    assert t.A.iloc[:, 1].tolist() == [0.0, 0.0]
    assert t.output_multipliers().tolist() == pytest.approx([1.5, 1.0])
    assert t.linkages()["forward"].tolist() == pytest.approx([1.5, 1.0])
    assert t.G.to_numpy()[1].tolist() == [0.0, 1.0]


def test_type_ii_without_compensation_or_households_says_what_is_missing():
    Z, y = frames()
    t = IOTable.from_flows(Z, y)
    with pytest.raises(MissingDataError, match="households"):
        t.output_multipliers("II")
    with pytest.raises(MissingDataError, match="value-added rows"):
        t.multipliers("income")
    with pytest.raises(MissingDataError, match="jobs per sector"):
        t.multipliers("employment")


def test_household_spending_beyond_income_is_not_productive():
    lu = leontief_lu(np.zeros((2, 2)), np.ones(2))
    with pytest.raises(NonProductiveError, match="household-closed system"):
        household_closure(lu, np.array([0.9, 0.9]), np.array([0.7, 0.7]))


def test_unknown_sectors_in_extract_and_impact_are_named():
    Z, y = frames()
    t = IOTable.from_flows(Z, y)
    with pytest.raises(LabelError, match="unknown sector 'mining'"):
        t.extract("mining")
    with pytest.raises(LabelError, match="unknown sector.*'mining'"):
        t.impact({"mining": 1.0})
    with pytest.raises(LabelError, match="does not map sector.*'serv'"):
        t.aggregate({"agri": "g", "manu": "g"})
