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

FIELDS = ["industry", "node", "position", "klass", "klass_label", "stability", "stability_label", "flips",
          "demand", "local_supply", "leakage", "leakage_domestic", "leakage_abroad", "local_share", "abroad_share",
          "import_substitution", "plant_output", "plants", "local_enterprises", "chain_leaders", "sectors", "shares",
          "reason"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


class Command(BaseCommand):
    help = ("打印补链/强链/延链分析表（与网页一致）。金额单位：亿元。JSON 输出为对象：robust_share（稳健结论占比）、"
            "robust、nodes_total 和 nodes（每个环节一项，含 stability 稳健/敏感 与 flips）。")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 370215")
        parser.add_argument("--industry", help="产业名称（或编码）；不填则输出全部有产业链图谱的产业")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--sort", default="", choices=["", "map", "leakage", "domestic", "abroad", "demand", "local_share", "klass"],
                            help="默认稳健结论在前")

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
        robust = sum(1 for r in rows if r["stability"] == "robust")
        if format == "json":
            self.stdout.write(json.dumps({
                "region": region, "robust_share": robust / len(rows) if rows else None, "robust": robust,
                "nodes_total": len(rows), "unit": "亿元", "nodes": [{k: r[k] for k in FIELDS} for r in rows],
            }, ensure_ascii=False, indent=2))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self._table(rows, context, robust)

    def _table(self, rows, context, robust):
        header = ["产业", "环节", "分类", "稳定性", "需求(亿元)", "本地供给", "外流国内(亿元)", "外流进口(亿元)",
                  "本地企业", "判断依据"]
        body = [[r["industry"], r["node"], r["klass_label"], r["stability_label"] or "", f"{r['demand']:.2f}",
                 "—" if r["local_share"] is None else f"{r['local_share']:.0%}", f"{r['leakage_domestic']:.2f}",
                 f"{r['leakage_abroad']:.2f}", str(r["local_enterprises"]), r["reason"]] for r in rows]
        widths = [max(_width(x) for x in col) for col in zip(header, *body, strict=False)]
        widths[-1] = 0
        numeric = {4, 5, 6, 7, 8}
        for line in [header, *body]:
            self.stdout.write("  ".join(_pad(cell, w, i in numeric) for i, (cell, w) in
                                        enumerate(zip(line, widths, strict=True))).rstrip())
        self.stdout.write("")
        if rows:
            self.stdout.write(f"稳健结论：{robust}/{len(rows)} 个环节（{robust / len(rows):.0%}）")
        for label, value in context.assumptions():
            self.stdout.write(f"{label}：{value}")
