"""`lianzhao restore ARCHIVE [--force]`: put a backup back into an empty installation (stop the
server first). Everything is checked before anything changes; see lianzhao.core.backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianzhao.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份归档恢复数据库和上传文件（只用于空安装；覆盖已有数据需 --force）。请先停止服务。"

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true",
                            help="本安装已有数据时仍然恢复（数据库被替换，原上传文件夹改名保留）")

    def handle(self, *args, archive, force, **options):
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        try:
            outcome = restore_backup(archive, force=force)
        except (BackupError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        migrated = f"；已应用新迁移 {len(outcome.migrated)} 个" if outcome.migrated else ""
        self.stdout.write(self.style.SUCCESS(
            f"已恢复：{archive}（{len(outcome.tables)} 个表 {outcome.rows} 行与备份一致，"
            f"{outcome.files} 个上传文件校验一致{migrated}）"))
