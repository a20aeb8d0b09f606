"""不重复统计: the counting rules (first signing, capital increase, upgrade, re-signing, reduction,
merged duplicates) on every total the dashboard shows, and the investment-change write path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.core.periods import Period
from lianzhao.projects import counting, lights, services
from lianzhao.projects.choices import AttractionMethod
from lianzhao.projects.models import InvestmentChange, ProjectEvent

TODAY = dt.date(2025, 12, 31)
Y2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(services.common, "today", lambda: TODAY)
    monkeypatch.setattr(lights, "today", lambda: TODAY)


def _signed(make_project, on, amount, **extra):
    return make_project(stage="signed", signed_date=on, signed_amount=Decimal(amount), **extra)


def _change(project, kind, on, delta):
    return InvestmentChange.objects.create(project=project, kind=kind, on=on, delta=Decimal(delta))


@pytest.fixture
def book(make_project, industry):
    """2024: A signed 10. 2025: B signed 6; A +3 capital increase, A re-signed (0), B −1 reduction,
    C (signed 2024) upgraded +2 in 2025. A merged duplicate D signed 50 in 2025 must never count."""
    a = _signed(make_project, dt.date(2024, 5, 1), "10")
    b = _signed(make_project, dt.date(2025, 3, 1), "6", method="expo")
    c = _signed(make_project, dt.date(2024, 9, 1), "4")
    _change(a, "capital_increase", dt.date(2025, 2, 1), "3")
    _change(a, "re_signing", dt.date(2025, 4, 1), "0")
    _change(b, "reduction", dt.date(2025, 6, 1), "-1")
    _change(c, "upgrade", dt.date(2025, 7, 1), "2")
    _change(c, "capital_increase", dt.date(2024, 12, 1), "1")
    d = _signed(make_project, dt.date(2025, 5, 1), "50")
    _change(d, "capital_increase", dt.date(2025, 6, 1), "5")
    d.merged_into = a
    d.save()
    make_project(stage="negotiating")
    return {"a": a, "b": b, "c": c, "d": d}


def test_a_project_counts_once_at_its_first_signing(book):
    assert counting.signed_count(None, *Y2025) == 1            # only B first signed in 2025
    assert counting.signed_count(None, dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == 2
    assert counting.signed_count() == 3                        # D is merged: never counted


def test_the_signed_total_adds_only_increases_and_subtracts_reductions(book):
    # 2025: B's first signing 6 + A's increase 3 + A's re-signing 0 − B's reduction 1 + C's upgrade 2
    assert counting.signed_total(None, *Y2025) == Decimal("10.00")
    summary = counting.signed_summary(None, *Y2025)
    assert (summary.count, summary.first_signed_amount, summary.change_amount) == (1, Decimal("6.00"), Decimal("4.00"))
    # 2024: A 10 + C 4 + C's increase 1
    assert counting.signed_total(None, dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == Decimal("15.00")
    assert counting.signed_total() == Decimal("25.00")
    assert counting.investment_change_total(None, *Y2025) == Decimal("4.00")


def test_window_edges_are_inclusive(book):
    assert counting.signed_count(None, dt.date(2025, 3, 1), dt.date(2025, 3, 1)) == 1
    assert counting.signed_total(None, dt.date(2025, 2, 1), dt.date(2025, 2, 1)) == Decimal("3.00")
    assert counting.signed_total(None, dt.date(2025, 3, 2), dt.date(2025, 5, 31)) == Decimal("0.00")


def test_totals_restrict_to_a_queryset(book):
    from lianzhao.projects.models import InvestmentProject

    only_b = InvestmentProject.objects.filter(pk=book["b"].pk)
    assert counting.signed_total(only_b, *Y2025) == Decimal("5.00")
    by_method = counting.signed_total_by("method", None, *Y2025)
    assert by_method["expo"].total == Decimal("5.00") and by_method["referral"].total == Decimal("5.00")


def test_merged_duplicates_are_left_out_of_every_dashboard_total(client, personas, book):
    client.force_login(personas["leader"])
    response = client.get(reverse("dashboard"))
    ctx = response.context
    assert ctx["signed"]["period"].count == 1 and ctx["signed"]["period"].total == Decimal("10.00")  # this year
    assert ctx["signed"]["all"].count == 3 and ctx["signed"]["all"].total == Decimal("25.00")
    assert ctx["total_count"] == 4                                    # A, B, C and the negotiating one
    assert {r["stage"]: r["count"] for r in ctx["charts"]["funnel"]}["签约"] == 3
    assert ctx["by_industry"] == [{"name": "新能源汽车", "count": 4, "amount": 40.0, "signed": 25.0}]
    assert {r["name"]: r["signed"] for r in ctx["by_method"]} == {"以商招商": 20.0, "展会招商": 5.0}
    assert sum(light["count"] for light in ctx["lights"]) == 4
    body = response.content.decode()
    assert 'id="signed-period-total">10.00<' in body and 'id="signed-all-count">3<' in body
    for definition in (counting.SIGNED_COUNT_DEFINITION, counting.SIGNED_TOTAL_DEFINITION,
                       counting.FUNNEL_DEFINITION, counting.PLANNED_AMOUNT_DEFINITION,
                       counting.STAGE_COUNT_DEFINITION):
        assert definition in body


def test_the_dashboard_reads_the_same_totals_in_one_pass(book, make_project):
    """The dashboard sums one grouped query; the single-purpose functions group their own. Both must
    give every figure alike: several industries and methods, a dropped project (out of the planned
    amounts, in the stage counts), a project without an amount, the merged duplicate D."""
    from lianzhao.dashboard import queries
    from lianzhao.industries.models import Industry

    other = Industry.objects.create(name="绿色能源", slug="green", kind="leading", source="测试")
    make_project(stage="dropped", industry=other, method="expo", amount=Decimal("7.00"))
    make_project(stage="construction", industry=other, method="capital", amount=None)
    _signed(make_project, dt.date(2025, 8, 1), "3", industry=other, method="capital")
    figures = queries.pipeline_figures(TODAY, Period(2025))
    funnel = counting.funnel_counts()
    assert [r["count"] for r in figures.funnel] == [funnel[s] for s in funnel]
    assert {r["stage"]: (r["count"], r["amount"]) for r in figures.stages} == {
        s: (row["count"], row["amount"]) for s, row in counting.stage_counts().items()}
    for rows, field, label in ((figures.by_industry, "industry__name", str),
                               (figures.by_method, "method", lambda m: AttractionMethod(m).label)):
        signed = counting.signed_total_by(field)
        assert rows == [{"name": label(r["key"]), "count": r["count"], "amount": float(r["amount"]),
                         "signed": float(signed[r["key"]].total) if r["key"] in signed else 0.0}
                        for r in counting.planned_amount_by(field)]
    assert figures.signed == counting.signed_summaries({"period": (dt.date(2025, 1, 1), TODAY), "all": (None, None)})
    assert [r["name"] for r in figures.by_industry] == ["新能源汽车", "绿色能源"]  # largest amount first
    assert figures.by_industry[1]["count"] == 2  # the dropped project is left out, the one without amount counted


# --- record_investment_change -----------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "amount", "delta"), [
    ("capital_increase", Decimal("3"), Decimal("3.00")),
    ("upgrade", Decimal("1.5"), Decimal("1.50")),
    ("re_signing", None, Decimal("0.00")),
    ("reduction", Decimal("2"), Decimal("-2.00")),
])
def test_an_investment_change_is_recorded_with_its_sign(make_project, personas, kind, amount, delta):
    project = make_project(stage="signed")
    change = services.record_investment_change(project, kind=kind, on=dt.date(2025, 6, 1), amount=amount,
                                               note="董事会决议", acting_user=personas["officer_a"])
    change.refresh_from_db()
    assert change.delta == delta and change.actor == personas["officer_a"]
    assert project.events.filter(kind="investment_change", occurred_on=dt.date(2025, 6, 1)).exists()
    record = AuditRecord.objects.get()
    assert record.actor == personas["officer_a"] and record.action == "create"
    assert record.before is None and record.after["delta"] == str(delta) and record.after["kind"] == kind
    assert counting.signed_count() == 1  # the project is never counted again


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"kind": "re_signing", "amount": Decimal("5")}, "amount", "重新签约不重复计入签约额，金额按 0 记，请勿填写金额。"),
    ({"kind": "capital_increase", "amount": None}, "amount", "请填写增资金额（亿元，正数）。"),
    ({"kind": "reduction", "amount": Decimal("11")}, "amount", "减资额不能超过累计签约投资额 10.00 亿元。"),
    ({"kind": "upgrade", "amount": Decimal("1"), "on": dt.date(2024, 1, 1)}, "on", "日期不能早于首次签约日期 2025-01-04。"),
    ({"kind": "bonus", "amount": Decimal("1")}, "kind", "请选择增资、技改升级、重新签约或减资。"),
])
def test_a_bad_investment_change_is_refused_and_nothing_written(make_project, personas, kwargs, field, message):
    project = make_project(stage="signed")
    kwargs = {"on": dt.date(2025, 6, 1), **kwargs}
    with pytest.raises(ValidationError) as info:
        services.record_investment_change(project, acting_user=personas["officer_a"], **kwargs)
    assert info.value.message_dict[field] == [message]
    assert not InvestmentChange.objects.exists() and not AuditRecord.objects.exists()
    assert not ProjectEvent.objects.filter(kind="investment_change").exists()


def test_an_unsigned_project_has_no_investment_changes(make_project, personas):
    project = make_project(stage="negotiating")
    with pytest.raises(ValidationError, match="项目尚未签约"):
        services.record_investment_change(project, kind="capital_increase", on=dt.date(2025, 6, 1),
                                          amount=Decimal("1"), acting_user=personas["officer_a"])


def test_another_department_cannot_record_a_change(make_project, personas):
    project = make_project(stage="signed")
    with pytest.raises(PermissionDenied):
        services.record_investment_change(project, kind="capital_increase", on=dt.date(2025, 6, 1),
                                          amount=Decimal("1"), acting_user=personas["officer_b"])
    assert not InvestmentChange.objects.exists()


def test_the_change_form_records_an_increase(client, personas, make_project):
    project = make_project(stage="signed")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_investment_change", args=[project.pk]),
                           {"kind": "capital_increase", "on": "2025-06-01", "amount": "2.5", "note": "二期"})
    assert response.status_code == 302
    assert InvestmentChange.objects.get(project=project).delta == Decimal("2.50")
    assert AuditRecord.objects.get().actor == personas["officer_a"]
    body = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert "增资：2.50 亿元。二期" in body


def test_the_change_form_shows_errors_at_the_field(client, personas, make_project):
    project = make_project(stage="signed")
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_investment_change", args=[project.pk]),
                           {"kind": "re_signing", "on": "2025-06-01", "amount": "3"})
    assert response.status_code == 400
    assert response.context["change_form"].errors["amount"] == ["重新签约不重复计入签约额，金额按 0 记，请勿填写金额。"]
    assert not AuditRecord.objects.exists()
