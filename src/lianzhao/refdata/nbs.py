"""Reader of the NBS national input-output tables (国家统计局《中国投入产出表》).

Reads ``nbs_io_tables/csv/china_<year>_<n>.csv`` from the reference data folder (see
``nbs_io_tables/PROVENANCE.md`` there): rows are sector codes then ``TII, VA001–VA004, TVA,
TI``; columns are sector codes then final-demand columns and ``GO``; unit 万元.

* Competitive tables (153/149/139/… sectors, 2015 at 42): imports are a negative final-demand
  column; ``Z`` holds domestic and imported goods together.
* Non-competitive tables (2017, 2018 and 2020 at 42 sectors, column ``Origin``): domestic and
  imported intermediate use are kept apart, so the engine uses domestic coefficients and the
  imported intermediates become the table's (n, n) ``imports`` matrix.

Column and row labels are renamed to the engine's words (``compensation`` for VA001,
``households`` for THC, …); :data:`LABELS_ZH` gives the Chinese names for display.
"""

from __future__ import annotations

import pandas as pd

from lianzhao.econ.table import IOTable
from lianzhao.refdata.employment import jobs_for_table
from lianzhao.refdata.nbs_files import FIRST_CODES, UNIT, available, concordance_to_42, nbs_dir, raw_table

#: NBS value-added rows → engine labels.
VA_ROWS = {"VA001": "compensation", "VA002": "net_production_taxes", "VA003": "depreciation",
           "VA004": "operating_surplus"}
#: NBS final-demand columns → engine labels (IM is negated into ``imports``).
FINAL_DEMAND = {"THC": "households", "FU103": "government", "FU201": "fixed_capital_formation",
                "FU202": "inventory_change", "EX": "exports", "IM": "imports", "ERR": "other"}
#: Chinese display names of the engine labels.
LABELS_ZH = {
    "compensation": "劳动者报酬", "net_production_taxes": "生产税净额", "depreciation": "固定资产折旧",
    "operating_surplus": "营业盈余", "households": "居民消费", "government": "政府消费",
    "final_consumption": "最终消费", "fixed_capital_formation": "固定资本形成总额",
    "inventory_change": "存货变动", "exports": "出口", "imports": "进口", "other": "其他",
}

#: Detailed table of the same year used to split the 42-sector tables' final consumption.
COMPANION = {2017: 149, 2018: 153, 2020: 153}


def _names(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"name_zh": frame["DescriptionInChinese"].str.strip().to_numpy(),
                         "name_en": frame["Description"].str.strip().to_numpy()}, index=frame.index)


def _final_demand(frame: pd.DataFrame) -> pd.DataFrame:
    """Final-demand block with engine labels; households = THC or FU101 + FU102."""
    fd = pd.DataFrame(index=frame.index)
    if "THC" in frame:
        fd["households"] = frame["THC"]
    elif "FU101" in frame:
        fd["households"] = frame["FU101"] + frame["FU102"]
    for code in ("FU103", "FU201", "FU202", "EX"):
        if code in frame:
            fd[FINAL_DEMAND[code]] = frame[code]
    if "IM" in frame:
        fd["imports"] = -frame["IM"]
    if "ERR" in frame:
        fd["other"] = frame["ERR"]
    return fd.fillna(0.0)


def _published(raw: pd.DataFrame, codes: list[str]) -> dict[str, float]:
    """Totals the table itself states: output (TI row), value added (TVA row), intermediate
    input (TII row), and expenditure-side GDP (final use − imports + other)."""
    by = raw.drop_duplicates("Code").set_index("Code")
    out = {"total_output": float(by.loc["TI", codes].sum()), "value_added": float(by.loc["TVA", codes].sum()),
           "intermediate_input": float(by.loc["TII", codes].sum())}
    if "Origin" in raw:
        dom, imp = raw[raw.Origin == "Domestic"], raw[raw.Origin == "Imports"]
        out["gdp_expenditure"] = float(dom["TFU"].sum() + imp["TFU"].sum() - imp["GO"].sum())
    else:
        sector_rows = by.loc[codes]
        fu = [c for c in ("FU101", "FU102", "FU103", "FU201", "FU202", "EX") if c in by]
        out["gdp_expenditure"] = float(sector_rows[fu].sum().sum() - sector_rows["IM"].sum()
                                       + (sector_rows["ERR"].sum() if "ERR" in by else 0.0))
    return out


def _household_share(year: int, raw42: pd.DataFrame) -> pd.Series | None:
    """Households' share of final consumption per 42 sector, from the detailed table of the
    same year (THC / (THC + FU103), aggregated with the concordance); None if unavailable."""
    detailed = COMPANION.get(year)
    if detailed is None or (year, detailed) not in available():
        return None
    big = raw_table(year, detailed).set_index("Code")
    conc = concordance_to_42(detailed)
    rows = big.loc[conc.index]
    thc = rows["THC"].groupby(conc).sum()
    tc = (rows["THC"] + rows["FU103"]).groupby(conc).sum()
    return (thc / tc.where(tc != 0)).fillna(1.0)


