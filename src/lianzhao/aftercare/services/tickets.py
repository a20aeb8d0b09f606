"""A service request's life: raised by the company's service officer, routed to a department with a
deadline, accepted, perhaps forwarded, answered, and rated by the company — closed when satisfied,
reopened when not. Every step: one transaction, one history event, one audit row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lianzhao.accounts import permissions as account_permissions
from lianzhao.aftercare import permissions
from lianzhao.aftercare.choices import (
    EVENT_FOR_STATUS,
    SATISFIED_RATINGS,
    Satisfaction,
    TicketEventKind,
    TicketStatus,
)
from lianzhao.aftercare.models import ServiceDepartment, Ticket, TicketCategory, TicketEvent, TicketFile, TicketNote
from lianzhao.aftercare.services import common
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.services.files import stored_file_cleanup


def lock_ticket(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """The request's row, locked for this transaction and re-read. With ``expected_version``, refused
    when someone acted on it since the user's page was drawn — the message says what they did (the
    answer, when it was answered), so the second of two people answering sees the first answer."""
    current = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(f"该诉求已被他人处理（当前状态：{current.status_label}）{_what_happened(current)}。"
                              "请刷新页面查看后再操作。", code="stale")
    return current


def _what_happened(ticket: Ticket) -> str:
    last = ticket.events.exclude(kind__in=[TicketEventKind.NOTE, TicketEventKind.FILE]).select_related(
        "actor", "department").order_by("-recorded_at", "-id").first()
    if last is None:
        return ""
    who = f"{last.actor}" if last.actor else "系统"
    text = f"：{who} 于 {last.occurred_on:%Y-%m-%d} {last.get_kind_display()}"
    if last.kind == TicketEventKind.ANSWERED:
        text += f"，答复内容为“{ticket.answer}”"
    elif last.department_id and last.kind in (TicketEventKind.ROUTED, TicketEventKind.FORWARDED):
        text += f"至{last.department}"
    return text


def _check_move(ticket: Ticket, to: str) -> None:
    if ticket.can_move_to(to):
        return
    if to in (TicketStatus.CLOSED, TicketStatus.REOPENED):
        raise ValidationError({"rating": f"诉求尚未答复（当前状态：{ticket.status_label}），不能评价办结。"},
                              code="status")
    raise ValidationError(f"诉求当前状态为“{ticket.status_label}”，不能{TicketEventKind(EVENT_FOR_STATUS[to]).label}。",
                              code="status")


def _check_deadline(deadline: dt.date | None, field: str = "deadline") -> dt.date:
    if deadline is None:
        raise ValidationError({field: "请填写办理时限。"})
    if deadline < common.today():
        raise ValidationError({field: f"办理时限 {deadline:%Y-%m-%d} 早于今天，请填写今天或以后的日期。"})
    return deadline


def _active_department(department) -> ServiceDepartment:
    if department is None:
        raise ValidationError({"department": "请选择承办部门。"})
    if not department.is_active:
        raise ValidationError({"department": f"承办部门“{department}”已停用。"})
    return department


def _event(ticket: Ticket, kind: str, actor, **values) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, occurred_on=common.today(), actor=actor, **values)


def _route(ticket: Ticket, department: ServiceDepartment, deadline: dt.date, actor, text: str = "") -> None:
    ticket.status = TicketStatus.ROUTED
    ticket.department = department
    ticket.routed_on = common.today()
    ticket.deadline = deadline
    _event(ticket, TicketEventKind.ROUTED, actor, department=department, deadline=deadline, text=text)


def _store_files(ticket: Ticket, checked: list, actor, stored: list) -> list[str]:
    for upload, check in checked:
        item = TicketFile(ticket=ticket, original_name=check.original_name, size=check.size,
                          content_type=check.content_type, sha256=check.sha256, uploaded_by=actor)
        item.file.save(check.original_name, upload, save=False)
        item.save()
        stored.append(item)
    return [common.file_summary(s) for s in stored]


@in_data_language
def raise_ticket(*, enterprise, category: TicketCategory | None, description: str, acting_user,
                 project=None, uploads=()) -> Ticket:
    """Raise a request for ``enterprise`` (its service officer or an admin). When the category names
    a department, the request is routed there at once with the deadline today + the category's days;
    otherwise it waits to be routed by hand (:func:`route_ticket`). Attachments are checked before
    anything is written. One audit row (the request as created, with its files)."""
    account_permissions.require(permissions.can_serve_company(acting_user, enterprise),
                                "只有该企业的服务专员或管理员可以代企业提出诉求。")
    errors = {}
    description = (description or "").strip()
    if category is None:
        errors["category"] = "请选择诉求类别。"
    elif not category.is_active:
        errors["category"] = f"诉求类别“{category}”已停用，请选择其他类别。"
    if not description:
        errors["description"] = "请填写诉求内容。"
    if project is not None and project.investor_id != enterprise.pk:
        errors["project"] = f"项目“{project}”的投资方不是该企业，不能关联。"
    try:
        checked = common.checked_uploads(uploads)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ticket = Ticket(enterprise=enterprise, project=project, category=category, description=description,
                        raised_on=common.today(), raised_by=acting_user)
        ticket.save()
        _event(ticket, TicketEventKind.RAISED, acting_user, text=description[:200])
        if category.department_id and category.department.is_active:
            _route(ticket, category.department, common.today() + dt.timedelta(days=category.days), acting_user,
                   text=f"按诉求类别“{category}”自动分派，办理时限 {category.days} 天")
            ticket.first_deadline = ticket.deadline
            ticket.save()
        after = snapshot(ticket)
        with stored_file_cleanup() as stored:
            if checked:
                after["files"] = _store_files(ticket, checked, acting_user, stored)
            record_change(actor=acting_user, action=AuditAction.CREATE, obj=ticket, before=None, after=after)
    return ticket


def _transition(ticket: Ticket, *, to: str, acting_user, expected_version, allowed, refusal: str,
                change, reason: str = "") -> Ticket:
    """Check permission (``allowed(user, ticket)``), lock, check again on the row as it is now (a
    forward may have moved it away from the user's department), check the move, apply
    ``change(current)`` (which writes the history event), bump the version, save, write the audit row."""
    account_permissions.require(allowed(acting_user, ticket), refusal)
    with transaction.atomic():
        current = lock_ticket(ticket, expected_version)
        account_permissions.require(allowed(acting_user, current), refusal)
        _check_move(current, to)
        before = snapshot(current)
        change(current)
        current.status = to
        current.version += 1
        current.full_clean()
        current.save()
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                      after=snapshot(current), reason=reason or f"诉求{TicketEventKind(EVENT_FOR_STATUS[to]).label}")
    ticket.refresh_from_db()
    return ticket


@in_data_language
def route_ticket(ticket: Ticket, *, department, deadline: dt.date | None, acting_user,
                 expected_version: int | None = None) -> Ticket:
    """Route a raised request by hand to ``department`` with ``deadline`` (not in the past): the
    company's service officer or an admin."""
    department = _active_department(department)
    deadline = _check_deadline(deadline)

    def change(current):
        _route(current, department, deadline, acting_user, text="人工分派")
        current.first_deadline = current.first_deadline or deadline

    return _transition(ticket, to=TicketStatus.ROUTED, acting_user=acting_user, expected_version=expected_version,
                       allowed=permissions.can_rate_ticket,
                       refusal="只有该企业的服务专员或管理员可以分派诉求。", change=change)


@in_data_language
def accept_ticket(ticket: Ticket, *, acting_user, expected_version: int | None = None) -> Ticket:
    """The department holding the request accepts it (签收)."""
    def change(current):
        _event(current, TicketEventKind.ACCEPTED, acting_user, department=current.department)

    return _transition(ticket, to=TicketStatus.ACCEPTED, acting_user=acting_user, expected_version=expected_version,
                       allowed=permissions.can_handle_ticket,
                       refusal="只有承办部门可以受理该诉求。", change=change)


@in_data_language
def forward_ticket(ticket: Ticket, *, department, reason: str, acting_user,
                   expected_version: int | None = None) -> Ticket:
    """Hand the request to another department (转办) with the reason. The deadline does not move:
    the company was promised a date, and forwarding must not buy time (docs/aftercare.md)."""
    department = _active_department(department)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "转办须说明原因。"})
    if department.pk == ticket.department_id:
        raise ValidationError({"department": f"诉求已在“{department}”，请选择其他承办部门。"})

    def change(current):
        _event(current, TicketEventKind.FORWARDED, acting_user, department=department, deadline=current.deadline,
               text=f"由{current.department}转办：{reason}")
        current.department = department

    return _transition(ticket, to=TicketStatus.FORWARDED, acting_user=acting_user,
                       expected_version=expected_version,
                       allowed=permissions.can_handle_ticket,
                       refusal="只有承办部门可以转办该诉求。", change=change)


