"""Bulk import of projects from the Excel template (:mod:`lianzhao.projects.exporting`).

Parse → validate every row with :class:`~lianzhao.projects.forms.InvestmentProjectForm` (plus the
stage and date rules below) → write all rows or none in one transaction. Every problem is reported as
"第 N 行 第 M 列（列名）: 原因" with N the spreadsheet row and M the column as the user's file has them.

A row updates an existing project when its ``ID`` names one, else when a project with the same investor
and name exists; otherwise it creates one. Updates go through
:func:`~lianzhao.projects.services.update_project` (one audit row when something changed) and stage
moves through :func:`~lianzhao.projects.services.change_stage` (its own audit row); a new project may be
created directly at a later main-line stage with that stage's dates (:func:`create_imported_project`).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode, Industry
from lianzhao.projects import services
from lianzhao.projects.choices import (
    PIPELINE,
    SIGNED_OR_LATER,
    STAGE_DATE_FIELD,
    AttractionMethod,
    EventKind,
    ProjectStage,
)
from lianzhao.projects.exporting import COLUMN_BY_KEY, COLUMNS, DATA_SHEET
from lianzhao.projects.forms import InvestmentProjectForm
from lianzhao.projects.models import InvestmentProject, ProjectEvent

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
DATE_KEYS = set(STAGE_DATE_FIELD.values())
_YES = {"是", "y", "yes", "true", "1", "确认"}


class ProjectImportForm(forms.Form):
    """The upload field of the import page."""

    file = forms.FileField(label=_("Excel 文件（.xlsx）"), error_messages={"required": _("请选择要导入的 Excel 文件。")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）。"))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件超过 %(mb)s MB。") % {"mb": MAX_BYTES // 1024 // 1024})
        return upload


@dataclass(frozen=True)
class RowError:
    """One problem: spreadsheet row and column (1-based, as in the user's file) or None."""

    row: int | None
    column: int | None
    label: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return f"第 {self.row} 行: {self.message}"
        return f"第 {self.row} 行 第 {self.column} 列（{self.label}）: {self.message}"


@dataclass
class ImportResult:
    created: list[InvestmentProject] = field(default_factory=list)
    updated: list[InvestmentProject] = field(default_factory=list)
    stage_changes: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Failed(Exception):
    """Raised inside the transaction to roll every row back when any row failed."""


@dataclass
class _Row:
    number: int
    cells: dict[str, object]
    positions: dict[str, int]
    errors: list[RowError] = field(default_factory=list)
    project: InvestmentProject | None = None
    data: dict = field(default_factory=dict)
    stage: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)
    signed_amount: Decimal | None = None

    def error(self, key: str | None, message: str) -> None:
        label = COLUMN_BY_KEY[key].label if key in COLUMN_BY_KEY else ""
        self.errors.append(RowError(self.number, self.positions.get(key) if key else None, label, message))

    def text(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


# --- reading the file ------------------------------------------------------------------------------

def read_rows(upload) -> list[_Row]:
    """The non-empty data rows of the 项目 sheet (or the first sheet), cells keyed by column key.
    Raises ValidationError with every problem of the file's shape (not an xlsx, unknown or missing
    column headers, too many rows)."""
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        raise ValidationError("无法读取文件：不是有效的 Excel（.xlsx）文件。") from None
    ws = wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_label = {c.label: c.key for c in COLUMNS}
    positions, problems = {}, []
    for index, raw in enumerate(header, start=1):
        label = str(raw or "").strip().rstrip("*＊").strip()
        if not label:
            continue
        if label not in by_label:
            problems.append(f"第 1 行 第 {index} 列（{label}）: 不是模板中的列名，请使用导入模板。")
        elif by_label[label] in positions:
            problems.append(f"第 1 行 第 {index} 列（{label}）: 列名重复。")
        else:
            positions[by_label[label]] = index
    missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        problems.append("缺少必填列：" + "、".join(missing) + "。请使用导入模板。")
    if problems:
        raise ValidationError(problems)
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {key: values[pos - 1] if pos - 1 < len(values) else None for key, pos in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        if len(out) == MAX_ROWS:
            raise ValidationError(f"单次最多导入 {MAX_ROWS} 行，请拆分文件。")
        out.append(_Row(number, cells, positions))
    if not out:
        raise ValidationError("文件中没有数据行（第 1 行为列名，从第 2 行起每行一个项目）。")
    return out


def _date(row: _Row, key: str) -> dt.date | None:
    value = row.cells.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        row.error(key, f"“{value}”不是有效日期，请填写如 2025-03-28。")
        return None


def _decimal(row: _Row, key: str) -> Decimal | None:
    text = row.text(key)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        row.error(key, f"“{text}”不是数字，单位亿元，如 12.5。")
        return None
    if value < 0:
        row.error(key, "不能为负数。")
    return value


# --- reference values --------------------------------------------------------------------------------

class _Lookups:
    """Every reference row the file can name, read once (not once per row)."""

    def __init__(self, rows: list[_Row]):
        self.industries = {i.name: i for i in Industry.objects.all()}
        self.nodes = {(n.industry_id, n.name): n for n in ChainNode.objects.all()}
        self.departments = {}
        for d in Department.objects.all():
            self.departments[d.name] = self.departments[d.code] = d
        names = {r.text("investor") for r in rows} - {""}
        self.enterprises = {e.name: e for e in Enterprise.objects.filter(name__in=names)}
        officers = list(User.objects.filter(role=Role.OFFICER, is_active=True))
        self.officers = {u.username: u for u in officers}
        for u in officers:
            if u.display_name and sum(o.display_name == u.display_name for o in officers) == 1:
                self.officers.setdefault(u.display_name, u)
        self.methods = {m.label: m.value for m in AttractionMethod} | {m.value: m.value for m in AttractionMethod}
        self.stages = {s.label: s.value for s in ProjectStage} | {s.value: s.value for s in ProjectStage}
        ids = [int(r.text("id")) for r in rows if r.text("id").isdigit()]
        self.by_id = InvestmentProject.all_objects.in_bulk(ids)
        self.by_identity = {(p.investor_id, p.name): p for p in InvestmentProject.all_objects.filter(
            name__in={r.text("name") for r in rows})}


def _reference(row: _Row, key: str, table: dict, what: str):
    text = row.text(key)
    if not text:
        return ""
    if text not in table:
        row.error(key, f"{what}“{text}”不存在。")
        return None
    return table[text].pk


def _form_data(row: _Row, look: _Lookups) -> dict:
    industry = look.industries.get(row.text("industry"))
    if row.text("industry") and industry is None:
        row.error("industry", f"产业“{row.text('industry')}”不存在。")
    node = ""
    if row.text("chain_node") and industry is not None:
        found = look.nodes.get((industry.pk, row.text("chain_node")))
        if found is None:
            row.error("chain_node", f"产业“{industry.name}”下没有环节“{row.text('chain_node')}”。")
        node = found.pk if found else None
    method = row.text("method")
    if method and method not in look.methods:
        row.error("method", f"招商方式“{method}”无效。")
    return {
        "name": row.text("name"), "investor": _reference(row, "investor", look.enterprises, "企业库中的企业"),
        "industry": industry.pk if industry else "", "chain_node": node,
        "amount": row.text("amount"), "method": look.methods.get(method, method),
        "referrer": row.text("referrer"), "source": row.text("source"),
        "department": _reference(row, "department", look.departments, "部门"),
        "officer": _reference(row, "officer", look.officers, "招商专员（用户名）"),
        "notes": row.text("notes"),
        "confirm_duplicate": "on" if row.text("confirm_duplicate").lower() in _YES else "",
    }


# --- validating one row ----------------------------------------------------------------------------

def _identify(row: _Row, look: _Lookups, seen: dict, acting_user) -> None:
    text_id = row.text("id")
    if text_id:
        project = look.by_id.get(int(text_id)) if text_id.isdigit() else None
        if project is None:
            row.error("id", f"编号 {text_id} 的项目不存在；新项目请留空此列。")
            return
    else:
        investor = look.enterprises.get(row.text("investor"))
        project = look.by_identity.get((investor.pk if investor else None, row.text("name")))
    if project is None:
        key = ("new", row.text("investor"), row.text("name"))
    else:
        key = ("pk", project.pk)
        if project.merged_into_id:
            row.error("id" if text_id else "name", f"项目“{project.name}”已合并入其他项目，请在保留的项目上修改。")
        elif not permissions.can_edit_project(acting_user, project):
            row.error("department", f"项目“{project.name}”属于{project.department}，您只能修改本部门的项目。")
    if key in seen:
        row.error(None, f"与第 {seen[key]} 行是同一项目，一个项目只能占一行。")
    seen.setdefault(key, row.number)
    row.project = project


def _check_new_stage(row: _Row, today: dt.date) -> None:
    """A new project's stage: main line only, its own date given, dates in order, none later."""
    stage = row.stage or ProjectStage.LEAD
    if stage not in PIPELINE:
        row.error("stage", f"新项目不能直接登记为“{ProjectStage(stage).label}”，请先导入，再在项目页办理。")
        return
    reached = PIPELINE[: PIPELINE.index(stage) + 1]
    if stage == ProjectStage.LEAD:
        row.dates.setdefault(STAGE_DATE_FIELD[stage], today)
    elif STAGE_DATE_FIELD[stage] not in row.dates:
        row.error(STAGE_DATE_FIELD[stage], f"阶段为“{ProjectStage(stage).label}”时须填写{ProjectStage(stage).label}日期。")
    for later in PIPELINE[PIPELINE.index(stage) + 1:]:
        if STAGE_DATE_FIELD[later] in row.dates:
            row.error(STAGE_DATE_FIELD[later], f"项目尚未到“{later.label}”，不应填写该日期。")
    previous = None
    for s in reached:
        on = row.dates.get(STAGE_DATE_FIELD[s])
        if on and previous and on < previous[1]:
            row.error(STAGE_DATE_FIELD[s], f"不能早于{previous[0].label}日期 {previous[1]:%Y-%m-%d}。")
        if on:
            previous = (s, on)
    if stage in SIGNED_OR_LATER and row.signed_amount is None:
        row.error("signed_amount", "签约及以后阶段的项目须填写签约投资额（亿元）。")
    if stage not in SIGNED_OR_LATER and row.signed_amount is not None:
        row.error("signed_amount", "项目尚未签约，不应填写签约投资额。")


def _check_existing_stage(row: _Row) -> None:
    """An existing project: recorded dates and amounts stay; only the target stage's date is new."""
    project = row.project
    target_date = STAGE_DATE_FIELD.get(row.stage) if row.stage and row.stage != project.stage else None
    for key, on in row.dates.items():
        if key != target_date and getattr(project, key) != on:
            row.error(key, "已登记的阶段日期不能通过导入修改；阶段日期随阶段变更登记。")
    if row.signed_amount is not None and row.signed_amount != project.signed_amount and \
            row.stage != ProjectStage.SIGNED:
        row.error("signed_amount", "签约投资额在签约时登记，不能通过导入修改；增资等请在项目页登记投资变更。")


def _validate(row: _Row, look: _Lookups, seen: dict, acting_user, today: dt.date) -> None:
    data = _form_data(row, look)
    _identify(row, look, seen, acting_user)
    stage_text = row.text("stage")
    row.stage = look.stages.get(stage_text, "") if stage_text else ""
    if stage_text and not row.stage:
        row.error("stage", f"阶段“{stage_text}”无效。")
    for key in DATE_KEYS:
        if (on := _date(row, key)) is not None:
            if on > today:
                row.error(key, f"日期 {on:%Y-%m-%d} 晚于今天。")
            row.dates[key] = on
    row.signed_amount = _decimal(row, "signed_amount")
    if row.project is None:
        _check_new_stage(row, today)
    elif not row.project.merged_into_id:
        _check_existing_stage(row)
    # The form writes cleaned values onto its instance: give it a copy, so the project keeps the
    # stored values that the update compares against (Model.__getstate__ copies the field cache too).
    form = InvestmentProjectForm(data, instance=copy.copy(row.project) if row.project else None, user=acting_user)
    if not form.is_valid():
        flagged = {e.label for e in row.errors}
        for name, messages in form.errors.items():
            key = name if name in COLUMN_BY_KEY else None
            if key and COLUMN_BY_KEY[key].label in flagged:
                continue  # already explained by the lookup above
            for message in messages:
                if name == "confirm_duplicate":
                    names = "、".join(f"“{p.project.name}”" for p in form.duplicate_candidates[:3])
                    message = f"{message.split('，请先核对')[0]}（{names}）；核对后在本列填“是”再导入。"
                row.error(key, message)
    row.data = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}


# --- writing -----------------------------------------------------------------------------------------

def create_imported_project(*, data: dict, stage: str, dates: dict, signed_amount, acting_user,
                            reason: str) -> InvestmentProject:
    """Create a project directly at a main-line ``stage`` with its stage dates (a project the bureau
    already follows elsewhere), with one stage-change event per recorded date and one audit row."""
    permissions.require(permissions.can_create_project(acting_user, data.get("department")),
                        "您只能为本部门导入项目。")
    with transaction.atomic():
        project = InvestmentProject(stage=stage, signed_amount=signed_amount, **data, **dates)
        project.full_clean()
        project.save()
        previous = ""
        for s in PIPELINE:
            if on := dates.get(STAGE_DATE_FIELD[s]):
                ProjectEvent.objects.create(project=project, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                            actor=acting_user, from_stage=previous, to_stage=s,
                                            text=f"Excel 导入：{s.label}")
                previous = s
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=project, before=None,
                      after=snapshot(project), reason=reason)
    return project


