"""Bulk import of projects from the Excel template (:mod:`lianzhao.projects.exporting`).

Read the file with the core spreadsheet reader (streamed, with limits against hostile files) → look
up every name the file uses once → validate every row with the project form (its lookups answered
from memory, likely duplicates from one :class:`~lianzhao.projects.duplicates.DuplicateIndex`) plus
the stage, date and version rules below → if any row is wrong, write nothing and return every error
as "第 N 行 第 M 列（列名）：原因" (N the spreadsheet row, M the column as the user's file has them).

Otherwise everything is written in one short transaction (:mod:`lianzhao.projects.import_writing`):
all the reading and checking happened before it, so SQLite's write lock is held for the inserts
only, not for the minutes the checks of a large file take, and other users' saves wait a moment
instead of failing.

A row updates an existing project when its ``ID`` names one, else when a project with the same
investor and name exists; otherwise it creates one. A row that changes an existing project must
carry the project's ``版本`` as exported, so an old file cannot overwrite a later edit.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseModelForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.core.i18n import in_data_language
from lianzhao.core.spreadsheet import (
    CellError,
    SheetColumn,
    SheetRow,
    SpreadsheetRefused,
    check_archive,
    read_sheet,
)
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode, Industry
from lianzhao.projects import evidence, services
from lianzhao.projects.choices import (
    LEDGER_FIELD,
    PIPELINE,
    SIGNED_OR_LATER,
    STAGE_DATE_FIELD,
    STAGE_SPECS,
    AttractionMethod,
    LedgerList,
    ProjectStage,
)
from lianzhao.projects.duplicates import DuplicateIndex, describe
from lianzhao.projects.exporting import COLUMN_BY_KEY, COLUMNS, DATA_SHEET
from lianzhao.projects.forms import InvestmentProjectForm
from lianzhao.projects.import_writing import ImportResult, write_rows
from lianzhao.projects.models import InvestmentProject, LedgerChoice
from lianzhao.projects.services.imports import FOREIGN_KEYS, build_imported_project

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
#: Files with more rows than this are imported by the background worker, with progress.
BACKGROUND_ROWS = 1000
DATE_KEYS = set(STAGE_DATE_FIELD.values())
SHEET_COLUMNS = [SheetColumn(c.key, c.label, c.required) for c in COLUMNS]
_NUMBER = re.compile(r"[0-9]{1,19}")
_MAX_ID = 2**63 - 1  # the largest id a database integer column holds
_CHUNK = 900  # values per IN (...) query, below every database's parameter limit
#: Project fields read from a column of another name (the origin's two fields share one column).
COLUMN_OF_FIELD = {"origin_division": "origin", "origin_country": "origin"}


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


@dataclass
class _Row:
    """One data row and what validating it found: the project it updates (None: a new one), the
    form's cleaned data, the target stage, stage dates, the signed amount and the version given."""

    src: SheetRow
    project: InvestmentProject | None = None
    data: dict = field(default_factory=dict)
    stage: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)
    signed_amount: object = None
    version: int | None = None
    confirmed: bool = False
    changes: dict = field(default_factory=dict)
    new_project: InvestmentProject | None = None
    #: The stage evidence the row gives (checked values by field name), and of it what fills an
    #: existing project's blank evidence of a stage it has already reached.
    evidence: dict = field(default_factory=dict)
    evidence_fills: dict = field(default_factory=dict)

    @property
    def number(self) -> int:
        return self.src.number

    @property
    def errors(self) -> list[CellError]:
        return self.src.errors

    def text(self, key: str) -> str:
        return self.src.text(key)

    def error(self, key: str | None, message: str) -> None:
        self.src.error(key, message)

    @property
    def stage_evidence(self) -> dict:
        """The evidence the row gives for the stage it moves an existing project to."""
        return {name: value for name, value in self.evidence.items() if evidence.TEXT_EVIDENCE[name][0] == self.stage}

    @property
    def moves(self) -> bool:
        return bool(self.project is not None and self.stage and self.stage != self.project.stage)


def project_id(text: str) -> int | None:
    """The project id a cell names: digits only, within what a database integer holds."""
    if _NUMBER.fullmatch(text) and 0 < int(text) <= _MAX_ID:
        return int(text)
    return None


def _chunks(values: list):
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


# --- reference values --------------------------------------------------------------------------------

