"""What every project service shares: the local date it judges "today" by, and the rule that nothing
is recorded as having happened in the future."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone


def today() -> dt.date:
    """The local date (Asia/Shanghai). Services call it through this module, so tests can pin it."""
    return timezone.localdate()


def check_not_future(on: dt.date, field: str = "on") -> None:
    if on > today():
        raise ValidationError({field: f"日期 {on:%Y-%m-%d} 晚于今天，不能登记未来发生的事项。"})
