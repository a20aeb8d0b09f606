"""`lianzhao demo load`: load or refresh the Jimo demo pack (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from lianzhao.paths import DataDirError


class Command(BaseCommand):
    help = "即墨区示例数据：lianzhao demo load"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"], help="load: 加载或刷新示例数据（可重复执行）")
        parser.add_argument("--no-reference", action="store_true",
                            help="不载入参考企业（A 股上市公司；否则同 lianzhao refdata load）")

    def handle(self, *args, **options):
        from lianzhao.demo.aftercare_loader import USERS as SERVICE_USERS
        from lianzhao.demo.loader import DEMO_PASSWORD, load_demo
        from lianzhao.demo.pack_data import USERS

        try:
            report = load_demo()
        except DataDirError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"即墨示例数据：{report.summary()}"))
        if not options["no_reference"]:
            self._reference_companies()
        self.stdout.write("示例账号（密码均为 %s）：" % DEMO_PASSWORD)
        for spec in [*USERS, *SERVICE_USERS]:
            self.stdout.write(f"  {spec['username']:<10} {spec['role']:<8} {spec['display_name']}")

    def _reference_companies(self):
        """The real companies of the reference data (`lianzhao refdata load`), for the target lists."""
        from lianzhao.enterprises.reference import load_reference_companies

        try:
            result, (added, removed) = load_reference_companies()
        except DataDirError as exc:
            self.stderr.write(f"参考企业未载入（招商目标推荐将只有示例企业）：{exc}")
            return
        b = result.batch
        self.stdout.write(self.style.SUCCESS(
            f"参考企业（A 股上市公司及其主营产品）：新建 {b.created:,} 家，更新 {b.updated:,} 家，{b.unchanged:,} 家无变化；"
            f"产品上下游关系新增 {added:,} 条（{b.seconds:.1f} 秒）"))