def _apply(row: _Row, result: ImportResult, acting_user) -> None:
    reason = f"Excel 导入（第 {row.number} 行）"
    if row.project is None:
        result.created.append(create_imported_project(
            data=row.data, stage=row.stage or ProjectStage.LEAD, dates=row.dates,
            signed_amount=row.signed_amount, acting_user=acting_user, reason=reason))
        return
    project = row.project
    changes = {k: v for k, v in row.data.items() if getattr(project, k) != v}
    if changes:
        services.update_project(project, changes=changes, acting_user=acting_user)
    if row.stage and row.stage != project.stage:
        services.change_stage(project, row.stage, acting_user=acting_user,
                              on=row.dates.get(STAGE_DATE_FIELD.get(row.stage, "")),
                              note=row.text("stage_note"), signed_amount=row.signed_amount,
                              from_stage=project.stage)
        result.stage_changes += 1
    if changes or row.stage and row.stage != project.stage:
        result.updated.append(project)
    else:
        result.unchanged += 1


_SERVICE_FIELD_TO_KEY = {"on": None, "to_stage": "stage", "note": "stage_note"}


def _service_errors(row: _Row, exc: Exception) -> None:
    if isinstance(exc, PermissionDenied):
        row.error(None, str(exc) or "没有权限。")
        return
    for name, messages in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        key = _SERVICE_FIELD_TO_KEY.get(name, name) if name else None
        if name == "on":
            key = STAGE_DATE_FIELD.get(row.stage)
        for message in messages:
            row.error(key if key in COLUMN_BY_KEY else None, message)


@in_data_language
def import_projects(upload, *, acting_user, today: dt.date | None = None) -> ImportResult:
    """Validate every row, then create/update all of them in one transaction — or none, returning
    every error. Raises PermissionDenied for users who may not import at all."""
    permissions.require(permissions.can_create_project(acting_user), "您没有导入项目的权限。")
    today = today or timezone.localdate()
    try:
        rows = read_rows(upload)
    except ValidationError as exc:
        return ImportResult(errors=[RowError(None, None, "", m) for m in exc.messages])
    look, seen = _Lookups(rows), {}
    for row in rows:
        _validate(row, look, seen, acting_user, today)
    result = ImportResult(errors=[e for row in rows for e in row.errors])
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():  # a savepoint: one failing row does not hide the next
                        _apply(row, result, acting_user)
                except (ValidationError, PermissionDenied) as exc:
                    _service_errors(row, exc)
            result.errors = [e for row in rows for e in row.errors]
            if result.errors:
                raise _Failed
    except _Failed:
        return ImportResult(errors=result.errors)
    return result
