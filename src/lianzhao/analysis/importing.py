"""Import of a region's base data (sector output or employment) from the Excel template.

Parse every row, validate every row, then write all rows or none in one transaction. Errors read
"第 N 行 第 M 列（列名）：原因" so a user can find each cell. The new base becomes the region's active
base; the previous one is kept, inactive, for the record.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook, load_workbook

from lianzhao.analysis.choices import Measure, SectorLevel
from lianzhao.analysis.models import RegionalBase, RegionalBaseRow
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.econ import concordance

COLUMNS = [
    ("level", "代码类型", "io153（投入产出153部门）、io42（42部门）或 gbt（GB/T 4754-2017 行业代码）"),
    ("code", "代码", "如 079（汽车整车）、3612（新能源车整车制造）"),
    ("name", "名称", "可选，仅供阅读"),
    ("value", "数值", "总产出填万元；从业人员填人数；不得为负"),
    ("as_of_year", "数据年份", "如 2024"),
    ("source", "来源", "如“区统计局 2024 年规上工业统计”；示例数据须写明假设"),
    ("is_sample", "示例数据", "是/否：是否为演示用假设值"),
    ("note", "说明/假设", "可选"),
]
HEADERS = [label for _, label, _ in COLUMNS]
LEVEL_ALIASES = {"io153": SectorLevel.IO153, "io42": SectorLevel.IO42, "gbt": SectorLevel.GBT,
                 "153": SectorLevel.IO153, "42": SectorLevel.IO42}
YES = {"是", "y", "yes", "true", "1", "示例"}
NO = {"否", "n", "no", "false", "0", ""}


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
    ws.title = "区域基础数据"
    ws.append(HEADERS)
    ws.append(["io153", "079", "汽车整车", 4500000, 2024, "示例：45万辆 × 10万元/辆", "是", "示例假设"])
    for i, width in enumerate([10, 8, 22, 14, 10, 36, 10, 30], start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for _, label, help_text in COLUMNS:
        notes.append([label, help_text])
    notes.append(["", "同一代码只能出现一次；全部行校验通过才会导入，任何一行有误则整个文件不导入。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell_error(line: int, key: str, reason: str) -> str:
    index = [k for k, _, _ in COLUMNS].index(key)
    return f"第 {line} 行 第 {index + 1} 列（{COLUMNS[index][1]}）：{reason}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_workbook(data: bytes, *, table_sectors: int, national_totals: dict[str, float] | None,
                   measure: str = Measure.OUTPUT, table_year: int = 2020) -> ParsedBase:
    """Read and validate every row. ``national_totals`` (sector → national output or jobs of the
    table) lets the parser refuse regional values larger than the nation's."""
    result = ParsedBase()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        result.errors.append("无法读取文件：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
        return result
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        result.errors.append(f"第 1 行：缺少列 {'、'.join(missing)}（请使用模板）。")
        return result
    position = {key: header.index(label) for key, label, _ in COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    for line, values in enumerate(rows, start=2):
        cells = {key: (values[i] if i < len(values) else None) for key, i in position.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        row = _parse_row(line, cells, result.errors, table_sectors, table_year)
        if row is None:
            continue
        if (row.level, row.code) in seen:
            result.errors.append(_cell_error(line, "code", f"代码 {row.code} 与第 {seen[(row.level, row.code)]} 行重复。"))
            continue
        seen[(row.level, row.code)] = line
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append("文件中没有数据行。")
    if national_totals and not result.errors:
        _check_against_nation(result, national_totals, measure, table_year)
    return result


def _parse_row(line, cells, errors, table_sectors, table_year) -> ParsedRow | None:
    problems = []
    level = LEVEL_ALIASES.get(_text(cells["level"]).lower())
    if level is None:
        problems.append(_cell_error(line, "level", f"代码类型“{_text(cells['level'])}”无效，应为 io153、io42 或 gbt。"))
    code = _text(cells["code"])
    if level == SectorLevel.IO153 and code.isdigit():
        code = code.zfill(3)
    elif level == SectorLevel.IO42 and code.isdigit():
        code = code.zfill(2)
    sector = ""
    if not code:
        problems.append(_cell_error(line, "code", "代码不能为空。"))
    elif level is not None:
        sector, why = _sector_of(level, code, table_sectors, table_year)
        if why:
            problems.append(_cell_error(line, "code", why))
    try:
        value = Decimal(_text(cells["value"]).replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
        if value < 0:
            problems.append(_cell_error(line, "value", f"数值 {value} 为负数，不允许。"))
    except InvalidOperation:
        value = Decimal(0)
        problems.append(_cell_error(line, "value", f"“{_text(cells['value'])}”不是数字。"))
    year_text = _text(cells["as_of_year"])
    year = int(year_text) if year_text.isdigit() else 0
    if not 1990 <= year <= 2100:
        problems.append(_cell_error(line, "as_of_year", f"数据年份“{year_text}”无效，应为四位年份。"))
    source = _text(cells["source"])
    if not source:
        problems.append(_cell_error(line, "source", "请写明数据来源（示例数据写明假设）。"))
    sample_text = _text(cells["is_sample"]).lower()
    if sample_text not in YES | NO:
        problems.append(_cell_error(line, "is_sample", f"“{_text(cells['is_sample'])}”无效，应为“是”或“否”。"))
    errors.extend(problems)
    if problems:
        return None
    return ParsedRow(line=line, level=level, code=code, name=_text(cells["name"])[:64], value=value,
                     as_of_year=year, source=source[:200], is_sample=sample_text in YES,
                     note=_text(cells["note"])[:255], sector=sector)


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
