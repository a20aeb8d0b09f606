"""Funds in place against what was signed: an entry may go above the signed amount (money arrives
as it arrives), but the project page then says so and why, so nobody reports more than was agreed
without noticing. The totals over periods are in :mod:`lianzhao.projects.counting`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundsRow:
    """One entry of a project's funds, with the running total up to it (oldest first) and whether
    that total is then above the signed amount."""

    entry: object
    running_total: Decimal
    over_signed: bool


def signed_to_date(project) -> Decimal | None:
    """The project's signed investment so far: its first signing plus every investment change
    (增资、技改升级 add, 减资 subtracts, 重新签约 adds 0); None before it is signed."""
    if project.signed_date is None:
        return None
    changes = project.investment_changes.aggregate(s=Sum("delta"))["s"] or ZERO
    return (project.signed_amount or ZERO) + changes


def _reason(total: Decimal, signed: Decimal | None) -> str:
    """Why the funds are flagged, in the active language (the audit row's reason is written in the
    data language: :func:`~lianzhao.projects.services.record_funds` runs in it)."""
    if signed is None:
        return _("项目尚未签约，已登记到位资金 %(total)s 亿元：请核对，或先登记签约。") % {"total": f"{total:.2f}"}
    return _("累计到位资金 %(total)s 亿元，超过累计签约额 %(signed)s 亿元（签约投资额加增资、技改升级，减去减资）："
             "请核对金额；如投资额已增加，请登记增资。") % {"total": f"{total:.2f}", "signed": f"{signed:.2f}"}


def funds_rows(project) -> tuple[list[FundsRow], str]:
    """The project's entries, newest first, each with its running total, and the flag ("" when the
    total stays within the signed amount). Two queries."""
    entries = list(project.funds.select_related("actor", "evidence").order_by("on", "id"))
    signed = signed_to_date(project) if entries else None
    rows, total = [], ZERO
    for entry in entries:
        total += entry.amount
        rows.append(FundsRow(entry, total, signed is None or total > signed))
    flag = _reason(total, signed) if rows and rows[-1].over_signed else ""
    return list(reversed(rows)), flag


def funds_flag(project) -> str:
    """Why the project's funds in place are flagged ("" when they are not): above the signed amount,
    or recorded before any signing."""
    total = project.funds.aggregate(s=Sum("amount"))["s"]
    if total is None:
        return ""
    signed = signed_to_date(project)
    return _reason(total, signed) if signed is None or total > signed else ""
