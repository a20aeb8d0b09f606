"""实际到位资金: dated entries with evidence, counted once, flagged above the signed amount; on the
project page, the dashboard (by period, industry, department and month), targets and ranking, the
weekly report next to 签约额."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.core.periods import Period
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.queries import department_progress
from lianzhao.dispatch.ranking import rank_departments
from lianzhao.projects import counting, services
from lianzhao.projects.models import FundsInPlace, ProjectEvent, ProjectFile
from lianzhao.projects.services import common
from tests.web.evidence_kit import upload

TODAY = dt.date(2025, 8, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


def _record(project, user, on=dt.date(2025, 5, 10), amount="4.00", source="domestic", **kw):
    return services.record_funds(project, on=on, amount=Decimal(amount), source=source,
                                 upload=kw.pop("file", upload("进账单.pdf")), acting_user=user, **kw)


def test_an_entry_is_stored_with_its_evidence_an_event_and_one_audit_row(personas, make_project):
    project = make_project(stage="signed")
    entry = _record(project, personas["officer_a"], note="首笔")
    assert (entry.amount, entry.source, entry.evidence.original_name) == (Decimal("4.00"), "domestic", "进账单.pdf")
    assert ProjectFile.objects.filter(project=project).count() == 1
    event = ProjectEvent.objects.get(project=project, kind="funds")
    assert (event.occurred_on, event.params, event.text) == (dt.date(2025, 5, 10), {"amount": "4.00", "source": "domestic"},
                                                             "首笔")
    record = AuditRecord.objects.get(model_name="fundsinplace")
    assert record.actor == personas["officer_a"] and record.after["amount"] == "4.00"
    assert "SHA-256" in record.after["evidence_file"] and record.reason == "到位资金（内资）"


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"amount": "-1"}, "amount", "正数"),
    ({"amount": "0"}, "amount", "正数"),
    ({"on": dt.date(1999, 12, 31)}, "on", "早于 2000-01-01"),
    ({"on": dt.date(2025, 8, 2)}, "on", "晚于今天"),
    ({"source": "gift"}, "source", "内资或外资"),
    ({"file": None}, "evidence_file", "佐证材料"),
    ({"file": upload("进账单.pdf", b"not a pdf")}, "evidence_file", "不符"),
])
def test_bad_entries_are_refused_at_their_field_and_write_nothing(personas, make_project, kwargs, field, message):
    project = make_project(stage="signed")
    with pytest.raises(ValidationError) as info:
        _record(project, personas["officer_a"], **kwargs)
    assert message in " ".join(info.value.message_dict[field])
    assert not FundsInPlace.objects.exists() and not ProjectFile.objects.exists() and not AuditRecord.objects.exists()


def test_the_same_money_is_counted_once(personas, make_project):
    project = make_project(stage="signed")
    _record(project, personas["officer_a"])
    with pytest.raises(ValidationError, match="同一笔资金只计一次"):
        _record(project, personas["officer_a"])
    _record(project, personas["officer_a"], source="foreign")  # another source that day is another entry
    assert counting.funds_total() == Decimal("8.00")


def test_a_merge_moves_the_duplicates_funds_and_keeps_the_same_entry_once(personas, make_project):
    keep, dup = make_project(stage="signed"), make_project(stage="signed")
    _record(keep, personas["admin"])
    _record(dup, personas["admin"])  # the same tranche recorded on both duplicates
    _record(dup, personas["admin"], on=dt.date(2025, 6, 1), amount="2.50")
    services.merge_projects(keep, dup, acting_user=personas["admin"])
    assert sorted(keep.funds.values_list("amount", flat=True)) == [Decimal("2.50"), Decimal("4.00")]
    assert counting.funds_total() == Decimal("6.50")
    assert "另有 1 笔与本项目已登记的到位资金相同，只计一次" in keep.events.get(kind="merge").text


def test_funds_above_the_signed_amount_are_accepted_and_flagged_with_the_reason(client, personas, make_project):
    project = make_project(stage="signed", signed_amount=Decimal("5.00"))
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_funds", args=[project.pk]),
                           {"on": "2025-06-01", "amount": "6", "source": "domestic", "evidence_file": upload()},
                           follow=True)
    assert response.status_code == 200 and FundsInPlace.objects.filter(project=project).count() == 1
    body = response.content.decode()
    assert "累计到位资金 6.00 亿元，超过累计签约额 5.00 亿元" in body and "超签约额" in body
    services.record_investment_change(project, kind="capital_increase", on=dt.date(2025, 7, 1),
                                      amount=Decimal("2"), acting_user=personas["officer_a"])
    assert "超过累计签约额" not in client.get(reverse("project_detail", args=[project.pk])).content.decode()


def test_only_the_projects_department_records_funds(client, personas, make_project):
    project = make_project(stage="signed")
    with pytest.raises(PermissionDenied):
        _record(project, personas["officer_b"])
    client.force_login(personas["leader"])
    response = client.post(reverse("project_funds", args=[project.pk]),
                           {"on": "2025-06-01", "amount": "1", "source": "domestic", "evidence_file": upload()})
    assert response.status_code == 403 and not FundsInPlace.objects.exists()


def test_the_form_refuses_nan_and_absurd_amounts_naming_the_field(client, personas, make_project):
    project = make_project(stage="signed")
    client.force_login(personas["officer_a"])
    for amount, message in (("NaN", "须为数字"), ("10000.01", "超过 10000 亿元"), ("-2", "须为正数")):
        response = client.post(reverse("project_funds", args=[project.pk]),
                               {"on": "2025-06-01", "amount": amount, "source": "domestic", "evidence_file": upload()})
        assert response.status_code == 400
        assert message in " ".join(response.context["funds_form"].errors["amount"])
    assert not FundsInPlace.objects.exists()


def test_the_dashboard_shows_funds_for_the_chosen_period_by_industry_department_and_month(
        client, personas, make_project, monkeypatch):
    from lianzhao.projects import lights

    monkeypatch.setattr(lights, "today", lambda: TODAY)
    a = make_project(stage="signed", signed_date=dt.date(2025, 3, 5))
    b = make_project(stage="signed", department="b", signed_date=dt.date(2025, 4, 5))
    _record(a, personas["officer_a"], on=dt.date(2025, 3, 20), amount="3.00")
    _record(b, personas["officer_b"], on=dt.date(2025, 4, 2), amount="1.50", source="foreign")
    _record(a, personas["officer_a"], on=dt.date(2024, 12, 30), amount="9.00")
    client.force_login(personas["leader"])
    march = client.get(reverse("dashboard"), {"period": "2025-03"})
    assert march.context["funds"]["period"].total == Decimal("3.00")
    assert march.context["funds"]["all"].total == Decimal("13.50")
    body = march.content.decode()
    assert 'id="funds-period-total">3.00<' in body and "口径（2025年3月（2025-03-01 至 2025-03-31））" in body
    quarter = client.get(reverse("dashboard"), {"period": "2025-Q2"}).context
    assert (quarter["funds"]["period"].domestic, quarter["funds"]["period"].foreign) == (Decimal("0"), Decimal("1.50"))
    year = client.get(reverse("dashboard"), {"period": "2025"}).context
    by_department = {r["name"]: r["funds"].total for r in year["period_by_department"]}
    assert by_department == {"投资促进一科": Decimal("3.00"), "投资促进二科": Decimal("1.50")}
    months = {m["key"]: m["funds"].total for m in year["months"]}
    assert (months["m2025_03"], months["m2025_04"], months["m2025_08"]) == (Decimal("3.00"), Decimal("1.50"), 0)
    assert "m2025_09" not in months  # a running year lists the months begun so far
    assert client.get(reverse("dashboard"), {"period": "2025-13"}).status_code == 400


def test_targets_rank_funds_in_place_and_new_projects(personas, departments, make_project):
    a = make_project(stage="signed", signed_date=dt.date(2025, 3, 5), signed_amount=Decimal("10.00"))
    _record(a, personas["officer_a"], on=dt.date(2025, 3, 20), amount="6.00")
    DepartmentTarget.objects.create(department=departments["a"], year=2025, signed_amount=Decimal("20"),
                                    projects_started=0, projects_in_production=0, funds_in_place=Decimal("12"),
                                    new_projects=2)
    DepartmentTarget.objects.create(department=departments["b"], year=2025, signed_amount=Decimal("20"),
                                    projects_started=0, projects_in_production=0, funds_in_place=Decimal("12"),
                                    new_projects=2)
    year = rank_departments(department_progress(2025, TODAY))
    first = year[0].progress
    assert (first.department, first.funds, first.new_projects) == ("投资促进一科", Decimal("6.00"), 1)
    assert year[0].score == Decimal("0.5000")  # signed 0.5, new projects 0.5, funds 0.5 (others not set)
    march = department_progress(2025, TODAY, window=Period(2025, month=3).window(TODAY))
    april = department_progress(2025, TODAY, window=Period(2025, month=4).window(TODAY))
    assert (march[0].funds, april[0].funds) == (Decimal("6.00"), Decimal("0.00"))


def test_the_weekly_report_shows_funds_next_to_signings(client, personas, make_project):
    project = make_project(stage="signed", signed_date=dt.date(2025, 3, 25), signed_amount=Decimal("8.00"))
    _record(project, personas["officer_a"], on=dt.date(2025, 3, 26), amount="2.00")
    client.force_login(personas["leader"])
    response = client.get(reverse("weekly_report"), {"week": "2025-W13"})
    report = response.context["report"]
    assert report["headline"]["signed_amount"] == Decimal("8.00") and report["headline"]["funds_amount"] == Decimal("2.00")
    sheet = next(s for s in report["sheets"] if s["name"] == "到位资金")
    assert sheet["tables"][0].rows[0][1:5] == [dt.date(2025, 3, 26), project.name, "内资", Decimal("2.00")]
    headline = next(t for t in report["sheets"][0]["tables"] if t.key == "headline")
    assert [r[0] for r in headline.rows[2:4]] == ["本周签约", "本周到位资金（笔）"]
    department = next(t for t in report["sheets"][0]["tables"] if t.key == "department")
    assert "本年到位资金（亿元）" in [c.label for c in department.columns]
    assert department.row_for("投资促进一科")[department.columns.index(
        next(c for c in department.columns if c.label == "本年到位资金（亿元）"))] == Decimal("2.00")
