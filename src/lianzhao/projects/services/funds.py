"""Funds actually in place (实际到位资金): dated entries per project, each with its evidence, counted
once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from lianzhao.accounts import permissions
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.i18n import in_data_language
from lianzhao.projects.choices import EventKind, FundsSource
from lianzhao.projects.files import ALLOWED_LABEL, MAX_UPLOAD_BYTES, check_upload
from lianzhao.projects.funds import funds_flag
from lianzhao.projects.models import FundsInPlace, InvestmentProject, ProjectEvent
from lianzhao.projects.services import common
from lianzhao.projects.services.files import file_summary, store_file, stored_file_cleanup
from lianzhao.projects.services.locking import lock_project


@in_data_language
def record_funds(project: InvestmentProject, *, on: dt.date, amount: Decimal, source: str, upload,
                 note: str = "", acting_user) -> FundsInPlace:
    """Record money that arrived for ``project``: ``amount`` 亿元 (positive) on ``on`` (not in the
    future, not before 2000) from ``source`` (内资/外资), proved by ``upload`` (a bank receipt, capital
    verification report …: the evidence-file checks apply). Counted once: the same amount on the same
    day from the same source is refused as a repeat. Allowed above the signed amount — the project
    page then flags it, with the reason (:func:`lianzhao.projects.funds.funds_flag`). Stores the file,
    adds a timeline event and one audit row for the entry (the file's name and hash in ``after``)."""
    permissions.require(permissions.can_edit_project(acting_user, project), "您只能为本部门的项目登记到位资金。")
    errors = {}
    if source not in FundsSource.values:
        errors["source"] = "请选择资金来源：内资或外资。"
    if amount is None or amount <= 0:
        errors["amount"] = "请填写到位金额（亿元，正数）。"
    checked = None
    if upload is None:
        errors["evidence_file"] = (f"请上传到位资金的佐证材料（银行进账单、验资报告等，{ALLOWED_LABEL}，"
                                   f"不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）。")
    else:
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            errors["evidence_file"] = exc.messages
    note = (note or "").strip()
    with transaction.atomic():
        current = lock_project(project)
        try:
            common.check_not_future(on, "on")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not errors and current.funds.filter(on=on, source=source, amount=amount).exists():
            errors["amount"] = (f"{on:%Y-%m-%d} 已登记过一笔 {amount:.2f} 亿元的{FundsSource(source).label}"
                                "到位资金：同一笔资金只计一次，请勿重复登记。")
        if errors:
            raise ValidationError(errors)
        entry = FundsInPlace(project=current, on=on, amount=amount, source=source, note=note, actor=acting_user)
        entry.full_clean(exclude=["evidence"])
        with stored_file_cleanup() as stored:
            stored.append(store_file(current, "", upload, checked, acting_user))
            entry.evidence = stored[0]
            entry.save()
            label = FundsSource(source).label
            ProjectEvent.objects.create(project=current, kind=EventKind.FUNDS, occurred_on=on, actor=acting_user,
                                        text=note, params={"amount": f"{amount:.2f}", "source": source})
            after = snapshot(entry)
            after["evidence_file"] = file_summary(stored[0])
            flag = funds_flag(current)
            record_change(actor=acting_user, action=AuditAction.CREATE, obj=entry, before=None, after=after,
                          reason=f"到位资金（{label}）" + (f"；{flag}" if flag else ""))
    return entry
