"""Target companies for a chain node (招商目标推荐): an explained score, part by part.

For a node *n* (its product terms and GB/T 小类 codes) and a company *c* (its main products with
revenue shares, industry codes, size and region), five parts, each a value in [0, 1]:

* **product** — the company makes what the node stands for. A product's name is cut into the
  products it lists ("储能系统及充电桩" → 储能系统, 充电桩); each piece gets a match strength: 1 when
  it contains one of the node's terms ("锂电池隔膜" ⊇ "隔膜"), 0.5 when it ends a term (the product
  is named more broadly: "电池" for "锂离子电池" — the head of a Chinese compound is its end, so
  "电机" is no broader name of "海上风电机组" nor "服装" of "服装设计"), else 0; ``m(p)`` is the best
  piece. A piece does not match when it holds one of the node's exclusion words (排除词: "液碱",
  "阻隔" for 隔膜 — 隔膜液碱 is caustic soda, 高阻隔膜 a packaging film), nor — unless the node itself is about machines — when the term is followed by a
  machine or instrument ("隔膜压滤机", "多晶硅铸锭炉", "锂离子电池自动化生产设备": a machine *for*
  the product, not the product). A Latin term matches whole words only ("PLC" is not in "PLCVOA").
  With ``s(p)``
  the revenue share (``1/k`` for a company with *k* products whose share is unknown),
  ``v = max m(p) · (½ + ½ · min(1, Σ m(p)·s(p)))`` — half for making it at all, half by how much of
  the revenue it is (a specialist outranks a conglomerate with the same product on the side).
* **industry** — the company's GB/T code against the node's: the same 小类 1, the same 中类 0.6,
  the same 大类 0.3; a CSRC industry (证监会行业, 门类 letter + GB/T 大类 number) at most 0.3.
* **supply** — 以商招商: a product the company makes *for the node* (one the product part
  matched) is a material of a local chain leader's product (上游材料 in the product graph) or is
  made from one (下游产品): ``v = ½ + ½ · min(1, Σ s(p))`` over those related products, 0 when none
  is. A relation through another product (fuel sold to the car maker, scored for a dye node) says
  nothing about the node and does not count.
* **scale** — listed 0.8; 大型 1, 中型 0.6, 小型 0.3, 微型 0.1; registered capital ≥ 10 亿元 1,
  ≥ 1 亿元 0.7, ≥ 1,000 万元 0.4, below 0.2; the best known, 0 when nothing is known.
* **region** — in a preferred region (an analyst's list of division codes) 1; else in the
  district's city 1, in its province 0.6, elsewhere 0 (the registry knows provinces and cities,
  not distances).

``score = 100 · Σ_k w_k v_k / Σ_k w_k`` with the analyst's weights :class:`TargetWeights`. Only
companies with a product or an industry match are candidates: size and place alone say nothing
about a node. Every part carries its reason in words and the source of the facts it used.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property, lru_cache

PARTS = ("product", "industry", "supply", "scale", "region")
PART_LABELS = {"product": "产品匹配", "industry": "行业匹配", "supply": "配套关系", "scale": "规模", "region": "区位"}
#: Words too general to tell what a company makes: never a node term, never matched as a product.
GENERIC_WORDS = frozenset({
    "产品", "业务", "服务", "销售", "制造", "加工", "生产", "开发", "运营", "经营", "贸易", "工程", "技术服务",
    "咨询服务", "设备", "材料", "原材料", "配件", "配套", "组件", "部件", "系统", "整机", "工业", "电子", "其他",
    "其它", "主营业务", "其他业务", "商品", "销售商品", "商品销售", "材料销售", "设备销售", "添加剂", "检测设备",
    "解决方案", "新材料", "新能源", "运维", "设计", "安装", "维修", "租赁", "投资", "自产", "外购",
    # the same kind of word: synonyms of 设备/材料/部件/产品/销售/系统/贸易 above, and sector names
    # like 工业/电子 ("医药" is broader than "海洋生物医药" only by dropping what the node is about)
    "装备", "仪器", "机械", "原料", "零部件", "制品", "批发", "零售", "交易", "代理", "商业", "商贸", "管理",
    "应用", "智能", "技术", "集成", "检测", "深加工", "动力", "能源", "生物", "医药", "药品", "药物", "制药", "食品",
    "生物医药", "生物制药", "生物制品",
    # sector names that drop what a qualified node is about ("软件" for 智能网联软件, "金融" for 供应链金融),
    # and words that name no product on their own (pieces left by cutting "包装材料与服务" or "梯次利用")
    "软件", "金融", "互联网", "通信", "信息", "信息技术", "数据", "数字", "平台", "安全", "联网",
    "利用", "测试", "研发", "整理", "模块", "模组", "器件", "总成", "设施", "环境", "基础", "监测", "综合", "功率",
    "高压", "服务业", "供应", "测量", "评估", "机组", "装箱", "综合服务", "其他产品", "其它产品",
})
#: What follows a term in a product's name when the product is a machine or instrument for the term's
#: product ("隔膜压滤机", "多晶硅铸锭炉", "棉花加工机械"), besides a last character 机 or 仪 ("自动驾驶仪";
#: not 仪表板, a car's instrument panel).
MACHINE_WORDS = ("机械", "机床", "磨床", "炉", "生产线", "生产设备", "成套设备", "成套装备", "装置", "仪器", "泵", "阀",
                 "检测系统", "调测系统")
#: Words by which a node is itself about machines: then "…机" after its term is its product.
MACHINE_NODE_WORDS = ("机", "设备", "装备", "装置", "仪", "泵", "阀", "炉", "检测")
#: Where a product's name lists several products: conjunctions, list marks, brackets and dashes — a
#: hyphen or slash only beside a Chinese character ("汽车零部件-压缩机", not "Wi-Fi" or "I/O"), and no
#: space ("Mini LED").
_PIECE_BREAKS = re.compile(r"[及与和、，,;；／—–·()（）]+|(?<![A-Za-z0-9])[-/]+|[-/]+(?![A-Za-z0-9])")

STRENGTH_CONTAINS = 1.0  # the product's name contains a node term
STRENGTH_BROADER = 0.5  # the product's name ends a node term (named more broadly)
INDUSTRY_LEVELS = {4: 1.0, 3: 0.6, 2: 0.3}  # shared GB/T digits → value
SCALE_VALUES = {"large": 1.0, "medium": 0.6, "small": 0.3, "micro": 0.1}
SCALE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
LISTED_SCALE = 0.8
CAPITAL_STEPS = ((100_000, 1.0), (10_000, 0.7), (1_000, 0.4), (0, 0.2))  # 万元 → value
REGION_SAME_CITY, REGION_SAME_PROVINCE = 1.0, 0.6


class NodeUnmatchable(ValueError):
    """The node has neither product keywords nor industry codes: nothing to match companies on."""


@dataclass(frozen=True)
class TargetWeights:
    """The weight of each part (any non-negative numbers; the score divides by their sum), and the
    preferred regions (division codes: a province "32", a city "3205" or a county)."""

    product: float = 0.45
    industry: float = 0.15
    supply: float = 0.20
    scale: float = 0.10
    region: float = 0.10
    preferred_regions: tuple[str, ...] = ()

    def __post_init__(self):
        for name in PARTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"权重“{PART_LABELS[name]}”必须是有限的数，而不是 {value!r}。")
            if value < 0:
                raise ValueError(f"权重“{PART_LABELS[name]}”不能为负数（{value:g}）。")
        if self.total == 0:
            raise ValueError("权重不能全部为 0：至少一项须大于 0。")
        codes = tuple(str(c).strip() for c in self.preferred_regions if str(c).strip())
        if any(not c.isdigit() or len(c) not in (2, 4, 6) for c in codes):
            raise ValueError("优先区域须为 2、4 或 6 位区划代码。")
        object.__setattr__(self, "preferred_regions", codes)

    @property
    def total(self) -> float:
        return sum(getattr(self, name) for name in PARTS)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["preferred_regions"] = list(self.preferred_regions)
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> TargetWeights:
        """Weights from a dict (missing keys take the defaults; unknown keys raise ValueError)."""
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"未知的权重项：{'、'.join(sorted(unknown))}")
        values = dict(d)
        if "preferred_regions" in values:
            values["preferred_regions"] = tuple(values["preferred_regions"] or ())
        return cls(**values)


@dataclass(frozen=True)
class NodeProfile:
    """What a chain node is matched on: its name, keywords (products) and GB/T 小类 codes."""

    key: str
    name: str
    keywords: tuple[str, ...] = ()
    gbt_codes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()  # 排除词: a product piece holding one matches no term

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The keywords and the node's name, without :data:`GENERIC_WORDS` and one-character words.
        (Names are not split at 与/和: "水产品冷链与批发" would match every wholesaler.)"""
        out: list[str] = []
        for text in (*self.keywords, self.name):
            term = text.strip()
            if len(term) >= 2 and term not in GENERIC_WORDS and term not in out:
                out.append(term)
        return tuple(out)

    @property
    def ignored(self) -> tuple[str, ...]:
        """The keywords :attr:`terms` leaves out: too general (:data:`GENERIC_WORDS`) or one character."""
        return tuple(dict.fromkeys(k.strip() for k in self.keywords if k.strip() and k.strip() not in self.terms))

    @cached_property
    def strengths(self) -> dict[str, tuple[float, str]]:
        """:func:`match_strength` of each product name seen so far (a registry names the same product
        thousands of times)."""
        return {}

    @cached_property
    def about_machines(self) -> bool:
        """Whether the node is itself about machines or instruments (风电整机, 物流装备, 海洋仪器)."""
        return any(w in text for text in (*self.keywords, self.name) for w in MACHINE_NODE_WORDS)

    def lacks(self) -> list[str]:
        """What the node's definition is missing for matching ("产品关键词", "行业代码")."""
        missing = []
        if not any(k.strip() for k in self.keywords):
            missing.append("产品关键词")
        if not any(c.strip() for c in self.gbt_codes):
            missing.append("行业代码")
        return missing


