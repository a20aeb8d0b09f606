"""``lianzhao io …`` — input-output analyses for analysts, without Django or a database.

    lianzhao io info          [--table SPEC]
    lianzhao io multipliers   [--table SPEC] [--type I|II] [--top N] [--sort COLUMN]
    lianzhao io linkages      [--table SPEC] [--key-only] [--forward ghosh|leontief]
    lianzhao io extract       [SECTOR ...] [--table SPEC] [--top N]
    lianzhao io regionalize   --regional FILE [--measure output|employment] [--method flq] [--delta 0.3]
    lianzhao io impact        --demand CODE=AMOUNT [...] | --demand-file FILE [--type I|II]
    lianzhao io template      PATH.xlsx|PATH.csv

``--table`` is ``nbs:YEAR:SECTORS`` (default ``nbs:2020:42``), ``oecd:YEAR`` or the path of
a table in the tidy template. Every command prints a readable table (Chinese and English
sector names; ``--lang``) and writes CSV, JSON or Excel with ``--out FILE``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from lianzhao.econ.analysis import FORWARD
from lianzhao.econ.errors import IOTableError
from lianzhao.econ.regional import METHODS, regionalize
from lianzhao.econ.table import IOTable
from lianzhao.paths import DataDirError

DEFAULT_TABLE = "nbs:2020:42"
FORWARD_TEXT = {"ghosh": "Ghosh G 1", "leontief": "Leontief L 1 (感应度系数)"}


def load_table(spec: str, domestic: bool | None = None, employment: bool = True) -> IOTable:
    """The table named by ``spec`` (see the module docstring)."""
    parts = spec.split(":")
    if parts[0] == "nbs" and len(parts) == 3:
        from lianzhao.refdata.nbs import read_nbs

        year, sectors = int(parts[1]), int(parts[2])
        try:
            return read_nbs(year, sectors, domestic=domestic, employment=employment)
        except (IOTableError, DataDirError):
            if not employment:
                raise
            return read_nbs(year, sectors, domestic=domestic)  # no job data or concordance for it
    if parts[0] == "oecd" and len(parts) == 2:
        from lianzhao.refdata.oecd import read_oecd

        table = read_oecd(int(parts[1]))
        return table.domestic() if domestic else table
    from lianzhao.refdata.user_table import read_user_table

    return read_user_table(Path(spec), local=bool(domestic))


def _names(t: IOTable, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the sector names in front (and the index named ``code``)."""
    out = frame.copy()
    cols = {"zh": ["name_zh"], "en": ["name_en"], "both": ["name_zh", "name_en"]}[lang]
    for pos, col in enumerate(cols):
        if col in t.names and t.names[col].astype(bool).any():
            out.insert(pos, col, t.names[col].reindex(out.index).str.slice(0, 36))
    out.index.name = "code"
    return out


