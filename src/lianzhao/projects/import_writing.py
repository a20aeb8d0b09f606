"""Writing a validated project import (:mod:`lianzhao.projects.importing`) in one short transaction.

Everything slow — reading the file, looking names up, the form, the duplicate search — happened
before. Here, under the write lock: the versions of the projects the file changes are read again
(and locked, on PostgreSQL), so a save made during the import is never overwritten; then new
projects, their stage events and audit rows are inserted in bulk (a few statements per thousand
rows), changed projects are updated in bulk with one audit row each, and stage moves go through the
workflow service :func:`~lianzhao.projects.services.change_stage` one by one (its evidence rules and
audit row). Any refusal rolls everything back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import AutoField, sql
from django.utils import timezone

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import audit_record, snapshot
from lianzhao.core.spreadsheet import CellError
from lianzhao.projects import services
from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, EventKind, ProjectStage
from lianzhao.projects.exporting import COLUMN_BY_KEY
from lianzhao.projects.models import InvestmentProject, ProjectEvent

_BATCH = 500
_CHUNK = 900  # ids per IN (...) query, below every database's parameter limit


@dataclass
class ImportResult:
    created: list[InvestmentProject] = field(default_factory=list)
    updated: list[InvestmentProject] = field(default_factory=list)
    stage_changes: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Failed(Exception):
    """Raised inside the transaction to roll every row back when any row failed."""


def write_rows(rows, *, acting_user) -> ImportResult:
    """Write validated rows (``_Row`` of :mod:`~lianzhao.projects.importing`; new ones carry their
    unsaved project from :func:`build_imported_project`) in one transaction."""
    result = ImportResult()
    new = [r for r in rows if r.project is None]
    changed = [r for r in rows if r.project is not None and (r.changes or r.moves)]
    result.unchanged = len(rows) - len(new) - len(changed)
    prepared = prepare_imported_projects([(r.new_project, r.dates, r.number) for r in new], acting_user=acting_user)
    try:
        with transaction.atomic():
            _check_versions(changed)
            result.created = create_imported_projects(prepared)
            _update_projects([r for r in changed if r.changes], acting_user=acting_user)
            for row in changed:
                if row.moves:
                    _move(row, acting_user)
                    result.stage_changes += 1
                result.updated.append(row.project)
            errors = [e for row in rows for e in row.errors]
            if errors:
                raise _Failed(errors)
    except _Failed as failed:
        return ImportResult(errors=failed.args[0])
    except IntegrityError:
        # Someone registered the same investor and name between the checks and the write.
        return ImportResult(errors=[CellError(None, None, "", (
            "导入期间有人登记了与文件中相同的项目（同一投资方、同一名称），未导入任何数据。请重新导入以查看具体的行。"))])
    for project in result.updated:
        project.refresh_from_db()
    return result


def _check_versions(rows) -> None:
    """Under the write lock: every project a row changes still has the version it was validated
    against (locked on PostgreSQL; SQLite's write lock already excludes other writers)."""
    by_pk = {r.project.pk: r for r in rows}
    pks, current = list(by_pk), {}
    for start in range(0, len(pks), _CHUNK):
        current.update(InvestmentProject.all_objects.select_for_update().filter(pk__in=pks[start:start + _CHUNK])
                       .values_list("pk", "version"))
    stale = [r for pk, r in by_pk.items() if current.get(pk) != r.project.version]
    if stale:
        raise _Failed([CellError(r.number, None, "", f"项目“{r.project.name}”在导入过程中被他人修改，未导入任何数据。"
                                                     "请重新导出后再导入。") for r in stale])


def build_imported_project(*, data: dict, stage: str, dates: dict, signed_amount, acting_user) -> InvestmentProject:
    """A new project at a main-line ``stage`` with its stage dates, unsaved, checked by the model
    (stage, dates, signed amount: what the project form does not cover). Raises PermissionDenied
    for another department, ValidationError (field-keyed) for bad values. Reads nothing, so the
    import runs it for every row before its transaction."""
    permissions.require(permissions.can_create_project(acting_user, data.get("department")),
                        "您只能为本部门导入项目。")
    project = InvestmentProject(stage=stage, signed_amount=signed_amount, **data, **dates)
    # The foreign keys were checked by the form and the names against the file and the database:
    # the model's own checks of them are a query each.
    project.full_clean(exclude={"investor", "industry", "chain_node", "department", "officer"},
                       validate_unique=False, validate_constraints=False)
    return project


class PreparedInsert:
    """INSERT statements for ``objs`` compiled by Django now — values converted for the database,
    automatic timestamps set — and executed later by :meth:`execute`, inside the transaction: the
    write lock is held for the database's own work, not for the Python that prepares each value
    (two thirds of the time of a ``bulk_create``). The values of the ``deferred`` fields are not
    known yet (the ids of projects inserted in the same transaction): they are given to
    :meth:`execute` and put into the compiled parameters there. With ``returning``, the new ids
    are set on the objects, as ``bulk_create`` does (SQLite ≥ 3.35 and PostgreSQL return them).

    It uses Django's own insert compiler (``sql.InsertQuery``), as ``bulk_create`` does.
    """

    def __init__(self, model, objs: list, *, deferred: tuple[str, ...] = (), returning: bool = False,
                 using: str = DEFAULT_DB_ALIAS):
        self.model, self.objs, self.using, self.returning = model, objs, using, returning
        connection = connections[using]
        fields = [f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField)]
        self.width = len(fields)
        self.slots = {name: fields.index(model._meta.get_field(name)) for name in deferred}
        self.fields = {name: model._meta.get_field(name) for name in deferred}
        size = max(min(_BATCH, connection.ops.bulk_batch_size(fields, objs)), 1)
        self.batches = []
        for start in range(0, len(objs), size):
            batch = objs[start:start + size]
            query = sql.InsertQuery(model)
            query.insert_values(fields, batch)
            compiler = query.get_compiler(using=using)
            if returning:
                compiler.returning_fields = model._meta.db_returning_fields
            [(statement, params)] = compiler.as_sql()
            if len(params) < len(batch) * self.width:
                raise ValueError("an insert value is an expression: use bulk_create")
            self.batches.append((start, batch, statement, list(params)))

    def execute(self, **values: list) -> None:
        """Run the statements, with ``values[name][i]`` (a Python value) as field ``name`` of
        ``objs[i]`` for each deferred field."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            for start, batch, statement, params in self.batches:
                for name, slot in self.slots.items():
                    prepared = [self.fields[name].get_db_prep_save(v, connection)
                                for v in values[name][start:start + len(batch)]]
                    params[slot:len(batch) * self.width:self.width] = prepared
                cursor.execute(statement, params)
                if self.returning:
                    for obj, row in zip(batch, connection.ops.fetch_returned_insert_rows(cursor), strict=True):
                        obj.pk = row[0]
                for obj in batch:
                    obj._state.adding, obj._state.db = False, self.using


@dataclass
class PreparedCreation:
    """New projects with their stage events and audit rows, compiled outside the transaction by
    :func:`prepare_imported_projects` and written inside it by :func:`create_imported_projects`."""

    projects: list[InvestmentProject]
    project_insert: PreparedInsert
    events: list[ProjectEvent]
    event_projects: list[InvestmentProject]
    event_insert: PreparedInsert
    records: list[AuditRecord]
    record_insert: PreparedInsert


def prepare_imported_projects(items: list[tuple[InvestmentProject, dict, int]], *, acting_user) -> PreparedCreation:
    """Prepare projects built by :func:`build_imported_project` — (project, stage dates,
    spreadsheet row) — with one stage-change event per recorded date and one audit row each
    (reason "Excel 导入（第 N 行）"): every statement compiled, only the new ids left to fill in."""
    projects = [project for project, _, _ in items]
    events, owners = [], []
    for project, dates, _ in items:
        previous = ""
        for stage in PIPELINE:
            if on := dates.get(STAGE_DATE_FIELD[stage]):
                events.append(ProjectEvent(kind=EventKind.STAGE_CHANGE, occurred_on=on, actor=acting_user,
                                           from_stage=previous, to_stage=stage, text=f"Excel 导入：{stage.label}"))
                owners.append(project)
                previous = stage
    records = [audit_record(actor=acting_user, action=AuditAction.CREATE, obj=project, before=None,
                            after=snapshot(project), reason=f"Excel 导入（第 {row} 行）")
               for project, _, row in items]
    return PreparedCreation(
        projects, PreparedInsert(InvestmentProject, projects, returning=True),
        events, owners, PreparedInsert(ProjectEvent, events, deferred=("project",)),
        records, PreparedInsert(AuditRecord, records, deferred=("object_id", "after")))


def create_imported_projects(prepared: PreparedCreation) -> list[InvestmentProject]:
    """Write what :func:`prepare_imported_projects` compiled. Call inside a transaction."""
    prepared.project_insert.execute()
    prepared.event_insert.execute(project=[p.pk for p in prepared.event_projects])
    for start in range(0, len(prepared.projects), _CHUNK):  # the events skipped ProjectEvent.save()
        InvestmentProject.all_objects.filter(pk__in=[p.pk for p in prepared.projects[start:start + _CHUNK]]) \
            .refresh_last_event_on()
    for record, project in zip(prepared.records, prepared.projects, strict=True):
        record.object_id, record.after["id"] = str(project.pk), project.pk
    prepared.record_insert.execute(object_id=[r.object_id for r in prepared.records],
                                   after=[r.after for r in prepared.records])
    return prepared.projects


def _update_projects(rows, *, acting_user) -> None:
    """Descriptive changes of existing projects (the fields :func:`services.update_project` may
    change, validated by the same form), in bulk: version + 1 and one audit row each."""
    now = timezone.now()
    records, by_fields = [], defaultdict(list)
    for row in rows:
        project = row.project
        before = snapshot(project)
        for name, value in row.changes.items():
            setattr(project, name, value)
        project.version += 1
        project.updated_at = now
        by_fields[tuple(sorted(row.changes))].append(project)
        records.append(audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=project, before=before,
                                    after=snapshot(project), reason=f"Excel 导入（第 {row.number} 行）"))
    for names, projects in by_fields.items():
        InvestmentProject.all_objects.bulk_update(projects, [*names, "version", "updated_at"], batch_size=_BATCH)
    AuditRecord.objects.bulk_create(records, batch_size=_BATCH)


_SERVICE_FIELD_TO_KEY = {"on": None, "to_stage": "stage", "note": "stage_note"}


def _move(row, acting_user) -> None:
    """A stage move through the workflow service (its own event and audit row), in a savepoint so
    one refusal does not hide the next row's."""
    try:
        with transaction.atomic():
            services.change_stage(row.project, row.stage, acting_user=acting_user,
                                  on=row.dates.get(STAGE_DATE_FIELD.get(row.stage, "")),
                                  note=row.text("stage_note"), signed_amount=row.signed_amount,
                                  from_stage=row.project.stage)
    except PermissionDenied as exc:
        row.error(None, str(exc) or "没有权限。")
    except ValidationError as exc:
        for name, messages in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
            key = _SERVICE_FIELD_TO_KEY.get(name, name) if name else None
            if name == "on":
                key = STAGE_DATE_FIELD.get(row.stage)
            for message in messages:
                row.error(key if key in COLUMN_BY_KEY else None, message)