@in_data_language
def answer_ticket(ticket: Ticket, *, answer: str, acting_user, expected_version: int | None = None) -> Ticket:
    """The department answers. The first answer's date and department are kept for the on-time rate
    (answered on or before ``first_deadline``); a later answer (after a reopen) replaces the text."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写答复内容。"})

    def change(current):
        current.answer = answer
        current.answered_on = common.today()
        if current.first_answered_on is None:
            current.first_answered_on = current.answered_on
            current.first_answer_department = current.department
        _event(current, TicketEventKind.ANSWERED, acting_user, department=current.department,
               deadline=current.deadline, text=answer)

    return _transition(ticket, to=TicketStatus.ANSWERED, acting_user=acting_user, expected_version=expected_version,
                       allowed=permissions.can_handle_ticket,
                       refusal="只有承办部门可以答复该诉求。", change=change)


@in_data_language
def rate_ticket(ticket: Ticket, *, rating: str, comment: str = "", acting_user,
                expected_version: int | None = None, deadline: dt.date | None = None) -> Ticket:
    """Record the company's rating of the answer (by its service officer): 满意 or 基本满意 closes the
    request; 不满意 reopens it at the department that answered, with the reason and a new deadline
    (``deadline``, not in the past; by default today + the category's days). Refused for a request
    that has not been answered."""
    if rating not in Satisfaction.values:
        raise ValidationError({"rating": "请选择企业的满意度评价。"})
    comment = (comment or "").strip()
    satisfied = rating in SATISFIED_RATINGS
    if not satisfied:
        if not comment:
            raise ValidationError({"comment": "不满意须说明原因，诉求将退回承办部门重新办理。"})
        deadline = _check_deadline(deadline or common.today() + dt.timedelta(days=ticket.category.days))

    def change(current):
        current.rating = rating
        if satisfied:
            current.closed_on = common.today()
            _event(current, TicketEventKind.CLOSED, acting_user, department=current.department, rating=rating,
                   text=comment)
        else:
            current.deadline = deadline
            current.reopen_count += 1
            _event(current, TicketEventKind.REOPENED, acting_user, department=current.department, rating=rating,
                   deadline=deadline, text=comment)

    return _transition(ticket, to=TicketStatus.CLOSED if satisfied else TicketStatus.REOPENED,
                       acting_user=acting_user, expected_version=expected_version,
                       allowed=permissions.can_rate_ticket,
                       refusal="只有该企业的服务专员或管理员可以代企业评价。", change=change)


@in_data_language
def add_ticket_note(ticket: Ticket, *, text: str, private: bool = False, acting_user) -> TicketNote:
    """A note on the request by anyone who sees it; a private note only by bureau staff (only they
    read it). One audit row."""
    account_permissions.require(permissions.can_view_ticket(acting_user, ticket), "您不能查看该诉求。")
    if private and not permissions.in_bureau(acting_user):
        raise PermissionDenied("只有局内人员可以记录内部备注。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写备注内容。"})
    with transaction.atomic():
        note = TicketNote.objects.create(ticket=ticket, text=text, private=private, author=acting_user)
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=note, before=None, after=snapshot(note))
    return note


@in_data_language
def attach_ticket_file(ticket: Ticket, upload, *, acting_user) -> TicketFile:
    """Add an attachment (checked like every upload) by the company's service officer or the
    department holding the request; logged in the history, one audit row."""
    account_permissions.require(permissions.can_rate_ticket(acting_user, ticket)
                                or permissions.can_handle_ticket(acting_user, ticket),
                                "只有服务专员或承办部门可以上传附件。")
    checked = common.checked_uploads([upload] if upload else [], field="file")
    if not checked:
        raise ValidationError({"file": "请选择文件。"})
    with transaction.atomic():
        current = lock_ticket(ticket)
        with stored_file_cleanup() as stored:
            _store_files(current, checked, acting_user, stored)
            _event(current, TicketEventKind.FILE, acting_user, text=stored[0].original_name)
            record_change(actor=acting_user, action=AuditAction.CREATE, obj=stored[0], before=None,
                          after=snapshot(stored[0]))
    return stored[0]
