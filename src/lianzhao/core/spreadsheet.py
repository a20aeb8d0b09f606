"""Reading the spreadsheets users upload — the one reader behind the importers (projects, the
regional base, the enterprise registry), with a CSV fast path (:class:`CsvReader`) for files of a
million rows. Writing workbooks is :mod:`lianzhao.core.xlsx`.

An .xlsx file is a zip archive of XML parts, so a small upload can expand enormously: 1.2 MB of
compressed text becomes a 1 GB shared-strings part, which openpyxl loads whole; 30 KB of repeated
``<row/>`` elements become 3,000,000 empty rows, each parsed in Python; a sheet can hold millions
of cells in one row, or of merged ranges after its rows, which openpyxl keeps in memory. The reader
therefore, before openpyxl sees the file (:func:`check_archive`),

* refuses more than :data:`MAX_ZIP_ENTRIES` parts or ``max_uncompressed`` bytes in all, from the
  sizes the archive declares (Python's :mod:`zipfile` never inflates a part beyond its declared
  size: a part that lies fails its CRC check instead);
* streams every XML part once, counting elements and rows on the bytes (:func:`_scan_part`), and
  stops at the first limit broken — limits derived from the importer's row limit and width;

then streams the sheet with openpyxl's read-only mode (one row in memory at a time), reads only the
columns it knows, ignores the sheet's declared dimensions (which may lie both ways), and stops at
``max_rows`` non-empty data rows or ``2 × max_rows + 1,000`` rows counted with the empty ones.

Headers are mapped to column keys by their label (compared after NFKC normalisation without spaces,
so "计划投资额(亿元)" matches "计划投资额（亿元）"; a trailing ``*`` of a required column is ignored);
columns may come in any order, and errors number columns as the user's file has them. Every problem
is a :class:`CellError` and reads "第 N 行 第 M 列（列名）：原因", "第 N 行：原因" or just the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 64
#: Elements of any XML part other than worksheets and shared strings (styles, workbook, relations).
MAX_PART_ELEMENTS = 100_000
#: Bytes of any part openpyxl loads whole (everything but worksheets, which are streamed).
MAX_LOADED_PART_BYTES = 64 * 1024 * 1024
#: Elements in one worksheet row (Excel has at most 16,384 columns; a cell is a few elements).
MAX_ROW_ELEMENTS = 4 * 16_384
#: Bytes without an element boundary (text of one cell: Excel allows 32,767 characters).
MAX_TEXT_BYTES = 1024 * 1024
#: Empty rows tolerated beyond twice the row limit (blank lines, rows Excel keeps for their format).
BLANK_ROW_ALLOWANCE = 1000

#: The words a yes/no column accepts (compared case-insensitively; an Excel TRUE/FALSE cell too).
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", ""})


@dataclass(frozen=True)
class SheetColumn:
    """One column an importer reads: its key, its header label, and whether the header is required."""

    key: str
    label: str
    required: bool = False


@dataclass(frozen=True)
class CellError:
    """One problem, at a spreadsheet row and column as the user's file has them (1-based), or None."""

    row: int | None
    column: int | None
    label: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return f"第 {self.row} 行：{self.message}"
        return f"第 {self.row} 行 第 {self.column} 列（{self.label}）：{self.message}"


class SpreadsheetRefused(Exception):
    """The file as a whole cannot be imported (not a workbook, too large, wrong headers, too many
    rows); ``errors`` lists every reason."""

    def __init__(self, errors: Sequence[CellError | str]):
        self.errors = [e if isinstance(e, CellError) else CellError(None, None, "", e) for e in errors]
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