def _amount(value: float) -> str:
    """Money and job amounts: thousands separators, a few significant digits when small."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"


def _emit(frame: pd.DataFrame, args, title: str, floatfmt="{:,.4f}", columns=None) -> None:
    """Print ``frame`` (only ``columns`` if given) under ``title``; write all of it to
    ``--out`` when given."""
    print(title)
    shown = frame if columns is None else frame[[c for c in frame.columns if c in columns]]
    shown = shown.head(args.top) if getattr(args, "top", None) else shown
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200,
                           "display.max_columns", 30, "display.max_rows", 500,
                           "display.float_format", floatfmt if callable(floatfmt) else floatfmt.format):
        print(shown.to_string())
    if args.out:
        path = Path(args.out)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            frame.to_csv(path, encoding="utf-8-sig")
        elif suffix == ".json":
            frame.reset_index().to_json(path, orient="records", force_ascii=False, indent=1)
        elif suffix == ".xlsx":
            frame.to_excel(path)
        else:
            raise SystemExit(f"--out must end in .csv, .json or .xlsx, not {path.name}")
        print(f"\nwritten: {path}")


def cmd_info(t: IOTable, args) -> None:
    report = t.balance_report()
    va_total = float(t.va.to_numpy().sum()) if t.va is not None else float("nan")
    lines = [("source", t.meta.get("source", "")), ("sectors", t.n), ("unit", t.unit),
             ("total output", f"{t.x.sum():,.0f}"), ("value added (engine)", f"{va_total:,.0f}")]
    for key, val in t.meta.get("published", {}).items():
        lines.append((f"table states {key}", f"{val:,.0f}"))
    if "published" in t.meta and t.va is not None:
        pub = t.meta["published"]
        lines.append(("value added − table TVA", f"{va_total - pub['value_added']:,.6g}"))
        lines.append(("value added − expenditure GDP", f"{va_total - pub['gdp_expenditure']:,.6g}"))
    for side in ("row", "column"):
        rel = report[f"{side}_relative"]
        if rel.notna().any():
            lines.append((f"{side} balance, worst", f"{rel.max():.2e} relative ({rel.idxmax()})"))
        else:
            lines.append((f"{side} balance", "not checkable (x computed from rows, or no value added)"))
    lines += [("final demand", ", ".join(map(str, t.Y.columns))),
              ("value-added rows", ", ".join(map(str, t.va.index)) if t.va is not None else "—"),
              ("imports", "—" if t.imports is None else f"{t.imports.shape[0]} row(s), total {t.imports.to_numpy().sum():,.0f}"),
              ("jobs", "—" if t.employment is None else f"{t.employment.sum():,.0f} persons")]
    lines += [("note", n) for n in t.meta.get("notes", [])]
    width = max(len(k) for k, _ in lines)
    print(f"Table {args.table}")
    for key, val in lines:
        print(f"  {key:<{width}}  {val}")
    if args.out:
        _emit(pd.DataFrame(lines, columns=["item", "value"]).set_index("item"), args, "", columns=[])


def cmd_multipliers(t: IOTable, args) -> None:
    cols = {"output": t.output_multipliers("I")}
    if args.type == "II":
        cols["output_II"] = t.output_multipliers("II")
    for kind in ("value_added", "income", "employment"):
        try:
            m = t.multipliers(kind, args.type)
        except IOTableError:
            continue
        cols[f"{kind}_coefficient"] = m["coefficient"]
        cols[f"{kind}_effect"] = m["effect"]
        cols[f"{kind}_multiplier"] = m["multiplier"]
    frame = pd.DataFrame(cols)
    frame = frame.sort_values(args.sort or ("output_II" if args.type == "II" else "output"), ascending=False)
    if args.top is None:
        args.top = 10
    title = (f"Type {args.type} multipliers, {t.meta.get('source', args.table)} — sorted by "
             f"{args.sort or 'output multiplier'}" + (f", top {args.top}" if args.top else "")
             + f"\n(output: output multiplier; other columns: requirement per unit of final demand, "
             f"jobs in persons per {t.unit or 'money unit'}; --out writes coefficients and ratios too)")
    shown = ["name_zh", "name_en", "output", "output_II", "value_added_effect", "income_effect", "employment_effect"]
    _emit(_names(t, frame, args.lang), args, title, columns=shown)


def cmd_linkages(t: IOTable, args) -> None:
    frame = t.linkages(forward=args.forward).sort_values("power_of_dispersion", ascending=False)
    if args.key_only:
        frame = frame[frame["key_sector"]]
    keys = ", ".join(t.label(s, "zh" if args.lang != "en" else "en") for s in frame.index[frame["key_sector"]])
    _emit(_names(t, frame, args.lang), args,
          f"Linkages (backward: 1'L; forward: {FORWARD_TEXT[args.forward]}), {t.meta.get('source', args.table)}\n"
          f"key sectors: {keys}")


def cmd_extract(t: IOTable, args) -> None:
    frame = pd.DataFrame([t.extract(s) for s in args.sectors]) if args.sectors else t.extract_all()
    frame = frame.sort_values("total", ascending=False)
    _emit(_names(t, frame, args.lang), args,
          f"Hypothetical extraction: loss of total output ({t.unit}); shares of total output "
          f"{t.x.sum():,.0f}", floatfmt=_amount)


def _read_vector(path: str) -> pd.Series:
    frame = pd.read_csv(path, dtype={0: str})
    return pd.Series(frame.iloc[:, 1].to_numpy(dtype=float), index=frame.iloc[:, 0].astype(str).str.strip())


def cmd_regionalize(t: IOTable, args) -> None:
    regional = _read_vector(args.regional).reindex(t.sectors, fill_value=0.0)
    r = regionalize(t, regional, method=args.method, delta=args.delta, measure=args.measure)
    frame = pd.DataFrame({"regional_output": r.table.x, "slq": r.slq, "local_share": r.local_share,
                          "input_share": r.input_share, "output_multiplier": r.table.output_multipliers()})
    frame = frame.sort_values("output_multiplier", ascending=False)
    lam = "" if r.lambda_star is None else f", δ = {r.delta}, λ* = {r.lambda_star:.4f}"
    _emit(_names(t, frame, args.lang), args, f"Regional table by {args.method.upper()}{lam}")


def cmd_impact(t: IOTable, args) -> None:
    demand = _read_vector(args.demand_file) if args.demand_file else pd.Series(dtype=float)
    for item in args.demand or []:
        code, _, amount = item.partition("=")
        demand[code.strip()] = demand.get(code.strip(), 0.0) + float(amount)
    if demand.empty:
        raise SystemExit("give the final-demand change with --demand CODE=AMOUNT or --demand-file FILE")
    frame = t.impact(demand, type=args.type)
    frame = frame[frame["total"].abs() > 0].sort_values("total", ascending=False)
    total = frame.sum(numeric_only=True)
    title = (f"Impact (type {args.type}) of Δy = {demand.sum():,.6g} {t.unit}: output "
             f"{total['total']:,.6g}" + (f", value added {total['value_added']:,.6g}" if "value_added" in total else "")
             + (f", jobs {total['jobs']:,.0f}" if "jobs" in total else ""))
    shown = ["name_zh", "name_en", "direct", "indirect", "induced", "total", "value_added", "income", "jobs"]
    _emit(_names(t, frame, args.lang), args, title + "\n(--out writes the split of value added, income and jobs too)",
          floatfmt=_amount, columns=shown)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--table", default=DEFAULT_TABLE, help="nbs:YEAR:SECTORS, oecd:YEAR or a template file (default %(default)s)")
    imports = common.add_mutually_exclusive_group()
    imports.add_argument("--domestic", dest="domestic", action="store_true", default=None, help="domestic coefficients")
    imports.add_argument("--competitive", dest="domestic", action="store_false", help="total (competitive) coefficients")
    common.add_argument("--lang", choices=("zh", "en", "both"), default="both", help="sector names to show")
    common.add_argument("--out", help="also write the full result to FILE (.csv, .json or .xlsx)")
    common.add_argument("--top", type=int, help="print only the first N rows (multipliers: 10; 0 = all)")
    parser = argparse.ArgumentParser(prog="lianzhao io", description="Input-output analyses (链招 IO engine).")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", parents=[common], help="what the table holds and whether it balances")
    p = sub.add_parser("multipliers", parents=[common], help="output, value-added, income and job multipliers")
    p.add_argument("--type", choices=("I", "II"), default="I")
    p.add_argument("--sort", help="column to sort by (default: output multiplier)")
    p = sub.add_parser("linkages", parents=[common], help="backward/forward linkages and key sectors")
    p.add_argument("--key-only", action="store_true")
    p.add_argument("--forward", choices=FORWARD, default="ghosh",
                   help="forward linkages: row sums of the Ghosh inverse G (default) or of L (感应度系数)")
    p = sub.add_parser("extract", parents=[common], help="hypothetical extraction")
    p.add_argument("sectors", nargs="*", help="sector codes (default: all)")
    p = sub.add_parser("regionalize", parents=[common], help="regional table by location quotients")
    p.add_argument("--regional", required=True, help="CSV: code, regional output (or jobs)")
    p.add_argument("--measure", choices=("output", "employment"), default="output")
    p.add_argument("--method", choices=METHODS, default="flq")
    p.add_argument("--delta", type=float, default=0.3)
    p = sub.add_parser("impact", parents=[common], help="impact of a final-demand change")
    p.add_argument("--demand", action="append", metavar="CODE=AMOUNT")
    p.add_argument("--demand-file", help="CSV: code, amount")
    p.add_argument("--type", choices=("I", "II"), default="I")
    p = sub.add_parser("template", help="write the tidy table template with a filled example")
    p.add_argument("path")
    return parser


COMMANDS = {"info": cmd_info, "multipliers": cmd_multipliers, "linkages": cmd_linkages,
            "extract": cmd_extract, "regionalize": cmd_regionalize, "impact": cmd_impact}


def main(argv: list[str] | None = None) -> int:
    """Run ``lianzhao io`` with ``argv`` (without the leading ``io``); returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "template":
            from lianzhao.refdata.user_table import write_template

            for path in write_template(args.path):
                print(f"written: {path}")
            return 0
        table = load_table(args.table, args.domestic)
        COMMANDS[args.command](table, args)
    except (IOTableError, DataDirError, FileNotFoundError) as exc:
        print(f"lianzhao io {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