class _Lookups:
    """Every reference row the file can name, read once (not once per row)."""

    def __init__(self, rows: list[_Row], acting_user):
        self.industries = {i.name: i for i in Industry.objects.all()}
        self.nodes = {(n.industry_id, n.name): n for n in ChainNode.objects.all()}
        self.departments = {}
        for d in Department.objects.all():
            self.departments[d.name] = self.departments[d.code] = d
        self.enterprises = {}
        for names in _chunks({r.text("investor") for r in rows} - {""}):
            self.enterprises.update({e.name: e for e in Enterprise.objects.filter(name__in=names)})
        officers = list(User.objects.filter(role=Role.OFFICER, is_active=True))
        self.officers = {u.username: u for u in officers}
        for u in officers:
            if u.display_name and sum(o.display_name == u.display_name for o in officers) == 1:
                self.officers.setdefault(u.display_name, u)
        self.methods = {m.label: m.value for m in AttractionMethod} | {m.value: m.value for m in AttractionMethod}
        self.stages = {s.label: s.value for s in ProjectStage} | {s.value: s.value for s in ProjectStage}
        self.by_id = {}
        for ids in _chunks({i for r in rows if (i := project_id(r.text("id")))}):
            self.by_id.update(InvestmentProject.all_objects.in_bulk(ids))
        self.by_identity = {}
        for names in _chunks({r.text("name") for r in rows} - {""}):
            self.by_identity.update({(p.investor_id, p.name): p
                                     for p in InvestmentProject.all_objects.filter(name__in=names)})
        # The ledger's choice lists, by name and by code (a country also by its ISO code).
        self.ledger: dict[str, dict] = {}
        for choice in LedgerChoice.objects.all():
            names = self.ledger.setdefault(choice.list, {})
            names.setdefault(choice.name, choice)
            names.setdefault(choice.code, choice)
        self.acting_user = acting_user
        self.form_new: dict = {}
        self.form_existing: dict = {}
        self.duplicates: DuplicateIndex | None = None

    def read_choices(self, rows: list[_Row]) -> None:
        """What :class:`InvestmentProjectForm` sets up for this user (its fields with their querysets,
        an officer's own department, "仍然创建" for new projects, and whatever else its ``__init__``
        sets on the form), once for new projects and once for existing ones; each foreign key then
        answers from the objects its queryset holds among those the file names (so the form's rules
        apply unchanged): one query per key instead of one per key and row."""
        existing = next((r.project for r in rows if r.project is not None), None)
        self.form_new = _form_state(InvestmentProjectForm(user=self.acting_user))
        self.form_existing = (_form_state(InvestmentProjectForm(instance=copy.copy(existing), user=self.acting_user))
                              if existing else {"fields": {}})
        for name in FOREIGN_KEYS:
            # Ids, or codes (the ledger's choices): keyed as text, as a form posts them.
            wanted = {r.data[name] for r in rows if r.data.get(name) not in (None, "")}
            objects = {}
            for pks in _chunks(wanted):
                objects.update({str(o.pk): o for o in self.form_new["fields"][name].queryset.filter(pk__in=pks)})
            for state in (self.form_new, self.form_existing):
                if name in state["fields"]:
                    state["fields"][name].to_python = functools.partial(_known, state["fields"][name], objects)

    def read_duplicates(self, rows: list[_Row]) -> None:
        """The likely-duplicate search over the projects of every investor and industry new rows name."""
        new = [r for r in rows if r.project is None and not r.confirmed]
        self.duplicates = DuplicateIndex.for_scope(
            investor_ids={r.data["investor"] for r in new if isinstance(r.data.get("investor"), int)},
            industry_ids={r.data["industry"] for r in new if isinstance(r.data.get("industry"), int)})


class _RowForm(InvestmentProjectForm):
    """The project form for one row, with its database work done once per file.

    The fields are those :class:`InvestmentProjectForm` sets up for the importing user (querysets,
    an officer's own department, "仍然创建" for new projects), built once by :class:`_Lookups` and
    shared by every row instead of deep-copied per row (cleaning a field changes nothing in it).
    Each foreign key is looked up among the objects its queryset returned for the whole file; names
    against the file's identity lookup; likely duplicates in the file's index. The model's unique and
    check constraints, a query each per row, are covered by those lookups and the fields' own
    validators — and enforced again by the database when the rows are written.
    """

    def __init__(self, data, *, instance, look: _Lookups):
        BaseModelForm.__init__(self, data, instance=instance)  # InvestmentProjectForm.__init__: once, in look
        self.__dict__.update(look.form_new if instance is None else look.form_existing)
        self.duplicate_candidates = []
        self.look = look

    def name_taken(self, name, investor) -> bool:
        other = self.look.by_identity.get((investor.pk if investor else None, name))
        return other is not None and other.pk != self.instance.pk

    def find_duplicates(self, name, investor, industry) -> list:
        if self.cleaned_data.get("confirm_duplicate"):
            return []  # confirmed: the candidates would only feed an error message
        investor_id = investor.pk if investor else None
        found = self.look.duplicates.similar(name=name, investor_id=investor_id, industry_id=industry.pk)
        return describe(found[:5], investor_id=investor_id)

    def _get_validation_exclusions(self):
        # The keys were checked against the form's querysets (read once): the model's own check,
        # a query per key and row, adds nothing.
        return super()._get_validation_exclusions() | set(FOREIGN_KEYS)

    def _post_clean(self):
        full_clean = self.instance.full_clean
        self.instance.full_clean = functools.partial(full_clean, validate_constraints=False)
        try:
            super()._post_clean()
        finally:
            del self.instance.full_clean


