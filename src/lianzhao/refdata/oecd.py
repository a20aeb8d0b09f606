"""Reader of the OECD Input-Output Tables (2021 ed.) for China, 1995–2018, 45 ISIC Rev.4
industries, million USD (``oecd_iot_china/csv/OECD21ed_CHN_<year>.csv``; see PROVENANCE.md
in the data folder).

These are *total* tables (imports included in the rows, ``IMPO`` a negative column) at basic
prices, with taxes less subsidies on intermediate products as separate rows. The published
values are rounded to 0.1 million USD, so rows and columns balance only to about 2e-4; the
reader checks balance at rtol 1e-3. There is no compensation row: income multipliers and
type II results are not available from these tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lianzhao.econ.table import IOTable
from lianzhao.paths import DataDirError, data_dir

RELATIVE_DIR = Path("oecd_iot_china") / "csv"
UNIT = "million USD"
FINAL_DEMAND = {"HFCE": "households", "NPISH": "npish", "GGFC": "government",
                "GFCF": "fixed_capital_formation", "INVNT": "inventory_change",
                "CONS_ABR": "consumption_abroad", "CONS_NONRES": "consumption_non_residents",
                "EXPO": "exports", "IMPO": "imports"}
TAX_ROWS = {"TXS_IMP_FNL": "taxes_paid_abroad", "TXS_INT_FNL": "taxes_paid_domestically"}


def oecd_path(year: int) -> Path:
    path = data_dir() / RELATIVE_DIR / f"OECD21ed_CHN_{year}.csv"
    if not path.is_file():
        raise DataDirError(f"no OECD table for China {year} ({path})")
    return path


def read_oecd(year: int = 2018, *, rtol: float = 1e-3) -> IOTable:
    """The OECD China table of ``year`` as an :class:`IOTable` (million USD).

    ``va`` has one row ``value_added`` (VALU, basic prices); ``taxes`` holds the two rows of
    taxes less subsidies on intermediate products; ``x`` is OUTPUT. Industry 45 (households as
    employers) has zero output and is kept (its coefficients are zero).
    """
    raw = pd.read_csv(oecd_path(year), dtype={"Code": str}).set_index("Code")
    codes = [c for c in raw.columns if c[:1].isdigit()]
    body = raw.loc[codes]
    names = pd.DataFrame({"name_zh": "", "name_en": body["Description"].str.strip()}, index=codes)
    return IOTable.from_flows(
        Z=body[codes], Y=body[list(FINAL_DEMAND)].rename(columns=FINAL_DEMAND),
        va=raw.loc[["VALU"], codes].rename(index={"VALU": "value_added"}),
        taxes=raw.loc[list(TAX_ROWS), codes].rename(index=TAX_ROWS), x=raw.loc["OUTPUT", codes],
        sectors=names, unit=UNIT, rtol=rtol,
        meta={"source": f"OECD IOTs 2021 ed., China {year}", "year": year, "file": str(oecd_path(year)),
              "notes": ["total (competitive) table at basic prices; rounded to 0.1 million USD"]},
    )


__all__ = ["UNIT", "read_oecd"]