def read_nbs(year: int = 2020, sectors: int = 42, *, domestic: bool | None = None,
             households: str = "estimate", employment: bool = False, rtol: float = 1e-6) -> IOTable:
    """The NBS table of ``year`` at ``sectors`` sectors as an :class:`IOTable` (万元).

    Parameters
    ----------
    domestic : bool or None
        None: as published (domestic coefficients for the non-competitive 42-sector tables,
        total coefficients for the others). True: domestic — for competitive tables by the
        proportional import assumption (:meth:`IOTable.domestic`). False: competitive — for
        non-competitive tables, domestic + imported rows added, imports as a negative column.
    households : {"estimate", "final_consumption"}
        The 2017/2018/2020 42-sector tables give only total final consumption (TC). "estimate"
        splits it into ``households`` and ``government`` with each sector's THC / (THC +
        FU103) share in the detailed table of the same year (recorded in ``meta``);
        "final_consumption" keeps TC as one column (then type II is unavailable).
    employment : bool
        Attach jobs per sector (persons) from :mod:`lianzhao.refdata.employment` (2017+
        42-sector tables and the 149/153-sector tables; the latest employment year not after
        the table year, 2018 for 2020). Raises MissingDataError where no concordance exists.

    rtol : float
        Tolerance of the balance checks (the files balance to about 1e-12, except one column
        of the 2007 table, off by 7e-9).

    ``meta`` holds the source path, the totals stated in the table (``published``) and notes
    on every assumption.
    """
    table = _read_nbs(year, sectors, domestic, households, rtol)
    if not employment:
        return table
    jobs, note = jobs_for_table(year, sectors)
    table.meta["notes"].append(note)
    return table.replace(employment=jobs)


def _read_nbs(year: int, sectors: int, domestic: bool | None, households: str, rtol: float) -> IOTable:
    raw = raw_table(year, sectors)
    codes = [c for c in raw.columns if c[:1].isdigit()]
    notes: list[str] = []
    meta = {"source": f"NBS {year} ({sectors} sectors)", "year": year, "sectors": sectors,
            "file": str(nbs_dir() / f"china_{year}_{sectors}.csv"), "published": _published(raw, codes),
            "notes": notes}
    by = raw.drop_duplicates("Code", keep="last").set_index("Code")  # TII…TI rows are unique
    va = by.loc[list(VA_ROWS), codes].rename(index=VA_ROWS)
    if "Origin" not in raw:
        body = raw.set_index("Code").loc[codes]
        table = IOTable.from_flows(Z=body[codes], Y=_final_demand(body), va=va, x=body["GO"],
                                   sectors=_names(body), unit=UNIT, meta=meta, rtol=rtol)
        if domestic:
            notes.append("domestic coefficients by the proportional import assumption")
            return table.domestic()
        return table
    dom = raw[raw.Origin == "Domestic"].set_index("Code").loc[codes]
    imp = raw[raw.Origin == "Imports"].set_index("Code").loc[codes]

    def fd(frame: pd.DataFrame, share: pd.Series | None) -> pd.DataFrame:
        out = pd.DataFrame(index=frame.index)
        if share is None:
            out["final_consumption"] = frame["TC"]
        else:
            out["households"] = frame["TC"] * share
            out["government"] = frame["TC"] * (1.0 - share)
        for code in ("FU201", "FU202", "EX"):
            out[FINAL_DEMAND[code]] = frame[code]
        return out

    share = _household_share(year, raw) if households == "estimate" else None
    if share is None:
        notes.append("final consumption (TC) kept as one column: no household split, no type II")
    else:
        notes.append(f"TC split into households/government with THC/(THC+FU103) shares of the "
                     f"{year} {COMPANION[year]}-sector table")
    if domestic is False:
        Y = fd(dom, share) + fd(imp, share)
        Y["imports"] = -imp["GO"]
        notes.append("competitive: domestic and imported rows added; imports as a negative column")
        return IOTable.from_flows(Z=dom[codes] + imp[codes], Y=Y, va=va, x=dom["GO"], sectors=_names(dom),
                                  unit=UNIT, meta=meta, rtol=rtol)
    notes.append("domestic (non-competitive): imported intermediates in `imports`")
    return IOTable.from_flows(Z=dom[codes], Y=fd(dom, share), va=va, x=dom["GO"], sectors=_names(dom),
                              imports=imp[codes], unit=UNIT, meta=meta, rtol=rtol)


def total_imports(year: int, sectors: int) -> pd.Series:
    """Total imports by product (万元): the ``GO`` of the Imports rows of a non-competitive
    table, or the ``IM`` column of a competitive one."""
    raw = raw_table(year, sectors)
    codes = [c for c in raw.columns if c[:1].isdigit()]
    if "Origin" in raw:
        return raw[raw.Origin == "Imports"].set_index("Code").loc[codes, "GO"].rename("imports")
    return raw.set_index("Code").loc[codes, "IM"].rename("imports")


def sector_names(year: int = 2020, sectors: int = 42) -> pd.DataFrame:
    """Codes with Chinese and English names (``name_zh``, ``name_en``)."""
    raw = raw_table(year, sectors)
    codes = [c for c in raw.columns if c[:1].isdigit()]
    return _names(raw.drop_duplicates("Code").set_index("Code").loc[codes])


__all__ = ["FIRST_CODES", "LABELS_ZH", "UNIT", "available", "concordance_to_42", "nbs_dir", "read_nbs", "sector_names",
           "total_imports"]
