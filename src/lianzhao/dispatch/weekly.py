"""The weekly dispatch report (周调度表): pure assembly of rows already read from the database
(:class:`WeeklyData`, see :func:`lianzhao.dispatch.queries.weekly_data`) into the report dict that the
page, the Excel workbook and the PDF all render. No queries here, so every number is testable from a
hand-made :class:`WeeklyData`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lianzhao.aftercare.weekly import ServiceReport
from lianzhao.core.i18n import in_data_language
from lianzhao.core.tables import Column, Table
from lianzhao.dispatch.ranking import (
    RANKING_RULE,
    TARGET_DEFINITION,
    DepartmentProgress,
    rank_departments,
)
from lianzhao.dispatch.weeks import IsoWeek
from lianzhao.projects.choices import AttractionMethod, FundsSource, ProjectStage
from lianzhao.projects.counting import FUNDS_DEFINITION, SIGNED_TOTAL_DEFINITION, FundsSummary

ZERO = Decimal("0.00")

SHEETS = ["汇总", "新增线索", "阶段变动", "到位资金", "红黄灯", "停滞项目", "目标完成", "企业诉求", "落地事项"]

PERIOD_DEFINITION = ("统计周期为 ISO 周，周一至周日（北京时间），日期均为项目登记的日历日期；"
                     "数据截至日为周日，本周尚未结束时为生成当天。")
STAGE_AS_OF_DEFINITION = (
    "按数据截至日项目所处阶段计数：以各阶段日期判断项目当时到达的最高阶段，暂缓、终止以阶段变更记录的日期为准；"
    "截至日之后才登记的项目不计；每个项目只计一次，已合并的重复项目不计。计划投资额单位亿元，"
    "未填投资额的项目计入个数、不计金额。")
PLANNED_AS_OF_DEFINITION = ("计划投资额合计，单位亿元；不含截至日已终止的项目和已合并的重复项目；"
                            "未填投资额的项目不计入金额、计入个数。")
NEW_LEADS_DEFINITION = "新增线索：线索日期在本周（周一至周日）内的项目；已合并的重复项目不计。"
STAGE_MOVES_DEFINITION = ("阶段变动：发生日期在本周内的阶段变更记录（项目动态中的“阶段变更”），不含登记线索本身；"
                          "同一项目本周多次变动逐条列出；已合并的重复项目不计。")
WEEK_COUNTS_DEFINITION = "本周开工、投产：开工日期、投产日期在本周内的项目个数；已合并的重复项目不计。"
WEEK_FUNDS_DEFINITION = "本周到位资金：到位日期在本周内的到位资金登记，每笔一行，内资、外资分列；已合并的重复项目不计。"


def light_change_definition(lights_definition: str) -> str:
    return ("本周转黄、转红：分别以上周日和本周日（未结束的周为今天）作为“今天”，按当时已登记的阶段日期和项目动态"
            "计算红黄绿灯，本周灯色比上周更差（绿→黄、绿→红、黄→红）的项目；计划节点日期和最早未办结落地事项的期限按当前登记值。"
            f"灯色规则——{lights_definition}")


def stalled_definition(stale_days: int) -> str:
    return (f"停滞项目：截至数据截至日处于线索至开工阶段（不含暂缓、终止、投产、达产）、且已 {stale_days} 天以上"
            "没有任何项目动态（走访、会谈、电话、备注、阶段变更等；没有动态时从线索日期起算）的项目，"
            "天数与红黄绿灯的“无动态”规则一致；按无动态天数从多到少排列，附最近一条动态。")


@dataclass
class WeeklyData:
    """Everything the weekly report shows, as plain rows (see :mod:`lianzhao.dispatch.queries`)."""

    week: IsoWeek
    as_of: dt.date
    generated_on: dt.date
    district: str
    unit: str
    year: int
    ytd_end: dt.date
    new_leads: list[dict] = field(default_factory=list)
    stage_moves: list[dict] = field(default_factory=list)
    light_changes: list[dict] = field(default_factory=list)
    stalled: list[dict] = field(default_factory=list)
    stalled_count: int | None = None  # when ``stalled`` holds only the first rows (a preview)
    groups: list[dict] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    week_signed_count: int = 0
    week_signed_amount: Decimal = ZERO
    week_funds: FundsSummary = field(default_factory=FundsSummary)
    funds_entries: list[dict] = field(default_factory=list)
    week_started: int = 0
    week_production: int = 0
    progress: list[DepartmentProgress] = field(default_factory=list)
    lights_definition: str = ""
    stale_days: int = 30
    #: The enterprise-service sheets (企业诉求, 落地事项), read by :mod:`lianzhao.aftercare.weekly`.
    service: ServiceReport = field(default_factory=ServiceReport)


def _label(stage: str) -> str:
    return ProjectStage(stage).label if stage else "（首次登记）"


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _numbered(rows: list[list]) -> list[list]:
    return [[i, *row] for i, row in enumerate(rows, start=1)]


def _group_table(key: str, title: str, head: Column, order: list[str], groups: list[dict],
                 field_name: str, labels=None, notes=None) -> Table:
    """Count and planned amount per value of ``field_name``, every value of ``order`` listed."""
    counts: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    for g in groups:
        name = g[field_name]
        counts[name] = counts.get(name, 0) + g["count"]
        amounts[name] = amounts.get(name, ZERO) + (g["amount"] or ZERO)
    names = list(order) + sorted(n for n in counts if n not in order)
    rows = [[(labels or {}).get(n, n), counts.get(n, 0), amounts.get(n, ZERO)] for n in names]
    return Table(key=key, title=title,
                 columns=[head, Column("项目数", "int", 10), Column("计划投资额（亿元）", "amount", 16)],
                 rows=rows, total=["合计", sum(counts.values()), _sum(amounts.values())],
                 notes=notes or [PLANNED_AS_OF_DEFINITION])


def _ratio_cells(actual, target):
    if not target:
        return [None, actual, None]
    return [target, actual, Decimal(actual) / Decimal(target)]


#: The measures of the targets, in DepartmentProgress.MEASURES order: name, unit, cell kind.
_MEASURES = (("签约额", "亿元", "amount"), ("新签约项目", "个", "int"), ("到位资金", "亿元", "amount"),
             ("开工", "个", "int"), ("投产", "个", "int"))


def _target_columns(actual: str = "本年") -> list[Column]:
    """Target, actual and completion ratio of each measure; ``actual`` names the period counted."""
    out = []
    for name, unit, kind in _MEASURES:
        out += [Column(f"年度{name}目标（{unit}）", kind, 11), Column(f"{actual}{name}（{unit}）", kind, 11),
                Column(f"{name}完成率", "percent", 9)]
    return out


def _target_cells(p: DepartmentProgress) -> list:
    return [cell for actual, target in DepartmentProgress.MEASURES
            for cell in _ratio_cells(getattr(p, actual), getattr(p, target))]


def _total_progress(progress: list[DepartmentProgress]) -> DepartmentProgress:
    """The departments' targets and results summed (targets None where none is set)."""
    def total(name):
        values = [getattr(p, name) for p in progress if getattr(p, name) is not None]
        return sum(values[1:], values[0]) if values else None

    sums = {name: total(name) for pair in DepartmentProgress.MEASURES for name in pair}
    return DepartmentProgress(0, "合计", **{k: v if k.startswith("target_") else (v or 0) for k, v in sums.items()})


