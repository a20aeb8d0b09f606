"""Project stages, the one transition map, what each stage requires (one spec per stage), attraction
methods and event kinds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class ProjectStage(TranslatedTextChoices):
    LEAD = "lead", _("线索")
    CONTACTED = "contacted", _("接洽")
    NEGOTIATING = "negotiating", _("洽谈")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    CONSTRUCTION = "construction", _("开工")
    PRODUCTION = "production", _("投产")
    FULL_CAPACITY = "full_capacity", _("达产")
    PAUSED = "paused", _("暂缓")
    DROPPED = "dropped", _("终止")


#: The main line, in order. 暂缓 and 终止 are side states.
PIPELINE = [
    ProjectStage.LEAD,
    ProjectStage.CONTACTED,
    ProjectStage.NEGOTIATING,
    ProjectStage.SIGNED,
    ProjectStage.REGISTERED,
    ProjectStage.CONSTRUCTION,
    ProjectStage.PRODUCTION,
    ProjectStage.FULL_CAPACITY,
]

#: Stages from which a project can still move: every main-line stage before 达产.
OPEN_STAGES = PIPELINE[:-1]
TERMINAL_STAGES = [ProjectStage.FULL_CAPACITY, ProjectStage.DROPPED]


def _forward_map() -> dict[str, list[str]]:
    moves: dict[str, list[str]] = {}
    for i, stage in enumerate(OPEN_STAGES):
        moves[stage] = [PIPELINE[i + 1], ProjectStage.PAUSED, ProjectStage.DROPPED]
    moves[ProjectStage.FULL_CAPACITY] = []
    moves[ProjectStage.DROPPED] = []
    # From 暂缓 a project resumes to the stage it was paused from (checked in the service) or ends.
    moves[ProjectStage.PAUSED] = [*OPEN_STAGES, ProjectStage.DROPPED]
    return moves


#: The one transition map: stage -> stages it may move to. One step forward at a time; no skipping,
#: no going back (a wrongly recorded stage is corrected by an admin edit, which is audited).
TRANSITIONS: dict[str, list[str]] = _forward_map()

def counts(prefix: str = "") -> Q:
    """不重复统计 — the one definition of which projects count: a project merged into another (a
    duplicate) never counts, in lists, totals, lights or reports. ``prefix`` reaches the project from
    a related row (``counts("project__")`` for its events or investment changes)."""
    return Q(**{f"{prefix}merged_into__isnull": True})


#: Stages at or after signing: a project here counts as signed (签约) in totals.
SIGNED_OR_LATER = PIPELINE[PIPELINE.index(ProjectStage.SIGNED):]


class AttractionMethod(TranslatedTextChoices):
    FUND = "fund", _("基金招商")
    CAPITAL = "capital", _("资本招商")
    REFERRAL = "referral", _("以商招商")
    RESIDENT_OFFICE = "resident_office", _("驻点招商")
    EXPO = "expo", _("展会招商")
    PLATFORM = "platform", _("平台招商")
    OTHER = "other", _("其他")


class EventKind(TranslatedTextChoices):
    STAGE_CHANGE = "stage_change", _("阶段变更")
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("会谈")
    CALL = "call", _("电话沟通")
    NOTE = "note", _("备注")
    INVESTMENT_CHANGE = "investment_change", _("投资变更")
    FILE = "file", _("上传材料")
    MERGE = "merge", _("合并重复项目")
    FUNDS = "funds", _("到位资金")


#: Event kinds a user logs by hand; the others are written by the services that make the change.
MANUAL_EVENT_KINDS = [EventKind.VISIT, EventKind.MEETING, EventKind.CALL, EventKind.NOTE]


class FundsSource(TranslatedTextChoices):
    """Where funds in place (实际到位资金) come from: domestic or foreign capital."""

    DOMESTIC = "domestic", _("内资")
    FOREIGN = "foreign", _("外资")


class LedgerList(TranslatedTextChoices):
    """The choice lists of the project ledger (招商项目台账) a bureau edits as data: each district
    names its own project types, investor kinds, key-project levels, parks and source countries
    (:class:`lianzhao.projects.models.LedgerChoice`)."""

    PROJECT_TYPE = "project_type", _("项目类型")
    INVESTOR_NATURE = "investor_nature", _("投资方性质")
    KEY_LEVEL = "key_level", _("重点项目级别")
    LANDING_SITE = "landing_site", _("落地园区/街道")
    COUNTRY = "country", _("境外来源国别（地区）")


#: The project field that holds a choice of each ledger list.
LEDGER_FIELD = {
    LedgerList.PROJECT_TYPE: "project_type",
    LedgerList.INVESTOR_NATURE: "investor_nature",
    LedgerList.KEY_LEVEL: "key_level",
    LedgerList.LANDING_SITE: "landing_site",
    LedgerList.COUNTRY: "origin_country",
}

#: The choices a new installation starts with (code, name), where a list has none yet. Admins rename,
#: retire and add to them (基础数据管理 → 台账选项); parks and streets differ in every district, so that
#: list starts empty (the demo fills it from the district's townships).
DEFAULT_LEDGER_CHOICES = {
    LedgerList.PROJECT_TYPE: [
        ("type-new", "新建项目"), ("type-expansion", "增资扩产"), ("type-upgrade", "技术改造"),
        ("type-hq", "总部项目"), ("type-rd", "研发中心"), ("type-platform", "平台载体"), ("type-other", "其他"),
    ],
    LedgerList.INVESTOR_NATURE: [
        ("nature-central-soe", "央企"), ("nature-local-soe", "地方国企"), ("nature-private", "民营企业"),
        ("nature-foreign", "外资企业"), ("nature-hmt", "港澳台资企业"), ("nature-listed", "上市公司"),
        ("nature-institution", "高校院所"), ("nature-other", "其他"),
    ],
    LedgerList.KEY_LEVEL: [
        ("key-province", "省重点项目"), ("key-city", "市重点项目"), ("key-district", "区重点项目"),
    ],
    LedgerList.LANDING_SITE: [],
    LedgerList.COUNTRY: [
        ("HK", "中国香港"), ("MO", "中国澳门"), ("TW", "中国台湾"), ("US", "美国"), ("JP", "日本"),
        ("KR", "韩国"), ("SG", "新加坡"), ("DE", "德国"), ("FR", "法国"), ("GB", "英国"), ("NL", "荷兰"),
        ("CH", "瑞士"), ("IT", "意大利"), ("SE", "瑞典"), ("DK", "丹麦"), ("FI", "芬兰"), ("NO", "挪威"),
        ("ES", "西班牙"), ("BE", "比利时"), ("AT", "奥地利"), ("IL", "以色列"), ("AU", "澳大利亚"),
        ("CA", "加拿大"), ("MY", "马来西亚"), ("TH", "泰国"), ("ID", "印度尼西亚"), ("VN", "越南"),
        ("IN", "印度"), ("AE", "阿联酋"), ("SA", "沙特阿拉伯"), ("RU", "俄罗斯"), ("BR", "巴西"),
        ("VG", "英属维尔京群岛"), ("KY", "开曼群岛"),
    ],
}


class InvestmentChangeKind(TranslatedTextChoices):
    """What happened to a signed project's investment after its first signing (不重复统计)."""

    CAPITAL_INCREASE = "capital_increase", _("增资")
    UPGRADE = "upgrade", _("技改升级")
    RE_SIGNING = "re_signing", _("重新签约")
    REDUCTION = "reduction", _("减资")


