"""Backup and restore of a whole installation: the database and the uploaded files, in one archive.

An archive (``lianzhao-backup-YYYYMMDD-HHMMSS.tar.gz``, mode 0600) holds:

``manifest.json``
    format and version, when and by which lianzhao it was made, the database engine, the applied
    migrations, the row count of every table and the SHA-256 and size of every other member;
``database/lianzhao.sqlite3``
    SQLite: a consistent copy made with SQLite's online backup API (the server may keep running);
``database/lianzhao.pgdump``
    PostgreSQL: ``pg_dump --format=custom``, taken in the same snapshot as the row counts;
``uploads/…``
    every file under ``MEDIA_ROOT``, by its path there.

A restore checks everything before it changes anything — the format, each member's checksum, that
no member leaves its folder, the engine, and that the code knows every migration the backup has —
then refuses an installation that already holds data unless forced, replaces the database, puts
the files back, compares every table's row count with the manifest and applies newer migrations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT, VERSION = "lianzhao-backup", 1
SQLITE_MEMBER, PG_MEMBER, UPLOADS = "database/lianzhao.sqlite3", "database/lianzhao.pgdump", "uploads"
ARCHIVE_GLOB = "lianzhao-backup-*.tar.gz"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (in Chinese, for the operator)."""


@dataclass
class Outcome:
    archive: Path
    tables: dict[str, int]
    files: int
    forced: bool = False
    migrated: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# --- helpers ----------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(connection) -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{vendor}（仅支持 SQLite 和 PostgreSQL）。")
    return vendor


def _owner_only_dir(path: Path) -> Path:
    """Create ``path`` and each missing parent with mode 0700 (``mkdir(parents=True)`` would give
    the parents the umask's mode)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    return missing[0] if missing else path


def _table_counts(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return _table_counts(db.cursor(), tables, lambda t: '"' + t.replace('"', '""') + '"')


def live_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Row count of every table of the live database."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return _table_counts(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def _applied_migrations(connection) -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore: from $LIANZHAO_PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH
    (a newer pg_dump reads an older server; the reverse fails)."""
    configured = os.environ.get("LIANZHAO_PG_BIN", "").strip()
    candidates = [Path(configured) / name] if configured else []
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parts[-3].split(".")])
    candidates += list(reversed(versions))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client），"
                      "或用 LIANZHAO_PG_BIN 指向它所在的目录。")


def _pg_env(connection) -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if params.get(key):
            env[var] = str(params[key])
    for option, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if params.get("OPTIONS", {}).get(option):
            env[var] = str(params["OPTIONS"][option])
    return env


def _run_pg(args: list[str], connection) -> None:
    result = subprocess.run(args, env=_pg_env(connection), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 失败：{result.stderr.strip()[-2000:]}")


# --- backup -----------------------------------------------------------------------------------

def _dump_database(connection, work: Path) -> tuple[str, dict[str, int]]:
    """Write the database into ``work`` and return (member name, row counts of that very copy)."""
    if _engine(connection) == "sqlite":
        target = work / SQLITE_MEMBER
        target.parent.mkdir(parents=True)
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # consistent even while others write
        finally:
            copy.close()
        return SQLITE_MEMBER, _sqlite_counts(target)
    target = work / PG_MEMBER
    target.parent.mkdir(parents=True)
    # Count the rows in one repeatable-read snapshot and have pg_dump dump that same snapshot.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        _run_pg([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f"--file={target}"], connection)
    return PG_MEMBER, counts


def _prune(directory: Path, keep: int) -> list[Path]:
    archives = sorted(directory.glob(ARCHIVE_GLOB))
    removed = archives[:-keep] if keep and len(archives) > keep else []
    for old in removed:
        old.unlink()
    return removed


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", settings.VAR_DIR / "backups"))


def create_backup(directory: Path | None = None, *, keep: int = 0, using: str = DEFAULT_DB_ALIAS) -> Outcome:
    """Write one archive into ``directory`` (default ``$LIANZHAO_VAR_DIR/backups``); with ``keep``,
    delete all but the ``keep`` newest archives there afterwards."""
    connection = connections[using]
    directory = _owner_only_dir(Path(directory) if directory else backup_dir())
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    final = directory / f"lianzhao-backup-{stamp}.tar.gz"
    if final.exists():
        raise BackupError(f"{final} 已存在：一秒之内请勿重复备份。")
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as tmp:
        work = Path(tmp)
        member, counts = _dump_database(connection, work)
        media = Path(settings.MEDIA_ROOT)
        uploads = sorted(p for p in media.rglob("*") if p.is_file() and not p.is_symlink()) if media.is_dir() else []
        members = {member: work / member}
        members.update({f"{UPLOADS}/{p.relative_to(media).as_posix()}": p for p in uploads})
        manifest = {
            "format": FORMAT, "version": VERSION,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "lianzhao_version": _lianzhao_version(), "engine": connection.vendor, "database": member,
            "migrations": _applied_migrations(connection), "tables": counts,
            "files": {name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members.items()},
        }
        partial = work / "archive.partial"
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False,
                            filter=lambda ti: _plain(ti, 0o600))
        os.replace(partial, final)  # never a half-written archive under the final name
    _prune(directory, keep)
    return Outcome(archive=final, tables=counts, files=len(uploads))


