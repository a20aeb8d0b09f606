"""`lianzhao report weekly --week 2025-W13 --out dispatch.xlsx [--format pdf]`: the weekly dispatch
report from the database, the same file the web page offers for download."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "生成报表：lianzhao report weekly --week 2025-W13 --out dispatch.xlsx [--format pdf]"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["weekly"], help="weekly：周调度表")
        parser.add_argument("--week", help="ISO 周，如 2025-W13（默认：上一个完整的周）")
        parser.add_argument("--out", help="输出文件（默认：当前目录下的 周调度表_<周>.<格式>）")
        parser.add_argument("--format", choices=["xlsx", "pdf"],
                            help="xlsx 或 pdf（默认按 --out 的扩展名，否则 xlsx）")
        parser.add_argument("--unit", default="", help="填报单位（默认：区名 + 招商办）")

    def handle(self, *args, **options):
        from lianzhao.dispatch.pdf import PdfUnavailable, weekly_pdf
        from lianzhao.dispatch.queries import weekly_data
        from lianzhao.dispatch.weekly import build_weekly_report, report_filename
        from lianzhao.dispatch.weeks import IsoWeek
        from lianzhao.dispatch.xlsx import weekly_workbook

        today = timezone.localdate()
        try:
            week = IsoWeek.parse(options["week"]) if options["week"] else IsoWeek.last_complete(today)
            report = build_weekly_report(weekly_data(week, today=today, unit=options["unit"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"]) if options["out"] else None
        fmt = options["format"] or ("pdf" if out and out.suffix.lower() == ".pdf" else "xlsx")
        out = out or Path(report_filename(report["week"], fmt))
        try:
            content = weekly_pdf(report) if fmt == "pdf" else weekly_workbook(report)
        except PdfUnavailable as exc:
            raise CommandError(str(exc)) from exc
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc}") from exc
        h = report["headline"]
        self.stdout.write(self.style.SUCCESS(
            f"{report['title']} {week.label}（{week.start:%Y-%m-%d} 至 {week.end:%Y-%m-%d}）→ {out}"))
        self.stdout.write(f"新增线索 {h['new_leads']} 个，阶段变动 {h['stage_moves']} 次，本周签约 {h['signed_count']} 个 "
                          f"{h['signed_amount']:.2f} 亿元，转黄 {h['turned_yellow']}、转红 {h['turned_red']}，"
                          f"停滞 {h['stalled']} 个。")
