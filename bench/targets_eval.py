"""Held-out evaluation of the target score (lianzhao.econ.targets) on the real listed companies.

    python bench/targets_eval.py              # the table docs/targets.md quotes
    python bench/targets_eval.py --nodes      # also the five best candidates of every node

For each of the six leading industries of the Jimo demo, every listed A-share company gets an
industry score: the best of its scores for the industry's chain nodes (the demo's chain maps,
lianzhao.demo.pack_chains, and its local chain leaders with their 示例 products). The companies are
ranked by it and compared with a label the score never reads:

* East Money concept-board membership (lianzhao.refdata.concept_boards; an import-linter contract
  forbids every lianzhao package but that reader from importing it), for five industries;
* for 纺织服装, which has no concept board in the file, Tushare's own industry label
  (纺织, 服饰, 化纤, 纺织机械) — a field of the company list that lianzhao never loads (the
  registry keeps the CSRC code, not Tushare's label) and CompanyFacts has no field for.

Printed per industry: the label and its size, the base rate (label members / listed companies:
what a random ranking scores), and precision@10, precision@50 and recall@100 of three rankers —
the score; "CSRC only" (companies whose CSRC 大类 is the 大类 of one of the industry's GB/T codes);
"keywords only" (companies with a main product containing a node keyword or name, ranked by how
many). Ties are broken at random and the expected value is printed, so a ranker that scores many
companies alike gets no credit for the order of the file. A company without a score is not
retrieved (a miss in every slot it would take).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import time
from collections.abc import Mapping

from lianzhao.demo.pack_chains import CHAINS
from lianzhao.demo.pack_data import ENTERPRISES, INDUSTRIES, REGION
from lianzhao.demo.pack_products import SAMPLE_PRODUCTS
from lianzhao.econ.targets import ChainLeader, CompanyFacts, NodeProfile, TargetWeights, rank_candidates
from lianzhao.refdata import listed
from lianzhao.refdata.company_facts import listed_company_facts, product_graph
from lianzhao.refdata.concept_boards import read_board_members

#: The held-out label of each industry: concept boards (their union), or Tushare industry labels.
LABELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nev": ("board", ("新能源车",)),
    "green_energy": ("board", ("风能", "光伏概念")),
    "marine": ("board", ("海洋经济", "海工装备", "船舶制造", "水产概念")),
    "textile": ("tushare", ("纺织", "服饰", "化纤", "纺织机械")),
    "ngit": ("board", ("半导体概念", "国产软件", "5G概念", "数据中心", "网络安全", "工业互联")),
    "logistics": ("board", ("冷链物流", "快递概念", "跨境电商", "内贸流通")),
}
KS = (10, 50, 100)


def label_members(kind: str, names: tuple[str, ...], boards: Mapping[str, frozenset[str]]) -> set[str]:
    if kind == "board":
        return set().union(*(boards[n] for n in names))
    return {s for s, c in listed.load_listed_companies().items() if c.tushare_industry in names}


def expected_hits(scores: Mapping[str, float], positives: set[str], k: int) -> float:
    """Expected number of positives among the top ``k`` when ties are ordered at random; companies
    scored 0 (or absent) are not retrieved."""
    groups: dict[float, list[str]] = {}
    for company, score in scores.items():
        if score > 0:
            groups.setdefault(round(score, 9), []).append(company)
    hits, left = 0.0, k
    for score in sorted(groups, reverse=True):
        members = groups[score]
        positive = sum(1 for m in members if m in positives)
        take = min(left, len(members))
        hits += take * positive / len(members)
        left -= take
        if left == 0:
            break
    return hits


def metrics(scores: Mapping[str, float], positives: set[str]) -> dict[str, float]:
    return {"p@10": expected_hits(scores, positives, 10) / 10, "p@50": expected_hits(scores, positives, 50) / 50,
            "r@100": expected_hits(scores, positives, 100) / len(positives) if positives else 0.0,
            "retrieved": sum(1 for s in scores.values() if s > 0)}


def nodes_of(industry: str) -> list[NodeProfile]:
    return [NodeProfile(n["key"], n["name"], tuple(n["keywords"]), tuple(n["gbt_codes"]), tuple(n.get("exclude", ())))
            for n in CHAINS[industry]]


def demo_leaders() -> list[ChainLeader]:
    """The demo's local chain leaders (示例 firms) with their 示例 main products."""
    return [ChainLeader(e["name"], SAMPLE_PRODUCTS[e["key"]])
            for e in ENTERPRISES if e["is_local"] and e["is_chain_leader"] and SAMPLE_PRODUCTS.get(e["key"])]


