"""Writing a validated project import (:mod:`lianzhao.projects.importing`) in one short transaction.

Everything slow — reading the file, looking names up, the form, the duplicate search, compiling the
inserts — happened before. Here, under the write lock: the versions of the projects the file changes
are read again (and locked, on PostgreSQL), so a save made during the import is never overwritten;
then the services of :mod:`lianzhao.projects.services.imports` insert the new projects with their
stage events and audit rows and update the changed ones, and stage moves go through the workflow
service :func:`~lianzhao.projects.services.change_stage` one by one (its evidence rules and audit
row). Any refusal rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lianzhao.core.spreadsheet import CellError
from lianzhao.projects import services
from lianzhao.projects.choices import STAGE_DATE_FIELD
from lianzhao.projects.exporting import COLUMN_BY_KEY
from lianzhao.projects.models import InvestmentProject
from lianzhao.projects.services.imports import (
    create_imported_projects,
    prepare_imported_projects,
    update_imported_projects,
)

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

    def summary(self) -> str:
        return (f"导入完成：新建 {len(self.created):,} 个项目，更新 {len(self.updated):,} 个（其中阶段变更 "
                f"{self.stage_changes:,} 个），{self.unchanged:,} 个无变化。")


class _Failed(Exception):
    """Raised inside the transaction to roll every row back when any row failed."""


def write_rows(rows, *, acting_user) -> ImportResult:
    """Write validated rows (``_Row`` of :mod:`~lianzhao.projects.importing`; new ones carry their
    unsaved project from :func:`~lianzhao.projects.services.imports.build_imported_project`) in one
    transaction."""
    result = ImportResult()
    new = [r for r in rows if r.project is None]
    changed = [r for r in rows if r.project is not None and (r.changes or r.moves)]
    result.unchanged = len(rows) - len(new) - len(changed)
    prepared = prepare_imported_projects([(r.new_project, r.dates, r.number) for r in new], acting_user=acting_user)
    try:
        with transaction.atomic():
            _check_versions(changed)
            result.created = create_imported_projects(prepared)
            update_imported_projects([(r.project, r.changes, r.number) for r in changed if r.changes],
                                     acting_user=acting_user)
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


_SERVICE_FIELD_TO_KEY = {"on": None, "to_stage": "stage", "note": "stage_note"}


def _move(row, acting_user) -> None:
    """A stage move through the workflow service (its own event and audit row), in a savepoint so
    one refusal does not hide the next row's."""
    try:
        with transaction.atomic():
            services.change_stage(row.project, row.stage, acting_user=acting_user,
                                  on=row.dates.get(STAGE_DATE_FIELD.get(row.stage, "")),
                                  note=row.text("stage_note"), signed_amount=row.signed_amount,
                                  evidence=row.stage_evidence, from_stage=row.project.stage)
    except PermissionDenied as exc:
        row.error(None, str(exc) or "没有权限。")
    except ValidationError as exc:
        for name, messages in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
            key = _SERVICE_FIELD_TO_KEY.get(name, name) if name else None
            if name == "on":
                key = STAGE_DATE_FIELD.get(row.stage)
            for message in messages:
                row.error(key if key in COLUMN_BY_KEY else None, message)
