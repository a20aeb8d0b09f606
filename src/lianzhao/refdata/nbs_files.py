"""The folder of NBS input-output CSVs and what its readers share: the raw files (cached), the list
of tables, and the concordance of the detailed tables to the 42-sector classification.

:mod:`lianzhao.refdata.nbs` builds tables from these files and :mod:`lianzhao.refdata.employment`
attaches jobs to them; both read the folder through this module.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lianzhao.paths import DataDirError, data_dir

RELATIVE_DIR = Path("nbs_io_tables") / "csv"
UNIT = "万元"

#: Concordance of the detailed tables to the 42-sector classification, as the first detailed
#: code of each 42 sector (in order 01…42). Our own work: derived from the sector names and
#: checked by the exact match of sector output between the 42- and 153/149-sector tables of
#: the same year (tests/econ/test_nbs.py). NBS publishes no such file.
FIRST_CODES = {
    153: "001 006 007 008 010 012 027 032 035 037 041 043 054 061 066 067 074 079 084 090 096 "
         "097 099 100 101 102 103 109 111 123 125 130 133 134 136 137 139 142 144 145 147 152".split(),
    149: "001 006 007 008 010 012 027 032 035 037 041 043 054 061 066 067 073 077 082 088 094 "
         "095 097 098 099 100 101 105 107 119 121 126 129 130 132 133 135 138 140 141 143 148".split(),
}

_FILE = re.compile(r"china_(\d{4})_(\d+)\.csv$")


def nbs_dir() -> Path:
    """The folder of NBS CSVs; raises DataDirError if the data folder or it is missing."""
    path = data_dir() / RELATIVE_DIR
    if not path.is_dir():
        raise DataDirError(f"NBS input-output tables not found in {path}")
    return path


def available() -> list[tuple[int, int]]:
    """``(year, sectors)`` of every NBS table in the data folder, sorted."""
    return sorted((int(m[1]), int(m[2])) for p in nbs_dir().iterdir() if (m := _FILE.match(p.name)))


@lru_cache(maxsize=16)
def raw_table(year: int, sectors: int) -> pd.DataFrame:
    """The CSV of the ``year`` table at ``sectors`` sectors as read (cached and shared: do not modify)."""
    path = nbs_dir() / f"china_{year}_{sectors}.csv"
    if not path.is_file():
        have = ", ".join(f"{y}/{n}" for y, n in available())
        raise DataDirError(f"no NBS table for {year} at {sectors} sectors ({path}); available: {have}")
    return pd.read_csv(path, dtype={"Code": str})


def concordance_to_42(sectors: int) -> pd.Series:
    """Detailed sector code → 42-sector code (``'01'``…``'42'``) for 153 or 149 sectors."""
    if sectors not in FIRST_CODES:
        raise ValueError(f"no 42-sector concordance for {sectors} sectors (have {sorted(FIRST_CODES)})")
    starts = [int(c) for c in FIRST_CODES[sectors]] + [sectors + 1]
    return pd.Series({f"{c:03d}": f"{k + 1:02d}" for k in range(42) for c in range(starts[k], starts[k + 1])},
                     name="io42")


__all__ = ["FIRST_CODES", "RELATIVE_DIR", "UNIT", "available", "concordance_to_42", "nbs_dir", "raw_table"]
