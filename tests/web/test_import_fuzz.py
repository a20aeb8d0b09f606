"""Fuzzing both Excel importers with hypothesis: whatever the cells hold, the answer is never a 500;
a refused file gets clear messages in the one error format and writes nothing; an accepted one
writes exactly the audit rows its data calls for."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianzhao.analysis.importing import HEADERS, import_base, parse_workbook
from lianzhao.analysis.models import RegionalBase, RegionalBaseRow
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import snapshot
from lianzhao.core.models import Region
from lianzhao.core.xlsx import XLSX_CONTENT_TYPE
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from tests.web.import_kit import LABELS

#: "第 N 行 第 M 列（列名）：原因", "第 N 行：原因", "第 N、M 行：原因", or a message about the whole file.
ERROR = re.compile(r"^(第 \d+(、\d+)* 行( 第 \d+ 列（.+?）)?：.+|[^第].+)$", re.S)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text a cell can hold (openpyxl refuses control characters; Excel cannot store them either).
cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
junk = st.one_of(
    st.none(), cell_text, st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["NaN", "Infinity", "-0", "1E-400", "1E+400", "=HYPERLINK(\"http://x\")", " ", "２０２５-０１-０１",
                     "²", "١٢", "2025/2/30", "是", "否", "也许", str(2**63), "0x1F", "1,000.5"]),
)


def _cell(label: str):
    """A value for a project column: mostly plausible, often junk."""
    plausible = {
        "项目名称": st.text(alphabet="甲乙丙项目示例·", min_size=1, max_size=8), "所属产业": st.just("新能源汽车"),
        "招商方式": st.sampled_from(["以商招商", "展会招商"]), "责任部门": st.sampled_from(["投资促进一科", "投资促进二科"]),
        "阶段": st.sampled_from(["线索", "接洽", "签约", "终止"]), "线索日期": st.dates(dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        "接洽日期": st.dates(dt.date(2024, 1, 1), dt.date(2025, 3, 1)),
        "签约日期": st.dates(dt.date(2024, 1, 1), dt.date(2025, 3, 1)),
        "签约投资额（亿元）": st.decimals(min_value=0, max_value=100, places=2).map(str),
        "ID": st.integers(min_value=1, max_value=3), "版本": st.integers(min_value=1, max_value=2),
    }.get(label, st.none())
    return st.one_of(plausible, plausible, junk)


project_rows = st.lists(st.fixed_dictionaries({label: _cell(label) for label in LABELS}), min_size=1, max_size=4)


def _workbook(rows: list[dict], labels: list[str]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(labels)
    for row in rows:
        ws.append([row.get(label) for label in labels])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _counts():
    return (InvestmentProject.all_objects.count(), ProjectEvent.objects.count(), AuditRecord.objects.count())


@pytest.mark.django_db
@FUZZ
@given(rows=project_rows, drop=st.sets(st.sampled_from(LABELS), max_size=3))
def test_the_project_import_never_fails_with_a_500_and_never_half_writes(client, personas, make_project, rows,
                                                                        drop):
    client.force_login(personas["officer_a"])
    labels = [label for label in LABELS if label not in drop]
    with transaction.atomic():
        make_project(stage="contacted")  # an ID of 1 to 3 may or may not name it
        before = _counts()
        first_audit = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.post(reverse("project_import"), {
            "file": SimpleUploadedFile("fuzz.xlsx", _workbook(rows, labels), content_type=XLSX_CONTENT_TYPE)})
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            errors = response.context["errors"] or [str(e) for e in response.context["form"].errors.values()]
            assert errors and all(ERROR.match(e) for e in errors), errors
            assert _counts() == before
        else:
            records = AuditRecord.objects.filter(pk__gt=first_audit, model_name="investmentproject")
            for record in records:
                project = InvestmentProject.all_objects.get(pk=record.object_id)
                assert record.actor == personas["officer_a"]
                if record.action == "create":
                    assert record.after == snapshot(project)
            created = InvestmentProject.all_objects.count() - before[0]
            assert records.filter(action="create").count() == created
        transaction.set_rollback(True)


base_rows = st.lists(st.tuples(
    st.one_of(st.sampled_from(["io153", "io42", "gbt", "153"]), junk),
    st.one_of(st.sampled_from(["079", "080", "87", "3612", "3670", "01"]), junk),
    st.one_of(cell_text, st.none()),
    st.one_of(st.decimals(min_value=0, max_value=10**9, places=2).map(str), junk),
    st.one_of(st.just(2024), junk),
    st.one_of(st.just("区统计局"), junk),
    st.one_of(st.sampled_from(["是", "否"]), junk),
    st.one_of(st.none(), junk),
), min_size=1, max_size=5)


@pytest.mark.django_db
@FUZZ
@given(rows=base_rows)
def test_the_base_import_never_fails_and_writes_all_or_nothing(personas, rows):
    region, _ = Region.objects.get_or_create(code="370215", defaults={"name": "即墨区"})
    wb = openpyxl.Workbook()
    wb.active.append(HEADERS)
    for row in rows:
        wb.active.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    with transaction.atomic():
        parsed = parse_workbook(buffer.getvalue(), table_sectors=153, national_totals={"079": 1e9})
        if parsed.errors:
            assert all(ERROR.match(e) for e in parsed.errors), parsed.errors
            assert not RegionalBase.objects.exists()
        else:
            base = import_base(region=region, name="模糊测试", parsed=parsed, measure="output",
                               acting_user=personas["analyst"])
            assert base.rows.count() == len(parsed.rows) == len(rows) - sum(1 for r in rows if _blank(r))
            assert sum(r.value for r in RegionalBaseRow.objects.filter(base=base)) > 0
            record = AuditRecord.objects.get(model_name="regionalbase", action="create")
            assert record.after["rows"] == base.rows.count() and record.actor == personas["analyst"]
        transaction.set_rollback(True)


def _blank(row) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
