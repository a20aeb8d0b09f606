"""What happens to a signed project's investment after its first signing (不重复统计: only the change
counts, never the project again)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import INVESTMENT_CHANGE_SIGN, EventKind, InvestmentChangeKind
from lianzhao.projects.models import InvestmentChange, InvestmentProject, ProjectEvent
from lianzhao.projects.services import common
from lianzhao.projects.services.locking import lock_project


@in_data_language
def record_investment_change(project: InvestmentProject, *, kind: str, on: dt.date,
                             amount: Decimal | None = None, note: str = "",
                             acting_user) -> InvestmentChange:
    """Record a capital increase, upgrade, re-signing or reduction of a signed project (不重复统计:
    only the change counts, never the project again). ``amount`` is the size of the change in 亿元,
    given as a positive number; the stored delta is +amount (increase, upgrade), −amount
    (reduction) or 0 (re-signing, which takes no amount). Adds a timeline event and one audit row
    for the change."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目登记投资变更。")
    if kind not in InvestmentChangeKind.values:
        raise ValidationError({"kind": "请选择增资、技改升级、重新签约或减资。"})
    label = InvestmentChangeKind(kind).label
    sign = INVESTMENT_CHANGE_SIGN[kind]
    note = (note or "").strip()
    with transaction.atomic():
        current = lock_project(project)
        if current.signed_date is None:
            raise ValidationError({"kind": "项目尚未签约，不能登记投资变更；首次签约请在“变更阶段”中登记。"})
        common.check_not_future(on, "on")
        if on < current.signed_date:
            raise ValidationError({"on": f"日期不能早于首次签约日期 {current.signed_date:%Y-%m-%d}。"})
        if sign == 0:
            if amount not in (None, 0):
                raise ValidationError({"amount": "重新签约不重复计入签约额，金额按 0 记，请勿填写金额。"})
            delta = Decimal("0.00")
        else:
            if amount is None or amount <= 0:
                raise ValidationError({"amount": f"请填写{label}金额（亿元，正数）。"})
            delta = sign * amount
        if sign < 0:
            so_far = (current.signed_amount or 0) + sum(
                current.investment_changes.values_list("delta", flat=True), Decimal(0))
            if so_far + delta < 0:
                raise ValidationError({"amount": f"减资额不能超过累计签约投资额 {so_far:.2f} 亿元。"})
        change = InvestmentChange(project=current, kind=kind, on=on, delta=delta, note=note, actor=acting_user)
        change.full_clean()
        change.save()
        amount_text = "金额按 0 计（不重复统计）" if sign == 0 else f"{abs(delta):.2f} 亿元"
        ProjectEvent.objects.create(project=current, kind=EventKind.INVESTMENT_CHANGE, occurred_on=on,
                                    actor=acting_user, text=f"{label}：{amount_text}" + (f"。{note}" if note else ""))
        record_change(actor=acting_user, action=AuditAction.CREATE, obj=change, before=None,
                      after=snapshot(change))
    return change
