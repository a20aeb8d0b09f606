"""Sector employment (就业人数) for the NBS input-output tables.

Reads ``nbs_io_tables/csv/china_employment.csv``: employed persons in 10,000 (万人) by GB/T
4754 section and division group, 1990–2018, from Wang, Jia & Wang (2021), *Statistical
Research* 38(12) — not an NBS IO product (see PROVENANCE.md in the data folder).

:data:`TO_IO42` maps its codes to the 42 IO sectors (our own concordance, by the names of
both classifications). Jobs are returned in persons.
"""

from __future__ import annotations

import pandas as pd

from lianzhao.econ.errors import MissingDataError
from lianzhao.refdata.nbs_files import FIRST_CODES, concordance_to_42, nbs_dir, raw_table

FILE = "china_employment.csv"
PERSONS_PER_UNIT = 10_000  # the file counts 万人

#: Employment code → 42-sector IO code. Sections are used whole except where the IO table
#: splits them (B mining, C manufacturing, D utilities, M research and technical services).
TO_IO42 = {
    "A": "01", "B01": "02", "B02": "03", "B03": "04", "B04": "04", "B05": "05", "B06": "05",
    "B07": "05", "C01": "06", "C02": "06", "C03": "06", "C04": "06", "C05": "07", "C06": "08",
    "C07": "08", "C08": "09", "C09": "09", "C10": "10", "C11": "10", "C12": "10", "C13": "11",
    "C14": "12", "C15": "12", "C16": "12", "C17": "12", "C18": "13", "C19": "14", "C20": "14",
    "C21": "15", "C22": "16", "C23": "17", "C24": "18", "C25": "18", "C26": "19", "C27": "20",
    "C28": "21", "C29": "22", "C30": "22", "C31": "23", "D01": "24", "D02": "25", "D03": "26",
    "E": "27", "F": "28", "G": "29", "H": "30", "I": "31", "J": "32", "K": "33", "L": "34",
    "M01": "35", "M02": "36", "M03": "36", "N": "37", "O": "38", "P": "39", "Q": "40",
    "R": "41", "S": "42", "T": "42",
}


def read_employment() -> pd.DataFrame:
    """The employment file: one row per code (TOT, sections, divisions), one column per year
    (``'1990'`` … ``'2018'``), values in 万人; columns ``name_zh`` and ``name_en`` too."""
    path = nbs_dir() / FILE
    frame = pd.read_csv(path, dtype={"Code": str}).set_index("Code")
    return frame.rename(columns={"DescriptionInChinese": "name_zh", "Description": "name_en"})


def latest_year(year: int) -> int:
    """The latest employment year not after ``year`` (2018 for the 2020 tables)."""
    years = [int(c) for c in read_employment().columns if c.isdigit()]
    earlier = [y for y in years if y <= year]
    return max(earlier) if earlier else min(years)


def jobs_io42(year: int) -> pd.Series:
    """Jobs (persons) by 42-sector IO code in ``year`` (an employment year, 1990–2018)."""
    emp = read_employment()[str(year)]
    return (emp.loc[list(TO_IO42)].groupby(pd.Series(TO_IO42)).sum() * PERSONS_PER_UNIT).rename("employment")


def jobs_for_table(table_year: int, sectors: int, employment_year: int | None = None) -> tuple[pd.Series, str]:
    """Jobs (persons) by IO sector for the NBS table ``table_year``/``sectors`` and a note
    saying which employment year and assumptions were used.

    42 sectors: :data:`TO_IO42`. 153/149 sectors: the 42-sector jobs split over the detailed
    sectors of each group in proportion to their compensation (VA001) — an estimate.
    """
    year = employment_year or latest_year(table_year)
    jobs42 = jobs_io42(year)
    note = f"employment {year} (Wang, Jia & Wang 2021) mapped to IO sectors"
    if sectors not in (42, *FIRST_CODES):
        raise MissingDataError(f"no job concordance for {sectors}-sector tables (have 42, 149, 153)")
    if sectors == 42:
        if table_year < 2017:
            raise MissingDataError(f"the {table_year} 42-sector classification differs from 2017+; no job concordance")
        return jobs42, note
    conc = concordance_to_42(sectors)
    wages = raw_table(table_year, sectors).set_index("Code").loc["VA001", list(conc.index)].astype(float)
    share = wages / wages.groupby(conc).transform("sum")
    note += "; split within 42-sector groups by compensation share"
    return (share * conc.map(jobs42)).rename("employment"), note


__all__ = ["TO_IO42", "jobs_for_table", "jobs_io42", "latest_year", "read_employment"]