_RowForm.base_fields = {}  # its fields come from _Lookups, not from a deep copy per row


def _form_state(form: InvestmentProjectForm) -> dict:
    """What ``InvestmentProjectForm.__init__`` set on ``form`` beyond a bare model form (its fields
    and its own attributes), to give every row's form without running it again."""
    bare = BaseModelForm.__new__(type(form))
    BaseModelForm.__init__(bare, instance=form.instance)
    return {key: value for key, value in form.__dict__.items()
            if key == "fields" or key not in bare.__dict__}


def _known(form_field: forms.ModelChoiceField, objects: dict, value):
    if value in form_field.empty_values:
        return None
    try:
        return objects[str(value)]
    except KeyError:
        raise ValidationError(form_field.error_messages["invalid_choice"], code="invalid_choice") from None


def _reference(row: _Row, key: str, table: dict, what: str, *, hint: str = "不存在。"):
    """The primary key of the row's value in ``table`` ("" when the cell is empty); an unknown value
    is a row error "{what}“{value}”{hint}" and gives None."""
    text = row.text(key)
    if not text:
        return ""
    if text not in table:
        row.error(key, f"{what}“{text}”{hint}")
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
    row.confirmed = row.src.yes_no("confirm_duplicate")
    return {
        "name": row.text("name"), "investor": _reference(row, "investor", look.enterprises, "企业库中的企业"),
        "industry": industry.pk if industry else "", "chain_node": node,
        "amount": row.text("amount"), "method": look.methods.get(method, method),
        "referrer": row.text("referrer"), "source": row.text("source"),
        "department": _reference(row, "department", look.departments, "部门"),
        "officer": _reference(row, "officer", look.officers, "招商专员（用户名）"),
        "notes": row.text("notes"), "confirm_duplicate": "on" if row.confirmed else "",
        **_ledger_data(row, look),
    }


def _ledger_data(row: _Row, look: _Lookups) -> dict:
    """The ledger's columns as the project form takes them: choices by name (or code), the origin as
    a division code or a country, 是/否, numbers as typed (the form checks them)."""
    data = {}
    for ledger_list, field_name in LEDGER_FIELD.items():
        if field_name != "origin_country":
            choice = _ledger_choice(row, field_name, look.ledger.get(ledger_list, {}), ledger_list.label)
            data[field_name] = choice
    origin = row.text("origin")
    data["origin_division"], data["origin_country"] = "", ""
    if origin.isdigit():
        data["origin_division"] = origin
    elif origin:
        data["origin_country"] = _ledger_choice(row, "origin", look.ledger.get(LedgerList.COUNTRY, {}),
                                                LedgerList.COUNTRY.label)
    data["is_foreign"] = "on" if row.src.yes_no("is_foreign") else ""
    for name in ("contract_foreign_capital", "actual_foreign_capital", "expected_output", "expected_tax",
                 "land_mu", "expected_jobs", "investor_contact", "investor_phone"):
        data[name] = row.text(name)
    return data


def _ledger_choice(row: _Row, key: str, choices: dict, what: str):
    return _reference(row, key, choices, what,
                      hint="不在列表中（可填写的值见“填表说明”，管理员可在基础数据管理中增加）。")


# --- stage evidence ---------------------------------------------------------------------------------

def _read_evidence(row: _Row) -> None:
    """The row's evidence cells, checked as the stage form checks them (length; a USCC's check digit)."""
    for name in evidence.TEXT_EVIDENCE:
        if not (text := row.text(name)):
            continue
        try:
            row.evidence[name] = evidence.clean_text(name, text)
        except ValidationError as exc:
            for message in exc.messages:
                row.error(name, message)


