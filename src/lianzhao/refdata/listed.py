"""A-share listed companies with their province and CSRC industry (证监会行业分类).

Reads ``listed_companies_a_share/`` from the reference data folder (see its PROVENANCE.md; the data
is © Tushare / baostock, for development and tests only — an installation brings its own copy):

* ``stock_basic_tushare_*.csv`` — ``ts_code,symbol,name,area,industry,list_date,delist_date,status``:
  every stock listed (L) or delisted (D) on the Shanghai, Shenzhen and Beijing exchanges; ``area``
  is the province (深圳 separately from 广东, 内蒙 for 内蒙古);
* ``stock_industry_csrc_baostock_*.csv`` — ``updateDate,code,code_name,industry,…``: the CSRC
  industry as code and name (``C38电气机械和器材制造业``). CSRC divisions reuse the GB/T 4754 门类
  letters and 大类 numbers, so ``C38`` is GB/T 大类 38.

The two files are joined on the 6-digit stock code. The province becomes a division code through
:func:`area_code`: the province whose name starts with ``area`` (``山东`` → 37), and 深圳 → 4403.

    companies = read_listed_companies()
    companies["300750"].csrc_code        # 'C38'
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lianzhao.paths import DataDirError, data_dir
from lianzhao.refdata.divisions import Divisions, load_divisions

FOLDER = "listed_companies_a_share"
BASIC_GLOB = "stock_basic_tushare_*.csv"
CSRC_GLOB = "stock_industry_csrc_baostock_*.csv"
#: How the source is cited next to every figure taken from these files.
SOURCE_BASIC = "A股上市公司名录（Tushare stock_basic）"
SOURCE_CSRC = "证监会行业分类（baostock）"
#: Tushare ``area`` values that are cities, not provinces.
CITY_AREAS = {"深圳": "4403"}
_CSRC = re.compile(r"^([A-T])(\d{2})(.*)$")


@dataclass(frozen=True)
class ListedCompany:
    """One stock: codes, short name, where it is (province-level), and its CSRC industry."""

    symbol: str  # 6 digits, "300750"
    ts_code: str  # "300750.SZ"
    name: str  # the current short name (简称), "宁德时代"
    area: str  # Tushare's province name, "福建"
    region_code: str  # the division code of ``area`` ("35"), "" when unknown
    tushare_industry: str
    list_date: dt.date | None
    delist_date: dt.date | None
    listed: bool  # status L (False: delisted)
    csrc_code: str  # "C38", "" when baostock has none
    csrc_name: str  # "电气机械和器材制造业"
    basic_as_of: str  # the date in the file name, "20260304"
    csrc_as_of: str  # baostock's updateDate, "2026-03-09"

    @property
    def exchange(self) -> str:
        return self.ts_code.rpartition(".")[2]


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    return dt.datetime.strptime(text, "%Y%m%d").date() if len(text) == 8 and text.isdigit() else None


def area_code(area: str, divisions: Divisions | None) -> str:
    """The division code of a Tushare ``area`` (``"山东"`` → ``"37"``, ``"深圳"`` → ``"4403"``);
    ``""`` when it names no province (or the divisions are not available)."""
    area = (area or "").strip()
    if not area:
        return ""
    if area in CITY_AREAS:
        return CITY_AREAS[area]
    if divisions is None:
        return ""
    matches = [code for code in _province_codes(divisions) if divisions.get(code).name.startswith(area)]
    return matches[0] if len(matches) == 1 else ""


def _province_codes(divisions: Divisions) -> list[str]:
    return [f"{n:02d}" for n in range(10, 100) if f"{n:02d}" in divisions]


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise DataDirError(f"A-share company list not found: {folder / pattern} (check LIANZHAO_DATA_DIR)")
    return found[-1]  # the newest dump when several are installed


def split_csrc(text: str) -> tuple[str, str]:
    """``"C38电气机械和器材制造业"`` → ``("C38", "电气机械和器材制造业")``; ``("", "")`` for blanks."""
    match = _CSRC.match((text or "").strip())
    return (match.group(1) + match.group(2), match.group(3).strip()) if match else ("", "")


def read_listed_companies(folder: Path | None = None) -> dict[str, ListedCompany]:
    """Every stock of the Tushare list, by 6-digit symbol, with its CSRC industry where baostock
    has one (baostock covers Shanghai and Shenzhen only)."""
    folder = folder or data_dir() / FOLDER
    if not folder.is_dir():
        raise DataDirError(f"A-share company list not found: {folder} (check LIANZHAO_DATA_DIR)")
    basic_path, csrc_path = _one(folder, BASIC_GLOB), _one(folder, CSRC_GLOB)
    basic_as_of = basic_path.stem.rpartition("_")[2]
    csrc: dict[str, tuple[str, str, str]] = {}
    with csrc_path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            symbol = row["code"].strip().rpartition(".")[2]
            code, name = split_csrc(row.get("industry", ""))
            csrc[symbol] = (code, name, row.get("updateDate", "").strip())
    try:
        divisions = load_divisions()
    except DataDirError:
        divisions = None
    out: dict[str, ListedCompany] = {}
    with basic_path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            symbol = row["symbol"].strip().zfill(6)
            code, name, as_of = csrc.get(symbol, ("", "", ""))
            out[symbol] = ListedCompany(
                symbol=symbol, ts_code=row["ts_code"].strip(), name=row["name"].strip(),
                area=row["area"].strip(), region_code=area_code(row["area"], divisions),
                tushare_industry=row["industry"].strip(), list_date=_date(row["list_date"]),
                delist_date=_date(row["delist_date"]), listed=row["status"].strip() == "L",
                csrc_code=code, csrc_name=name, basic_as_of=basic_as_of, csrc_as_of=as_of,
            )
    return out


@lru_cache(maxsize=2)
def _load(folder: str) -> dict[str, ListedCompany]:
    return read_listed_companies(Path(folder))


def load_listed_companies() -> dict[str, ListedCompany]:
    """:func:`read_listed_companies` from the configured data folder (cached per folder)."""
    return _load(str(data_dir() / FOLDER))


__all__ = ["SOURCE_BASIC", "SOURCE_CSRC", "ListedCompany", "area_code", "load_listed_companies",
           "read_listed_companies", "split_csrc"]
