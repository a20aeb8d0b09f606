"""Projects the Excel import creates or changes in bulk (:mod:`lianzhao.projects.importing`).

New projects may be created directly at a later main-line stage with that stage's dates — projects
the bureau already follows elsewhere — with one stage-change event per recorded date and one audit
row each. Everything is built and compiled before the caller's transaction
(:func:`build_imported_project`, :func:`prepare_imported_projects`) and written inside it in a few
statements per thousand projects (:func:`create_imported_projects`), so a large import holds
SQLite's write lock for the inserts alone. Descriptive changes of existing projects are written in
bulk too (:func:`update_imported_projects`); stage moves go through
:func:`~lianzhao.projects.services.stages.change_stage` one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import audit_record, snapshot
from lianzhao.core.bulk import BATCH, PreparedInsert
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, EventKind
from lianzhao.projects.models import InvestmentProject, ProjectEvent

_CHUNK = 900  # ids per IN (...) query, below every database's parameter limit
#: Foreign keys of a project, checked by the import's form against lookups made once per file.
FOREIGN_KEYS = ("investor", "industry", "chain_node", "department", "officer", "project_type", "investor_nature",
                "origin_country", "landing_site", "key_level")


def build_imported_project(*, data: dict, stage: str, dates: dict, signed_amount, acting_user,
                           evidence: dict | None = None) -> InvestmentProject:
    """A new project at a main-line ``stage`` with its stage dates and the stage evidence the file
    gives (签约主体, 施工许可证号 …), unsaved, checked by the model (stage, dates, signed amount,
    evidence: what the project form does not cover). Raises PermissionDenied
    for another department, ValidationError (field-keyed) for bad values. Reads nothing, so the
    import runs it for every row before its transaction."""
    permissions.require(permissions.can_create_project(acting_user, data.get("department")),
                        "您只能为本部门导入项目。")
    project = InvestmentProject(stage=stage, signed_amount=signed_amount, **data, **dates, **(evidence or {}))
    # The foreign keys were checked by the form and the names against the file and the database:
    # the model's own checks of them are a query each.
    project.full_clean(exclude=set(FOREIGN_KEYS), validate_unique=False, validate_constraints=False)
    return project


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


@in_data_language
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
    """Write what :func:`prepare_imported_projects` compiled, in one transaction (usually the
    caller's: the import checks versions in the same one)."""
    with transaction.atomic():
        _insert(prepared)
    return prepared.projects


def _insert(prepared: PreparedCreation) -> None:
    prepared.project_insert.execute()
    prepared.event_insert.execute(project=[p.pk for p in prepared.event_projects])
    for start in range(0, len(prepared.projects), _CHUNK):  # the events skipped ProjectEvent.save()
        InvestmentProject.all_objects.filter(pk__in=[p.pk for p in prepared.projects[start:start + _CHUNK]]) \
            .refresh_last_event_on()
    for record, project in zip(prepared.records, prepared.projects, strict=True):
        record.object_id, record.after["id"] = str(project.pk), project.pk
    prepared.record_insert.execute(object_id=[r.object_id for r in prepared.records],
                                   after=[r.after for r in prepared.records])


@in_data_language
def update_imported_projects(changes: list[tuple[InvestmentProject, dict, int]], *, acting_user) -> None:
    """Descriptive changes of existing projects — (project as read, {field: new value}, spreadsheet
    row) — the fields :func:`~lianzhao.projects.services.lifecycle.update_project` may change,
    validated by the same form, and blank stage evidence filled in (checked by
    :mod:`lianzhao.projects.evidence`): version + 1 and one audit row each (reason "Excel 导入（第 N 行）"),
    in bulk, in one transaction. The caller has checked, under the same transaction, that each
    project still has the version it read."""
    now = timezone.now()
    records, by_fields = [], defaultdict(list)
    for project, fields, row in changes:
        permissions.require(permissions.can_edit_project(acting_user, project), "您只能修改本部门的项目。")
        permissions.require(permissions.can_create_project(acting_user, fields.get("department", project.department)),
                            "您不能把项目转到其他部门。")
        before = snapshot(project)
        for name, value in fields.items():
            setattr(project, name, value)
        project.version += 1
        project.updated_at = now
        by_fields[tuple(sorted(fields))].append(project)
        records.append(audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=project, before=before,
                                    after=snapshot(project), reason=f"Excel 导入（第 {row} 行）"))
    with transaction.atomic():
        for names, projects in by_fields.items():
            InvestmentProject.all_objects.bulk_update(projects, [*names, "version", "updated_at"], batch_size=BATCH)
        AuditRecord.objects.bulk_create(records, batch_size=BATCH)
