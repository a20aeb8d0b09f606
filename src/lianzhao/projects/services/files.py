"""Evidence files (阶段佐证材料): stored with the change they prove, or on their own; never an orphan
file on disk when the database rolls back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import EventKind, ProjectStage
from lianzhao.projects.files import check_upload
from lianzhao.projects.models import InvestmentProject, ProjectEvent, ProjectFile
from lianzhao.projects.services import common
from lianzhao.projects.services.locking import lock_project


class stored_file_cleanup:  # noqa: N801 (a context manager used like a function: with stored_file_cleanup())
    """Delete files stored inside a transaction block if the block fails: the database rolls back
    and no orphan file stays on disk."""

    def __enter__(self):
        self.files: list[ProjectFile] = []
        return self.files

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for stored in self.files:
                stored.file.delete(save=False)
        return False


def store_file(project: InvestmentProject, stage: str, upload, checked, acting_user) -> ProjectFile:
    """Save an upload already checked by :func:`lianzhao.projects.files.check_upload`."""
    stored = ProjectFile(project=project, stage=stage, original_name=checked.original_name,
                         size=checked.size, content_type=checked.content_type, sha256=checked.sha256,
                         uploaded_by=acting_user)
    stored.file.save(checked.original_name, upload, save=False)
    stored.save()
    return stored


def file_summary(stored: ProjectFile) -> str:
    """How a stored file appears in an audit row: its name, size and hash."""
    return f"{stored.original_name}（{stored.size} 字节，SHA-256 {stored.sha256}）"


@in_data_language
def attach_file(project: InvestmentProject, upload, *, stage: str = "", acting_user) -> ProjectFile:
    """Add an evidence file to a project (any stage, or none), log it on the timeline and write one
    audit row for the file. Refused for readers and other departments' officers."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目上传材料。")
    if stage and stage not in ProjectStage.values:
        raise ValidationError({"stage": f"未知阶段：{stage}"})
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    with transaction.atomic():
        current = lock_project(project)
        with stored_file_cleanup() as stored:
            stored.append(store_file(current, stage, upload, checked, acting_user))
            label = f"（{ProjectStage(stage).label}）" if stage else ""
            ProjectEvent.objects.create(project=current, kind=EventKind.FILE, occurred_on=common.today(),
                                        actor=acting_user, text=f"上传材料{label}：{checked.original_name}")
            record_change(actor=acting_user, action=AuditAction.CREATE, obj=stored[0], before=None,
                          after=snapshot(stored[0]))
    return stored[0]
