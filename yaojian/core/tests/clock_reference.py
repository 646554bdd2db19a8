"""An independent, day-by-day statement of the clock's rules, for the tests to compare with.

It asks chinese_calendar (and an override dict) about one day at a time and walks; it shares
no code with `yaojian.core.clock`, whose table and binary searches it checks.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

ONE = dt.timedelta(days=1)


def is_working(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not know: weekdays
        return day.weekday() < 5


def walk(start: dt.date, n: int, *, working: bool = True, overrides=None, paused=()) -> dt.date:
    """The n-th counting day after start: working days (or every day), skipping paused days."""
    paused = set(paused)
    day, counted = start, 0
    while counted < n:
        day += ONE
        if day in paused:
            continue
        if not working or is_working(day, overrides):
            counted += 1
    return day


def roll(day: dt.date, overrides=None) -> dt.date:
    """The civil rule: a last day that is not a working day moves to the next working day."""
    while not is_working(day, overrides):
        day += ONE
    return day


def count(start: dt.date, end: dt.date, *, working: bool = True, overrides=None) -> int:
    """Counting days after start up to and including end (negative when end < start)."""
    if end < start:
        return -count(end, start, working=working, overrides=overrides)
    total, day = 0, start
    while day < end:
        day += ONE
        if not working or is_working(day, overrides):
            total += 1
    return total


def days_of(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + ONE * i for i in range((last - first).days + 1)]
