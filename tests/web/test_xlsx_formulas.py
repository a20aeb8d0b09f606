"""Every Excel export writes text typed by users or imported as text: never a live formula, and
quote-prefixed when it starts like one (so it stays text when edited or saved as CSV). The gap
workbook's case is in tests/analysis/test_gaps_and_impact.py (it needs the demo)."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from lianzhao.paths import PACKAGE_DIR
from lianzhao.projects.models import InvestmentProject
from tests.report_kit import live_formulas, unguarded_formula_text
from tests.web.dispatch_world import WEEK, build_world

LINK = '=HYPERLINK("http://example.invalid/","打开")'


def _values(content: bytes) -> list:
    return [c.value for ws in load_workbook(io.BytesIO(content)).worksheets for row in ws.iter_rows() for c in row]


def test_the_project_export_writes_formula_like_text_as_text(client, personas, make_project):
    make_project(name=LINK, notes="+86 532 0000 0000", referrer="@某商会")
    client.force_login(personas["leader"])
    content = client.get(reverse("project_export")).content
    assert live_formulas(content) == [] and unguarded_formula_text(content) == []
    values = _values(content)
    assert LINK in values and "+86 532 0000 0000" in values and "@某商会" in values


def test_the_weekly_report_workbook_writes_formula_like_text_as_text(client, personas, departments, industry):
    build_world(departments, industry)
    InvestmentProject.all_objects.filter(name="新线索甲").update(name=LINK)
    InvestmentProject.all_objects.filter(name="转红戊").update(name="-1+2")
    client.force_login(personas["leader"])
    content = client.get(reverse("weekly_report"), {"week": WEEK, "format": "xlsx"}).content
    assert live_formulas(content) == [] and unguarded_formula_text(content) == []
    values = _values(content)
    assert LINK in values and "-1+2" in values


def test_only_the_core_writer_puts_values_into_cells():
    """Every workbook lianzhao writes fills its cells through lianzhao.core.xlsx (set_cell and the
    helpers on it), the one place that keeps text from becoming a formula; ws.append or cell.value =
    elsewhere is how the gap workbook once wrote an imported =HYPERLINK(...) as a live formula."""
    writes = re.compile(r"\.append\(\s*\[|\.value\s*=(?!=)|\.cell\([^)]*\bvalue\s*=")
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "xlsx.py" and "Workbook(" in text:  # the modules that write workbooks
            offenders += [f"{path.relative_to(PACKAGE_DIR)}: {m.group(0)}" for m in writes.finditer(text)]
    assert offenders == []