def _plain(info: tarfile.TarInfo, mode: int) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = mode
    return info


def _lianzhao_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lianzhao")
    except PackageNotFoundError:
        return "unknown"


# --- restore ----------------------------------------------------------------------------------

def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix() and bool(name)


def _extract(archive_path: Path, work: Path) -> dict:
    """Unpack into ``work`` and check everything against the manifest; nothing else is touched."""
    try:
        archive = tarfile.open(archive_path, mode="r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份文件 {archive_path}：{exc}") from exc
    with archive:
        try:
            manifest = json.loads(archive.extractfile("manifest.json").read().decode("utf-8"))
        except (KeyError, AttributeError, ValueError, tarfile.TarError) as exc:
            raise BackupError("备份文件中没有有效的 manifest.json：不是链招备份，或已损坏。") from exc
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError(f"不认识的备份格式：{manifest.get('format')} {manifest.get('version')}。")
        expected = manifest.get("files") or {}
        seen = set()
        for member in archive:
            if member.name == "manifest.json":
                continue
            if not (member.isfile() and _safe_member(member.name) and member.name in expected):
                raise BackupError(f"备份中有不应出现的条目：{member.name!r}（不是清单中的普通文件）。")
            target = work / member.name
            _owner_only_dir(target.parent)
            digest, size = hashlib.sha256(), 0
            source = archive.extractfile(member)
            with open(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as out:
                for chunk in iter(lambda: source.read(_CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            want = expected[member.name]
            if digest.hexdigest() != want.get("sha256") or size != want.get("size"):
                raise BackupError(f"校验失败：{member.name} 与清单中的校验和不符，备份已损坏或被改动。")
            seen.add(member.name)
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"备份不完整：缺少 {len(missing)} 个文件（如 {missing[0]}）。")
        if manifest.get("database") not in seen:
            raise BackupError("备份中没有数据库。")
    return manifest


def installation_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What this installation already holds (empty list: nothing): tables of lianzhao's own apps
    with rows, and uploaded files. Tables whose model says its rows are written by ``migrate`` itself
    (``migrate_writes_defaults``: the defaults a new installation starts with) do not count."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        held = []
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if getattr(model, "migrate_writes_defaults", False):
                continue
            if model.__module__.startswith("lianzhao.") and table in existing and model._meta.managed:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    held.append(table)
    media = Path(settings.MEDIA_ROOT)
    files = sum(1 for p in media.rglob("*") if p.is_file()) if media.is_dir() else 0
    if files:
        held.append(f"{files} 个上传文件")
    return sorted(set(held))


def _check_migrations(manifest: dict, connection) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.get("migrations", []) if (app, name) not in known]
    if unknown:
        raise BackupError(f"备份来自更新版本的链招（本版本不认识迁移 {', '.join(unknown[:3])}）：请先升级链招再恢复。")


def _restore_database(manifest: dict, work: Path, connection) -> None:
    member = work / manifest["database"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(member)
        try:
            source.backup(connection.connection)  # replaces every page of the live database
        finally:
            source.close()
        return
    connection.close()
    _run_pg([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}",
             str(member)], connection)


def _restore_files(work: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))  # kept, never deleted
    _owner_only_dir(media)
    source = work / UPLOADS
    count = 0
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = media / path.relative_to(source)
            _owner_only_dir(target.parent)
            shutil.move(path, target)
            count += 1
    return count


def restore_backup(archive_path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Outcome:
    """Restore ``archive_path`` into this installation (see the module docstring)."""
    from django.core.management import call_command

    connection = connections[using]
    archive_path = Path(archive_path)
    _owner_only_dir(Path(settings.VAR_DIR))
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".restore-") as tmp:
        work = Path(tmp)
        manifest = _extract(archive_path, work)
        if manifest.get("engine") != _engine(connection):
            raise BackupError(f"备份的数据库是 {manifest.get('engine')}，本安装使用 {connection.vendor}：不能直接恢复。")
        _check_migrations(manifest, connection)
        held = installation_data(using)
        if held and not force:
            raise BackupError("本安装已有数据（" + "、".join(held[:5]) + "）：恢复只用于空安装。"
                              "确认要覆盖时加 --force（原有上传文件夹会改名保留）。")
        _restore_database(manifest, work, connection)
        files = _restore_files(work)
    counts = live_counts(using)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        table, (want, got) = next(iter(wrong.items()))
        raise BackupError(f"恢复后核对失败：{len(wrong)} 个表的行数与备份不符（如 {table}：应为 {want}，实为 {got}）。")
    before = {tuple(m) for m in _applied_migrations(connection)}
    call_command("migrate", interactive=False, verbosity=0, database=using)
    migrated = sorted(f"{a}.{n}" for a, n in {tuple(m) for m in _applied_migrations(connection)} - before)
    return Outcome(archive=archive_path, tables=manifest["tables"], files=files, forced=bool(held), migrated=migrated)
