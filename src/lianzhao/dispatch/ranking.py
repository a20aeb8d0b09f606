"""Annual targets against results, and the department ranking (进位争先) — pure functions over
:class:`DepartmentProgress` rows, so the rule is tested without a database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from lianzhao.core.tables import ratio

#: A single ratio above this counts as this much, so one very large project cannot decide the ranking.
RATIO_CAP = Decimal("1.5")
#: Scores are compared at 0.01 % (four decimals of the ratio), so equal results tie exactly.
SCORE_QUANTUM = Decimal("0.0001")

# The rule and the definition are printed in the weekly report (Chinese, as sent upward) and on the
# targets page, which translates them: gettext_noop keeps the constants Chinese and marks them.
RANKING_RULE = gettext_noop(
    "进位争先排名规则：各部门分别计算统计期内“签约额”“新签约项目数”“实际到位资金”“开工项目数”“投产项目数”"
    "五项指标的完成率（统计期实际 ÷ 当年年度目标；统计期为季度或月份时即该期完成量占全年目标的比例），"
    "单项完成率超过 150% 的按 150% 计；各项完成率的算术平均数为综合完成率（精确到 0.01%），"
    "按综合完成率从高到低排名；综合完成率相同的，签约额高者在前；仍相同的名次并列。"
    "某项目标未设定或为 0 的，该项不参与平均；各项目标均未设定的部门列在最后，不参与排名。"
)

TARGET_DEFINITION = gettext_noop(
    "年度目标由管理员按部门逐年设定。统计期实际：签约额、新签约项目数按全区签约口径（首次签约计一次，"
    "增资、技改升级计增加额，见下）计至统计截止日；实际到位资金为到位日期在统计期内的到位资金；"
    "开工项目数、投产项目数为开工日期、投产日期在统计期内的项目个数；已合并的重复项目不计。"
    "完成率 = 统计期实际 ÷ 年度目标。"
)


@dataclass(frozen=True)
class DepartmentProgress:
    """One department's annual targets (None when not set) and its results in the period counted."""

    department_id: int
    department: str
    target_signed_amount: Decimal | None
    target_started: int | None
    target_production: int | None
    signed_amount: Decimal
    started: int
    production: int
    note: str = ""
    target_funds: Decimal | None = None
    funds: Decimal = Decimal("0.00")
    target_new_projects: int | None = None
    new_projects: int = 0

    #: (actual, target) attribute pairs of the measures, in the order tables show them.
    MEASURES = (("signed_amount", "target_signed_amount"), ("new_projects", "target_new_projects"),
                ("funds", "target_funds"), ("started", "target_started"), ("production", "target_production"))

    @property
    def has_targets(self) -> bool:
        return any(getattr(self, target) for _, target in self.MEASURES)

    @property
    def ratios(self) -> tuple[Decimal | None, ...]:
        """Completion ratios (actual ÷ target, uncapped) of :attr:`MEASURES`, None where no target."""
        return tuple(ratio(getattr(self, actual), getattr(self, target) or None) for actual, target in self.MEASURES)


@dataclass(frozen=True)
class RankedDepartment:
    progress: DepartmentProgress
    score: Decimal | None
    rank: int | None


def score(progress: DepartmentProgress) -> Decimal | None:
    """Mean of the capped completion ratios of the targets that are set, or None without targets."""
    parts = [min(r, RATIO_CAP) for r in progress.ratios if r is not None]
    if not parts:
        return None
    return (sum(parts, Decimal(0)) / len(parts)).quantize(SCORE_QUANTUM)


def rank_departments(rows: list[DepartmentProgress]) -> list[RankedDepartment]:
    """Departments in ranking order (see :data:`RANKING_RULE`), standard competition ranks
    (1, 2, 2, 4); departments without targets follow, unranked, in the order given."""
    scored = [(score(p), p) for p in rows]
    # A stable sort: departments sharing a place keep the order given (department code order).
    ranked = sorted(((s, p) for s, p in scored if s is not None), key=lambda sp: (-sp[0], -sp[1].signed_amount))
    out: list[RankedDepartment] = []
    previous_key, previous_rank = None, 0
    for position, (s, p) in enumerate(ranked, start=1):
        key = (s, p.signed_amount)
        rank = previous_rank if key == previous_key else position
        out.append(RankedDepartment(p, s, rank))
        previous_key, previous_rank = key, rank
    out.extend(RankedDepartment(p, None, None) for s, p in scored if s is None)
    return out
