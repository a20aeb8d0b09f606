"""The engine on the real NBS tables (read from the reference data folder; skipped without it).

Published figures checked: the totals the tables state themselves (TI, TVA, and final use
minus imports), as recorded in nbs_io_tables/PROVENANCE.md of the data folder — 2020 total
output 26,990,278,045 万元 and value added 10,164,220,013 万元 (≈ 101.6 trillion yuan, 2020 GDP).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import BalanceError

pytestmark = pytest.mark.usefixtures("nbs_data")

#: Key sectors of the 2020 42-sector domestic table (both Rasmussen indices > 1), as quoted
#: in docs/econ.md; this test keeps the documentation honest.
KEY_SECTORS_2020_42 = ["07", "10", "12", "14", "15", "21", "23", "24", "29", "34"]


@pytest.fixture(scope="module")
def nbs():
    from lianzhao.refdata import nbs

    return nbs


@pytest.mark.parametrize("sectors", [42, 153])
def test_2020_tables_balance_and_value_added_equals_gdp(nbs, sectors):
    t = nbs.read_nbs(2020, sectors)
    report = t.balance_report()
    assert report[["row_relative", "column_relative"]].max().max() < 1e-12
    va = t.va.to_numpy().sum()
    assert va == pytest.approx(10_164_220_013, abs=1)  # PROVENANCE rounds to 1 万元
    assert va == pytest.approx(t.meta["published"]["value_added"], rel=1e-14)
    assert va == pytest.approx(t.meta["published"]["gdp_expenditure"], rel=1e-12)
    assert t.x.sum() == pytest.approx(26_990_278_045, abs=1)


def test_key_sectors_of_2020_are_those_in_the_docs(nbs):
    links = nbs.read_nbs(2020, 42).linkages()
    assert sorted(links.index[links["key_sector"]]) == KEY_SECTORS_2020_42


@pytest.mark.parametrize("year,detailed", [(2017, 149), (2018, 153), (2020, 153)])
def test_the_concordance_aggregates_the_detailed_table_into_the_42_sector_one(nbs, year, detailed):
    big = nbs.read_nbs(year, detailed)
    agg = big.aggregate(nbs.concordance_to_42(detailed))
    small = nbs.read_nbs(year, 42, domestic=False)
    for part in ("Z", "va"):
        np.testing.assert_allclose(getattr(agg, part), getattr(small, part), rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(agg.x, small.x, rtol=1e-12)
    np.testing.assert_allclose(agg.Y[small.Y.columns], small.Y, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(agg.output_multipliers(), small.output_multipliers(), rtol=1e-9)


def test_domestic_table_keeps_imported_inputs_apart(nbs):
    t = nbs.read_nbs(2020, 42)
    assert t.imports.shape == (42, 42)
    inputs = t.A.sum(axis=0) + (t.imports.sum(axis=0) + t.va.sum(axis=0)) / t.x
    np.testing.assert_allclose(inputs, 1.0, rtol=1e-12)
    competitive = nbs.read_nbs(2020, 42, domestic=False)
    assert (competitive.output_multipliers() > t.output_multipliers()).all()


def test_final_consumption_is_split_into_households_and_government(nbs):
    t = nbs.read_nbs(2020, 42)
    raw = pd.read_csv(nbs.nbs_dir() / "china_2020_42.csv", dtype={"Code": str})
    tc = raw[raw.Origin == "Domestic"].set_index("Code")["TC"]
    np.testing.assert_allclose(t.Y["households"] + t.Y["government"], tc, rtol=1e-12)
    assert (t.output_multipliers("II") > t.output_multipliers("I")).all()


def test_jobs_cover_every_employment_section_once(nbs):
    from lianzhao.refdata.employment import jobs_for_table, read_employment

    emp = read_employment()["2018"]
    sections = [c for c in emp.index if len(c) == 1]
    jobs, note = jobs_for_table(2020, 42)
    assert "2018" in note and (jobs > 0).all() and len(jobs) == 42
    assert jobs.sum() == pytest.approx(emp[sections].sum() * 10_000, rel=2e-4)  # divisions round to 万人
    detailed, _ = jobs_for_table(2020, 153)
    assert detailed.sum() == pytest.approx(jobs.sum(), rel=1e-12)


def test_the_2007_table_is_reported_at_a_tight_tolerance(nbs):
    """PROVENANCE says TI = GO to 1.5e-14, but one 2007 column is off by 0.44 万元 (7.2e-9)."""
    with pytest.raises(BalanceError, match="090"):
        nbs.read_nbs(2007, 135, rtol=1e-9)
    assert nbs.read_nbs(2007, 135).balance_report()["column_relative"].idxmax() == "090"


def test_competitive_tables_can_be_made_domestic(nbs):
    t = nbs.read_nbs(2020, 153, domestic=True)
    assert t.imports.shape == (153, 153) and "imports" not in t.Y.columns
    assert t.balance_report()[["row_relative", "column_relative"]].max().max() < 1e-9
