"""Importing the enterprise registry from a spreadsheet (.xlsx) or CSV: the template, the checks of
every row, then :func:`lianzhao.enterprises.registry.write_registry` — all rows or none.

The rows are read through the core reader (:func:`lianzhao.core.spreadsheet.open_table`: streamed,
limits against hostile files, the CSV fast path) and checked here without Django forms — at a
million rows a form per row would cost minutes — against the same rules the enterprise form applies:
the USCC check digit (:func:`lianzhao.refdata.uscc.uscc_error`), division codes and GB/T codes that
exist in the reference data. Errors read "第 N 行 第 M 列（列名）：原因" and nothing is written while
there is one. A re-imported company (same 统一社会信用代码, else same 上市代码, else same name) is
updated: filled cells replace the stored values, blank cells keep them.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from lianzhao.accounts import permissions
from lianzhao.core import xlsx
from lianzhao.core.i18n import in_data_language
from lianzhao.core.spreadsheet import CellError, SheetColumn, SheetRow, SpreadsheetRefused, is_csv, open_table
from lianzhao.enterprises.choices import EnterpriseScale, ImportKind
from lianzhao.enterprises.models import ImportBatch
from lianzhao.enterprises.registry import RegistryRefused, RegistryRow, no_progress, write_registry
from lianzhao.enterprises.rules import csrc_error, region_error
from lianzhao.refdata.divisions import load_divisions
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.refdata.uscc import uscc_error

MAX_CSV_ROWS = 2_000_000
MAX_XLSX_ROWS = 200_000
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
#: Files with more rows than this are imported by the background worker, with progress.
BACKGROUND_ROWS = 2000
#: Error lines kept (a file of a million bad rows has as many); the count says the rest.
MAX_ERRORS = 2000
DATA_SHEET = "企业"


@dataclass(frozen=True)
class TemplateColumn:
    key: str
    label: str
    required: bool
    help: str
    width: float = 14


COLUMNS = [
    TemplateColumn("name", "企业名称", True, "工商登记的全称；同名企业视为同一家（未填信用代码时）", 30),
    TemplateColumn("uscc", "统一社会信用代码", False, "18 位，校验位按 GB 32100-2015 检查；再次导入时按此代码更新", 22),
    TemplateColumn("region_code", "区划代码", False, "统计用区划代码：省 2 位、市 4 位、区县 6 位或乡镇 9 位，如 370215", 12),
    TemplateColumn("gbt_code", "行业代码", False, "GB/T 4754-2017 国民经济行业分类代码（门类字母或 2–4 位数字），如 3841", 10),
    TemplateColumn("csrc_code", "证监会行业", False, "上市公司的证监会行业代码，如 C38", 10),
    TemplateColumn("products", "主营产品", False,
                   "以顿号、逗号或分号分隔；可在括号中注明营收占比，如“锂电池隔膜（62%）、涂覆隔膜”", 36),
    TemplateColumn("registered_capital", "注册资本（万元）", False, "数字，单位万元", 14),
    TemplateColumn("founded_on", "成立日期", False, "如 2015-06-30", 12),
    TemplateColumn("stock_code", "上市代码", False, "如 300750.SZ、600875.SH；未上市留空", 12),
    TemplateColumn("short_name", "简称", False, "", 12),
    TemplateColumn("scale", "规模", False, "大型、中型、小型或微型", 8),
    TemplateColumn("is_local", "本地企业", False, "是/否：是否在本区注册经营", 8),
    TemplateColumn("is_chain_leader", "链主", False, "是/否：是否为链主企业", 8),
    TemplateColumn("note", "备注", False, "", 24),
]
SHEET_COLUMNS = [SheetColumn(c.key, c.label, c.required) for c in COLUMNS]
SCALES = {**{str(label): value for value, label in EnterpriseScale.choices}, **{v: v for v in EnterpriseScale.values}}
_STOCK = re.compile(r"^(\d{6})(?:\.(SH|SZ|BJ))?$")
_PRODUCT_SPLIT = re.compile(r"[、,，;；|/]+")
DUPLICATE_KEYS = {"name": "企业名称", "uscc": "统一社会信用代码", "stock_code": "上市代码"}
_PRODUCT_SHARE = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*%\s*[）)]$")


@dataclass
class ImportResult:
    """What an import did (``batch``) or why it wrote nothing (``errors``)."""

    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return self.batch is not None

    def summary(self) -> str:
        b = self.batch
        return (f"导入完成：新建 {b.created:,} 家企业，更新 {b.updated:,} 家，{b.unchanged:,} 家无变化"
                f"（批次 #{b.pk}，用时 {b.seconds:,.1f} 秒）。")


def parse_products(text: str) -> tuple[list[tuple[str, Decimal | None]], str | None]:
    """"锂电池隔膜（62%）、涂覆隔膜" → [("锂电池隔膜", 0.62), ("涂覆隔膜", None)], or an error."""
    out: list[tuple[str, Decimal | None]] = []
    seen: set[str] = set()
    for part in _PRODUCT_SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        share = None
        if "%" in part and (match := _PRODUCT_SHARE.match(part)):
            part, percent = match.group(1).strip(), Decimal(match.group(2))
            if not 0 < percent <= 100:
                return [], f"“{part}”的营收占比 {percent}% 应在 0% 到 100% 之间。"
            share = (percent / 100).quantize(Decimal("0.0001"))
        if len(part) > 64:
            return [], f"产品名称“{part[:20]}…”超过 64 个字符。"
        if part and part not in seen:
            seen.add(part)
            out.append((part, share))
    return out, None


class _Checker:
    """The per-row checks, with the reference data read once."""

    def __init__(self):
        self.divisions = load_divisions(include_townships=True)
        self.classification = load_classification()
        self.today = timezone.localdate()
        self.keys = {key: (array("q"), array("q")) for key in DUPLICATE_KEYS}

    def row(self, src: SheetRow) -> RegistryRow | None:
        text = src.text
        name = text("name")
        if not name:
            src.error("name", "请填写企业名称。")
        elif len(name) > 128:
            src.error("name", "企业名称超过 128 个字符。")
        uscc = text("uscc").upper()
        if uscc and (problem := uscc_error(uscc)):
            src.error("uscc", problem)
        region = text("region_code")
        if region and (problem := region_error(region, self.divisions)):
            src.error("region_code", problem)
        gbt = text("gbt_code").upper()
        if gbt and gbt not in self.classification:
            src.error("gbt_code", f"行业代码 {gbt} 不存在（GB/T 4754-2017）。")
        csrc = text("csrc_code").upper()
        if csrc and (problem := csrc_error(csrc, self.classification)):
            src.error("csrc_code", problem)
        stock = text("stock_code").upper()
        if stock and not _STOCK.match(stock):
            src.error("stock_code", f"上市代码“{stock}”应为 6 位数字，可带 .SH、.SZ 或 .BJ，如 300750.SZ。")
        products, problem = parse_products(text("products"))
        if problem:
            src.error("products", problem)
        capital = None
        if raw := text("registered_capital").replace(",", ""):
            try:
                capital = Decimal(raw)
                if not capital.is_finite() or capital < 0 or capital >= Decimal("1e12"):
                    raise InvalidOperation
                capital = capital.quantize(Decimal("0.01"))
            except InvalidOperation:
                src.error("registered_capital", f"“{raw}”不是有效的注册资本（万元，非负数字）。")
                capital = None
        founded = src.date("founded_on")
        if founded and founded > self.today:
            src.error("founded_on", f"成立日期 {founded:%Y-%m-%d} 晚于今天。")
        scale = text("scale")
        if scale and scale not in SCALES:
            src.error("scale", f"规模“{scale}”无效，应填大型、中型、小型或微型。")
        flags = {key: (src.yes_no(key) if text(key) else None) for key in ("is_local", "is_chain_leader")}
        for key, value in (("name", name), ("uscc", uscc), ("stock_code", stock)):
            if value:
                hashes, numbers = self.keys[key]
                hashes.append(hash(value))
                numbers.append(src.number)
        if src.errors:
            return None
        return RegistryRow(
            number=src.number, name=name, short_name=text("short_name")[:64], uscc=uscc, region_code=region,
            gbt_code=gbt, csrc_code=csrc, stock_code=stock, registered_capital=capital, founded_on=founded,
            scale=SCALES.get(scale, ""), is_local=flags["is_local"], is_chain_leader=flags["is_chain_leader"],
            note=text("note"), products=products if text("products") else None,
        )


    def duplicates(self, layout) -> list[CellError]:
        """Rows repeating an earlier row's name, USCC or stock code. Each key is kept as a 64-bit hash
        and its row number (16 bytes a row, not a dict of strings: a million rows stay small), sorted
        once at the end; a repeated hash is a repeated value (a collision of two different values has
        a chance of about 10⁻⁸ in a million rows)."""
        import numpy as np

        found = []
        for key, label in DUPLICATE_KEYS.items():
            hashes, numbers = (np.frombuffer(a, dtype=np.int64) for a in self.keys[key])
            if len(hashes) < 2:
                continue
            order = np.lexsort((numbers, hashes))
            h, n = hashes[order], numbers[order]
            repeat = np.flatnonzero(h[1:] == h[:-1]) + 1
            for i in repeat:
                first = i
                while first > 0 and h[first - 1] == h[i]:
                    first -= 1
                column = layout.positions.get(key)
                found.append(CellError(int(n[i]), column, layout.labels.get(key, ""),
                                       f"与第 {int(n[first])} 行重复（{label}相同）。"))
        return sorted(found, key=lambda e: (e.row, e.column or 0))


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def count_rows(upload, filename: str) -> int:
    """About how many data rows the file has (for choosing the background worker): lines of a CSV,
    rows of the sheet of an .xlsx as the archive declares them."""
    from lianzhao.core.spreadsheet import check_archive

    upload.seek(0)
    if is_csv(filename):
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: upload.read(1 << 20), b""))
        upload.seek(0)
        return lines
    try:
        return check_archive(upload, max_rows=MAX_XLSX_ROWS, width=len(COLUMNS),
                             max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except SpreadsheetRefused:
        return 0  # the import itself will say why


@in_data_language
def import_enterprises(upload, *, filename: str, acting_user, progress: Callable = no_progress) -> ImportResult:
    """Check every row of the file, then write all of them as one import batch — or none, returning
    the errors (at most :data:`MAX_ERRORS` lines, and the count). Raises PermissionDenied for users
    who may not edit the registry.

    One pass over the file: rows are checked and, while none is wrong, handed on to the registry
    writer, which stages them (nothing is kept in memory but a chunk); the writer merges only when
    the whole file has been read without an error (duplicates are known only then)."""
    permissions.require(permissions.can_edit_enterprises(acting_user), "您没有维护企业信息的权限。")
    progress(0, None, "读取文件")
    sha = _sha256(upload)
    state = {"errors": [], "count": 0, "rows": 0}
    source = f"导入：{filename}"
    try:
        checker = _Checker()
        max_rows = MAX_CSV_ROWS if is_csv(filename) else MAX_XLSX_ROWS
        reader = open_table(upload, SHEET_COLUMNS, filename=filename, max_rows=max_rows, sheet=DATA_SHEET,
                            max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except SpreadsheetRefused as exc:
        return ImportResult(errors=exc.messages, error_count=len(exc.errors))

    def add_errors(found: list[CellError]) -> None:
        state["count"] += len(found)
        state["errors"].extend(str(e) for e in found[:max(0, MAX_ERRORS - len(state["errors"]))])

    def checked_rows() -> Iterator[RegistryRow]:
        for src in reader.rows():
            state["rows"] += 1
            parsed = checker.row(src)
            if parsed is None:
                add_errors(src.errors)
            elif not state["count"]:
                parsed.source = parsed.product_source = source
                yield parsed

    def pending() -> list[str]:
        add_errors(checker.duplicates(reader.layout))
        if not state["rows"] and not state["count"]:
            add_errors([CellError(None, None, "", "文件中没有数据行（第 1 行为列名，从第 2 行起每行一家企业）。")])
        return _with_rest(state["errors"], state["count"]) if state["count"] else []

    try:
        with reader:
            result = write_registry(checked_rows(), kind=ImportKind.FILE, acting_user=acting_user,
                                    file_name=filename, sha256=sha, source=source, progress=progress,
                                    pending_errors=pending)
    except SpreadsheetRefused as exc:
        return ImportResult(errors=exc.messages, error_count=len(exc.errors))
    except RegistryRefused as exc:
        count = max(state["count"], len(exc.errors))
        return ImportResult(errors=_with_rest(exc.errors[:MAX_ERRORS], count), error_count=count)
    return ImportResult(batch=result.batch)


def _with_rest(lines: list[str], count: int) -> list[str]:
    if count > len(lines):
        lines = [*lines, f"……另有 {count - len(lines):,} 处错误未列出。"]
    return lines


# --- the template ------------------------------------------------------------------------------------

def template_rows() -> Iterator[list]:
    yield ["示例·某隔膜材料有限公司", "", "320505", "2929", "", "锂电池隔膜（62%）、涂覆隔膜", "5000",
           "2015-06-30", "", "", "中型", "否", "否", "示例行：导入前请删除"]


@in_data_language
def template_workbook() -> bytes:
    """The import template: the 企业 sheet with the header (and one 示例 row), and 填表说明."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    columns = [xlsx.Column(f"{c.label}*" if c.required else c.label, "text", c.width) for c in COLUMNS]
    xlsx.set_widths(ws, columns)
    xlsx.write_header(ws, 1, columns)
    row = 2
    for values in template_rows():
        row = xlsx.write_row(ws, row, columns, values)
    ws.freeze_panes = "B2"
    notes = wb.create_sheet("填表说明")
    note_columns = [xlsx.Column("列名", "text", 20), xlsx.Column("是否必填", "text", 10), xlsx.Column("说明", "text", 90)]
    xlsx.set_widths(notes, note_columns)
    r = xlsx.write_banner(notes, 1, "企业库导入模板 · 填表说明", 3, size=14, bold=True)
    r = xlsx.write_banner(notes, r, (
        "在“企业”工作表中每行填写一家企业，第 1 行为列名（列的顺序可以调整，可选列可以删除）。也可另存为 CSV"
        "（UTF-8 或 GB18030 编码）导入，百万行的名录请用 CSV。导入时逐行校验，只要有一处错误，整个文件都不导入，"
        "并列出“第 N 行 第 M 列（列名）：原因”。再次导入同一企业（统一社会信用代码、上市代码或名称相同）会更新原记录："
        "填写的单元格覆盖原值，空白单元格保留原值；每次导入记为一个批次，每家被修改的企业都记入审计日志。"), 3, height=64)
    r = xlsx.write_header(notes, r + 1, note_columns)
    for c in COLUMNS:
        r = xlsx.write_row(notes, r, note_columns, [c.label, "必填" if c.required else "可选", c.help])
    return xlsx.workbook_bytes(wb)

