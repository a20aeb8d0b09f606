"""A service request's life through the services: each step changes the row, writes its history
event and exactly one audit row; refused steps change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.accounts.models import User
from lianzhao.aftercare import services
from lianzhao.aftercare.models import ServiceDepartment, Ticket, TicketEvent, TicketFile
from lianzhao.audit.models import AuditRecord
from tests.aftercare.conftest import TODAY
from tests.web.evidence_kit import upload


def _audits(obj):
    return list(AuditRecord.objects.filter(model_name=obj._meta.model_name, object_id=str(obj.pk)))


def test_raising_routes_by_category_with_its_deadline(service):
    ticket = services.raise_ticket(enterprise=service["company"], category=service["category"],
                                   description=" 用地预审 ", acting_user=service["officer_a"],
                                   uploads=[upload("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)])
    ticket.refresh_from_db()
    assert ticket.status == "routed" and ticket.department == service["land"]
    assert ticket.deadline == ticket.first_deadline == TODAY + dt.timedelta(days=15)
    assert ticket.description == "用地预审" and ticket.routed_on == TODAY
    assert [e.kind for e in ticket.events.all()] == ["raised", "routed"]
    assert ticket.files.get().original_name == "现场照片.png"
    (audit,) = _audits(ticket)
    assert audit.action == "create" and audit.actor == service["officer_a"]
    assert audit.after["status"] == "routed" and "现场照片.png" in audit.after["files"][0]


def test_a_category_without_department_waits_to_be_routed_by_hand(service):
    ticket = services.raise_ticket(enterprise=service["company"], category=service["other_category"],
                                   description="其他事项", acting_user=service["officer_a"])
    assert ticket.status == "raised" and ticket.deadline is None
    routed = services.route_ticket(ticket, department=service["approval"], deadline=TODAY + dt.timedelta(days=3),
                                   acting_user=service["officer_a"], expected_version=1)
    assert routed.status == "routed" and routed.first_deadline == TODAY + dt.timedelta(days=3)
    assert len(_audits(ticket)) == 2


@pytest.mark.parametrize("values, field", [
    ({"category": None}, "category"),
    ({"description": "  "}, "description"),
    ({"uploads": [upload("说明.exe", b"MZ\x90\x00")]}, "files"),
])
def test_bad_requests_are_refused_with_chinese_messages_and_nothing_saved(service, values, field):
    kwargs = {"enterprise": service["company"], "category": service["category"], "description": "内容",
              "acting_user": service["officer_a"], **values}
    with pytest.raises(ValidationError) as caught:
        services.raise_ticket(**kwargs)
    assert field in caught.value.message_dict
    assert any(m for m in caught.value.message_dict[field] if any("\u4e00" <= ch <= "\u9fff" for ch in m))
    assert not Ticket.objects.exists() and not TicketFile.objects.exists() and not AuditRecord.objects.exists()


def test_a_deadline_in_the_past_is_refused(service):
    ticket = services.raise_ticket(enterprise=service["company"], category=service["other_category"],
                                   description="其他事项", acting_user=service["officer_a"])
    with pytest.raises(ValidationError) as caught:
        services.route_ticket(ticket, department=service["land"], deadline=TODAY - dt.timedelta(days=1),
                              acting_user=service["officer_a"])
    assert "早于今天" in caught.value.message_dict["deadline"][0]
    ticket.refresh_from_db()
    assert ticket.status == "raised" and len(_audits(ticket)) == 1


def test_only_the_companys_service_officer_or_an_admin_raises(service):
    for who in ("officer_b", "leader", "responder"):
        with pytest.raises(PermissionDenied):
            services.raise_ticket(enterprise=service["company"], category=service["category"], description="x",
                                  acting_user=service[who])
    services.raise_ticket(enterprise=service["stranger"], category=service["category"], description="x",
                          acting_user=service["admin"])


def test_the_whole_life_accept_forward_answer_close(service, routed):
    responder = service["responder"]
    routed = services.accept_ticket(routed, acting_user=responder, expected_version=routed.version)
    routed = services.forward_ticket(routed, department=service["approval"], reason="属审批事项",
                                     acting_user=responder, expected_version=routed.version)
    assert routed.status == "forwarded" and routed.deadline == routed.first_deadline  # the deadline stays
    with pytest.raises(PermissionDenied):  # no longer theirs
        services.accept_ticket(routed, acting_user=responder)
    other = service["responder_other"]
    routed = services.accept_ticket(routed, acting_user=other, expected_version=routed.version)
    routed = services.answer_ticket(routed, answer="已受理预审，下周出具意见", acting_user=other,
                                    expected_version=routed.version)
    assert routed.first_answered_on == TODAY and routed.first_answer_department == service["approval"]
    routed = services.rate_ticket(routed, rating="satisfied", acting_user=service["officer_a"],
                                  expected_version=routed.version)
    assert routed.status == "closed" and routed.closed_on == TODAY and routed.rating == "satisfied"
    assert [e.kind for e in routed.events.all()] == ["raised", "routed", "accepted", "forwarded", "accepted",
                                                      "answered", "closed"]
    audits = _audits(routed)
    assert len(audits) == 6  # create + five steps, one each
    closing = audits[0]
    assert closing.actor == service["officer_a"]
    assert (closing.before["status"], closing.after["status"]) == ("answered", "closed")


def test_not_satisfied_reopens_with_a_reason_and_a_new_deadline(service, routed):
    r = services.accept_ticket(routed, acting_user=service["responder"])
    r = services.answer_ticket(r, answer="请补充材料", acting_user=service["responder"])
    with pytest.raises(ValidationError) as caught:
        services.rate_ticket(r, rating="unsatisfied", acting_user=service["officer_a"])
    assert "原因" in caught.value.message_dict["comment"][0]
    r = services.rate_ticket(r, rating="unsatisfied", comment="答复未解决问题", acting_user=service["officer_a"])
    assert r.status == "reopened" and r.reopen_count == 1
    assert r.deadline == TODAY + dt.timedelta(days=15) and r.first_deadline == routed.first_deadline
    r = services.answer_ticket(r, answer="已协调解决", acting_user=service["responder"])
    assert r.first_answered_on == TODAY and r.answer == "已协调解决"
    ratings = list(TicketEvent.objects.filter(ticket=r, rating__gt="").values_list("rating", flat=True))
    assert ratings == ["unsatisfied"]


def test_closing_a_request_never_answered_is_refused(service, routed):
    with pytest.raises(ValidationError) as caught:
        services.rate_ticket(routed, rating="satisfied", acting_user=service["officer_a"])
    assert "尚未答复" in caught.value.message_dict["rating"][0]
    routed.refresh_from_db()
    assert routed.status == "routed" and len(_audits(routed)) == 1


def test_the_second_of_two_answers_is_told_and_sees_the_first(service, routed):
    routed = services.accept_ticket(routed, acting_user=service["responder"])
    page_version = routed.version
    services.answer_ticket(routed, answer="第一份答复：已安排现场踏勘", acting_user=service["responder"],
                           expected_version=page_version)
    with pytest.raises(ValidationError) as caught:
        services.answer_ticket(routed, answer="第二份答复", acting_user=service["admin"], expected_version=page_version)
    assert caught.value.code == "stale"
    assert "第一份答复：已安排现场踏勘" in caught.value.messages[0]
    routed.refresh_from_db()
    assert routed.answer == "第一份答复：已安排现场踏勘" and len(_audits(routed)) == 3


def test_private_notes_are_written_only_inside_the_bureau(service, routed):
    with pytest.raises(PermissionDenied):
        services.add_ticket_note(routed, text="内部", private=True, acting_user=service["responder"])
    note = services.add_ticket_note(routed, text="企业法人电话 138…", private=True, acting_user=service["officer_a"])
    assert note.private and len(_audits(note)) == 1
    services.add_ticket_note(routed, text="已电话联系企业", acting_user=service["responder"])
    with pytest.raises(PermissionDenied):
        services.add_ticket_note(routed, text="x", acting_user=service["responder_other"])


def test_a_department_that_forwarded_a_request_still_follows_it_read_only(client, service, routed):
    responder = service["responder"]
    routed = services.forward_ticket(routed, department=service["approval"], reason="属审批事项",
                                     acting_user=responder, expected_version=routed.version)
    client.force_login(responder)
    assert client.get(reverse("ticket_detail", args=[routed.pk])).status_code == 200
    assert f'href="{reverse("ticket_detail", args=[routed.pk])}"' in client.get(reverse("ticket_list")).content.decode()
    with pytest.raises(PermissionDenied):  # it follows, it no longer acts
        services.answer_ticket(routed, answer="已转审批局", acting_user=responder)
    # A department that never held it sees nothing of it.
    outsider = User.objects.create(username="responder_third", role="responder")
    ServiceDepartment.objects.create(code="third", name="区第三局").members.add(outsider)
    client.force_login(outsider)
    assert client.get(reverse("ticket_detail", args=[routed.pk])).status_code == 403
    assert f'href="{reverse("ticket_detail", args=[routed.pk])}"' not in client.get(reverse("ticket_list")).content.decode()