#: The sign a change's delta must carry: +1 adds to the signed total, -1 subtracts, 0 counts nothing
#: (a re-signing is the same project signed again: 不重复统计).
INVESTMENT_CHANGE_SIGN = {
    InvestmentChangeKind.CAPITAL_INCREASE: 1,
    InvestmentChangeKind.UPGRADE: 1,
    InvestmentChangeKind.RE_SIGNING: 0,
    InvestmentChangeKind.REDUCTION: -1,
}


class Light(TranslatedTextChoices):
    """Traffic-light status (红黄绿灯) of an open project; closed projects have none."""

    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    #: An open project with no planned date for any stage it has not reached: nothing to be on
    #: schedule with, so not 绿灯 "按计划推进" (a stale one is still 黄灯).
    UNPLANNED = "unplanned", _("未制定计划")
    NONE = "none", _("无（已结束）")


#: Main-line stages that can be planned (线索 is where every project starts, so it has no plan).
PLANNED_STAGES = PIPELINE[1:]

#: The field that holds the planned date of each plannable stage.
PLANNED_DATE_FIELD = {stage: f"planned_{stage.value}_date" for stage in PLANNED_STAGES}

# --- what each stage is: one spec per stage -------------------------------------------------------
#
# Read by the stage service (what to demand and check), the stage form (its evidence fields), the
# stage form's template (_workflow.html: one fieldset per stage with evidence) and the importer.