def department_table(data: WeeklyData) -> Table:
    """Projects and planned amount by department, beside the annual targets and this year's results."""
    live = [g for g in data.groups if g["stage"] != ProjectStage.DROPPED]
    base = _group_table("department", "（四）按责任部门（对照年度目标）", Column("责任部门", "text", 16),
                        data.departments, live, "department")
    progress = {p.department: p for p in data.progress}
    empty = DepartmentProgress(0, "", None, None, None, ZERO, 0, 0)
    rows = [[*row, *_target_cells(progress.get(row[0], empty))] for row in base.rows]
    return Table(key="department", title=base.title, columns=[*base.columns, *_target_columns()],
                 rows=rows, total=[*base.total, *_target_cells(_total_progress(data.progress))],
                 notes=[PLANNED_AS_OF_DEFINITION, TARGET_DEFINITION, SIGNED_TOTAL_DEFINITION, FUNDS_DEFINITION])


def ranking_table(progress: list[DepartmentProgress], year: int, period_label: str = "") -> Table:
    """The ranking of ``year`` (or of a period of it, named by ``period_label``)."""
    rows = [[r.rank if r.rank is not None else "未排名", r.progress.department, r.score,
             *_target_cells(r.progress), r.progress.note] for r in rank_departments(progress)]
    title = f"{period_label or f'{year} 年度'}目标完成情况与进位争先排名"
    return Table(key="ranking", title=title,
                 columns=[Column("名次", "text", 8), Column("部门", "text", 16), Column("综合完成率", "percent", 11),
                          *_target_columns("统计期" if period_label else "本年"), Column("备注", "text", 24)],
                 rows=rows, notes=[RANKING_RULE, TARGET_DEFINITION, SIGNED_TOTAL_DEFINITION, FUNDS_DEFINITION],
                 empty_text="尚未设定部门。")


