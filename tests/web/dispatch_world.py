"""A small pipeline with known answers for the weekly report of 2025-W13 (Mon 2025-03-24 – Sun 2025-03-30),
reported on 2025-04-10 (so the cut-off day is Sunday 2025-03-30), with the default light rule
(yellow when a planned date has passed or after 30 days without an event, red 3 months past plan).

Every number the tests expect is worked out by hand in the comments of :func:`build_world`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lianzhao.industries.models import Industry
from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, EventKind
from lianzhao.projects.models import InvestmentChange, InvestmentProject, ProjectEvent

D = dt.date
WEEK = "2025-W13"
TODAY = D(2025, 4, 10)
AS_OF = D(2025, 3, 30)


def dated_project(name, department, industry, method, amount, stage, dates, *, signed_amount=None, paused_from="",
             events=(), **extra):
    """A project with its stage dates and one stage-change event per date (from the previous stage),
    plus ``events``: (date, kind, text, to_stage) tuples."""
    values = {STAGE_DATE_FIELD[s]: dates.get(s.value) for s in PIPELINE}
    project = InvestmentProject.all_objects.create(
        name=name, industry=industry, department=department, method=method, amount=Decimal(amount),
        stage=stage, paused_from=paused_from, signed_amount=Decimal(signed_amount) if signed_amount else None,
        **values, **extra)
    previous = ""
    for s in PIPELINE:
        if on := dates.get(s.value):
            ProjectEvent.objects.create(project=project, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                        from_stage=previous, to_stage=s, text=f"{s.label}")
            previous = s
    for on, kind, text, to_stage in events:
        ProjectEvent.objects.create(project=project, kind=kind, occurred_on=on, text=text,
                                    from_stage=previous if to_stage else "", to_stage=to_stage or "")
    return project


def build_world(departments, industry) -> dict:
    """Departments: a = 投资促进一科, b = 投资促进二科. Industries: 新能源汽车 (fixture) and 绿色能源."""
    a, b = departments["a"], departments["b"]
    green = Industry.objects.create(name="绿色能源", slug="green", kind="leading", source="测试")
    nev = industry
    p = {}
    # P1: a new lead in the week (lead date 03-25). Not in the light comparison: it did not exist on 03-23.
    p["lead"] = dated_project("新线索甲", a, nev, "referral", "5.00", "lead", {"lead": D(2025, 3, 25)})
    # P2: signed in the week (negotiating → signed 03-26, 18.00 亿元): a stage move and the week's signing.
    p["signed"] = dated_project("签约乙", a, nev, "fund", "20.00", "signed",
                           {"lead": D(2025, 1, 6), "contacted": D(2025, 2, 3), "negotiating": D(2025, 3, 3),
                            "signed": D(2025, 3, 26)}, signed_amount="18.00")
    # P3: contacted, last event a visit on 02-10 → 48 days idle on 03-30: stalled (yellow both Sundays).
    p["stalled"] = dated_project("停滞丙", b, green, "expo", "8.00", "contacted",
                            {"lead": D(2024, 12, 2), "contacted": D(2025, 1, 10)},
                            events=[(D(2025, 2, 10), EventKind.VISIT, "走访：对方暂无新进展", None)])
    # P4: last event 02-25: 26 days on 03-23 (green), 33 days on 03-30 (yellow): turns yellow, and stalled.
    p["yellow"] = dated_project("转黄丁", b, green, "expo", "12.00", "contacted",
                           {"lead": D(2025, 2, 1), "contacted": D(2025, 2, 25)})
    # P5: planned signing 2024-12-27, not signed. On 03-23 the red cut is 2024-12-23 (yellow: overdue);
    # on 03-30 it is 2024-12-30 (red: 93 days overdue). A meeting on 03-20 keeps it active.
    p["red"] = dated_project("转红戊", a, nev, "capital", "30.00", "negotiating",
                        {"lead": D(2024, 10, 8), "contacted": D(2024, 11, 4), "negotiating": D(2024, 12, 2)},
                        planned_signed_date=D(2024, 12, 27),
                        events=[(D(2025, 3, 20), EventKind.MEETING, "会谈：条款谈判", None)])
    # P6: visit 03-10 (green on 03-23), paused on 03-27 (yellow on 03-30): turns yellow; a stage move.
    p["paused"] = dated_project("暂缓己", a, nev, "referral", "6.00", "paused",
                           {"lead": D(2025, 1, 10), "contacted": D(2025, 2, 1)}, paused_from="contacted",
                           events=[(D(2025, 3, 10), EventKind.VISIT, "走访", None),
                                   (D(2025, 3, 27), EventKind.STAGE_CHANGE, "用地待定，暂缓", "paused")])
    # P7: dropped on 04-05 — after the week, so on 03-30 it still stood at 洽谈 and, idle since
    # 2024-08-05, is stalled (237 days).
    p["dropped_later"] = dated_project("终止庚", b, green, "fund", "40.00", "dropped",
                                  {"lead": D(2024, 6, 3), "contacted": D(2024, 7, 1), "negotiating": D(2024, 8, 5)},
                                  events=[(D(2025, 4, 5), EventKind.STAGE_CHANGE, "投资方撤回", "dropped")])
    # P8: merged into P2: never counted (its lead in the week and its move 03-27 are ignored).
    p["merged"] = dated_project("合并辛", a, nev, "referral", "99.00", "contacted",
                           {"lead": D(2025, 3, 26), "contacted": D(2025, 3, 27)}, merged_into=p["signed"])
    # P9: construction → production on 03-28 (signed in 2023); a capital increase of 2.00 on 03-25.
    p["production"] = dated_project("上年投产壬", a, nev, "other", "3.00", "production",
                               {"lead": D(2023, 3, 1), "contacted": D(2023, 4, 3), "negotiating": D(2023, 5, 8),
                                "signed": D(2023, 6, 5), "registered": D(2023, 7, 3),
                                "construction": D(2023, 9, 4), "production": D(2025, 3, 28)},
                               signed_amount="3.00")
    InvestmentChange.objects.create(project=p["production"], kind="capital_increase", on=D(2025, 3, 25),
                                    delta=Decimal("2.00"), note="增资")
    # P10: first recorded after the week (lead 04-02): not in the week's totals at all.
    p["future"] = dated_project("未来癸", b, green, "expo", "7.00", "lead", {"lead": D(2025, 4, 2)})
    # P11: registered → construction on 03-24 (signed 2025-01-13 at 9.50).
    p["started"] = dated_project("开工子", b, green, "expo", "10.00", "construction",
                            {"lead": D(2024, 11, 4), "contacted": D(2024, 11, 18), "negotiating": D(2024, 12, 9),
                             "signed": D(2025, 1, 13), "registered": D(2025, 2, 17),
                             "construction": D(2025, 3, 24)}, signed_amount="9.50")
    return p
