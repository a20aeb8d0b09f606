"""Project stages, the one transition map, attraction methods and event kinds."""

from __future__ import annotations

from django.db import models


class ProjectStage(models.TextChoices):
    LEAD = "lead", "线索"
    CONTACTED = "contacted", "接洽"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册"
    CONSTRUCTION = "construction", "开工"
    PRODUCTION = "production", "投产"
    FULL_CAPACITY = "full_capacity", "达产"
    PAUSED = "paused", "暂缓"
    DROPPED = "dropped", "终止"


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


class AttractionMethod(models.TextChoices):
    FUND = "fund", "基金招商"
    CAPITAL = "capital", "资本招商"
    REFERRAL = "referral", "以商招商"
    RESIDENT_OFFICE = "resident_office", "驻点招商"
    EXPO = "expo", "展会招商"
    PLATFORM = "platform", "平台招商"
    OTHER = "other", "其他"


class EventKind(models.TextChoices):
    STAGE_CHANGE = "stage_change", "阶段变更"
    VISIT = "visit", "走访"
    MEETING = "meeting", "会谈"
    CALL = "call", "电话沟通"
    NOTE = "note", "备注"