@dataclass(frozen=True)
class Product:
    """A main product with its revenue share (None: unknown) and where that came from."""

    name: str
    share: float | None = None
    source: str = ""


@dataclass(frozen=True)
class CompanyFacts:
    """What the score may know about a company. Nothing else is read (in particular no label the
    evaluation measures the score against)."""

    id: object
    name: str
    products: tuple[Product, ...] = ()
    gbt_code: str = ""
    csrc_code: str = ""
    region_code: str = ""
    region_name: str = ""
    listed: bool = False
    scale: str = ""
    registered_capital: float | None = None  # 万元
    sources: Mapping[str, str] = field(default_factory=dict)  # "industry", "csrc", "region", "scale"


@dataclass(frozen=True)
class ChainLeader:
    """A local chain leader (链主) and its main products."""

    name: str
    products: tuple[str, ...]


@dataclass(frozen=True)
class ProductGraph:
    """Product → its materials (上游材料) and product → what is made from it (下游产品)."""

    materials: Mapping[str, frozenset[str]]
    made_from: Mapping[str, frozenset[str]]

    @classmethod
    def from_links(cls, links: Iterable[tuple[str, str, str]]) -> ProductGraph:
        """From (from, to, rel) triples; rel 上游材料 (to is a material of from) or 下游产品 (to is
        made from from); other relations are ignored."""
        materials: dict[str, set[str]] = {}
        made_from: dict[str, set[str]] = {}
        for source, target, rel in links:
            if rel == "上游材料":
                materials.setdefault(source, set()).add(target)
                made_from.setdefault(target, set()).add(source)
            elif rel == "下游产品":
                made_from.setdefault(source, set()).add(target)
                materials.setdefault(target, set()).add(source)
        return cls({k: frozenset(v) for k, v in materials.items()}, {k: frozenset(v) for k, v in made_from.items()})


