"""ISO weeks (Monday to Sunday) as the bureau's dispatch calendar uses them.

Dates here are local calendar dates in Asia/Shanghai (``settings.TIME_ZONE``): every stage date and
event date in lianzhao is a ``DateField`` entered as a Beijing-time calendar day, and "today" is
``timezone.localdate()``, so a week never straddles a UTC midnight.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")
#: The earliest year a report can be asked for (as the department targets): before it there is no
#: data, and the reports' look-back windows would leave the calendar at year 1.
FIRST_YEAR = 2000


@dataclass(frozen=True, order=True)
class IsoWeek:
    """One ISO 8601 week: ``year`` is the ISO year (the year of the week's Thursday)."""

    year: int
    week: int

    def __post_init__(self):
        # Raises ValueError for week 53 of a 52-week year or week 0.
        dt.date.fromisocalendar(self.year, self.week, 1)

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2025-W13`` (also ``2025W13``, ``2025-w13``), from :data:`FIRST_YEAR` on; ValueError with a
        message in the active language."""
        match = _WEEK.match(text or "")
        if not match:
            raise ValueError(_("周次格式应为“2025-W13”，收到“%(text)s”。") % {"text": text})
        year, week = int(match.group(1)), int(match.group(2))
        if year < FIRST_YEAR:
            raise ValueError(_("%(year)s 年过早：周调度表从 %(first)s 年起。") % {"year": year, "first": FIRST_YEAR})
        try:
            return cls(year, week)
        except ValueError:
            raise ValueError(_("%(year)s 年没有第 %(week)s 周。") % {"year": year, "week": week}) from None

    @classmethod
    def containing(cls, day: dt.date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def last_complete(cls, today: dt.date) -> IsoWeek:
        """The latest week whose Sunday is before ``today`` (the week a Monday meeting reviews)."""
        return cls.containing(today - dt.timedelta(days=today.isoweekday()))

    @property
    def start(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def title(self) -> str:
        """``2025年第13周（2025-03-24 至 2025-03-30）``"""
        return f"{self.year}年第{self.week}周（{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}）"

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.containing(self.start + dt.timedelta(weeks=weeks))

    def __str__(self) -> str:
        return self.label
