"""Import of a region's base data (sector output or employment) from the Excel template.

Read the file with the core spreadsheet reader (limits against hostile files, headers mapped by
label, at most :data:`MAX_ROWS` rows), validate every row, then write all rows or none in one
transaction. Errors read "第 N 行 第 M 列（列名）：原因" so a user can find each cell. A base that
would leave every analysis without a regional economy (every value 0, or values below the 0.01 the
database keeps) is refused. The new base becomes the region's active base; the previous one is
kept, inactive, for the record.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook

from lianzhao.analysis.choices import Measure, SectorLevel
from lianzhao.analysis.models import RegionalBase, RegionalBaseRow
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.spreadsheet import SheetColumn, SheetRow, SpreadsheetRefused, read_sheet
from lianzhao.core.xlsx import append_row, workbook_bytes
from lianzhao.econ import concordance

COLUMNS = [
    ("level", "代码类型", "io153（投入产出153部门）、io42（42部门）或 gbt（GB/T 4754-2017 行业代码）"),
    ("code", "代码", "如 079（汽车整车）、3612（新能源车整车制造）"),
    ("name", "名称", "可选，仅供阅读"),
    ("value", "数值", "总产出填万元；从业人员填人数；不得为负，最多两位小数；不能全部为 0"),
    ("as_of_year", "数据年份", "如 2024"),
    ("source", "来源", "如“区统计局 2024 年规上工业统计”；示例数据须写明假设"),
    ("is_sample", "示例数据", "是/否：是否为演示用假设值"),
    ("note", "说明/假设", "可选"),
]
HEADERS = [label for _, label, _ in COLUMNS]
OPTIONAL = {"name", "note"}
SHEET_COLUMNS = [SheetColumn(key, label, key not in OPTIONAL) for key, label, _ in COLUMNS]
DATA_SHEET = "区域基础数据"
#: Rows per file: the 153 sectors, or GB/T 4754 classes (about 1,400), with room to spare.
MAX_ROWS = 5000
LEVEL_ALIASES = {"io153": SectorLevel.IO153, "io42": SectorLevel.IO42, "gbt": SectorLevel.GBT,
                 "153": SectorLevel.IO153, "42": SectorLevel.IO42}
_VALUE = RegionalBaseRow._meta.get_field("value")
_CENT = Decimal(1).scaleb(-_VALUE.decimal_places)
_LARGEST = Decimal(10) ** (_VALUE.max_digits - _VALUE.decimal_places)


class BaseImportError(Exception):
    """The file was refused; ``errors`` lists every problem, nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ParsedRow:
    line: int
    level: str
    code: str
    name: str
    value: Decimal
    as_of_year: int
    source: str
    is_sample: bool
    note: str
    sector: str = ""  # the national table's sector this row counts towards


@dataclass
class ParsedBase:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def template_workbook() -> bytes:
    """The empty template: a data sheet with the header row and a sheet explaining each column."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    append_row(ws, HEADERS)
    append_row(ws, ["io153", "079", "汽车整车", 4500000, 2024, "示例：45万辆 × 10万元/辆", "是", "示例假设"])
    for i, width in enumerate([10, 8, 22, 14, 10, 36, 10, 30], start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    notes = wb.create_sheet("填写说明")
    append_row(notes, ["列", "说明"])
    for _, label, help_text in COLUMNS:
        append_row(notes, [label, help_text])
    append_row(notes, ["", "同一代码只能出现一次；全部行校验通过才会导入，任何一行有误则整个文件不导入。"])
    append_row(notes, ["", f"每个文件最多 {MAX_ROWS:,} 行。"])
    return workbook_bytes(wb)


def parse_workbook(data, *, table_sectors: int, national_totals: dict[str, float] | None,
                   measure: str = Measure.OUTPUT, table_year: int = 2020) -> ParsedBase:
    """Read and validate every row of ``data`` (the file's bytes or an open file). ``national_totals``
    (sector → national output or jobs of the table) lets the parser refuse regional values larger
    than the nation's."""
    result = ParsedBase()
    try:
        rows = read_sheet(io.BytesIO(data) if isinstance(data, bytes) else data, SHEET_COLUMNS,
                          max_rows=MAX_ROWS, sheet=DATA_SHEET)
    except SpreadsheetRefused as exc:
        result.errors.extend(exc.messages)
        return result
    seen: dict[tuple[str, str], int] = {}
    for sheet_row in rows:
        row = _parse_row(sheet_row, table_sectors, table_year)
        result.errors.extend(str(e) for e in sheet_row.errors)
        if row is None:
            continue
        if (row.level, row.code) in seen:
            sheet_row.error("code", f"代码 {row.code} 与第 {seen[(row.level, row.code)]} 行重复。")
            result.errors.append(str(sheet_row.errors[-1]))
            continue
        seen[(row.level, row.code)] = row.line
        result.rows.append(row)
    if not result.errors and not any(r.value for r in result.rows):
        unit = "万元" if measure == Measure.OUTPUT else "人"
        result.errors.append(f"所有行的数值都为 0（{unit}）：区域经济规模不能为 0，请填写各部门的实际数值。")
    if national_totals and not result.errors:
        _check_against_nation(result, national_totals, measure, table_year)
    return result


def _value(row: SheetRow) -> Decimal:
    """The value, rounded to the 0.01 the database keeps; refused when it is not a finite number,
    is negative, would round away to 0, or has more digits than the column holds."""
    text = row.text("value").replace(",", "")
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        row.error("value", f"“{row.text('value')}”不是数字。")
        return Decimal(0)
    if value < 0:
        row.error("value", f"数值 {text} 为负数，不允许。")
        return Decimal(0)
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP) if value < _LARGEST else value
    if value and not rounded:
        row.error("value", f"数值 {text} 小于 {_CENT}，过小（请检查单位：总产出填万元，从业人员填人数）。")
    elif rounded >= _LARGEST:
        row.error("value", f"数值 {text} 过大（请检查单位：总产出填万元，从业人员填人数）。")
    return rounded