EMPTY_GRAPH = ProductGraph({}, {})


@dataclass(frozen=True)
class ScorePart:
    """One part of a score: its value in [0, 1], its weight, the points it adds to the score and the
    reason in words (empty when the value is 0)."""

    key: str
    value: float
    weight: float
    points: float
    reason: str = ""

    @property
    def label(self) -> str:
        return PART_LABELS[self.key]


@dataclass(frozen=True)
class Candidate:
    """A company ranked for a node: its score (0–100), the parts, one sentence and the sources."""

    company: CompanyFacts
    score: float
    parts: tuple[ScorePart, ...]
    reason: str
    sources: tuple[str, ...]

    def part(self, key: str) -> ScorePart:
        return next(p for p in self.parts if p.key == key)

    @property
    def by_product(self) -> bool:
        """Whether a main product matches the node (else the industry code alone made it a candidate)."""
        return self.part("product").value > 0


def _share_text(share: float | None) -> str:
    if share is None:
        return "营收占比未知"
    return f"营收占比 {share:.0%}" if share >= 0.005 else "营收占比不足 1%"


def _shares(products: Sequence[Product]) -> list[float]:
    """Each product's revenue share, ``1/k`` when unknown (k = the company's number of products)."""
    k = len(products) or 1
    return [p.share if p.share is not None and 0 < p.share <= 1 else 1 / k for p in products]


