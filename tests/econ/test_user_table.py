"""A user's own table in the tidy CSV/Excel template (lianzhao.refdata.user_table)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import IOTable, IOTableError, LabelError
from lianzhao.refdata.user_table import read_user_table, template_frames, write_template


@pytest.fixture
def expected():
    """The template's example typed in directly (our own three-sector provincial table, 亿元)."""
    s = ["A", "M", "S"]
    Z = pd.DataFrame([[20.0, 60, 10], [30, 200, 50], [20, 80, 60]], index=s, columns=s)
    Y = pd.DataFrame({"households": [60.0, 80, 120], "government": [0.0, 0, 90],
                      "fixed_capital_formation": [5.0, 150, 20], "exports": [10.0, 60, 5],
                      "outflow": [45.0, 90, 15], "imports": [-5.0, -40, -5], "inflow": [-5.0, -20, -5]}, index=s)
    va = pd.DataFrame({"compensation": [100.0, 120, 150], "net_production_taxes": [5.0, 40, 20],
                       "depreciation": [10.0, 50, 40], "operating_surplus": [15.0, 50, 70]}, index=s).T
    return IOTable.from_flows(Z, Y, va=va, employment=[50000.0, 30000, 40000])


@pytest.mark.parametrize("name", ["table.xlsx", "table.csv"])
def test_the_template_round_trips(tmp_path, expected, name):
    written = write_template(tmp_path / name)
    assert all(p.is_file() for p in written)
    t = read_user_table(written[0])
    pd.testing.assert_frame_equal(t.Z, expected.Z, check_names=False)
    pd.testing.assert_frame_equal(t.Y, expected.Y, check_names=False)
    np.testing.assert_allclose(t.output_multipliers("II"), expected.output_multipliers("II"), rtol=1e-12)
    np.testing.assert_allclose(t.multipliers("employment")["effect"], expected.multipliers("employment")["effect"], rtol=1e-12)
    assert t.names.loc["M", "name_zh"] == "制造业"
    if name.endswith(".xlsx"):
        assert t.unit == "亿元"


def test_a_provincial_table_becomes_local_by_the_proportional_assumption(tmp_path):
    path = write_template(tmp_path / "p.xlsx")[0]
    local = read_user_table(path, local=True)
    assert "imports" not in local.Y and "inflow" not in local.Y and "outflow" in local.Y
    assert local.balance_report()[["row_relative", "column_relative"]].max().max() < 1e-12
    # M: imports 40 + inflow 20 of domestic use 280 + 80 + 150 → domestic share 1 − 60/510
    assert local.Z.loc["M"].sum() == pytest.approx(280 * (1 - 60 / 510))
    assert (local.output_multipliers() < read_user_table(path).output_multipliers()).all()


def test_nbs_codes_and_chinese_labels_are_understood(tmp_path, expected):
    flows = template_frames()["flows"]
    flows["row"] = flows["row"].replace({"劳动者报酬": "VA001", "营业盈余": "operating_surplus"})
    flows["column"] = flows["column"].replace({"居民消费": "THC", "出口": "EX"})
    flows.to_csv(tmp_path / "codes.csv", index=False)
    t = read_user_table(tmp_path / "codes.csv")
    assert {"households", "exports"} <= set(t.Y.columns)
    assert {"compensation", "operating_surplus"} <= set(t.va.index)


def test_problems_in_the_file_are_named(tmp_path):
    flows = template_frames()["flows"]
    flows.drop(columns="value").to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(LabelError, match="missing 'value'"):
        read_user_table(tmp_path / "a.csv")
    bad = flows.astype({"value": object})
    bad.loc[0, "value"] = "n/a"
    bad.to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(IOTableError, match="non-numeric"):
        read_user_table(tmp_path / "b.csv")
    pd.concat([flows, flows.head(1)]).to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(LabelError, match="cells given twice"):
        read_user_table(tmp_path / "c.csv")
    off = flows.copy()
    off.loc[(off["row"] == "总投入") & (off["column"] == "M"), "value"] = 601
    off.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(IOTableError, match="total input.*'M'"):
        read_user_table(tmp_path / "d.csv")
