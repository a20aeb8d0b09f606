"""`lianzhao demo load`: load or refresh the Jimo demo pack (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from lianzhao.paths import DataDirError


class Command(BaseCommand):
    help = "即墨区示例数据：lianzhao demo load"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"], help="load: 加载或刷新示例数据（可重复执行）")

    def handle(self, *args, **options):
        from lianzhao.demo.aftercare_loader import USERS as SERVICE_USERS
        from lianzhao.demo.loader import DEMO_PASSWORD, load_demo
        from lianzhao.demo.pack_data import USERS

        try:
            report = load_demo()
        except DataDirError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"即墨示例数据：{report.summary()}"))
        self.stdout.write("示例账号（密码均为 %s）：" % DEMO_PASSWORD)
        for spec in [*USERS, *SERVICE_USERS]:
            self.stdout.write(f"  {spec['username']:<10} {spec['role']:<8} {spec['display_name']}")
