"""`lianzhao gaps --region 370215 [--industry NAME] --format table|csv|json`: the gap table the web
page shows, for analysts at the command line."""

from __future__ import annotations

import csv
import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from lianzhao.analysis import engine
from lianzhao.analysis.chains import industry_gaps, rows_for_display
from lianzhao.core.models import Region
from lianzhao.industries.models import Industry

FIELDS = ["industry", "node", "position", "klass", "klass_label", "demand", "local_supply", "leakage",
          "local_share", "local_enterprises", "chain_leaders", "sectors", "reason"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


class Command(BaseCommand):
    help = "打印补链/强链/延链分析表（与网页一致）。金额单位：亿元。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 370215")
        parser.add_argument("--industry", help="产业名称（或编码）；不填则输出全部有产业链图谱的产业")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--sort", default="", choices=["", "leakage", "demand", "local_share", "klass"])

    def handle(self, *args, region, industry, format, sort, **options):
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            raise CommandError(f"区划 {region} 不存在（请先加载示例数据或在管理后台添加）。")
        industries = Industry.objects.filter(chain_nodes__isnull=False).distinct().order_by("order", "id")
        if industry:
            industries = industries.filter(name=industry) | industries.filter(slug=industry)
            if not industries.exists():
                names = "、".join(Industry.objects.values_list("name", flat=True))
                raise CommandError(f"产业 {industry} 不存在或没有产业链图谱。现有产业：{names}")
        try:
            context = engine.regional_context(region_obj)
        except engine.AnalysisUnavailable as exc:
            raise CommandError(str(exc)) from exc
        rows = []
        for item in industries:
            rows.extend(rows_for_display(industry_gaps(item, context), sort))
        if format == "json":
            self.stdout.write(json.dumps([{k: r[k] for k in FIELDS} for r in rows], ensure_ascii=False, indent=2))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self._table(rows, context)

    def _table(self, rows, context):
        header = ["产业", "环节", "分类", "需求(亿元)", "本地供给", "外溢(亿元)", "本地企业", "判断依据"]
        body = [[r["industry"], r["node"], r["klass_label"], f"{r['demand']:.2f}",
                 "—" if r["local_share"] is None else f"{r['local_share']:.0%}", f"{r['leakage']:.2f}",
                 str(r["local_enterprises"]), r["reason"]] for r in rows]
        widths = [max(_width(x) for x in col) for col in zip(header, *body, strict=False)]
        widths[-1] = 0
        numeric = {3, 4, 5, 6}
        for line in [header, *body]:
            self.stdout.write("  ".join(_pad(cell, w, i in numeric) for i, (cell, w) in
                                        enumerate(zip(line, widths, strict=True))).rstrip())
        self.stdout.write("")
        for label, value in context.assumptions():
            self.stdout.write(f"{label}：{value}")
