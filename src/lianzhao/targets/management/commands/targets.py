"""`lianzhao targets --node 隔膜 [--industry nev] [--limit 50] [--match product] --format json|table`: a chain node's
candidate companies, the same list the page shows (lianzhao.targets.candidates.candidates_for)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from lianzhao.industries.models import ChainNode
from lianzhao.targets.candidates import Filters, candidate_dict, candidates_for, stock_codes


class Command(BaseCommand):
    help = "列出产业链环节的招商目标候选企业（与网页一致）。"

    def add_arguments(self, parser):
        parser.add_argument("--node", required=True, help="环节名称或编码，如 隔膜 或 nev-separator")
        parser.add_argument("--industry", default="", help="产业名称或编码（环节名称不唯一时需要），如 nev 或 新能源汽车")
        parser.add_argument("--limit", type=int, default=50, help="最多列出多少家（默认 50）")
        parser.add_argument("--province", default="", help="只列出该省（2 位区划代码）的企业")
        parser.add_argument("--listed", choices=["yes", "no"], default=None, help="只列上市（yes）或非上市（no）企业")
        parser.add_argument("--match", choices=["product", "industry"], default="",
                            help="只列主营产品相符（product）或仅行业代码相同（industry）的企业")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **options):
        node = self._node(options["node"], options["industry"])
        if options["limit"] < 1:
            raise CommandError("--limit 须为正整数。")
        filters = Filters(province=options["province"], listed={"yes": True, "no": False}.get(options["listed"]),
                          match=options["match"])
        result = candidates_for(node, filters=filters, limit=options["limit"])
        if result.unmatchable:
            raise CommandError(result.unmatchable)
        stocks = stock_codes(result.candidates)
        rows = [candidate_dict(c, rank, result.pipeline.get(c.company.id, []), stocks.get(c.company.id, ""))
                for rank, c in enumerate(result.candidates, start=1)]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        gap = f"（{result.gap['label']}）" if result.gap else ""
        capped = f"（主营相关产品的企业共 {result.product_matches} 家，只取产品匹配最好的一部分）" if result.product_matches else ""
        self.stdout.write(f"{node.industry.name}·{node.name}{gap}：候选企业 {result.total} 家（主营产品相符 "
                          f"{result.by_product} 家，其余仅行业代码相同）{capped}，列出 {len(rows)} 家")
        for r in rows:
            only = "［仅行业］" if r["match"] == "industry" else ""
            self.stdout.write(f"{r['rank']:>3}. {r['score']:5.1f}  {r['name']}  {r['stock_code'] or ''}  {only}{r['reason']}")

    def _node(self, text: str, industry: str) -> ChainNode:
        nodes = ChainNode.objects.select_related("industry").filter(Q(name=text) | Q(key=text))
        if industry:
            nodes = nodes.filter(Q(industry__slug=industry.replace("_", "-")) | Q(industry__name=industry))
        nodes = list(nodes)
        if not nodes:
            raise CommandError(f"没有名为“{text}”的产业链环节" + (f"（产业 {industry}）" if industry else "") + "。")
        if len(nodes) > 1:
            raise CommandError(f"“{text}”不唯一，请用 --industry 指定产业：" + "、".join(
                f"{n.industry.slug}（{n.industry.name}）" for n in nodes))
        return nodes[0]
