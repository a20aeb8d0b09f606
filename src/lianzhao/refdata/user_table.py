"""Reader (and template writer) for a user's own input-output table in a tidy CSV or Excel file.

A bureau may hold a provincial table (省投入产出表) or a city table; this format carries it
without reshaping by hand. One row per cell, in a sheet (or CSV) named ``flows``:

=========  ===========================================================================
column     meaning
=========  ===========================================================================
row        a sector code, or a primary-input row label (below)
column     a sector code, or a final-demand column label (below)
value      the amount in the table's money unit (jobs in persons)
origin     optional: ``domestic`` (default) or ``imports`` for the imported-use rows of a
           non-competitive table
=========  ===========================================================================

Labels (English, NBS codes or Chinese all work; see :data:`ALIASES`):

* primary-input rows: ``compensation`` (劳动者报酬, VA001), ``net_production_taxes`` (VA002),
  ``depreciation`` (VA003), ``operating_surplus`` (VA004) — any other unknown row label is
  read as one more value-added component; ``taxes_on_products``; ``imports`` (imported
  inputs per column); ``employment`` (就业人数, persons); ``output`` (总投入, checked).
* final-demand columns: ``households`` (居民消费, or ``rural_households`` + ``urban_households``),
  ``government``, ``fixed_capital_formation``, ``inventory_change``, ``exports`` (出口),
  ``outflow`` (国内省外流出/调出), and, **entered as positive numbers as printed**,
  ``imports`` (进口) and ``inflow`` (国内省外流入/调入); ``output`` (总产出) is checked.

An optional sheet (or ``<name>_sectors.csv``) ``sectors`` lists ``code, name_zh, name_en`` in
display order; an optional sheet ``meta`` has ``key, value`` rows (``unit``, ``source``).
``lianzhao io template PATH`` writes a filled example (a three-sector provincial table).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lianzhao.econ.errors import IOTableError, LabelError, _names
from lianzhao.econ.table import IOTable

ALIASES = {
    "va001": "compensation", "劳动者报酬": "compensation", "va002": "net_production_taxes",
    "生产税净额": "net_production_taxes", "va003": "depreciation", "固定资产折旧": "depreciation",
    "va004": "operating_surplus", "营业盈余": "operating_surplus", "产品税净额": "taxes_on_products",
    "就业": "employment", "就业人数": "employment", "ti": "output", "go": "output", "总投入": "output",
    "总产出": "output", "thc": "households", "居民消费": "households", "居民消费支出": "households",
    "fu101": "rural_households", "农村居民消费": "rural_households", "fu102": "urban_households",
    "城镇居民消费": "urban_households", "fu103": "government", "政府消费": "government",
    "政府消费支出": "government", "fu201": "fixed_capital_formation", "固定资本形成总额": "fixed_capital_formation",
    "fu202": "inventory_change", "存货变动": "inventory_change", "存货增加": "inventory_change",
    "ex": "exports", "出口": "exports", "调出": "outflow", "国内省外流出": "outflow", "流出": "outflow",
    "im": "imports", "进口": "imports", "调入": "inflow", "国内省外流入": "inflow", "流入": "inflow",
    "err": "other", "其他": "other",
}
#: Totals in the source table that the reader skips (they are recomputed and checked).
TOTALS = {"tii", "tiu", "tva", "tc", "gcf", "tfu", "中间投入合计", "中间使用合计", "增加值合计",
          "最终消费合计", "资本形成合计", "最终使用合计"}
NEGATED = ("imports", "inflow")
INPUT_ROWS = ("taxes_on_products", "imports", "employment", "output")


def _norm(label: object) -> str:
    text = str(label).strip()
    return ALIASES.get(text.lower(), ALIASES.get(text, text))


def _read(path: Path) -> dict[str, pd.DataFrame]:
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        sheets = pd.read_excel(path, sheet_name=None, dtype={"row": str, "column": str, "code": str})
        if "flows" not in sheets:
            raise LabelError(f"{path.name}: no sheet named 'flows' (sheets: {_names(sheets)})")
        return sheets
    sheets = {"flows": pd.read_csv(path, dtype={"row": str, "column": str})}
    side = path.with_name(f"{path.stem}_sectors.csv")
    if side.is_file():
        sheets["sectors"] = pd.read_csv(side, dtype={"code": str})
    return sheets


def read_user_table(path: str | Path, *, unit: str | None = None, local: bool = False,
                    balance: str = "raise", rtol: float = 1e-6) -> IOTable:
    """Read a table in the tidy format above.

    ``local=True`` turns a competitive table (imports and inflows as negative columns) into a
    local one by the proportional assumption (:meth:`IOTable.domestic`): the intermediate and
    final use supplied from abroad or other provinces moves to ``imports``.
    """
    path = Path(path)
    sheets = _read(path)
    flows = sheets["flows"]
    missing = {"row", "column", "value"} - set(flows.columns)
    if missing:
        raise LabelError(f"{path.name}: the flows sheet needs columns row, column, value; missing {_names(missing)}")
    flows = flows.dropna(subset=["row", "column"]).copy()
    flows["row"] = flows["row"].map(_norm)
    flows["column"] = flows["column"].map(_norm)
    flows["origin"] = flows["origin"].fillna("domestic").str.lower() if "origin" in flows else "domestic"
    flows = flows[~flows["row"].str.lower().isin(TOTALS) & ~flows["column"].str.lower().isin(TOTALS)]
    values = pd.to_numeric(flows["value"], errors="coerce")
    if values.isna().any():
        bad = flows.loc[values.isna(), ["row", "column"]].head(5).to_numpy().tolist()
        raise IOTableError(f"{path.name}: non-numeric or empty values at (row, column) {bad}")
    flows["value"] = values.astype(float)
    sectors_sheet = sheets.get("sectors")
    if sectors_sheet is not None and len(sectors_sheet):
        codes = [str(c).strip() for c in sectors_sheet["code"]]
        names = sectors_sheet.assign(code=codes).set_index("code").reindex(columns=["name_zh", "name_en"]).fillna("")
    else:
        reserved = set(ALIASES.values()) | set(INPUT_ROWS)
        codes = [c for c in pd.unique(flows["row"]) if c in set(flows["column"]) and c not in reserved]
        names = pd.DataFrame({"name_zh": "", "name_en": ""}, index=codes)
    is_row_sector, is_col_sector = flows["row"].isin(codes), flows["column"].isin(codes)
    domestic = flows["origin"] == "domestic"

    def pivot(mask, index, columns) -> pd.DataFrame:
        part = flows[mask]
        dup = part.duplicated(["row", "column", "origin"])
        if dup.any():
            raise LabelError(f"{path.name}: cells given twice: {part.loc[dup, ['row', 'column']].head(5).to_numpy().tolist()}")
        return part.pivot_table(index="row", columns="column", values="value", aggfunc="sum", fill_value=0.0,
                                sort=False).reindex(index=index, columns=columns, fill_value=0.0)

    Z = pivot(is_row_sector & is_col_sector & domestic, codes, codes)
    fd_labels = list(pd.unique(flows.loc[is_row_sector & ~is_col_sector & domestic, "column"]))
    x = None
    if "output" in fd_labels:
        x = pivot(is_row_sector & (flows["column"] == "output") & domestic, codes, ["output"])["output"]
        fd_labels.remove("output")
    Y = pivot(is_row_sector & flows["column"].isin(fd_labels) & domestic, codes, fd_labels)
    for col in NEGATED:
        if col in Y:
            Y[col] = -Y[col].abs()
    if "households" not in Y and {"rural_households", "urban_households"} <= set(Y):
        Y.insert(0, "households", Y.pop("rural_households") + Y.pop("urban_households"))
    row_labels = [r for r in pd.unique(flows.loc[~is_row_sector & is_col_sector, "row"])]
    inputs = pivot(~is_row_sector & is_col_sector, row_labels, codes)
    import_matrix = pivot(is_row_sector & is_col_sector & ~domestic, codes, codes) if (~domestic).any() else None
    imports = inputs.loc[["imports"]] if "imports" in inputs.index else None
    if import_matrix is not None:
        imports = import_matrix if imports is None else pd.concat([import_matrix, imports])
    va = inputs.drop(index=[r for r in INPUT_ROWS if r in inputs.index])
    meta_sheet = sheets.get("meta")
    meta = {"source": path.name, "file": str(path)}
    if meta_sheet is not None and {"key", "value"} <= set(meta_sheet.columns):
        meta.update({str(k): str(v) for k, v in zip(meta_sheet["key"], meta_sheet["value"])})
    if x is not None and "output" in inputs.index:
        gap = np.abs(inputs.loc["output"].to_numpy() - x.to_numpy())
        if np.any(gap > rtol * np.maximum(np.abs(x.to_numpy()), 1.0)):
            worst = [codes[i] for i in np.argsort(-gap)[:5]]
            raise IOTableError(f"{path.name}: total input (row 'output') differs from total output for {_names(worst)}", worst)
    table = IOTable.from_flows(
        Z=Z, Y=Y, va=va if len(va) else None, x=x, sectors=names, imports=imports,
        employment=inputs.loc["employment"] if "employment" in inputs.index else None,
        taxes=inputs.loc[["taxes_on_products"]] if "taxes_on_products" in inputs.index else None,
        unit=unit or meta.get("unit", ""), meta=meta, balance=balance, rtol=rtol,
    )
    if local:
        return table.domestic(import_columns=NEGATED, export_columns=("exports", "outflow"))
    return table


#: The example in the template: a three-sector provincial table in 亿元 (our own numbers).
EXAMPLE_SECTORS = [("A", "农业", "Agriculture"), ("M", "制造业", "Manufacturing"), ("S", "服务业", "Services")]
EXAMPLE_Z = [[20, 60, 10], [30, 200, 50], [20, 80, 60]]
EXAMPLE_FD = {  # households, government, fixed_capital_formation, exports, outflow, imports, inflow, output
    "A": [60, 0, 5, 10, 45, 5, 5, 200], "M": [80, 0, 150, 60, 90, 40, 20, 600], "S": [120, 90, 20, 5, 15, 5, 5, 400]}
EXAMPLE_FD_COLUMNS = ["居民消费", "政府消费", "固定资本形成总额", "出口", "国内省外流出", "进口", "国内省外流入", "总产出"]
EXAMPLE_VA = {"劳动者报酬": [100, 120, 150], "生产税净额": [5, 40, 20], "固定资产折旧": [10, 50, 40],
              "营业盈余": [15, 50, 70], "就业人数": [50000, 30000, 40000], "总投入": [200, 600, 400]}


def template_frames() -> dict[str, pd.DataFrame]:
    """The template's sheets (``flows``, ``sectors``, ``meta``) filled with the example."""
    codes = [c for c, _, _ in EXAMPLE_SECTORS]
    rows = [(r, c, v) for r, line in zip(codes, EXAMPLE_Z) for c, v in zip(codes, line)]
    rows += [(r, col, v) for r in codes for col, v in zip(EXAMPLE_FD_COLUMNS, EXAMPLE_FD[r])]
    rows += [(lab, c, v) for lab, line in EXAMPLE_VA.items() for c, v in zip(codes, line)]
    return {
        "flows": pd.DataFrame(rows, columns=["row", "column", "value"]).assign(origin="domestic"),
        "sectors": pd.DataFrame(EXAMPLE_SECTORS, columns=["code", "name_zh", "name_en"]),
        "meta": pd.DataFrame({"key": ["unit", "source"], "value": ["亿元", "lianzhao template example (fictitious)"]}),
    }


def write_template(path: str | Path) -> list[Path]:
    """Write the filled template: one ``.xlsx`` workbook, or ``.csv`` plus ``_sectors.csv``.
    Returns the files written."""
    path = Path(path)
    frames = template_frames()
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(path) as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        return [path]
    side = path.with_name(f"{path.stem}_sectors.csv")
    frames["flows"].to_csv(path, index=False)
    frames["sectors"].to_csv(side, index=False)
    return [path, side]


__all__ = ["ALIASES", "read_user_table", "template_frames", "write_template"]