def _check_evidence(row: _Row) -> None:
    """Evidence belongs to a stage the project reaches: a new project's stages up to the row's; for an
    existing project the stage it moves to now (recorded by the stage change, under its rules) or one
    it reached before, whose blank evidence the row fills in — a recorded value is not changed here."""
    for name, value in row.evidence.items():
        stage, spec = evidence.TEXT_EVIDENCE[name]
        project = row.project
        if project is None:
            target = row.stage or ProjectStage.LEAD
            if target in PIPELINE and PIPELINE.index(stage) > PIPELINE.index(target):
                row.error(name, f"项目尚未到“{stage.label}”，不应填写{spec.label}。")
        elif not (row.moves and row.stage == stage):
            if problem := evidence.fill_problem(project, name, value):
                row.error(name, problem)
            elif not getattr(project, name):
                row.evidence_fills[name] = value


# --- validating one row ----------------------------------------------------------------------------

def _identify(row: _Row, look: _Lookups, seen: dict, acting_user) -> None:
    text_id = row.text("id")
    if text_id:
        project = look.by_id.get(project_id(text_id))
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
    elif STAGE_DATE_FIELD[stage] not in row.dates and not row.text(STAGE_DATE_FIELD[stage]):
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
    if stage in SIGNED_OR_LATER and row.signed_amount is None and not row.text("signed_amount"):
        row.error("signed_amount", "签约及以后阶段的项目须填写签约投资额（亿元）。")
    if stage not in SIGNED_OR_LATER and row.signed_amount is not None:
        row.error("signed_amount", "项目尚未签约，不应填写签约投资额。")


def _check_existing_stage(row: _Row) -> None:
    """An existing project: recorded dates and amounts stay; only the target stage's date is new."""
    project = row.project
    target_date = STAGE_DATE_FIELD.get(row.stage) if row.moves else None
    for key, on in row.dates.items():
        if key != target_date and getattr(project, key) != on:
            row.error(key, "已登记的阶段日期不能通过导入修改；阶段日期随阶段变更登记。")
    if row.signed_amount is not None and row.signed_amount != project.signed_amount and \
            row.stage != ProjectStage.SIGNED:
        row.error("signed_amount", "签约投资额在签约时登记，不能通过导入修改；增资等请在项目页登记投资变更。")


#: The signed amount as the stage spec describes it (the stage form's own field: digits, two decimals,
#: not negative; NaN and infinity are not numbers), with messages for numbers too large or too fine.
_SIGNED_AMOUNT = evidence.formfield(next(f for f in STAGE_SPECS[ProjectStage.SIGNED].evidence
                                         if f.name == "signed_amount"))
_SIGNED_AMOUNT.error_messages.update({
    "max_digits": "签约投资额过大：单位亿元，最多 10 位整数、2 位小数。",
    "max_whole_digits": "签约投资额过大：单位亿元，最多 10 位整数、2 位小数。",
    "max_decimal_places": "签约投资额最多两位小数（单位亿元）。"})


def _signed_amount(row: _Row):
    text = row.text("signed_amount")
    if not text:
        return None
    try:
        return _SIGNED_AMOUNT.clean(text)
    except ValidationError as exc:
        for message in exc.messages:
            row.error("signed_amount", message)
        return None


def _check_version(row: _Row, has_column: bool) -> None:
    """A row that changes an existing project carries the version it was exported at; an older one
    would overwrite someone's later edit (lost update), so it is refused."""
    text = row.text("version")
    if text:
        row.version = int(text) if _NUMBER.fullmatch(text) else None
        if row.version is None:
            row.error("version", f"版本“{text}”无效：应为导出时的整数，请勿修改此列。")
            return
    project = row.project
    if project is None or project.merged_into_id or not (row.changes or row.moves):
        return
    if row.version is None and row.text("id"):
        if has_column:
            row.error("version", "有编号的行须填写版本（导出时自动填写，请勿删除）。")
        return
    if row.version is not None and row.version != project.version:
        row.error("version", f"项目“{project.name}”在导出后已被修改（当前版本 {project.version}，文件中为版本 "
                             f"{row.version}）。为免覆盖他人的修改，请重新导出后在新文件上修改再导入。")


