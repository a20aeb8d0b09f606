"""The one spreadsheet reader behind both Excel importers: hostile files refused before they cost
memory or time, headers mapped by label, one error format, the same yes/no words."""

from __future__ import annotations

import io
import tracemalloc

import openpyxl
import pytest

from lianzhao.core.spreadsheet import (
    NO_WORDS,
    YES_WORDS,
    CellError,
    SheetColumn,
    SpreadsheetRefused,
    read_sheet,
)
from tests.web.import_kit import (
    LABELS,
    Repeated,
    empty_rows_bomb,
    hostile_xlsx,
    inline_row,
    shared_strings_bomb,
)

COLUMNS = [SheetColumn(label, label, required=label in ("项目名称", "所属产业")) for label in LABELS]


def _refusal(data: bytes, *, max_rows: int = 5000, columns=COLUMNS) -> tuple[list[str], float]:
    """The reader's refusal of ``data`` and the peak of the memory Python allocated meanwhile (MB)."""
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetRefused) as refused:
            read_sheet(io.BytesIO(data), columns, max_rows=max_rows)
        return refused.value.messages, tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def _xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_small_file_expanding_to_a_gigabyte_is_refused_before_it_is_inflated():
    bomb = shared_strings_bomb(1024)
    assert len(bomb) < 1_300_000
    messages, peak = _refusal(bomb)
    assert messages == ["文件解压后达 1,024 MB，超过上限 100 MB，已拒绝（可能是异常文件）。请只保留需要导入的工作表和数据后重试。"]
    assert peak < 5


def test_a_shared_strings_part_within_the_total_but_too_large_to_load_is_refused():
    messages, peak = _refusal(shared_strings_bomb(80))
    assert messages == ["文件中的部件 xl/sharedStrings.xml 解压后达 80 MB，超过上限 64 MB，已拒绝（可能是异常文件）。"]
    assert peak < 5


def test_millions_of_empty_rows_are_refused_at_the_row_limit():
    bomb = empty_rows_bomb(LABELS, rows=3_000_000)
    assert len(bomb) < 40_000
    messages, peak = _refusal(bomb)
    assert messages == ["工作表超过 11,000 行（含空行）。请删除多余的空行，或拆分文件后分批导入（每次最多 5,000 行）。"]
    assert peak < 30


@pytest.mark.parametrize("body", [
    Repeated(inline_row(1, LABELS), b"<row>" + b"<c/>" * 70_000 + b"</row>", 1),  # one very wide row
    # many wide rows: about twice what the template's columns allow for 5,000 rows (the budget grows
    # with the number of columns the importer reads)
    Repeated(inline_row(1, LABELS), b"<row>" + b"<c/>" * 1_000 + b"</row>", 40 * (len(LABELS) + 4) + 200),
    Repeated(inline_row(1, LABELS) + b"</sheetData><mergeCells>", b'<mergeCell ref="A1:B2"/>' * 1000, 200,
             b"</mergeCells><sheetData>"),  # what openpyxl keeps whole after the rows
], ids=["wide-row", "wide-rows", "merged-cells"])
def test_sheets_built_to_exhaust_the_parser_are_refused(body):
    # Refused by the scan, before openpyxl parses anything (which would hold each row, or what
    # follows the rows, whole).
    with pytest.raises(SpreadsheetRefused) as refused:
        read_sheet(io.BytesIO(hostile_xlsx(body)), COLUMNS, max_rows=5000)
    assert refused.value.messages == [
        "文件中的部件 xl/worksheets/sheet1.xml 结构异常（元素过多），已拒绝（可能是异常文件）。"]


def test_entity_declarations_are_refused():
    laughs = (b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b"<si><t>&b;</t></si>")
    data = hostile_xlsx(inline_row(1, LABELS), laughs)
    assert _refusal(data)[0] == ["文件中含有文档类型声明（DTD），不是正常的 Excel 文件，已拒绝。"]


def test_a_file_that_is_not_a_workbook_is_refused():
    assert _refusal(b"PK\x03\x04 not really a zip")[0] == ["无法读取文件：不是有效的 Excel（.xlsx）文件。"]
    assert _refusal(b"")[0] == ["无法读取文件：不是有效的 Excel（.xlsx）文件。"]


