"""Importing the enterprise registry from a spreadsheet (.xlsx) or CSV: the template, the checks of
every row, then :func:`lianzhao.enterprises.registry.write_chunks` — all rows or none.

The rows are read through the core reader (:func:`lianzhao.core.spreadsheet.open_table`: streamed,
limits against hostile files, the CSV fast path) and checked without Django forms — at a million rows
a form per row would cost minutes — by :class:`lianzhao.enterprises.rows.RowChecker`, against the same
rules the enterprise form applies: the USCC check digit (:func:`lianzhao.refdata.uscc.uscc_error`),
division codes and GB/T codes that exist in the reference data. From :data:`PARALLEL_ROWS` rows on a
second process checks chunks of rows while this one reads, stages and checks the rest. Errors read
"第 N 行 第 M 列（列名）：原因" and nothing is written while there is one. A re-imported company
(same 统一社会信用代码, else same 上市代码, else same name) is updated: filled cells replace the
stored values, blank cells keep them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

try:
    import fcntl
except ImportError:  # Windows: pipes keep their size
    fcntl = None

from lianzhao.accounts import permissions
from lianzhao.core import xlsx
from lianzhao.core.i18n import in_data_language
from lianzhao.core.spreadsheet import CellError, CsvReader, SheetColumn, SpreadsheetRefused, is_csv, open_table
from lianzhao.enterprises.choices import EnterpriseScale, ImportKind
from lianzhao.enterprises.models import ImportBatch
from lianzhao.enterprises.registry import BATCH, RegistryRefused, StageChunk, no_progress, write_chunks
from lianzhao.enterprises.rows import CELL_KEYS, DUPLICATE_KEYS, Checked, RowChecker, cells_of

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


class _Duplicates:
    """The duplicate keys of a whole file (name, USCC, stock code), as the checker hands them on:
    each key a 64-bit hash and its row number (16 bytes a row, not a dict of strings: a million rows
    stay small), sorted once at the end; a repeated hash is a repeated value (a collision of two
    different values has a chance of about 10⁻⁸ in a million rows)."""

    def __init__(self):
        self.keys = {key: (bytearray(), bytearray()) for key in DUPLICATE_KEYS}

    def add(self, keys: dict[str, tuple[bytes, bytes]]) -> None:
        for key, (hashes, numbers) in keys.items():
            self.keys[key][0].extend(hashes)
            self.keys[key][1].extend(numbers)

    def errors(self, layout) -> list[CellError]:
        """Rows repeating an earlier row's name, USCC or stock code."""
        import numpy as np

        found = []
        for key, label in DUPLICATE_KEYS.items():
            hashes, numbers = (np.frombuffer(bytes(a), dtype=np.int64) for a in self.keys[key])
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


def _cell_rows(reader) -> Iterator[tuple[int, tuple]]:
    """The file's rows as the checker takes them (CSV: straight from the reader)."""
    if isinstance(reader, CsvReader):
        yield from reader.cells(CELL_KEYS)
    else:
        for src in reader.rows():
            yield src.number, cells_of(src.values)