def _half_and_share(total_share: float) -> float:
    return 0.5 + 0.5 * min(1.0, total_share)


@lru_cache(maxsize=1 << 16)
def product_pieces(product: str) -> tuple[str, ...]:
    """The products a product's name lists, cut at conjunctions, list marks and dashes and trimmed of
    numbering and punctuation: "储能系统及充电桩" → [储能系统, 充电桩], "③智慧城市" → [智慧城市]."""
    pieces = []
    for piece in _PIECE_BREAKS.split(product):
        start, end = 0, len(piece)
        while start < end and unicodedata.category(piece[start]) not in ("Lo", "Lu", "Ll", "Nd"):
            start += 1
        while end > start and unicodedata.category(piece[end - 1]) not in ("Lo", "Lu", "Ll", "Nd"):
            end -= 1
        if end - start >= 2:
            pieces.append(piece[start:end])
    return tuple(pieces)


def _latin(text: str) -> bool:
    return text.isascii()


def _latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _word_at(piece: str, term: str, at: int) -> int:
    """The last place from ``at`` back where a Latin ``term`` stands in ``piece`` as a word, between
    non-letters ("PLC" in "PLC控制器", not in "PLCVOA"); -1: nowhere."""
    while at >= 0:
        if not _latin_letter(piece[at - 1] if at else "") and not _latin_letter(piece[at + len(term):at + len(term) + 1]):
            return at
        at = piece.rfind(term, 0, at)
    return -1


def _is_machine_for(tail: str) -> bool:
    return bool(tail) and (tail.endswith(("机", "仪")) or any(w in tail for w in MACHINE_WORDS))


def match_strength(product: str, node: NodeProfile) -> tuple[float, str]:
    """The strongest match of ``product`` against the node (see the module docstring) and the term
    it matched."""
    known = node.strengths.get(product)
    if known is None:
        known = node.strengths[product] = _match_strength(product, node)
    return known


def _match_strength(product: str, node: NodeProfile) -> tuple[float, str]:
    best, which = 0.0, ""
    for piece in product_pieces(product.strip()):
        if piece in GENERIC_WORDS or (node.excludes and any(word in piece for word in node.excludes)):
            continue
        for term in node.terms:
            at = piece.rfind(term)
            if at >= 0 and term.isascii():
                at = _word_at(piece, term, at)
            if at >= 0:
                if _is_machine_for(piece[at + len(term):]) and not node.about_machines:
                    continue
                return STRENGTH_CONTAINS, term
            elif (best < STRENGTH_BROADER and term.endswith(piece) and len(piece) < len(term)
                    and not (_latin(piece) and (len(piece) < 3 or _latin_letter(term[-len(piece) - 1])))):
                best, which = STRENGTH_BROADER, term
    return best, which


