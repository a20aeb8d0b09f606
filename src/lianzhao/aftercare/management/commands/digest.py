"""lianzhao digest [--dry-run]: the daily e-mail digest of what is due (see lianzhao.aftercare.digest)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianzhao.aftercare.digest import DigestDisabled, message_for, send_digests


class Command(BaseCommand):
    help = "发送每日待办提醒邮件（须 LIANZHAO_DIGEST=1 且设置 EMAIL_HOST）；--dry-run 只显示将发送的内容"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="不发送，只列出每位用户的提醒")

    def handle(self, *args, dry_run, **options):
        today = timezone.localdate()
        try:
            result = send_digests(today, dry_run=dry_run)
        except DigestDisabled as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            from lianzhao.accounts.models import User

            for user in User.objects.filter(is_active=True).exclude(email="").order_by("pk"):
                if text := message_for(user, today):
                    self.stdout.write(f"=== {user.email}\n{text}\n")
        verb = "将发送" if dry_run else "已发送"
        self.stdout.write(self.style.SUCCESS(f"{verb} {result.sent} 封提醒邮件，{result.skipped} 位用户没有待办。"))
