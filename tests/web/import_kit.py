"""Building project import workbooks in tests (column label → value dicts)."""

from __future__ import annotations

import functools
import io
import struct
import zlib
from dataclasses import dataclass

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.projects import exporting

LABELS = [c.label for c in exporting.COLUMNS]


def upload_workbook(rows: list[dict], *, labels: list[str] | None = None, content: bytes | None = None):
    """A workbook with ``labels`` as its header (default: the template's) and one row per dict
    (column label → value); or ``content`` as the file when given."""
    if content is None:
        labels = labels or LABELS
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "项目"
        ws.append(labels)
        for row in rows:
            ws.append([row.get(label) for label in labels])
        buffer = io.BytesIO()
        wb.save(buffer)
        content = buffer.getvalue()
    return SimpleUploadedFile("projects.xlsx", content, content_type=XLSX_CONTENT_TYPE)


def import_file(department: str) -> SimpleUploadedFile:
    """A one-row import file creating a lead in ``department`` (used by the permission matrix)."""
    return upload_workbook([import_row(项目名称="权限测试导入项目", 责任部门=department)])


def import_row(**values) -> dict:
    base = {"项目名称": "导入项目甲", "所属产业": "新能源汽车", "招商方式": "以商招商", "责任部门": "投资促进一科"}
    base.update(values)
    return base


# --- hostile workbooks (decompression bombs) ---------------------------------------------------------

@dataclass(frozen=True)
class Repeated:
    """A zip part of ``head + chunk × times + tail``, deflated without ever being built in memory:
    after a full flush deflate forgets its history, so the compressed chunk is the same bytes each
    time and is simply repeated (1 GB of text costs about 1 MB)."""

    head: bytes
    chunk: bytes
    times: int
    tail: bytes = b""

    @functools.cached_property
    def deflated(self) -> tuple[bytes, int, int]:
        """(raw deflate stream, CRC-32, uncompressed size)."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = compressor.compress(self.head) + compressor.flush(zlib.Z_FULL_FLUSH)
        block = compressor.compress(self.chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        again = compressor.compress(self.chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        assert again == block
        tail = compressor.compress(self.tail) + compressor.flush(zlib.Z_FINISH)
        crc = zlib.crc32(self.head)
        for _ in range(self.times):
            crc = zlib.crc32(self.chunk, crc)
        crc = zlib.crc32(self.tail, crc)
        size = len(self.head) + len(self.chunk) * self.times + len(self.tail)
        return head + block * self.times + tail, crc, size


def _zip(parts: dict[str, bytes | Repeated]) -> bytes:
    """A zip archive written by hand (zipfile cannot take an already deflated stream)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, content in parts.items():
        if isinstance(content, Repeated):
            data, crc, size = content.deflated
        else:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = compressor.compress(content) + compressor.flush()
            crc, size = zlib.crc32(content), len(content)
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                  len(encoded), 0, 0, 0, 0, 0, offset))
        central.write(encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central.getvalue()), start, 0))
    return out.getvalue()


_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def hostile_xlsx(sheet_rows: bytes | Repeated, shared_strings: bytes | Repeated | None = None) -> bytes:
    """A minimal valid workbook whose one sheet's ``<sheetData>`` holds ``sheet_rows`` and, when
    given, whose shared-strings part holds ``shared_strings`` (its ``<si>`` items)."""
    def wrap(head: bytes, body, tail: bytes):
        if isinstance(body, Repeated):
            return Repeated(head + body.head, body.chunk, body.times, body.tail + tail)
        return head + body + tail

    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
             'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
             '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts: dict[str, bytes | Repeated] = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
                        f'org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                        f'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + _MAIN + b' xmlns:r="'
                            + _REL.encode() + b'"><sheets><sheet name="\xe9\xa1\xb9\xe7\x9b\xae" sheetId="1" '
                            b'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": wrap(b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _MAIN
                                         + b"><sheetData>", sheet_rows, b"</sheetData></worksheet>"),
        "xl/sharedStrings.xml": wrap(b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _MAIN + b">",
                                     shared_strings or b"", b"</sst>"),
    }
    return _zip(parts)


def inline_row(number: int, values: list[str]) -> bytes:
    """One ``<row>`` of inline-string cells (columns A, B, …)."""
    cells = "".join(f'<c r="{get_column_letter(i + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'.encode()


def shared_strings_bomb(megabytes: int = 1024) -> bytes:
    """About 1.2 MB that expands to ``megabytes`` MB: one shared string of that many letters A."""
    header = inline_row(1, LABELS[1:2])
    return hostile_xlsx(header, Repeated(b"<si><t>", b"A" * 1024 * 1024, megabytes, b"</t></si>"))


def empty_rows_bomb(labels: list[str], rows: int = 3_000_000) -> bytes:
    """About 30 KB: the header row, then ``rows`` empty ``<row/>`` elements."""
    return hostile_xlsx(Repeated(inline_row(1, labels), b"<row/>" * 100_000, rows // 100_000))