def test_a_row_far_below_the_data_does_not_walk_the_rows_in_between():
    body = inline_row(1, ["项目名称", "所属产业"]) + inline_row(2, ["甲", "乙"]) + inline_row(900_000, ["丙", "丁"])
    messages, _ = _refusal(hostile_xlsx(body))
    assert messages == ["工作表超过 11,000 行（含空行）。请删除多余的空行，或拆分文件后分批导入（每次最多 5,000 行）。"]


def test_more_data_rows_than_allowed_are_refused():
    data = _xlsx([["项目名称", "所属产业"], *[[f"项目{i}", "x"] for i in range(4)]])
    assert _refusal(data, max_rows=3)[0] == ["单次最多导入 3 行，请拆分文件。"]
    assert len(read_sheet(io.BytesIO(data), COLUMNS, max_rows=4)) == 4


def test_declared_dimensions_that_lie_do_not_hide_rows():
    dimension = b'<dimension ref="A1:B2"/>'  # says two rows; there are six
    rows = inline_row(1, ["项目名称", "所属产业"]) + b"".join(inline_row(n, [f"项目{n}", "x"]) for n in range(2, 7))
    data = hostile_xlsx(rows).replace(b"<sheetData>", dimension + b"<sheetData>")
    assert [r.text("项目名称") for r in read_sheet(io.BytesIO(data), COLUMNS, max_rows=100)] == [
        "项目2", "项目3", "项目4", "项目5", "项目6"]


def test_headers_match_in_any_order_with_ascii_brackets_spaces_and_a_required_star():
    data = _xlsx([["所属产业 *", "计划投资额(亿元)", " 项目名称"], ["新能源汽车", 12.5, "甲"], [None, None, None],
                  ["", " ", None], ["绿色能源", None, "乙"]])
    rows = read_sheet(io.BytesIO(data), COLUMNS, max_rows=10)
    assert [(r.number, r.text("项目名称"), r.text("所属产业"), r.text("计划投资额（亿元）")) for r in rows] == [
        (2, "甲", "新能源汽车", "12.5"), (5, "乙", "绿色能源", "")]
    rows[0].error("计划投资额（亿元）", "原因。")
    rows[0].error(None, "整行的原因。")
    rows[0].error("备注", "文件没有这一列。")
    assert [str(e) for e in rows[0].errors] == [
        "第 2 行 第 2 列（计划投资额（亿元））：原因。", "第 2 行：整行的原因。", "第 2 行：文件没有这一列。"]


def test_every_header_problem_is_listed():
    data = _xlsx([["项目名称", "金额", "项目名称"], ["甲", 1, "乙"]])
    assert _refusal(data)[0] == [
        "第 1 行 第 2 列（金额）：不是模板中的列名，请使用导入模板。",
        "第 1 行 第 3 列（项目名称）：列名重复。",
        "第 1 行：缺少必填列 所属产业，请使用导入模板。"]


def test_an_empty_sheet_has_no_data_rows():
    assert _refusal(_xlsx([["项目名称", "所属产业"]]))[0] == [
        "文件中没有数据行（第 1 行为列名，从第 2 行起每行一条）。"]


@pytest.mark.parametrize(("cell", "expected"), [
    *[(word, True) for word in YES_WORDS], *[(word.upper(), True) for word in YES_WORDS],
    *[(word, False) for word in NO_WORDS], (True, True), (False, False), (1, True), (None, False),
])
def test_yes_and_no_are_the_same_words_for_every_importer(cell, expected):
    data = _xlsx([["项目名称", "所属产业", "确认不是重复项目"], ["甲", "乙", cell]])
    [row] = read_sheet(io.BytesIO(data), COLUMNS, max_rows=5)
    assert row.yes_no("确认不是重复项目") is expected and row.errors == []


def test_any_other_answer_to_a_yes_no_column_is_an_error():
    data = _xlsx([["项目名称", "所属产业", "确认不是重复项目"], ["甲", "乙", "也许"]])
    [row] = read_sheet(io.BytesIO(data), COLUMNS, max_rows=5)
    assert row.yes_no("确认不是重复项目") is False
    assert row.errors == [CellError(2, 3, "确认不是重复项目", "“也许”无效，应填“是”或“否”。")]