def _chunks(rows: Iterator[tuple[int, tuple]]) -> Iterator[list[tuple[int, tuple]]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
        reader = open_table(upload, SHEET_COLUMNS, filename=filename, max_rows=max_rows_of(filename),
                            sheet=DATA_SHEET, max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except SpreadsheetRefused as exc:
        return ImportResult(errors=exc.messages, error_count=len(exc.errors))
    checker = RowChecker(positions=reader.layout.positions, labels=reader.layout.labels, scales=SCALES,
                         today=timezone.localdate(), source=source)
    duplicates = _Duplicates()

    def add_errors(found: list[CellError]) -> None:
        state["count"] += len(found)
        state["errors"].extend(str(e) for e in found[:max(0, MAX_ERRORS - len(state["errors"]))])

    def checked_chunks() -> Iterator[StageChunk]:
        for checked in check_rows(checker, _chunks(_cell_rows(reader))):
            state["rows"] += checked.count
            duplicates.add(checked.keys)
            if checked.errors:
                add_errors(checked.errors)
            elif not state["count"] and checked.rows:
                yield checked.rows, checked.products

    def pending() -> list[str]:
        add_errors(duplicates.errors(reader.layout))
        if not state["rows"] and not state["count"]:
            add_errors([CellError(None, None, "", "文件中没有数据行（第 1 行为列名，从第 2 行起每行一家企业）。")])
        return _with_rest(state["errors"], state["count"]) if state["count"] else []

    try:
        with reader:
            result = write_chunks(checked_chunks(), kind=ImportKind.FILE, acting_user=acting_user,
                                  file_name=filename, sha256=sha, source=source, progress=progress,
                                  pending_errors=pending)
    except SpreadsheetRefused as exc:
        return ImportResult(errors=exc.messages, error_count=len(exc.errors))
    except RegistryRefused as exc:
        count = max(state["count"], len(exc.errors))
        return ImportResult(errors=_with_rest(exc.errors[:MAX_ERRORS], count), error_count=count)
    return ImportResult(batch=result.batch)


def max_rows_of(filename: str) -> int:
    return MAX_CSV_ROWS if is_csv(filename) else MAX_XLSX_ROWS


#: From this many rows on a second process checks rows while this one reads the file and stages
#: them: on a 2-core machine a million rows are read, checked and staged in about half the time.
PARALLEL_ROWS = 20_000
#: Chunks the second process may have waiting; when it has more, this process checks the next chunk
#: itself (so neither process waits for the other, whichever is faster on the machine). Four, not
#: two: this process also reads the file and stages the rows (on SQLite it writes them itself), so it
#: should check only what the second cannot take (SQLite, 1,000,000 rows: staging 25 s → 23 s).
WORKER_QUEUE = 4
#: Bytes a pipe to the second process holds (Linux: at most /proc/sys/fs/pipe-max-size, 1 MB by default).
PIPE_SIZE = 1 << 20


class _SecondChecker:
    """A second Python process running :func:`lianzhao.enterprises.rows.serve`, fed lists of rows
    through a pipe; a thread collects its answers (so neither side blocks on a full pipe). Started
    with ``python -m``, not multiprocessing: that would import the caller's main script again in the
    child, and the checker needs neither Django nor the database (rows.py is framework-free)."""

    def __init__(self, checker: RowChecker):
        import lianzhao

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(Path(lianzhao.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
        self.process = subprocess.Popen([sys.executable, "-m", "lianzhao.enterprises.rows"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env)
        # Pipes of 1 MB instead of 64 kB: a list of rows or its answer is about that size, and a thread
        # reading it in 64 kB pieces waits for the GIL after each while this process checks rows — the
        # second process then waits, blocked in its write (1,000,000 rows: 22 s → 16.5 s).
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(AttributeError, OSError):
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        self.answers: queue.Queue = queue.Queue()
        self.sent = self.received = 0
        self.thread = threading.Thread(target=self._collect, daemon=True)
        self.thread.start()
        self.alive = self._send(checker)

    def _send(self, item) -> bool:
        try:
            pickle.dump(item, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except OSError:  # the process has ended
            return False
        return True

    def _collect(self) -> None:
        try:
            while True:
                self.answers.put(pickle.load(self.process.stdout))  # noqa: S301 (our own child process)
        except Exception:  # the process ended (EOFError) or broke: the caller checks the rest itself
            self.answers.put(None)

    def submit(self, rows: list) -> bool:
        """Hand ``rows`` on; False when the process cannot take them (it has ended)."""
        self.alive = self.alive and self._send(rows)
        self.sent += self.alive
        return self.alive

    @property
    def waiting(self) -> int:
        return self.sent - self.received - self.answers.qsize()

    def next_answer(self, block: bool = True) -> Checked | None:
        """The answer to the oldest list sent (None: the process is gone)."""
        answer = self.answers.get(block=block)
        self.received += 1
        return answer

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def check_rows(checker: RowChecker, chunks: Iterator[list]) -> Iterator[Checked]:
    """Each chunk of rows checked, in the file's order (errors keep their order); from
    :data:`PARALLEL_ROWS` rows on, shared with a second process when the machine has two cores.
    Should the second process fail, this one checks the rows it had (nothing is lost)."""
    chunks = iter(chunks)
    for _ in range(PARALLEL_ROWS // BATCH):
        chunk = next(chunks, None)
        if chunk is None:
            return
        yield checker.check(chunk)
    if (os.cpu_count() or 1) < 2:
        yield from map(checker.check, chunks)
        return
    second = _SecondChecker(checker)
    # In file order: a Checked, or the list of rows whose answer the second process owes.
    pending: deque[Checked | list] = deque()
    broken = False

    def settle_head(block: bool) -> bool:
        nonlocal broken
        if isinstance(pending[0], Checked):
            return True
        if broken or (not block and second.answers.empty()):
            if broken:
                pending[0] = checker.check(pending[0])
            return broken
        answer = second.next_answer()
        if answer is None:
            broken = True
            pending[0] = checker.check(pending[0])
        else:
            pending[0] = answer
        return True

    try:
        for chunk in chunks:
            if not broken and second.waiting < WORKER_QUEUE and second.submit(chunk):
                pending.append(chunk)
            else:
                pending.append(checker.check(chunk))
            while pending and settle_head(block=len(pending) > 2 * WORKER_QUEUE + 1):
                yield pending.popleft()
        while pending:
            settle_head(block=True)
            yield pending.popleft()
    finally:
        second.close()


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

