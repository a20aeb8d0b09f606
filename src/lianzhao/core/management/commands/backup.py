"""`lianzhao backup [--output-dir DIR] [--keep N]`: one archive with the database, the uploaded
files and a manifest with checksums (see lianzhao.core.backup). Safe while the server runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianzhao.core.backup import BackupError, backup_dir, create_backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个归档（默认 $LIANZHAO_VAR_DIR/backups）。"

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=None,
                            help=f"归档所在目录（默认 {backup_dir()}）")
        parser.add_argument("--keep", type=int, default=0,
                            help="只保留该目录中最新的 N 个归档（默认 0：全部保留）")

    def handle(self, *args, output_dir, keep, **options):
        if keep < 0:
            raise CommandError("--keep 不能为负数。")
        try:
            outcome = create_backup(output_dir, keep=keep)
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        size = outcome.archive.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(
            f"已备份：{outcome.archive}（{size:.1f} MB；{len(outcome.tables)} 个表 {outcome.rows} 行，"
            f"{outcome.files} 个上传文件）"))