def headline(data: WeeklyData) -> dict:
    red = sum(1 for r in data.light_changes if r["light_after"] == "red")
    return {
        "new_leads": len(data.new_leads),
        "new_lead_amount": _sum(r["amount"] for r in data.new_leads),
        "stage_moves": len(data.stage_moves),
        "signed_count": data.week_signed_count,
        "signed_amount": data.week_signed_amount,
        "funds_count": len(data.funds_entries),
        "funds_amount": data.week_funds.total,
        "started": data.week_started,
        "production": data.week_production,
        "turned_yellow": len(data.light_changes) - red,
        "turned_red": red,
        "stalled": len(data.stalled) if data.stalled_count is None else data.stalled_count,
        "overdue_tickets": data.service.overdue_tickets,
        "overdue_steps": data.service.overdue_steps,
    }


def _headline_table(h: dict) -> Table:
    rows = [
        ["新增线索", h["new_leads"], h["new_lead_amount"], NEW_LEADS_DEFINITION],
        ["阶段变动（次）", h["stage_moves"], None, STAGE_MOVES_DEFINITION],
        ["本周签约", h["signed_count"], h["signed_amount"], "签约个数按首次签约计；金额含本周登记的增资、技改升级。"],
        ["本周到位资金（笔）", h["funds_count"], h["funds_amount"], "见“到位资金”表；口径见下。"],
        ["本周开工", h["started"], None, WEEK_COUNTS_DEFINITION],
        ["本周投产", h["production"], None, WEEK_COUNTS_DEFINITION],
        ["本周转黄灯", h["turned_yellow"], None, "见“红黄灯”表。"],
        ["本周转红灯", h["turned_red"], None, "见“红黄灯”表。"],
        ["停滞项目", h["stalled"], None, "见“停滞项目”表。"],
        ["超期未答复诉求", h["overdue_tickets"], None, "见“企业诉求”表。"],
        ["逾期落地事项", h["overdue_steps"], None, "见“落地事项”表。"],
    ]
    return Table(key="headline", title="本周概况",
                 columns=[Column("指标", "text", 16), Column("数量", "int", 10),
                          Column("金额（亿元）", "amount", 14), Column("说明", "text", 60)],
                 rows=rows, notes=[PERIOD_DEFINITION, SIGNED_TOTAL_DEFINITION, FUNDS_DEFINITION])


def _summary_tables(data: WeeklyData) -> list[Table]:
    live = [g for g in data.groups if g["stage"] != ProjectStage.DROPPED]
    stage_labels = {s.value: s.label for s in ProjectStage}
    methods = {m.value: m.label for m in AttractionMethod}
    return [
        _headline_table(headline(data)),
        _group_table("stage", "（一）按阶段（截至数据截至日）", Column("阶段", "text", 16),
                     [s.value for s in ProjectStage], data.groups, "stage", labels=stage_labels,
                     notes=[STAGE_AS_OF_DEFINITION]),
        _group_table("industry", "（二）按所属产业", Column("所属产业", "text", 16), data.industries, live,
                     "industry"),
        _group_table("method", "（三）按招商方式", Column("招商方式", "text", 16),
                     [m.value for m in AttractionMethod], live, "method", labels=methods),
        department_table(data),
    ]


def _new_leads_table(data: WeeklyData) -> Table:
    rows = [[r["name"], r["investor"], r["industry"], r["chain_node"], r["amount"],
             AttractionMethod(r["method"]).label, r["source"], r["department"], r["officer"], r["lead_date"]]
            for r in data.new_leads]
    return Table(key="new_leads", title="本周新增线索",
                 columns=[Column("序号", "int", 6), Column("项目名称", "text", 30), Column("投资方", "text", 24),
                          Column("所属产业", "text", 12), Column("产业链环节", "text", 14),
                          Column("计划投资额（亿元）", "amount", 12), Column("招商方式", "text", 10),
                          Column("线索来源", "text", 20), Column("责任部门", "text", 14),
                          Column("责任人", "text", 12), Column("线索日期", "date", 12)],
                 rows=_numbered(rows),
                 total=["合计", f"{len(rows)} 个", "", "", "", _sum(r["amount"] for r in data.new_leads),
                        "", "", "", "", None],
                 notes=[NEW_LEADS_DEFINITION], empty_text="本周没有新增线索。")


