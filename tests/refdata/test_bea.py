"""BEA's published requirements tables reproduced from its make and use tables (issue 10 item 8).

Source: US BEA, 2002 Benchmark Input-Output Accounts ("Summary Make/Use Tables after
Redefinitions", "Summary Requirements Tables after Redefinitions", 2008) and Benchmark
Input-Output Accounts of the United States, 1997 (Survey of Current Business, Dec. 2002, tables
3–8), as staged in the reference data folder (us_bea_benchmark_io/PROVENANCE.md).

Tolerances are the published rounding plus what the rounding of the flows allows. The 2002
coefficients are published to 7 decimals (half-unit 5e-8); the flows to 0.1 M$, which moves
recomputed total requirements by up to three half-units (PROVENANCE: 1.48e-7). 1997 publishes
total requirements to 7 decimals (the commodity × commodity table to 6 in its xls), direct
requirements to 5, and four use cells carry two decimals; the multipliers are printed to 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lianzhao.econ import supply_use as su
from lianzhao.refdata.bea import read_bea, read_bea_published
from tests.econ.conftest import _data_folder

pytestmark = pytest.mark.filterwarnings("ignore::lianzhao.econ.BalanceWarning")  # 1997's scrap method

TOLERANCE = {  # year → table → max abs difference allowed
    2002: {"direct": 5.0e-8, "cxc": 1.5e-7, "ixc": 1.5e-7, "ixi": 1.5e-7, "multipliers": 6e-6},
    1997: {"direct": 1.3e-5, "cxc": 5.0e-7, "ixc": 3.0e-7, "ixi": 3.5e-7, "multipliers": 6e-6},
}


@pytest.fixture(scope="module", params=[2002, 1997])
def bea(request):
    _data_folder("us_bea_benchmark_io/derived")
    sut = read_bea(request.param)
    return {"year": request.param, "sut": sut, "ii": sut.table("industry"), "cc": sut.table("commodity")}


def _worst(ours: pd.DataFrame, published: pd.DataFrame) -> float:
    """Max abs difference over the published cells (BEA's suppressed cells are NaN: skipped)."""
    diff = (ours.loc[published.index, published.columns] - published).abs().to_numpy()
    assert np.isfinite(diff).sum() >= 0.99 * diff.size
    return float(np.nanmax(diff))


def test_the_reader_gives_bea_shapes_and_identities(bea):
    sut = bea["sut"]
    n_ind, n_com = {2002: (133, 136), 1997: (131, 134)}[bea["year"]]
    assert sut.make.shape == (n_ind, n_com) and sut.use.shape == (n_com, n_ind)
    assert list(sut.final_demand.columns)[:5] == ["F010", "F020", "F030", "F040", "F050"]
    assert sut.final_demand["F050"].sum() < 0  # imports, a negative column
    q = sut.make.sum(axis=0)
    np.testing.assert_allclose(sut.use.sum(axis=1) + sut.final_demand.sum(axis=1), q, atol=0.011)
    assert sut.industries.loc["1110", "name_en"] == "Crop production"
    assert sut.scrap == ("S004" if bea["year"] == 1997 else None)


def test_direct_requirements_match_the_published_table(bea):
    sut = bea["sut"]
    g = sut.make.sum(axis=1).to_numpy()
    B = pd.DataFrame(su.direct_requirements(sut.use.to_numpy(), g), index=sut.use.index, columns=sut.use.columns)
    published = read_bea_published(bea["year"], "direct_requirements_cxi").loc[sut.use.index]
    assert _worst(B, published) <= TOLERANCE[bea["year"]]["direct"]


def test_industry_by_industry_total_requirements_match(bea):
    published = read_bea_published(bea["year"], "total_requirements_ixi")
    assert _worst(bea["ii"].L, published) <= TOLERANCE[bea["year"]]["ixi"]


def test_commodity_by_commodity_total_requirements_match(bea):
    cc, published = bea["cc"], read_bea_published(bea["year"], "total_requirements_cxc")
    kept = [c for c in published.index if c in cc.sectors]
    assert _worst(cc.L, published.loc[kept, kept]) <= TOLERANCE[bea["year"]]["cxc"]
    # the commodities without output (noncomparable imports, …) are no sectors of ours; BEA's rows
    # for them are their unallocated input coefficients times L
    for row in cc.imports.index:
        code = row.removeprefix("unallocated:")
        ours = (cc.imports.loc[row] / cc.x) @ cc.L
        assert np.nanmax(np.abs(ours[kept] - published.loc[code, kept])) <= TOLERANCE[bea["year"]]["cxc"]


def test_industry_by_commodity_total_requirements_match(bea):
    sut, cc = bea["sut"], bea["cc"]
    commodities = list(sut.make.columns)
    M = su.industry_per_commodity(sut.make.to_numpy(), "industry",
                                  None if sut.scrap is None else commodities.index(sut.scrap))
    ixc = pd.DataFrame(M[:, [commodities.index(c) for c in cc.sectors]] @ cc.L.to_numpy(),
                       index=sut.make.index, columns=cc.sectors)  # W (I − B W)⁻¹
    published = read_bea_published(bea["year"], "total_requirements_ixc")
    kept = [c for c in published.columns if c in cc.sectors]
    assert _worst(ixc, published[kept]) <= TOLERANCE[bea["year"]]["ixc"]


def test_output_multipliers_match_the_published_column_totals(bea):
    tol = TOLERANCE[bea["year"]]["multipliers"]
    industry = read_bea_published(bea["year"], "multipliers_industry").iloc[:, 0]
    assert (bea["ii"].output_multipliers().loc[industry.index] - industry).abs().max() <= tol
    commodity = read_bea_published(bea["year"], "multipliers_commodity")
    cc = bea["cc"]
    kept = [c for c in commodity.index if c in cc.sectors]
    # BEA's commodity totals also count the commodities without output (noncomparable imports, …),
    # which are unallocated input rows of ours: add their requirements per unit of final demand
    unallocated = (cc.imports.div(cc.x, axis=1) @ cc.L).sum(axis=0)
    ours = cc.output_multipliers() + unallocated
    assert (ours.loc[kept] - commodity.loc[kept].iloc[:, 0]).abs().max() <= tol