def _parse_row(row: SheetRow, table_sectors, table_year) -> ParsedRow | None:
    errors_before = len(row.errors)
    level = LEVEL_ALIASES.get(row.text("level").lower())
    if level is None:
        row.error("level", f"代码类型“{row.text('level')}”无效，应为 io153、io42 或 gbt。")
    code = row.text("code")
    if level == SectorLevel.IO153 and code.isdigit():
        code = code.zfill(3)
    elif level == SectorLevel.IO42 and code.isdigit():
        code = code.zfill(2)
    sector = ""
    if not code:
        row.error("code", "代码不能为空。")
    elif level is not None:
        sector, why = _sector_of(level, code, table_sectors, table_year)
        if why:
            row.error("code", why)
    value = _value(row)
    year_text = row.text("as_of_year")
    year = int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) == 4 else 0
    if not 1990 <= year <= 2100:
        row.error("as_of_year", f"数据年份“{year_text}”无效，应为四位年份。")
    source = row.text("source")
    if not source:
        row.error("source", "请写明数据来源（示例数据写明假设）。")
    is_sample = row.yes_no("is_sample")
    if len(row.errors) > errors_before:
        return None
    return ParsedRow(line=row.number, level=level, code=code, name=row.text("name")[:64], value=value,
                     as_of_year=year, source=source[:200], is_sample=is_sample,
                     note=row.text("note")[:255], sector=sector)


def _sector_of(level: str, code: str, table_sectors: int, table_year: int) -> tuple[str, str]:
    """The national table's sector for a row, or ("", reason)."""
    try:
        if level == SectorLevel.GBT:
            return concordance.sector_for(code, level=table_sectors, year=table_year).code, ""
        known = concordance.sector_names(level=int(level[2:]), year=table_year)
        if code not in known:
            return "", f"{level} 部门代码 {code} 不存在（{table_year} 年表）。"
        if level == SectorLevel.IO42 and table_sectors == 153:
            return "", "42 部门数据不能用于 153 部门分析；请在分析设置中改用 42 部门表，或按 153 部门填报。"
        if level == SectorLevel.IO153 and table_sectors == 42:
            return concordance.to_42(code, year=table_year), ""
        return code, ""
    except (KeyError, ValueError) as exc:
        return "", f"行业代码 {code} 无法对应投入产出部门：{exc}"


def _check_against_nation(result: ParsedBase, national: dict[str, float], measure: str, table_year: int):
    totals: dict[str, Decimal] = {}
    lines: dict[str, list[int]] = {}
    for row in result.rows:
        totals[row.sector] = totals.get(row.sector, Decimal(0)) + row.value
        lines.setdefault(row.sector, []).append(row.line)
    unit = "万元" if measure == Measure.OUTPUT else "人"
    for sector, total in totals.items():
        nation = national.get(sector)
        if nation is not None and float(total) > nation:
            where = "、".join(str(n) for n in lines[sector])
            result.errors.append(
                f"第 {where} 行：部门 {sector} 合计 {total:,.0f} {unit}，大于全国 {nation:,.0f} {unit}"
                f"（{table_year} 年表），请检查单位（总产出应填万元）。")


def import_base(*, region, name: str, parsed: ParsedBase, measure: str, acting_user, note: str = "") -> RegionalBase:
    """Write a validated base and make it the region's active one (one transaction, audited)."""
    if parsed.errors:
        raise BaseImportError(parsed.errors)
    with transaction.atomic():
        previous = RegionalBase.objects.select_for_update().filter(region=region, is_active=True).first()
        if previous is not None:
            before = snapshot(previous)
            previous.is_active = False
            previous.save(update_fields=["is_active", "updated_at"])
            record_change(actor=acting_user, action=AuditAction.UPDATE, obj=previous, before=before,
                          after=snapshot(previous), reason="被新导入的基础数据替代")
        base = RegionalBase.objects.create(region=region, name=name, measure=measure, note=note,
                                           imported_by=acting_user if getattr(acting_user, "pk", None) else None)
        RegionalBaseRow.objects.bulk_create([
            RegionalBaseRow(base=base, level=r.level, code=r.code, name=r.name, value=r.value,
                            as_of_year=r.as_of_year, source=r.source, is_sample=r.is_sample, note=r.note)
            for r in parsed.rows
        ])
        after = snapshot(base)
        after["rows"] = len(parsed.rows)
        after["total"] = str(sum((r.value for r in parsed.rows), Decimal(0)))
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=base, before=None, after=after,
                      reason="导入区域基础数据")
    return base
