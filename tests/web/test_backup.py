"""`lianzhao backup` / `lianzhao restore` round-trip the demo installation exactly: backup, wipe,
restore, and every table's rows (projects, files, audit trail, users …) and every uploaded file's
checksum are back. A damaged, foreign or unsafe archive, or a non-empty installation, is refused
before anything changes. Runs on SQLite and, with scripts/with_postgres.sh, on PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from lianzhao.audit.models import AuditRecord
from lianzhao.core import backup
from lianzhao.projects import services
from lianzhao.projects.models import InvestmentProject, ProjectFile
from tests.conftest import needs_data
from tests.web.evidence_kit import PNG_BYTES, upload

pytestmark = [needs_data]


def _files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def _rows(model) -> list[tuple]:
    return list(model._base_manager.order_by("pk").values_list())


def _command(name, *args) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def installation(transactional_db, demo, tmp_path, settings):
    """The demo with two evidence files, as an operator's installation would hold it."""
    from lianzhao.accounts.models import User

    settings.VAR_DIR = tmp_path / "var"

    officer = User.objects.get(username="officer")
    project = InvestmentProject.objects.filter(department=officer.department).order_by("pk").first()
    services.attach_file(project, upload("签约协议.pdf"), acting_user=officer)
    services.attach_file(project, upload("现场照片.png", PNG_BYTES), acting_user=officer)
    return tmp_path / "backups"


def test_backup_wipe_restore_brings_everything_back(installation):
    tables, files = backup.live_counts(), _files()
    projects, stored, audit = _rows(InvestmentProject), _rows(ProjectFile), _rows(AuditRecord)
    assert len(files) == 2 and projects and audit and tables["accounts_user"] >= 5

    out = _command("backup", "--output-dir", str(installation))
    (archive,) = installation.glob("lianzhao-backup-*.tar.gz")
    assert str(archive) in out and stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(installation.stat().st_mode) == 0o700

    _wipe()
    assert backup.installation_data() == [] and _files() == {}

    out = _command("restore", str(archive))
    assert "与备份一致" in out
    assert backup.live_counts() == tables
    assert _files() == files
    assert (_rows(InvestmentProject), _rows(ProjectFile), _rows(AuditRecord)) == (projects, stored, audit)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o600 if path.is_file() else 0o700)
    # The restored installation works: files download, people sign in with their own passwords.
    from django.test import Client

    client = Client()
    assert client.post("/accounts/login/", {"username": "officer", "password": "lianzhao-demo"}).status_code == 302
    first = ProjectFile.objects.order_by("pk").first()
    assert client.get(f"/projects/{first.project_id}/files/{first.pk}/").status_code == 200


def test_restore_refuses_an_installation_with_data(installation):
    _command("backup", "--output-dir", str(installation))
    (archive,) = installation.glob("*.tar.gz")
    tables = backup.live_counts()
    with pytest.raises(CommandError, match="本安装已有数据"):
        _command("restore", str(archive))
    assert backup.live_counts() == tables
    # --force replaces the database and keeps the old uploads folder aside.
    assert "与备份一致" in _command("restore", str(archive), "--force")
    assert list(Path(settings.MEDIA_ROOT).parent.glob("uploads.before-restore-*"))


def _rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with its members passed through ``change(name, data) -> [(name, data)]``."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            for name, data in change(member.name, source.extractfile(member).read()):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
    return target


def _tamper_upload(name, data):
    return [(name, data + b"x" if name.startswith("uploads/") else data)]


def _escape(name, data):
    return [(name, data), ("../outside.txt", b"x")] if name == "manifest.json" else [(name, data)]


def _foreign(name, data):
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["migrations"].append(["projects", "9999_from_the_future"])
        data = json.dumps(manifest).encode()
    return [(name, data)]


@pytest.mark.parametrize("change, words", [
    (_tamper_upload, "校验失败"), (_escape, "不应出现的条目"), (_foreign, "更新版本的链招"),
    (lambda name, data: [] if name == "manifest.json" else [(name, data)], "manifest.json"),
])
def test_a_bad_archive_is_refused_before_anything_changes(installation, tmp_path, change, words):
    _command("backup", "--output-dir", str(installation))
    (archive,) = installation.glob("*.tar.gz")
    bad = _rewrite(archive, tmp_path / "bad.tar.gz", change)
    _wipe()
    with pytest.raises(CommandError, match=words):
        _command("restore", str(bad))
    assert backup.installation_data() == [] and not (tmp_path / "outside.txt").exists()
    assert not list(Path(settings.VAR_DIR).glob(".restore-*"))


def test_keep_prunes_old_archives(installation):
    for name in ("lianzhao-backup-20240101-000000.tar.gz", "lianzhao-backup-20240102-000000.tar.gz"):
        installation.mkdir(exist_ok=True)
        (installation / name).write_bytes(b"old")
    _command("backup", "--output-dir", str(installation), "--keep", "2")
    names = sorted(p.name for p in installation.glob("*.tar.gz"))
    assert len(names) == 2 and names[0] == "lianzhao-backup-20240102-000000.tar.gz"
