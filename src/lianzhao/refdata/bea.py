"""Reader of the US BEA benchmark input-output accounts (summary level, after redefinitions).

Reads ``us_bea_benchmark_io/derived/<year>/`` from the reference data folder (see its
PROVENANCE.md): the make and use tables of 2002 (133 industries × 136 commodities) and 1997
(131 × 134), million US dollars at producers' prices, and BEA's published coefficient tables.
They are US, NAICS-based tables: lianzhao uses them to check its supply-use arithmetic against
an agency's own published numbers (tests/refdata/test_bea.py), not for Chinese analysis.

    sut = read_bea(2002)
    t = sut.table(kind="industry")        # BEA's industry × industry table (IOTable)
    read_bea_published(2002, "total_requirements_ixi")

Codes are strings (``1110``, ``331A``, ``S004``). BEA treats scrap (``S004``) as an ordinary
commodity in 2002 and with its scrap adjustment in 1997; :meth:`BeaSupplyUse.table` follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lianzhao.econ.table import IOTable
from lianzhao.paths import DataDirError, data_dir

RELATIVE_DIR = Path("us_bea_benchmark_io") / "derived"
UNIT = "million USD"
YEARS = (1997, 2002)
#: BEA's scrap commodity and the years whose published tables use its scrap adjustment.
SCRAP, SCRAP_ADJUSTED = "S004", (1997,)
VA_ROWS = {"V001": "compensation", "V002": "taxes_on_production_and_imports", "V003": "gross_operating_surplus"}
PUBLISHED = {
    "direct_requirements_cxi": "published_direct_requirements_cxi.csv",
    "total_requirements_cxc": "published_total_requirements_cxc.csv",
    "total_requirements_ixc": "published_total_requirements_ixc.csv",
    "total_requirements_ixi": "published_total_requirements_ixi.csv",
    "multipliers_industry": "published_multipliers_industry.csv",
    "multipliers_commodity": "published_multipliers_commodity.csv",
}


def bea_dir(year: int) -> Path:
    """The folder of one vintage; DataDirError if the data folder or the vintage is missing."""
    if year not in YEARS:
        raise DataDirError(f"no BEA benchmark for {year} (have {', '.join(map(str, YEARS))})")
    path = data_dir() / RELATIVE_DIR / str(year)
    if not path.is_dir():
        raise DataDirError(f"BEA benchmark tables not found in {path}")
    return path


def _csv(year: int, name: str) -> pd.DataFrame:
    frame = pd.read_csv(bea_dir(year) / name, dtype={"code": str})
    frame.columns = [str(c) for c in frame.columns]
    return frame.set_index("code")


@dataclass(frozen=True)
class BeaSupplyUse:
    """One BEA benchmark: make ``(industries × commodities)``, intermediate use ``(commodities ×
    industries)``, final demand ``(commodities × 13 categories; F050 imports negative)`` and
    value added ``(3 × industries)``, million USD, with English names."""

    year: int
    make: pd.DataFrame
    use: pd.DataFrame
    final_demand: pd.DataFrame
    value_added: pd.DataFrame
    industries: pd.DataFrame  # name_zh (blank), name_en
    commodities: pd.DataFrame
    final_demand_names: pd.Series

    @property
    def scrap(self) -> str | None:
        """The scrap commodity when this vintage's published tables use BEA's scrap adjustment."""
        return SCRAP if self.year in SCRAP_ADJUSTED else None

    def table(self, kind: str = "industry", technology: str = "industry") -> IOTable:
        """The symmetric table by BEA's method (:meth:`IOTable.from_supply_use`): industry
        technology, this vintage's scrap treatment, BEA's negative cells kept."""
        return IOTable.from_supply_use(
            self.make, self.use, self.final_demand, self.value_added, kind=kind, technology=technology,
            scrap=self.scrap, names=self.industries if kind == "industry" else self.commodities, unit=UNIT,
            negative="allow", meta={"source": f"BEA {self.year} benchmark, summary, after redefinitions",
                                    "year": self.year},
        )


def _names(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"name_zh": "", "name_en": frame["name"].str.strip()}, index=frame.index)


def read_bea(year: int = 2002) -> BeaSupplyUse:
    """The make and use tables of the ``year`` benchmark (1997 or 2002)."""
    industries, commodities = _csv(year, "industries.csv"), _csv(year, "commodities.csv")
    fd = _csv(year, "final_demand_columns.csv")
    make = _csv(year, "make.csv").astype(float)
    use = _csv(year, "use.csv").astype(float)
    ind, com = list(industries.index), list(commodities.index)
    return BeaSupplyUse(
        year=year, make=make.loc[ind, com], use=use.loc[com, ind], final_demand=use.loc[com, list(fd.index)],
        value_added=use.loc[list(VA_ROWS), ind].rename(index=VA_ROWS), industries=_names(industries),
        commodities=_names(commodities), final_demand_names=fd["name"],
    )


def read_bea_published(year: int, name: str) -> pd.DataFrame:
    """One of BEA's published tables (:data:`PUBLISHED`), as published: coefficient tables
    rows × columns by code (cells BEA suppressed are NaN), multipliers one column each."""
    if name not in PUBLISHED:
        raise ValueError(f"unknown published table {name!r}; have {', '.join(PUBLISHED)}")
    return _csv(year, PUBLISHED[name]).astype(float)


__all__ = ["PUBLISHED", "UNIT", "YEARS", "BeaSupplyUse", "read_bea", "read_bea_published"]
