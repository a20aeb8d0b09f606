"""Building project import workbooks in tests (column label → value dicts)."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

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