def _validate(row: _Row, look: _Lookups, acting_user, has_version: bool) -> None:
    """The form, then the version. :func:`_prepare` has done the references, identity and stage."""
    form = _RowForm(row.data, instance=copy.copy(row.project) if row.project else None, look=look)
    if not form.is_valid():
        flagged = {e.label for e in row.errors}
        for name, messages in form.errors.items():
            name = COLUMN_OF_FIELD.get(name, name)
            key = name if name in COLUMN_BY_KEY else None
            if key and COLUMN_BY_KEY[key].label in flagged:
                continue  # already explained by the lookup above
            for message in messages:
                if name == "confirm_duplicate":
                    names = "、".join(f"“{p.project.name}”" for p in form.duplicate_candidates[:3])
                    message = f"{message.split('，请先核对')[0]}（{names}）；核对后在本列填“是”再导入。"
                row.error(key, message)
    row.data = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
    if row.project is not None:
        # A column the file leaves out (the template says optional columns may be deleted) leaves
        # the project's value as it is.
        present = row.src.sheet.positions
        row.data = {k: v for k, v in row.data.items() if COLUMN_OF_FIELD.get(k, k) in present}
        row.changes = {k: v for k, v in row.data.items() if getattr(row.project, k) != v} | row.evidence_fills
        _check_version(row, has_version)
    elif not row.errors:
        try:
            row.new_project = build_imported_project(data=row.data, stage=row.stage or ProjectStage.LEAD,
                                                     dates=row.dates, signed_amount=row.signed_amount,
                                                     evidence=row.evidence, acting_user=acting_user)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                name = COLUMN_OF_FIELD.get(name, name)
                for message in messages:
                    row.error(name if name in COLUMN_BY_KEY else None, message)


def _prepare(row: _Row, look: _Lookups, seen: dict, acting_user, today: dt.date) -> None:
    """References, identity, stage, dates and amount: everything the form does not check."""
    row.data = _form_data(row, look)
    _identify(row, look, seen, acting_user)
    stage_text = row.text("stage")
    row.stage = look.stages.get(stage_text, "") if stage_text else ""
    if stage_text and not row.stage:
        row.error("stage", f"阶段“{stage_text}”无效。")
    for key in DATE_KEYS:
        if (on := row.src.date(key)) is not None:
            if on > today:
                row.error(key, f"日期 {on:%Y-%m-%d} 晚于今天。")
            row.dates[key] = on
    row.signed_amount = _signed_amount(row)
    _read_evidence(row)
    if row.project is None:
        _check_new_stage(row, today)
    elif not row.project.merged_into_id:
        _check_existing_stage(row)
    if row.project is None or not row.project.merged_into_id:
        _check_evidence(row)


def runs_in_background(upload) -> bool:
    """Whether a file is long enough to import as a background job (more than
    :data:`BACKGROUND_ROWS` rows, counted without parsing it). A file the reader refuses is not:
    the refusal is shown at once."""
    try:
        return check_archive(upload, max_rows=MAX_ROWS, width=len(SHEET_COLUMNS)) > BACKGROUND_ROWS + 1
    except SpreadsheetRefused:
        return False


def _no_progress(done: int, total: int | None = None, message: str | None = None) -> None:
    pass


@in_data_language
def import_projects(upload, *, acting_user, today: dt.date | None = None, progress=_no_progress) -> ImportResult:
    """Validate every row, then create/update all of them in one short transaction — or none,
    returning every error. Raises PermissionDenied for users who may not import at all.

    ``progress(done, total, message)`` is called while the file is read and checked (a background
    job shows it); never inside the transaction."""
    permissions.require(permissions.can_create_project(acting_user), "您没有导入项目的权限。")
    today = today or timezone.localdate()
    progress(0, None, "读取文件")
    try:
        rows = [_Row(src) for src in read_sheet(upload, SHEET_COLUMNS, max_rows=MAX_ROWS, sheet=DATA_SHEET)]
        has_version = "version" in rows[0].src.sheet.positions
        if not has_version and any(r.text("id") for r in rows):
            raise SpreadsheetRefused([
                "文件有“ID”列但没有“版本”列，无法确认其中的项目在导出后未被他人修改。请重新导出项目清单，"
                "在导出的文件上修改后再导入（新项目可使用导入模板）。"])
    except SpreadsheetRefused as exc:
        return ImportResult(errors=exc.errors)
    total = 2 * len(rows)  # each row is checked twice: references and stage, then the form
    progress(0, total, f"核对 {len(rows):,} 行的企业、产业、部门和阶段")
    look, seen = _Lookups(rows, acting_user), {}
    for done, row in enumerate(rows, start=1):
        _prepare(row, look, seen, acting_user, today)
        progress(done, total, f"核对第 {row.number:,} 行")
    progress(len(rows), total, "查找疑似重复的项目")
    look.read_choices(rows)
    look.read_duplicates(rows)
    for done, row in enumerate(rows, start=len(rows) + 1):
        _validate(row, look, acting_user, has_version)
        progress(done, total, f"校验第 {row.number:,} 行")
    errors = [e for row in rows for e in row.errors]
    if errors:
        return ImportResult(errors=errors)
    progress(total, total, "写入数据库")
    return write_rows(rows, acting_user=acting_user)
