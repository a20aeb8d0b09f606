"""What every project service shares: the local date it judges "today" by, and the limits of the
dates it records — nothing before 2000, nothing that happened in the future, no plan beyond the
planning horizon."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from lianzhao.core.validators import EARLIEST_DATE

#: How far ahead a milestone may be planned: a date further out is a typing slip (2052 for 2025).
PLAN_HORIZON_YEARS = 10


def today() -> dt.date:
    """The local date (Asia/Shanghai). Services call it through this module, so tests can pin it."""
    return timezone.localdate()


def plan_horizon() -> dt.date:
    """The last day a milestone may be planned for: :data:`PLAN_HORIZON_YEARS` from today."""
    now = today()
    return now.replace(year=now.year + PLAN_HORIZON_YEARS, day=min(now.day, 28))


def check_not_future(on: dt.date, field: str = "on") -> None:
    """A date something happened on: not in the future, not before 2000."""
    if on > today():
        raise ValidationError({field: f"日期 {on:%Y-%m-%d} 晚于今天，不能登记未来发生的事项。"})
    check_not_too_early(on, field)


def check_not_too_early(on: dt.date, field: str) -> None:
    if on < EARLIEST_DATE:
        raise ValidationError({field: f"日期 {on:%Y-%m-%d} 早于 {EARLIEST_DATE:%Y-%m-%d}，请检查年份。"})


def plan_errors(planned: dict, labels: dict) -> dict[str, str]:
    """Errors of a milestone plan, keyed by field: ``planned`` maps planned-date fields to dates (in
    stage order; None: not planned), ``labels`` the same fields to their stage labels. Dates must lie
    between 2000 and the planning horizon and must not run backwards along the pipeline."""
    errors: dict[str, str] = {}
    horizon = plan_horizon()
    previous = None
    for field, on in planned.items():
        if on is None:
            continue
        if on < EARLIEST_DATE:
            errors[field] = f"计划{labels[field]}日期 {on:%Y-%m-%d} 早于 {EARLIEST_DATE:%Y-%m-%d}，请检查年份。"
        elif on > horizon:
            errors[field] = (f"计划{labels[field]}日期 {on:%Y-%m-%d} 超出计划期限（今后 {PLAN_HORIZON_YEARS} 年内，"
                             f"至 {horizon:%Y-%m-%d}），请检查年份。")
        elif previous and on < previous[1]:
            errors[field] = (f"计划{labels[field]}日期 {on:%Y-%m-%d} 不能早于计划{previous[0]}日期 "
                             f"{previous[1]:%Y-%m-%d}。")
        previous = (labels[field], on)
    return errors
