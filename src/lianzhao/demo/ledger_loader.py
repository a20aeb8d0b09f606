"""The demo's ledger (台账): the district's parks and streets as landing sites, the ledger fields of
the sample projects, their funds in place, and department targets for the year the demo is loaded.

Every figure here is illustrative (示例), derived by the fixed assumptions below from the sample
project's own planned amount and dates; none is attached to a real company (the article's projects
get no ledger figures: the article gives none)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.models import Region
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.paths import DataDirError
from lianzhao.projects.choices import SIGNED_OR_LATER, EventKind, FundsSource, LedgerList
from lianzhao.projects.models import FundsInPlace, InvestmentProject, LedgerChoice, ProjectEvent
from lianzhao.refdata.divisions import load_divisions

REASON = "加载即墨示例数据"
SAMPLE_NOTE = "示例：到位资金为演示用假设（按签约额分批到位），无佐证材料。"

#: 示例 assumptions, per 亿元 of planned investment: annual output 1.2 亿元, tax 0.06 亿元, 6 亩 of land,
#: 30 new jobs; 区重点 from 10 亿元, 市重点 from 30 亿元.
OUTPUT_PER_YI, TAX_PER_YI, MU_PER_YI, JOBS_PER_YI = Decimal("1.2"), Decimal("0.06"), Decimal("6"), 30
KEY_LEVELS = ((Decimal("30"), "key-city"), (Decimal("10"), "key-district"))
#: 示例: funds arrive in tranches after signing — (days after signing, share of the signed amount);
#: a tranche later than the day the demo is loaded is left out.
TRANCHES = ((30, Decimal("0.4")), (180, Decimal("0.3")), (400, Decimal("0.2")))
CENT = Decimal("0.01")


def landing_sites(region: Region, report) -> list[LedgerChoice]:
    """The district's townships and streets (统计用区划代码) as landing-site choices, created when
    missing (names from the reference data; an admin's renames and retirements stay)."""
    try:
        divisions = load_divisions(include_townships=True)
    except DataDirError:
        return list(LedgerChoice.objects.filter(list=LedgerList.LANDING_SITE))
    out = []
    for order, division in enumerate(sorted(divisions.children(region.code), key=lambda d: d.code), start=1):
        choice = LedgerChoice.objects.filter(code=f"site-{division.code}").first()
        if choice is None:
            choice = LedgerChoice(code=f"site-{division.code}", list=LedgerList.LANDING_SITE, name=division.name,
                                  order=order)
            choice.full_clean()
            choice.save()
            record_change(actor=None, action=AuditAction.CREATE, obj=choice, before=None, after=snapshot(choice),
                          reason=REASON)
            report.count("台账选项", True)
        out.append(choice)
    return out


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def sample_ledger(project: InvestmentProject, index: int, sites: list[LedgerChoice]) -> None:
    """Fill a new sample project's ledger fields by the 示例 assumptions above (not saved here)."""
    amount = project.amount or project.signed_amount
    investor = project.investor
    project.project_type_id = "type-new" if index % 4 else "type-expansion"
    project.investor_nature_id = "nature-private" if index % 3 else "nature-listed"
    if investor is not None and investor.region_code[:2] and not investor.is_local:
        project.origin_division = investor.region_code[:4]  # the (fictional) investor's city
    if amount is not None:
        project.expected_output = _q(amount * OUTPUT_PER_YI)
        project.expected_tax = _q(amount * TAX_PER_YI, "0.0001")
        project.land_mu = _q(amount * MU_PER_YI)
        project.expected_jobs = int(amount * JOBS_PER_YI)
        project.key_level_id = next((level for floor, level in KEY_LEVELS if amount >= floor), None)
    if sites:
        project.landing_site = sites[index % len(sites)]
    project.investor_contact = "示例联系人"


def sample_funds(project: InvestmentProject, today: dt.date, report) -> None:
    """Tranches of the signed amount (:data:`TRANCHES`) up to ``today``, each with its timeline entry."""
    if project.signed_date is None or project.stage not in SIGNED_OR_LATER or not project.signed_amount:
        return
    source = FundsSource.FOREIGN if project.is_foreign else FundsSource.DOMESTIC
    for days, share in TRANCHES:
        on = project.signed_date + dt.timedelta(days=days)
        if on > today:
            break
        entry = FundsInPlace(project=project, on=on, amount=_q(project.signed_amount * share), source=source,
                             note=SAMPLE_NOTE)
        entry.full_clean()
        entry.save()
        ProjectEvent.objects.create(project=project, kind=EventKind.FUNDS, occurred_on=on, text=SAMPLE_NOTE,
                                    params={"amount": f"{entry.amount:.2f}", "source": source})
        record_change(actor=None, action=AuditAction.CREATE, obj=entry, before=None, after=snapshot(entry),
                      reason=REASON)
        report.count("到位资金", True)


#: The demo departments' targets (示例: invented for the demo, not targets Jimo set), for 2025 — the
#: year of the article's projects — and for the year the demo is loaded: department code → (signed
#: amount 亿元, projects started, projects in production, funds in place 亿元, newly signed projects).
#: 综合科 coordinates and has none, so the ranking also shows a department without targets.
DEMO_TARGETS = {
    "invest-1": ("30.00", 2, 1, "12.00", 2),
    "invest-2": ("150.00", 3, 1, "60.00", 2),
    "invest-3": ("10.00", 2, 1, "4.00", 1),
    "invest-4": ("40.00", 2, 1, "16.00", 2),
}
DEMO_TARGETS_YEAR = 2025
DEMO_TARGET_NOTE = "示例：演示用年度目标，非即墨区实际下达的目标"


def targets(departments: dict, report, today: dt.date | None = None) -> None:
    """Create the demo departments' targets for 2025 and for the year the demo is loaded, when
    missing; targets an admin set or changed stay."""
    today = today or timezone.localdate()
    for year in sorted({DEMO_TARGETS_YEAR, today.year}):
        for code, (amount, started, production, funds, new) in DEMO_TARGETS.items():
            department = departments[code]
            if DepartmentTarget.objects.filter(department=department, year=year).exists():
                continue
            target = DepartmentTarget(department=department, year=year, signed_amount=Decimal(amount),
                                      projects_started=started, projects_in_production=production,
                                      funds_in_place=Decimal(funds), new_projects=new, note=DEMO_TARGET_NOTE)
            target.full_clean()
            target.save()
            record_change(actor=None, action=AuditAction.CREATE, obj=target, before=None, after=snapshot(target),
                          reason=REASON)
            report.count("部门年度目标", True)