def product_part(node: NodeProfile, company: CompanyFacts) -> tuple[float, str, list[str]]:
    """(value, reason, sources) of the product match; see the module docstring."""
    matched = []
    for product, share in zip(company.products, _shares(company.products), strict=True):
        strength, term = match_strength(product.name, node)
        if strength:
            matched.append((product, share, strength, term))
    if not matched:
        return 0.0, "", []
    matched.sort(key=lambda m: (-m[2], -(m[0].share or 0)))
    value = max(m[2] for m in matched) * _half_and_share(sum(m[1] * m[2] for m in matched))
    shown = "、".join(f"{p.name}（{_share_text(p.share)}）" for p, _, _, _ in matched[:3])
    more = f"等 {len(matched)} 项" if len(matched) > 3 else ""
    broader = "" if matched[0][2] == STRENGTH_CONTAINS else f"（较“{matched[0][3]}”更宽泛）"
    return value, f"主营{shown}{more}{broader}", sorted({p.source for p, *_ in matched if p.source})


def _shared_digits(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def industry_part(node: NodeProfile, company: CompanyFacts) -> tuple[float, str, list[str]]:
    """(value, reason, sources) of the industry match: GB/T 小类/中类/大类, or CSRC (大类 at most)."""
    codes = [c.strip() for c in node.gbt_codes if c.strip()]
    best, reason, sources = 0.0, "", []
    gbt = company.gbt_code.strip()
    if gbt and codes:
        digits = max(min(_shared_digits(gbt, c), len(gbt)) for c in codes)
        level = max((d for d in INDUSTRY_LEVELS if d <= digits), default=0)
        if level:
            best = INDUSTRY_LEVELS[level]
            what = {4: "小类", 3: "中类", 2: "大类"}[level]
            reason = f"行业代码 {gbt} 与环节同属{what} {gbt[:level]}"
            sources = [company.sources.get("industry", "")]
    csrc = company.csrc_code.strip().upper()
    if best < INDUSTRY_LEVELS[2] and len(csrc) == 3 and any(c[:2] == csrc[1:] for c in codes):
        best, reason = INDUSTRY_LEVELS[2], f"证监会行业 {csrc}（与环节同属大类 {csrc[1:]}）"
        sources = [company.sources.get("csrc", "")]
    return best, reason, [s for s in sources if s]


def supply_part(node: NodeProfile, company: CompanyFacts, leaders: Sequence[ChainLeader],
                graph: ProductGraph) -> tuple[float, str]:
    """(value, reason) of the supply relation with local chain leaders (以商招商), through the
    company's products that match the node (see the module docstring)."""
    related, said = [], []
    for product, share in zip(company.products, _shares(company.products), strict=True):
        if not match_strength(product.name, node)[0]:
            continue
        for leader in leaders:
            for made in leader.products:
                if product.name in graph.materials.get(made, ()):
                    related.append(share)
                    said.append(f"主营{product.name}为本地链主{leader.name}（{made}）的上游材料")
                    break
                if product.name in graph.made_from.get(made, ()):
                    related.append(share)
                    said.append(f"主营{product.name}以本地链主{leader.name}的{made}为原料")
                    break
            else:
                continue
            break
    if not related:
        return 0.0, ""
    return _half_and_share(sum(related)), "；".join(said[:2]) + (f"等 {len(said)} 项" if len(said) > 2 else "")


def scale_part(company: CompanyFacts) -> tuple[float, str]:
    """(value, reason) of the scale part: the best of listing, size class and registered capital."""
    options = []
    if company.listed:
        options.append((LISTED_SCALE, "上市公司"))
    if company.scale in SCALE_VALUES:
        options.append((SCALE_VALUES[company.scale], f"{SCALE_LABELS[company.scale]}企业"))
    capital = company.registered_capital
    if capital is not None and math.isfinite(capital) and capital > 0:
        value = next(v for floor, v in CAPITAL_STEPS if capital >= floor)
        options.append((value, f"注册资本 {capital:,.0f} 万元"))
    if not options:
        return 0.0, ""
    return max(options, key=lambda o: o[0])


def region_part(company: CompanyFacts, district_code: str, preferred: Sequence[str]) -> tuple[float, str]:
    """(value, reason) of the region part (see the module docstring)."""
    code = company.region_code.strip()
    if not code:
        return 0.0, ""
    where = company.region_name or code
    # A company known only by its province is not inside a preferred city of that province.
    if any(code.startswith(p) for p in preferred):
        return 1.0, f"位于{where}（优先区域）"
    if district_code and len(code) >= 4 and code[:4] == district_code[:4]:
        return REGION_SAME_CITY, f"位于{where}（与本区同市）"
    if district_code and code[:2] == district_code[:2]:
        return REGION_SAME_PROVINCE, f"位于{where}（与本区同省）"
    return 0.0, ""


def score_company(node: NodeProfile, company: CompanyFacts, *, weights: TargetWeights,
                  leaders: Sequence[ChainLeader] = (), graph: ProductGraph = EMPTY_GRAPH,
                  district_code: str = "") -> Candidate | None:
    """The company's score for the node, or None when it matches neither product nor industry."""
    product, product_reason, product_sources = product_part(node, company)
    industry, industry_reason, industry_sources = industry_part(node, company)
    if product == 0 and industry == 0:
        return None
    supply, supply_reason = supply_part(node, company, leaders, graph)
    scale, scale_reason = scale_part(company)
    region, region_reason = region_part(company, district_code, weights.preferred_regions)
    values = {"product": (product, product_reason), "industry": (industry, industry_reason),
              "supply": (supply, supply_reason), "scale": (scale, scale_reason), "region": (region, region_reason)}
    total = weights.total
    parts = tuple(ScorePart(key, value, getattr(weights, key), 100 * getattr(weights, key) * value / total,
                            reason if value else "") for key, (value, reason) in values.items())
    sentence = "；".join(p.reason for p in (parts[0], parts[2], parts[1], parts[3], parts[4]) if p.reason)
    sources = list(dict.fromkeys([*product_sources, *industry_sources]))
    if supply:
        sources.append("产品上下游关系（产业链知识图谱）")
    for key, value in (("scale", scale), ("region", region)):
        if value and company.sources.get(key):
            sources.append(company.sources[key])
    return Candidate(company, sum(p.points for p in parts), parts, sentence, tuple(dict.fromkeys(sources)))


def rank_candidates(node: NodeProfile, companies: Iterable[CompanyFacts], *, weights: TargetWeights,
                    leaders: Sequence[ChainLeader] = (), graph: ProductGraph = EMPTY_GRAPH,
                    district_code: str = "", limit: int | None = None) -> list[Candidate]:
    """The companies that match the node, best first (ties by name), at most ``limit``.

    Raises :class:`NodeUnmatchable` when the node has neither keywords nor GB/T codes."""
    if len(node.lacks()) == 2:
        raise NodeUnmatchable(f"环节“{node.name}”既没有产品关键词也没有行业代码，无法匹配企业：请先在产业链图谱中补充。")
    found = [c for c in (score_company(node, company, weights=weights, leaders=leaders, graph=graph,
                                       district_code=district_code) for company in companies) if c is not None]
    found.sort(key=lambda c: (-round(c.score, 9), c.company.name))
    return found[:limit] if limit is not None else found


__all__ = ["EMPTY_GRAPH", "GENERIC_WORDS", "PARTS", "PART_LABELS", "Candidate", "ChainLeader", "CompanyFacts",
           "NodeProfile", "NodeUnmatchable", "Product", "ProductGraph", "ScorePart", "TargetWeights",
           "industry_part", "match_strength", "product_part", "product_pieces", "rank_candidates", "region_part",
           "scale_part", "score_company", "supply_part"]