def _stage_moves_table(data: WeeklyData) -> Table:
    rows = [[r["occurred_on"], r["name"], _label(r["from_stage"]), _label(r["to_stage"]), r["amount"],
             r["signed_amount"], r["department"], r["officer"], r["text"]] for r in data.stage_moves]
    return Table(key="stage_moves", title="本周阶段变动",
                 columns=[Column("序号", "int", 6), Column("日期", "date", 12), Column("项目名称", "text", 30),
                          Column("原阶段", "text", 10), Column("新阶段", "text", 10),
                          Column("计划投资额（亿元）", "amount", 12), Column("签约投资额（亿元）", "amount", 12),
                          Column("责任部门", "text", 14), Column("责任人", "text", 12), Column("说明", "text", 36)],
                 rows=_numbered(rows), notes=[STAGE_MOVES_DEFINITION], empty_text="本周没有阶段变动。")


def _funds_table(data: WeeklyData) -> Table:
    rows = [[r["on"], r["name"], FundsSource(r["source"]).label, r["amount"], r["signed_amount"], r["department"],
             r["officer"], r["evidence"], r["note"]] for r in data.funds_entries]
    return Table(key="funds", title="本周到位资金",
                 columns=[Column("序号", "int", 6), Column("到位日期", "date", 12), Column("项目名称", "text", 30),
                          Column("资金来源", "text", 8), Column("到位金额（亿元）", "amount", 12),
                          Column("签约投资额（亿元）", "amount", 12), Column("责任部门", "text", 14),
                          Column("责任人", "text", 12), Column("佐证材料", "text", 24), Column("说明", "text", 30)],
                 rows=_numbered(rows),
                 total=["合计", None, f"{len(rows)} 笔", "", data.week_funds.total, None, "", "", "", ""],
                 notes=[WEEK_FUNDS_DEFINITION, FUNDS_DEFINITION], empty_text="本周没有登记到位资金。")


LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "unplanned": "未制定计划", "green": "绿灯", "none": "无"}


def _lights_table(data: WeeklyData) -> Table:
    rows = [[r["name"], _label(r["stage"]), LIGHT_LABELS[r["light_before"]], LIGHT_LABELS[r["light_after"]],
             r["reason"], r["department"], r["officer"]] for r in data.light_changes]
    return Table(key="lights", title="本周转黄灯、转红灯的项目",
                 columns=[Column("序号", "int", 6), Column("项目名称", "text", 30), Column("阶段", "text", 10),
                          Column("上周灯色", "text", 10), Column("本周灯色", "text", 10),
                          Column("原因", "text", 50), Column("责任部门", "text", 14), Column("责任人", "text", 12)],
                 rows=_numbered(rows), notes=[light_change_definition(data.lights_definition)],
                 empty_text="本周没有转黄灯或转红灯的项目。")


def _stalled_table(data: WeeklyData) -> Table:
    rows = [[r["name"], _label(r["stage"]), r["department"], r["officer"], r["last_on"], r["idle_days"],
             r["last_kind"], r["last_text"]] for r in data.stalled]
    return Table(key="stalled", title="停滞项目", row_count=data.stalled_count,
                 columns=[Column("序号", "int", 6), Column("项目名称", "text", 30), Column("阶段", "text", 10),
                          Column("责任部门", "text", 14), Column("责任人", "text", 12),
                          Column("最近动态日期", "date", 12), Column("无动态天数", "int", 10),
                          Column("最近动态类型", "text", 10), Column("最近动态内容", "text", 50)],
                 rows=_numbered(rows), notes=[stalled_definition(data.stale_days)], empty_text="没有停滞项目。")


@in_data_language
def build_weekly_report(data: WeeklyData) -> dict:
    """The report dict: title lines, headline figures and the six sheets (each a list of tables)."""
    title = f"{data.district}招商引资项目周调度表"
    return {
        "title": title,
        "district": data.district,
        "unit": data.unit,
        "week": data.week,
        "period": data.week.title,
        "as_of": data.as_of,
        "generated_on": data.generated_on,
        "year": data.year,
        "headline": headline(data),
        "sheets": [
            {"name": "汇总", "tables": _summary_tables(data)},
            {"name": "新增线索", "tables": [_new_leads_table(data)]},
            {"name": "阶段变动", "tables": [_stage_moves_table(data)]},
            {"name": "到位资金", "tables": [_funds_table(data)]},
            {"name": "红黄灯", "tables": [_lights_table(data)]},
            {"name": "停滞项目", "tables": [_stalled_table(data)]},
            {"name": "目标完成", "tables": [ranking_table(data.progress, data.year)]},
            *data.service.sheets,
        ],
    }


def report_filename(week: IsoWeek, extension: str) -> str:
    """The download's name: 周调度表_2025-W13.pdf."""
    return f"周调度表_{week.label}.{extension}"
