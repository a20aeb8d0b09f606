"""The 口径 of the service figures on hand-made requests: on time is answered by the deadline (the
day itself counts), a forward keeps the deadline and counts for the answering department, a reopen
counts once, every rating counts; the weekly report lists overdue requests and late steps as they
stood on its cut-off day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lianzhao.aftercare import stats
from lianzhao.aftercare.models import LandingChecklist, LandingStep, Ticket, TicketEvent
from lianzhao.aftercare.weekly import service_report

D = dt.date
START, END = D(2025, 1, 1), D(2025, 6, 30)


@pytest.fixture
def tickets(service):
    land, approval = service["land"], service["approval"]

    def make(department, deadline, answered=None, first_department=None, status="answered", **extra):
        return Ticket.objects.create(
            enterprise=service["company"], category=service["category"], description="x", raised_on=D(2025, 1, 2),
            routed_on=D(2025, 1, 2), department=department, deadline=deadline, first_deadline=deadline,
            first_answered_on=answered, answered_on=answered, first_answer_department=first_department or (
                department if answered else None), status=status, **extra)

    made = {
        "on_the_day": make(land, D(2025, 3, 10), D(2025, 3, 10)),
        "late": make(land, D(2025, 3, 10), D(2025, 3, 11)),
        # forwarded from 自然资源局 to 审批局, answered there in time: counts for 审批局 only
        "forwarded": make(approval, D(2025, 4, 1), D(2025, 3, 30), first_department=approval),
        # reopened: counts once, by its first (late) answer, whatever its new deadline
        "reopened": make(land, D(2025, 2, 1), D(2025, 2, 5), status="reopened", reopen_count=1),
        "overdue_open": make(approval, D(2025, 6, 1), status="accepted"),
        "not_yet_due": make(approval, D(2025, 7, 15), status="routed"),
    }
    Ticket.objects.filter(pk=made["reopened"].pk).update(deadline=D(2025, 2, 20))
    for ticket, rating, on in ((made["on_the_day"], "satisfied", D(2025, 3, 12)), (made["late"], "basic", D(2025, 3, 13)),
                               (made["reopened"], "unsatisfied", D(2025, 2, 6)),
                               (made["forwarded"], "unsatisfied", D(2024, 12, 1))):  # outside the period
        TicketEvent.objects.create(ticket=ticket, kind="closed" if rating != "unsatisfied" else "reopened",
                                   occurred_on=on, department=ticket.first_answer_department, rating=rating)
    return made


def test_on_time_and_satisfaction_follow_their_definitions(service, tickets):
    rows = {r.department: r for r in stats.department_service(START, END)}
    land, approval = rows["区自然资源局"], rows["区行政审批服务局"]
    assert (land.due, land.on_time, land.late_open) == (3, 1, 0)
    assert (approval.due, approval.on_time, approval.late_open) == (2, 1, 1)
    assert land.on_time_rate == Decimal(1) / Decimal(3)
    assert (land.ratings, land.satisfied, land.satisfaction_rate) == (3, 2, Decimal(2) / Decimal(3))
    assert approval.ratings == 0 and approval.satisfaction_rate is None
    assert (approval.overdue_now, land.overdue_now) == (1, 1)  # the reopened one is past its new deadline too
    total = stats.total(list(rows.values()))
    assert (total.due, total.on_time) == (5, 2)


def test_the_ranking_puts_the_higher_on_time_rate_first(service, tickets):
    ranked = stats.rank_service(stats.department_service(START, END))
    assert [(r.rank, r.row.department) for r in ranked][:2] == [(1, "区行政审批服务局"), (2, "区自然资源局")]
    assert all(r.rank is None for r in ranked[2:])


def test_the_weekly_sheets_list_what_was_late_on_the_cut_off_day(service, tickets, make_project):
    project = make_project(stage="signed", signed_date=D(2025, 1, 1))
    checklist = LandingChecklist.objects.create(project=project, started_on=D(2025, 1, 1))
    LandingStep.objects.create(checklist=checklist, name="施工许可", due_on=D(2025, 3, 1))
    LandingStep.objects.create(checklist=checklist, name="企业设立登记", due_on=D(2025, 2, 1),
                               done_on=D(2025, 3, 27), reference="登记证号")
    report = service_report(D(2025, 3, 24), D(2025, 3, 30), year=2025)
    tickets_sheet, steps_sheet = report.sheets
    overdue = tickets_sheet["tables"][0]
    assert [row[0] for row in overdue.rows] == [tickets["reopened"].pk]  # the others were answered or not due
    assert report.overdue_tickets == 1 and report.overdue_steps == 1
    late, done = steps_sheet["tables"]
    assert [(r[1], r[-1]) for r in late.rows] == [("施工许可", 29)]
    assert [r[1] for r in done.rows] == ["企业设立登记"]
    assert all(t.notes for sheet in report.sheets for t in sheet["tables"])


def test_the_weekly_preview_caps_the_step_lists_keeps_their_counts_and_skips_merged_duplicates(service, make_project):
    kept = make_project(stage="signed", signed_date=D(2025, 1, 1))
    duplicate = make_project(stage="signed", signed_date=D(2025, 1, 1))
    duplicate.merged_into = kept
    duplicate.save()
    for project in (kept, duplicate):
        checklist = LandingChecklist.objects.create(project=project, started_on=D(2025, 1, 1))
        for i in range(4):
            LandingStep.objects.create(checklist=checklist, name=f"逾期{i}", due_on=D(2025, 3, 4 - i))
            LandingStep.objects.create(checklist=checklist, name=f"办结{i}", due_on=D(2025, 2, 1),
                                       done_on=D(2025, 3, 25), reference=f"文号{i}")
    late, done = service_report(D(2025, 3, 24), D(2025, 3, 30), year=2025, preview=3).sheets[1]["tables"]
    assert (len(late.rows), late.row_count, len(done.rows), done.row_count) == (3, 4, 3, 4)
    assert {r[0] for r in late.rows + done.rows} == {kept.name}
    assert [r[1] for r in late.rows] == ["逾期3", "逾期2", "逾期1"]  # earliest due first
    full_late, full_done = service_report(D(2025, 3, 24), D(2025, 3, 30), year=2025).sheets[1]["tables"]
    assert (len(full_late.rows), len(full_done.rows)) == (4, 4) and full_late.row_count is None
