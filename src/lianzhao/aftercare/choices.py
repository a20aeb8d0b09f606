"""Enterprise service after landing: request (诉求) states and their one transition map, ratings,
event kinds, visit and landing-step states."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class TicketStatus(TranslatedTextChoices):
    """Where a service request stands. 已提出 → 已分派 (department, deadline) → 已受理 → 已答复 → 已办结;
    转办 hands it to another department; 重办 sends it back when the company is not satisfied."""

    RAISED = "raised", _("已提出")
    ROUTED = "routed", _("已分派")
    ACCEPTED = "accepted", _("已受理")
    FORWARDED = "forwarded", _("已转办")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    REOPENED = "reopened", _("重新办理")


#: The one transition map: status -> statuses a request may move to. A routed or forwarded request
#: is accepted before it is answered; a reopened one returns to the department that answered it,
#: which already accepted it, so it may be answered again at once (or forwarded).
TICKET_TRANSITIONS: dict[str, list[str]] = {
    TicketStatus.RAISED: [TicketStatus.ROUTED],
    TicketStatus.ROUTED: [TicketStatus.ACCEPTED, TicketStatus.FORWARDED],
    TicketStatus.FORWARDED: [TicketStatus.ACCEPTED, TicketStatus.FORWARDED],
    TicketStatus.ACCEPTED: [TicketStatus.ANSWERED, TicketStatus.FORWARDED],
    TicketStatus.REOPENED: [TicketStatus.ANSWERED, TicketStatus.FORWARDED],
    TicketStatus.ANSWERED: [TicketStatus.CLOSED, TicketStatus.REOPENED],
    TicketStatus.CLOSED: [],
}

#: A department holds the request and owes an answer: these can be overdue (deadline passed).
AWAITING_ANSWER = [TicketStatus.ROUTED, TicketStatus.FORWARDED, TicketStatus.ACCEPTED, TicketStatus.REOPENED]
#: Not closed: the request still needs someone's action.
OPEN_STATUSES = [TicketStatus.RAISED, *AWAITING_ANSWER, TicketStatus.ANSWERED]


class Satisfaction(TranslatedTextChoices):
    """The company's rating of an answer, recorded by its service officer."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


#: Ratings that count as satisfied in the satisfaction rate; an unsatisfied rating reopens the request.
SATISFIED_RATINGS = [Satisfaction.SATISFIED, Satisfaction.BASIC]


class TicketEventKind(TranslatedTextChoices):
    RAISED = "raised", _("提出诉求")
    ROUTED = "routed", _("分派")
    ACCEPTED = "accepted", _("受理")
    FORWARDED = "forwarded", _("转办")
    ANSWERED = "answered", _("答复")
    CLOSED = "closed", _("评价办结")
    REOPENED = "reopened", _("不满意，重新办理")
    NOTE = "note", _("备注")
    FILE = "file", _("上传附件")


#: The event each status change writes.
EVENT_FOR_STATUS = {
    TicketStatus.ROUTED: TicketEventKind.ROUTED,
    TicketStatus.ACCEPTED: TicketEventKind.ACCEPTED,
    TicketStatus.FORWARDED: TicketEventKind.FORWARDED,
    TicketStatus.ANSWERED: TicketEventKind.ANSWERED,
    TicketStatus.CLOSED: TicketEventKind.CLOSED,
    TicketStatus.REOPENED: TicketEventKind.REOPENED,
}


class VisitStatus(TranslatedTextChoices):
    PLANNED = "planned", _("计划走访")
    DONE = "done", _("已走访")

