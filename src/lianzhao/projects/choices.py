"""Project stages, the one transition map, attraction methods and event kinds."""

from __future__ import annotations

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

#: The date field that records when a project reached each main-line stage.
STAGE_DATE_FIELD = {
    ProjectStage.LEAD: "lead_date",
    ProjectStage.CONTACTED: "contacted_date",
    ProjectStage.NEGOTIATING: "negotiating_date",
    ProjectStage.SIGNED: "signed_date",
    ProjectStage.REGISTERED: "registered_date",
    ProjectStage.CONSTRUCTION: "construction_date",
    ProjectStage.PRODUCTION: "production_date",
    ProjectStage.FULL_CAPACITY: "full_capacity_date",
}

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


#: Event kinds a user logs by hand; the others are written by the services that make the change.
MANUAL_EVENT_KINDS = [EventKind.VISIT, EventKind.MEETING, EventKind.CALL, EventKind.NOTE]


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
    NONE = "none", _("无（已结束）")


#: Main-line stages that can be planned (线索 is where every project starts, so it has no plan).
PLANNED_STAGES = PIPELINE[1:]

#: The field that holds the planned date of each plannable stage.
PLANNED_DATE_FIELD = {stage: f"planned_{stage.value}_date" for stage in PLANNED_STAGES}

#: What proves each stage (besides its date, which every stage records). change_stage demands these
#: fields when a project moves to the stage; 签约 also needs an agreement file (see services).
STAGE_EVIDENCE_FIELDS = {
    ProjectStage.SIGNED: ("signed_amount", "signed_counterparty"),
    ProjectStage.REGISTERED: ("registered_uscc",),
    ProjectStage.CONSTRUCTION: ("construction_permit_no",),
    ProjectStage.PRODUCTION: (),
    ProjectStage.FULL_CAPACITY: ("capacity_text",),
}

#: Optional evidence fields recorded with a stage when given.
STAGE_OPTIONAL_FIELDS = {
    ProjectStage.FULL_CAPACITY: ("capacity_value", "capacity_unit"),
}