def cell_text(value) -> str:
    """A cell as text: empty for None, ``12`` for the float 12.0 Excel stores for a typed 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _label_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).rstrip("*").lower()


@dataclass
class SheetRow:
    """One non-empty data row: its spreadsheet row number, its values by column key, and the errors
    found in it so far (importers add theirs with :meth:`error`)."""

    number: int
    values: dict[str, object]
    sheet: SheetLayout
    errors: list[CellError] = field(default_factory=list)

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if value.__class__ is str:  # CSV cells, and most of a sheet's: no conversion to decide
            return value.strip()
        return cell_text(value)

    def error(self, key: str | None, message: str) -> None:
        """Record a problem at column ``key`` (or of the whole row when ``key`` is None or a column
        the file does not have)."""
        column = self.sheet.positions.get(key) if key else None
        label = self.sheet.labels.get(key, "") if column else ""
        self.errors.append(CellError(self.number, column, label, message))

    def yes_no(self, key: str) -> bool:
        """A yes/no cell (:data:`YES_WORDS`, :data:`NO_WORDS`; empty is no). Any other text is an
        error at that cell, and counts as no."""
        text = self.text(key).lower()
        if text in YES_WORDS:
            return True
        if text not in NO_WORDS:
            self.error(key, f"“{self.text(key)}”无效，应填“是”或“否”。")
        return False

    def date(self, key: str) -> dt.date | None:
        """A date cell: an Excel date, or text such as 2025-03-28, 2025/3/28 or 2025.3.28."""
        value = self.values.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        try:
            year, month, day = (int(p) for p in text.replace("/", "-").replace(".", "-").split("-"))
            return dt.date(year, month, day)
        except ValueError:
            self.error(key, f"“{text}”不是有效日期，请填写如 2025-03-28。")
            return None


@dataclass(frozen=True)
class SheetLayout:
    """Where each known column is in the user's file (1-based) and its label."""

    positions: dict[str, int]
    labels: dict[str, str]