@dataclass(frozen=True)
class EvidenceField:
    """One piece of evidence a stage records on the project (an :class:`InvestmentProject` field)."""

    name: str
    label: Promise
    required: bool = True
    #: "text"; "uscc" (upper-cased, GB 32100-2015 check digit); "number" (not negative)
    kind: str = "text"
    #: Shown at the field when a required value is missing (Chinese, as the service's other messages).
    missing: str = ""
    #: Numbers: shown when the value is not a number / is negative.
    invalid: Promise | None = None
    negative: Promise | None = None
    placeholder: Promise | None = None


@dataclass(frozen=True)
class StageSpec:
    """What moving a project to ``stage`` means: the date field that records when it got there, the
    evidence it records (which of it is required), whether a document must be on file, whether the
    move needs a stated reason, and how the stage form presents its evidence."""

    stage: ProjectStage
    date_field: str | None = None
    evidence: tuple[EvidenceField, ...] = ()
    #: A document (e.g. the signed agreement) must be uploaded with the move unless one of this stage
    #: is already on file; ``file_missing`` says so at the file field.
    needs_file: bool = False
    file_missing: str = ""
    file_hint: Promise | None = None
    #: The move must say why (the note).
    needs_reason: bool = False
    #: The heading of the stage form's fieldset with this stage's evidence.
    legend: Promise | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.evidence if f.required)


STAGE_SPECS: dict[str, StageSpec] = {spec.stage: spec for spec in (
    StageSpec(ProjectStage.LEAD, "lead_date"),
    StageSpec(ProjectStage.CONTACTED, "contacted_date"),
    StageSpec(ProjectStage.NEGOTIATING, "negotiating_date"),
    StageSpec(
        ProjectStage.SIGNED, "signed_date",
        evidence=(
            EvidenceField("signed_amount", _("签约投资额（亿元）"), kind="number",
                          missing="签约须填写签约投资额（亿元）。",
                          invalid=_("签约投资额须为数字（单位：亿元）。"), negative=_("签约投资额不能为负数。")),
            EvidenceField("signed_counterparty", _("签约主体"),
                          missing="签约须填写签约主体（与我方签约的企业或机构）。"),
        ),
        needs_file=True, file_missing="签约须上传签约协议文件（{types}，不超过 {mb} MB）。",
        file_hint=_("须在下方“佐证材料”上传签约协议（项目已有签约材料时可不传）。"),
        legend=_("签约佐证（变更为“签约”时必填）"),
    ),
    StageSpec(
        ProjectStage.REGISTERED, "registered_date",
        evidence=(EvidenceField("registered_uscc", _("新设企业统一社会信用代码"), kind="uscc",
                                missing="注册须填写新设企业的统一社会信用代码（18 位）。"),),
        legend=_("注册佐证（变更为“注册”时必填）"),
    ),
    StageSpec(
        ProjectStage.CONSTRUCTION, "construction_date",
        evidence=(EvidenceField("construction_permit_no", _("施工许可证号"), missing="开工须填写施工许可证号。"),),
        legend=_("开工佐证（变更为“开工”时必填）"),
    ),
    StageSpec(ProjectStage.PRODUCTION, "production_date"),
    StageSpec(
        ProjectStage.FULL_CAPACITY, "full_capacity_date",
        evidence=(
            EvidenceField("capacity_text", _("达产产能"), missing="达产须填写达产产能（如“年产 10 万套电驱总成”）。",
                          placeholder=_("如：年产 10 万套电驱总成")),
            EvidenceField("capacity_value", _("产能数值（可选）"), required=False, kind="number",
                          invalid=_("产能数值须为数字。"), negative=_("产能数值不能为负数。")),
            EvidenceField("capacity_unit", _("产能单位（可选）"), required=False),
        ),
        legend=_("达产佐证（变更为“达产”时必填）"),
    ),
    StageSpec(ProjectStage.PAUSED, needs_reason=True),
    StageSpec(ProjectStage.DROPPED, needs_reason=True),
)}

#: The date field that records when a project reached each main-line stage (from the specs).
STAGE_DATE_FIELD = {stage: STAGE_SPECS[stage].date_field for stage in PIPELINE}

#: Every evidence field of every stage, in stage order (the stage form shows them all).
EVIDENCE_FIELDS: tuple[EvidenceField, ...] = tuple(f for spec in STAGE_SPECS.values() for f in spec.evidence)
