"""The OECD China tables (rounded to 0.1 million USD) read and analyse (skipped without data)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.usefixtures("oecd_data")


def test_the_2018_table_reads_with_a_zero_output_industry():
    from lianzhao.refdata.oecd import read_oecd

    t = read_oecd(2018)
    assert t.n == 45 and t.unit == "million USD"
    assert t.x["45"] == 0 and t.output_multipliers()["45"] == 1.0
    assert t.balance_report()[["row_relative", "column_relative"]].max().max() < 2e-4
    assert t.x.sum() == pytest.approx(35_016e3, rel=1e-4)  # 35,016 bn USD (PROVENANCE.md)
    links = t.linkages()
    assert np.isfinite(links[["backward", "forward"]].to_numpy()).all()


def test_a_table_without_compensation_regionalizes_without_households():
    from lianzhao.econ import regionalize
    from lianzhao.refdata.oecd import read_oecd

    t = read_oecd(2018)
    r = regionalize(t, t.x * 0.01, method="flq")
    assert list(r.table.Y.columns) == ["other_final_demand"]
    assert (r.table.output_multipliers() <= t.output_multipliers() + 1e-12).all()