def check_archive(file, *, max_rows: int, width: int, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> int:
    """Refuse a file that is not a zip archive, that would expand beyond ``max_uncompressed`` bytes
    or :data:`MAX_ZIP_ENTRIES` parts (from the declared sizes, before anything is inflated), or any
    of whose XML parts is built to exhaust memory or time when parsed: see :func:`_scan_part`.
    ``width`` is the number of columns the importer reads. Returns the number of rows (empty ones
    included) of the longest sheet: an importer may decide from it to work in the background."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise SpreadsheetRefused([f"文件包含 {len(entries):,} 个部件，不像正常的 Excel 文件，已拒绝。"])
            total = sum(e.file_size for e in entries)
            if total > max_uncompressed:
                raise SpreadsheetRefused([
                    f"文件解压后达 {total / 1024 / 1024:,.0f} MB，超过上限 {max_uncompressed // 1024 // 1024} MB，"
                    "已拒绝（可能是异常文件）。请只保留需要导入的工作表和数据后重试。"])
            rows = 0
            for entry in entries:
                with archive.open(entry) as part:
                    rows = max(rows, _scan_part(part, entry, max_rows=max_rows, width=width))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        # RuntimeError: an encrypted part; NotImplementedError: a compression method zipfile lacks
        raise SpreadsheetRefused(["无法读取文件：不是有效的 Excel（.xlsx）文件。"]) from None
    file.seek(0)
    return rows


def _scan_part(part, entry: zipfile.ZipInfo, *, max_rows: int, width: int) -> int:
    """Stream one part (returning its number of rows) and stop as soon as it breaks a limit that bounds what openpyxl would later
    hold in memory or spend in time. Counting is done on the bytes (``<`` that opens an element,
    ``<row`` or ``<x:row``), at the speed of inflating, never under-counting:

    * a worksheet: at most ``2 × max_rows + 1,000`` rows; in all about four elements per cell of
      ``width + 4`` columns per allowed data row; at most :data:`MAX_ROW_ELEMENTS` in any one row,
      counting what precedes the first row and follows the last (openpyxl parses every cell of a
      row, whichever columns are read, and keeps a row and the parts after the rows whole);
    * the shared strings (loaded whole): at most 40 elements per allowed data row;
    * any other XML part (loaded whole): at most :data:`MAX_PART_ELEMENTS` elements;
    * every part except worksheets: at most :data:`MAX_LOADED_PART_BYTES` bytes;
    * no DTD (an .xlsx never has one; entity expansion needs one) and no UTF-16/32 text;
    * no run of more than :data:`MAX_TEXT_BYTES` without a ``<`` (Excel caps a cell at 32,767
      characters).

    A part that is not XML (an image) is skipped: openpyxl does not parse it either."""
    head = part.read(1 << 16)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or start[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        raise SpreadsheetRefused([f"文件中的部件 {entry.filename} 不是 UTF-8 编码，不是正常的 Excel 文件，已拒绝。"])
    root = _ROOT.match(start)
    if root is None:
        return 0
    kind = root.group(1).decode(errors="replace")
    if kind != "worksheet" and entry.file_size > MAX_LOADED_PART_BYTES:
        raise SpreadsheetRefused([f"文件中的部件 {entry.filename} 解压后达 {entry.file_size / 1024 / 1024:,.0f} MB，"
                                  f"超过上限 {MAX_LOADED_PART_BYTES // 1024 // 1024} MB，已拒绝（可能是异常文件）。"])
    row_cap = 2 * max_rows + BLANK_ROW_ALLOWANCE
    limit = {"worksheet": max_rows * 4 * (width + 4) + MAX_PART_ELEMENTS,
             "sst": 40 * max_rows + 10_000}.get(kind, MAX_PART_ELEMENTS)
    too_many = f"文件中的部件 {entry.filename} 结构异常（元素过多），已拒绝（可能是异常文件）。"
    elements = rows = in_row = 0
    carry = b""
    chunk = head
    while chunk:
        data = carry + chunk
        chunk = part.read(1 << 20)
        cut = data.rfind(b"<") if chunk else len(data)  # no pattern straddles the cut: each starts with <
        if cut < 0 or len(data) - cut > MAX_TEXT_BYTES:
            raise SpreadsheetRefused([too_many])
        done, carry = data[:cut], data[cut:]
        if b"<!DOCTYPE" in done:
            raise SpreadsheetRefused(["文件中含有文档类型声明（DTD），不是正常的 Excel 文件，已拒绝。"])
        position = 0
        for match in _ROW.finditer(done) if kind == "worksheet" else ():
            elements, in_row = _add(done, position, match.start(), elements, in_row, limit, too_many)
            rows, in_row, position = rows + 1, 0, match.start()
            if rows > row_cap:
                raise SpreadsheetRefused([_too_long(row_cap, max_rows)])
        elements, in_row = _add(done, position, len(done), elements, in_row, limit, too_many)
    return rows


def _add(data: bytes, start: int, end: int, elements: int, in_row: int, limit: int, message: str) -> tuple[int, int]:
    """Count the elements opened in ``data[start:end]`` (without copying it) into both counters."""
    count = (data.count(b"<", start, end) - data.count(b"</", start, end) - data.count(b"<?", start, end)
             - data.count(b"<!", start, end))
    elements, in_row = elements + count, in_row + count
    if elements > limit or in_row > MAX_ROW_ELEMENTS:
        raise SpreadsheetRefused([message])
    return elements, in_row


_ROOT = re.compile(rb"(?:<[?!][^>]*>\s*)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])")


def _too_long(row_cap: int, max_rows: int) -> str:
    return (f"工作表超过 {row_cap:,} 行（含空行）。请删除多余的空行，或拆分文件后分批导入"
            f"（每次最多 {max_rows:,} 行）。")


def header_layout(header: Sequence, columns: Sequence[SheetColumn], unknown: str) -> SheetLayout:
    """Map the header row's labels to ``columns`` (see the module docstring); raise
    :class:`SpreadsheetRefused` naming every unknown, repeated or missing column."""
    by_label = {_label_key(c.label): c for c in columns}
    positions, labels, problems = {}, {}, []
    for index, raw in enumerate(header, start=1):
        text = cell_text(raw)
        if not text:
            continue
        if index > MAX_COLUMNS:
            problems.append(CellError(1, index, text, f"列数超过 {MAX_COLUMNS}，请使用导入模板。"))
            break
        column = by_label.get(_label_key(text))
        if column is None:
            if unknown == "refuse":
                problems.append(CellError(1, index, text, "不是模板中的列名，请使用导入模板。"))
        elif column.key in positions:
            problems.append(CellError(1, index, text, "列名重复。"))
        else:
            positions[column.key] = index
            labels[column.key] = column.label
    missing = [c.label for c in columns if c.required and c.key not in positions]
    if missing:
        problems.append(CellError(1, None, "", f"缺少必填列 {'、'.join(missing)}，请使用导入模板。"))
    if problems:
        raise SpreadsheetRefused(problems)
    return SheetLayout(positions, labels)


class SpreadsheetReader:
    """A streaming reader of one sheet of an uploaded .xlsx file with the given columns.

    Opening checks the archive (:func:`check_archive`) and the header row, and raises
    :class:`SpreadsheetRefused` with every problem found. :meth:`rows` then yields the non-empty data
    rows one at a time and raises :class:`SpreadsheetRefused` when the sheet is longer than allowed.
    Use it as a context manager (the archive stays open while reading).

    ``sheet`` names the sheet to read when the file has it (else the first sheet is read).
    ``unknown`` is what to do with a header that is none of ``columns``: "refuse" or "ignore".
    """

    def __init__(self, file, columns: Sequence[SheetColumn], *, max_rows: int, sheet: str | None = None,
                 max_uncompressed: int = MAX_UNCOMPRESSED_BYTES, unknown: str = "refuse"):
        self.columns = list(columns)
        self.max_rows = max_rows
        check_archive(file, max_rows=max_rows, width=len(self.columns), max_uncompressed=max_uncompressed)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
                self._wb = load_workbook(file, read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl raises many types for a zip that is not a workbook
            raise SpreadsheetRefused(["无法读取文件：不是有效的 Excel（.xlsx）文件。"]) from None
        try:
            if not self._wb.worksheets:
                raise SpreadsheetRefused(["文件中没有工作表。"])
            self._ws = self._wb[sheet] if sheet and sheet in self._wb.sheetnames else self._wb.worksheets[0]
            if not hasattr(self._ws, "iter_rows"):  # a chart sheet
                raise SpreadsheetRefused(["第一个工作表不是数据表，请使用导入模板。"])
            self._ws.reset_dimensions()  # the declared size may lie: read what is there
            self.layout = self._read_header(unknown)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> SpreadsheetReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._wb.close()

    def _read_header(self, unknown: str) -> SheetLayout:
        header = next(self._ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
        return header_layout(header, self.columns, unknown)

    def rows(self) -> Iterator[SheetRow]:
        """The non-empty data rows (from row 2), each with its values by column key."""
        positions = self.layout.positions
        width = max(positions.values())
        physical_limit = 2 * self.max_rows + BLANK_ROW_ALLOWANCE
        found = 0
        rows = self._ws.iter_rows(min_row=2, max_col=width, values_only=True)
        try:
            for number, values in enumerate(rows, start=2):
                if number - 1 > physical_limit:
                    raise SpreadsheetRefused([_too_long(physical_limit, self.max_rows)])
                cells = {key: values[pos - 1] if pos <= len(values) else None for key, pos in positions.items()}
                if all(cell_text(v) == "" for v in cells.values()):
                    continue
                found += 1
                if found > self.max_rows:
                    raise SpreadsheetRefused([f"单次最多导入 {self.max_rows:,} 行，请拆分文件。"])
                yield SheetRow(number, cells, self.layout)
        finally:
            rows.close()


def read_sheet(file, columns: Sequence[SheetColumn], *, max_rows: int, sheet: str | None = None,
               max_uncompressed: int = MAX_UNCOMPRESSED_BYTES, unknown: str = "refuse") -> list[SheetRow]:
    """Every non-empty data row of the file (see :class:`SpreadsheetReader`); refuses a file with no
    data row."""
    with SpreadsheetReader(file, columns, max_rows=max_rows, sheet=sheet, max_uncompressed=max_uncompressed,
                           unknown=unknown) as reader:
        rows = list(reader.rows())
    if not rows:
        raise SpreadsheetRefused(["文件中没有数据行（第 1 行为列名，从第 2 行起每行一条）。"])
    return rows


#: A CSV field longer than this is refused (Excel caps a cell at 32,767 characters).
MAX_CSV_FIELD = 32_767
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class CsvReader:
    """A streaming reader of an uploaded CSV file with the given columns: the same header rules, rows
    and errors as :class:`SpreadsheetReader`, at the speed of Python's :mod:`csv` module — a million
    rows read in seconds, where openpyxl needs minutes for the same sheet as .xlsx.

    The encoding is UTF-8 (with or without BOM) or, when the start of the file is not UTF-8, GB18030
    (what Excel in Chinese saves as "CSV"). Refused: bytes that are not text in that encoding, NUL
    characters, fields over :data:`MAX_CSV_FIELD` characters, more than ``max_rows`` data rows (or
    ``2 × max_rows + 1,000`` lines with the blank ones). Values are the cells' text (stripped)."""

    def __init__(self, file, columns: Sequence[SheetColumn], *, max_rows: int, unknown: str = "refuse"):
        self.columns, self.max_rows = list(columns), max_rows
        file.seek(0)
        head = file.read(1 << 16)
        file.seek(0)
        self.encoding = _csv_encoding(head)
        self._text = io.TextIOWrapper(file, encoding=self.encoding, newline="")
        self._reader = csv.reader(self._text, strict=False)
        try:
            header = self._next_row()
        except BaseException:
            self.close()
            raise
        if header is None:
            self.close()
            raise SpreadsheetRefused(["文件是空的：第 1 行应为列名。"])
        self.layout = header_layout(header, self.columns, unknown)

    def __enter__(self) -> CsvReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._text.detach()  # the upload belongs to the caller: do not close it

    def _next_row(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except UnicodeDecodeError:
            raise SpreadsheetRefused([f"第 {self._reader.line_num + 1} 行附近的内容不是 {self.encoding} 编码的文字，"
                                      "请用 UTF-8 或 GB18030 编码另存为 CSV。"]) from None
        except csv.Error as exc:
            raise SpreadsheetRefused([f"第 {self._reader.line_num} 行：无法读取 CSV（{exc}）。"]) from None

    def rows(self) -> Iterator[SheetRow]:
        """The non-empty data rows (line 2 on), each with its values by column key."""
        keys = list(self.layout.positions)
        for number, cells in self.cells(keys):
            yield SheetRow(number, dict(zip(keys, cells, strict=True)), self.layout)

    def cells(self, keys: Sequence[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The non-empty data rows as (line number, the stripped text of the columns ``keys``, "" for
        a column the file does not have) — :meth:`rows` without a dict and an object per row, for
        importers of a million rows."""
        positions = [self.layout.positions.get(key, 0) for key in keys]
        physical_limit = 2 * self.max_rows + BLANK_ROW_ALLOWANCE
        found = number = 0
        while (values := self._next_row()) is not None:
            number = self._reader.line_num
            if number - 1 > physical_limit:
                raise SpreadsheetRefused([_too_long(physical_limit, self.max_rows)])
            width = len(values)
            cells = tuple(values[pos - 1].strip() if 0 < pos <= width else "" for pos in positions)
            if not any(cells):
                continue
            if max(map(len, cells)) > MAX_CSV_FIELD:
                raise SpreadsheetRefused([f"第 {number} 行：单元格超过 {MAX_CSV_FIELD:,} 个字符，已拒绝。"])
            found += 1
            if found > self.max_rows:
                raise SpreadsheetRefused([f"单次最多导入 {self.max_rows:,} 行，请拆分文件。"])
            yield number, cells


def _csv_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if b"\x00" in head:
        raise SpreadsheetRefused(["文件含有空字符（NUL），不是 CSV 文本文件，已拒绝。"])
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            head[:len(head) - cut].decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError:
            continue
    return "gb18030"


def is_csv(filename: str) -> bool:
    return (filename or "").lower().endswith(".csv")


def open_table(file, columns: Sequence[SheetColumn], *, filename: str, max_rows: int, sheet: str | None = None,
               max_uncompressed: int = MAX_UNCOMPRESSED_BYTES, unknown: str = "refuse"):
    """A :class:`CsvReader` for a ``.csv`` file name, else a :class:`SpreadsheetReader` (.xlsx)."""
    if is_csv(filename):
        return CsvReader(file, columns, max_rows=max_rows, unknown=unknown)
    return SpreadsheetReader(file, columns, max_rows=max_rows, sheet=sheet, max_uncompressed=max_uncompressed,
                             unknown=unknown)