def score_ranking(industry: str, facts: list[CompanyFacts], graph, leaders) -> tuple[dict[str, float], dict]:
    best: dict[str, float] = {}
    per_node = {}
    for node in nodes_of(industry):
        ranked = rank_candidates(node, facts, weights=TargetWeights(), leaders=leaders, graph=graph,
                                 district_code=REGION["code"])
        per_node[node.name] = ranked
        for c in ranked:
            best[c.company.id] = max(best.get(c.company.id, 0.0), c.score)
    return best, per_node


def csrc_ranking(industry: str, facts: list[CompanyFacts]) -> dict[str, float]:
    divisions = {code[:2] for node in nodes_of(industry) for code in node.gbt_codes}
    return {f.id: 1.0 for f in facts if len(f.csrc_code) == 3 and f.csrc_code[1:] in divisions}


def keyword_ranking(industry: str, facts: list[CompanyFacts]) -> dict[str, float]:
    words = {w for node in nodes_of(industry) for w in (*node.keywords, node.name)}
    out = {}
    for f in facts:
        n = sum(1 for p in f.products if any(w in p.name for w in words))
        if n:
            out[f.id] = float(n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", action="store_true", help="print the five best candidates of every node")
    args = parser.parse_args()
    started = time.perf_counter()
    facts = listed_company_facts()
    graph, leaders, boards = product_graph(), demo_leaders(), read_board_members()
    universe = {f.id for f in facts}
    names = {i["key"]: i["name"] for i in INDUSTRIES}
    print(f"# targets_eval — {dt.date.today():%Y-%m-%d}, Python {platform.python_version()}, "
          f"{len(universe):,} listed companies, {sum(len(f.products) for f in facts):,} main products (2021 graph)")
    print(f"# weights: {TargetWeights().as_dict()}; local chain leaders: "
          + "、".join(f"{lead.name}（{'、'.join(lead.products)}）" for lead in leaders))
    header = (f"| {'industry':<8} | label (size, base rate) | ranker | retrieved | p@10 | p@50 | r@100 (max) |")
    print(header)
    print("|" + "|".join("---" for _ in range(7)) + "|")
    details = {}
    for key, (kind, label_names) in LABELS.items():
        positives = label_members(kind, label_names, boards) & universe
        rate = len(positives) / len(universe)
        score, per_node = score_ranking(key, facts, graph, leaders)
        details[key] = per_node
        label = f"{'+'.join(label_names)}{'（Tushare 行业）' if kind == 'tushare' else ''} ({len(positives)}, {rate:.1%})"
        for ranker, scores in (("score", score), ("CSRC only", csrc_ranking(key, facts)),
                               ("keywords only", keyword_ranking(key, facts))):
            m = metrics(scores, positives)
            print(f"| {names[key]} | {label} | {ranker} | {m['retrieved']:,} | {m['p@10']:.2f} | {m['p@50']:.2f} | "
                  f"{m['r@100']:.2f} ({min(100, len(positives)) / len(positives):.2f}) |")
    print(f"# {time.perf_counter() - started:.1f} s")
    if args.nodes:
        for key, per_node in details.items():
            for node, ranked in per_node.items():
                print(f"\n## {names[key]} · {node}: {len(ranked)} candidates")
                for c in ranked[:5]:
                    print(f"  {c.score:5.1f}  {c.company.name}  {c.reason}")


if __name__ == "__main__":
    main()
