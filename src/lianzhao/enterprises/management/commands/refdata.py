"""`lianzhao refdata load`: load the public reference companies into the registry (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from lianzhao.paths import DataDirError


class Command(BaseCommand):
    help = "参考数据：lianzhao refdata load —— 从 LIANZHAO_DATA_DIR 载入 A 股上市公司、主营产品和产品上下游关系（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"], help="load: 载入或刷新")

    def handle(self, *args, **options):
        from lianzhao.enterprises.reference import load_reference_companies

        try:
            result, (added, removed) = load_reference_companies()
        except DataDirError as exc:
            raise CommandError(str(exc)) from exc
        b = result.batch
        self.stdout.write(self.style.SUCCESS(
            f"参考企业：新建 {b.created:,} 家，更新 {b.updated:,} 家，{b.unchanged:,} 家无变化，主营产品 {b.products:,} 行"
            f"（批次 #{b.pk}，{b.seconds:.1f} 秒）；产品上下游关系新增 {added:,} 条、删除 {removed:,} 条。"))
