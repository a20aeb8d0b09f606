"""Reporting periods (统计期): a calendar year, quarter or month, named the way pages, 口径 lines and
URLs name them. ``2025`` is the year 2025, ``2025-Q2`` its second quarter, ``2025-03`` March 2025.
A period that is still running is counted up to today (:meth:`Period.window`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.core.validators import EARLIEST_DATE

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year (``quarter`` and ``month`` None), quarter or month."""

    year: int
    quarter: int | None = None
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2025``, ``2025-Q2`` or ``2025-03``; ValueError (a Chinese message) for anything else,
        and for years before 2000 or after 2100."""
        match = _PATTERN.match((text or "").strip().upper())
        if not match:
            raise ValueError(f"统计期“{text}”无效：请填写年份（2025）、季度（2025-Q2）或月份（2025-03）。")
        year = int(match["year"])
        if not EARLIEST_DATE.year <= year <= 2100:
            raise ValueError(f"统计期的年份应在 {EARLIEST_DATE.year} 至 2100 之间。")
        return cls(year, int(match["quarter"]) if match["quarter"] else None,
                   int(match["month"]) if match["month"] else None)

    @classmethod
    def this_year(cls, today: dt.date) -> Period:
        return cls(today.year)

    @property
    def kind(self) -> str:
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def key(self) -> str:
        """How URLs and forms name the period (the inverse of :meth:`parse`)."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        return str(self.year)

    @property
    def start(self) -> dt.date:
        if self.month:
            return dt.date(self.year, self.month, 1)
        if self.quarter:
            return dt.date(self.year, 3 * self.quarter - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        if self.quarter:
            last = 3 * self.quarter
            return dt.date(self.year, last, calendar.monthrange(self.year, last)[1])
        return dt.date(self.year, 12, 31)

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The inclusive dates counted: the whole period, or up to ``today`` while it is running."""
        return self.start, min(self.end, max(today, self.start))

    def is_running(self, today: dt.date) -> bool:
        return self.start <= today < self.end

    def label(self) -> str:
        """The period's name in the active language ("2025年第2季度", "2025 Q2")."""
        if self.month:
            return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.month}
        if self.quarter:
            return _("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}
        return _("%(year)s年") % {"year": self.year}

    def describe(self, today: dt.date) -> str:
        """The period with the dates it counts, for 口径 lines: "2025年第1季度（2025-01-01 至 2025-03-31）",
        "… 至 2026-12-03，截至今天" while running."""
        start, end = self.window(today)
        if self.is_running(today):
            return _("%(period)s（%(start)s 至 %(end)s，截至今天）") % {
                "period": self.label(), "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
        return _("%(period)s（%(start)s 至 %(end)s）") % {
            "period": self.label(), "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}

    def __str__(self) -> str:
        return self.key


def recent_periods(today: dt.date, years: int = 3) -> list[Period]:
    """The periods a period menu offers: the last ``years`` years, each with its quarters and months
    up to the current one, newest first."""
    out: list[Period] = []
    for year in range(today.year, today.year - years, -1):
        out.append(Period(year))
        last_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        out += [Period(year, quarter=q) for q in range(last_quarter, 0, -1)]
        last_month = today.month if year == today.year else 12
        out += [Period(year, month=m) for m in range(last_month, 0, -1)]
    return out


class PeriodField(forms.ChoiceField):
    """A period chosen from :func:`recent_periods` — or any other typed in the URL (``?period=2019``);
    cleans to a :class:`Period`."""

    default_error_messages = {"invalid_choice": gettext_lazy("统计期无效：请填写年份（2025）、季度（2025-Q2）或月份（2025-03）。")}

    def __init__(self, *, today: dt.date | None, **kwargs):
        kwargs.setdefault("label", gettext_lazy("统计期"))
        super().__init__(choices=[], **kwargs)
        self.today = today
        if today is not None:
            self.choices = [(p.key, p.label()) for p in recent_periods(today)]

    def valid_value(self, value) -> bool:
        try:
            Period.parse(value)
        except ValueError:
            return False
        return True

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        period = Period.parse(value)
        if period.start > self.today:
            raise forms.ValidationError(_("%(period)s 尚未开始，请选择已开始的统计期。") % {"period": period.label()})
        if period.key not in dict(self.choices):
            self.choices = [*self.choices, (period.key, period.label())]
        return period


class PeriodForm(forms.Form):
    """The period a page counts over (``?period=2025-Q1``): by default this year so far."""

    period = PeriodField(today=None, required=False)

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.fields["period"] = PeriodField(today=today, required=False,
                                            widget=forms.Select(attrs={"data-autosubmit": ""}))
        self.fields["period"].initial = Period.this_year(today).key

    def chosen(self) -> Period:
        """The valid period asked for, else this year."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("period"):
            return self.cleaned_data["period"]
        return Period.this_year(self.today)
