"""Reads of the shared kernel: the administrators' holiday table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from yaojian.core import clock
from yaojian.core.models import HolidayOverride


@dataclass(frozen=True)
class HolidayYear:
    year: int
    library: bool  # chinese_calendar knows the year
    days_off: int  # overrides that make a day a day off
    working_days: int  # overrides that make a day a make-up working day
    status: str  # clock.FROM_LIBRARY, clock.FROM_OVERRIDES or clock.UNKNOWN

    @property
    def overrides(self) -> int:
        return self.days_off + self.working_days


def holiday_overrides(user: Any, year: int):
    """The overrides of one year (the table is the same for every bureau)."""
    return (
        HolidayOverride.objects.filter(day__gte=dt.date(year, 1, 1), day__lte=dt.date(year, 12, 31))
        .select_related("created_by")
        .order_by("day")
    )


def holiday_years(user: Any, *, today: dt.date, also: int | None = None) -> list[HolidayYear]:
    """Last year to next year, every year with overrides, and `also`; with what covers each."""
    counts = {
        row["year"]: row
        for row in HolidayOverride.objects.annotate(year=ExtractYear("day"))
        .values("year")
        .annotate(total=Count("id"), working=Count("id", filter=Q(is_working_day=True)))
    }
    years = {today.year - 1, today.year, today.year + 1, *counts}
    if also is not None:
        years.add(also)
    rows = []
    for year in sorted(years):
        total = counts.get(year, {}).get("total", 0)
        working = counts.get(year, {}).get("working", 0)
        library = clock.library_knows(year)
        status = clock.FROM_LIBRARY if library else clock.FROM_OVERRIDES if total else clock.UNKNOWN
        rows.append(HolidayYear(year, library, total - working, working, status))
    return rows
