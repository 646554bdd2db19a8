"""The working-day table behind the statutory clock.

Which days are working days: Monday to Friday, except the statutory holidays (法定节假日) the
State Council announces each year, plus the weekend days it turns into make-up working days
(调休上班). `chinese_calendar` ships those announcements for the years of its release
(`CC_FIRST_YEAR`..`CC_LAST_YEAR`; it raises for any other year). `HolidayOverride` rows, entered
by the system administrator, decide a day for any year: they fill the years the library does
not know yet and correct one it knows. A year that neither covers falls back to "Monday to
Friday are working days"; every such year a computation touches is remembered, and
`unknown_years()` lists them so that a page can warn the administrators.

The table is one NumPy array per process: `working[i]` for the day `base + i` (days since
1970-01-01) and `cum[i]`, the number of working days from `base` up to and including that day.
Counting working days between two dates is then one subtraction and finding the n-th working
day after a date one binary search, for one date or for a hundred thousand at once. The
array starts at 1 January of `CC_FIRST_YEAR` and ends ten years after the current one; it
grows when a date outside is asked about. The overrides are read from the database once,
then again at most every `YAOJIAN_CLOCK_RECHECK_SECONDS` (60 s by default) so that another
process's change is seen within a minute; the services that write overrides drop this
process's table at once (`invalidate`), and so does Django's `setting_changed` in tests.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import numpy as np
from chinese_calendar import constants as _cc
from django.conf import settings
from django.core.signals import setting_changed

WORKING = "working"
CALENDAR = "calendar"
KINDS = (WORKING, CALENDAR)

# what a year's holidays come from (`year_status`)
FROM_LIBRARY = "chinese_calendar"
FROM_OVERRIDES = "overrides"
UNKNOWN = "unknown"

MAKE_UP_DAY_NAME = "调休上班"

EPOCH = dt.date(1970, 1, 1).toordinal()  # day numbers count from 1970-01-01 (NumPy's epoch)
_THURSDAY = 3  # 1970-01-01 was a Thursday: weekday(n) == (n + 3) % 7, Monday == 0
MIN_YEAR, MAX_YEAR = 1, 9999
_FIRST_N = dt.date.min.toordinal() - EPOCH
_LAST_N = dt.date.max.toordinal() - EPOCH
YEARS_AHEAD = 10

CC_FIRST_YEAR = min(_cc.holidays).year
CC_LAST_YEAR = max(_cc.holidays).year
_CC_OFF = np.array(sorted(d.toordinal() - EPOCH for d in _cc.holidays), dtype=np.int64)
_CC_ON = np.array(sorted(d.toordinal() - EPOCH for d in _cc.workdays), dtype=np.int64)
_CC_NAMES = {member.value: member.chinese for member in _cc.Holiday}


class CalendarRangeError(ValueError):
    """A date outside the years 1 to 9999."""


@dataclass(frozen=True)
class CalendarDay:
    """A day that differs from the plain weekday rule, or that an override names."""

    day: dt.date
    working: bool
    name: str
    source: str  # FROM_LIBRARY or FROM_OVERRIDES

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass(frozen=True, eq=False)
class _Table:
    overrides: dict[dt.date, tuple[bool, str]]
    override_years: frozenset[int]
    first_year: int
    last_year: int
    base: int
    working: np.ndarray  # bool, one per day from `base`
    cum: np.ndarray  # int64, working days in [base, base + i]

    @property
    def end(self) -> int:
        """The last day number in the table."""
        return self.base + len(self.cum) - 1

    def covers(self, lo: int, hi: int) -> bool:
        return self.base <= lo and hi <= self.end

    def cum_at(self, n: int) -> int:
        return int(self.cum[n - self.base])

    def is_working(self, n: int) -> bool:
        return bool(self.working[n - self.base])


_lock = threading.RLock()
_table: _Table | None = None
_checked_at = 0.0
_used_years: set[int] = set()


# --- the cache ------------------------------------------------------------------------------


def invalidate(**_kwargs) -> None:
    """Forget this process's table: the next computation reads the overrides again."""
    global _table
    with _lock:
        _table = None


def forget_used_years() -> None:
    _used_years.clear()


def _on_setting_changed(**kwargs) -> None:
    # Tests change settings around every test (pytest-django's `settings` fixture): start each
    # one from the database as it is, not from a table another test's rolled-back rows built.
    invalidate()
    forget_used_years()


setting_changed.connect(_on_setting_changed, dispatch_uid="yaojian.core.clock.invalidate")


def _recheck_seconds() -> float:
    return float(getattr(settings, "YAOJIAN_CLOCK_RECHECK_SECONDS", 60))


def _load_overrides() -> dict[dt.date, tuple[bool, str]]:
    from yaojian.core.models import HolidayOverride

    rows = HolidayOverride.objects.values_list("day", "is_working_day", "name")
    return {day: (working, name) for day, working, name in rows}


def _table_for(lo: int, hi: int) -> _Table:
    """The current table, covering the day numbers lo..hi."""
    global _table, _checked_at
    lo, hi = max(lo, _FIRST_N), min(hi, _LAST_N)
    table = _table
    now = time.monotonic()
    if table is not None and now - _checked_at < _recheck_seconds() and table.covers(lo, hi):
        return table
    with _lock:
        table = _table
        if table is None or now - _checked_at >= _recheck_seconds():
            overrides = _load_overrides()
            if table is None or overrides != table.overrides:
                table = _build(overrides, table)
            _checked_at = now
        if not table.covers(lo, hi):
            table = _build(table.overrides, table, lo, hi)
        _table = table
    return table


def _year_of(n: int) -> int:
    return dt.date.fromordinal(n + EPOCH).year


def _build(
    overrides: dict[dt.date, tuple[bool, str]],
    previous: _Table | None,
    lo: int | None = None,
    hi: int | None = None,
) -> _Table:
    first = min(CC_FIRST_YEAR, previous.first_year if previous else CC_FIRST_YEAR)
    last = max(CC_LAST_YEAR, dt.date.today().year + YEARS_AHEAD)
    if previous:
        last = max(last, previous.last_year)
    if lo is not None:
        first = min(first, _year_of(lo) - 1)
    if hi is not None:
        last = max(last, _year_of(hi) + 1)
    first, last = max(first, MIN_YEAR), min(last, MAX_YEAR)
    base = dt.date(first, 1, 1).toordinal() - EPOCH
    end = dt.date(last, 12, 31).toordinal() - EPOCH
    days = np.arange(base, end + 1, dtype=np.int64)
    working = (days + _THURSDAY) % 7 < 5
    # chinese_calendar's rule: a make-up day is a working day even if also listed as a holiday
    for listed, value in ((_CC_OFF, False), (_CC_ON, True)):
        inside = listed[(listed >= base) & (listed <= end)]
        working[inside - base] = value
    for day, (is_working, _name) in overrides.items():
        n = day.toordinal() - EPOCH
        if base <= n <= end:
            working[n - base] = is_working
    working.setflags(write=False)
    cum = np.cumsum(working, dtype=np.int64)
    cum.setflags(write=False)
    return _Table(
        overrides=overrides,
        override_years=frozenset(day.year for day in overrides),
        first_year=first,
        last_year=last,
        base=base,
        working=working,
        cum=cum,
    )


def _table_reaching(table: _Table, lo: int, hi: int) -> _Table:
    """The table again, grown to cover lo..hi (raises when it cannot grow: years 1 to 9999)."""
    lo, hi = max(lo, _FIRST_N), min(hi, _LAST_N)
    if table.covers(lo, hi):
        raise CalendarRangeError("the statutory clock counts days between the years 1 and 9999")
    return _table_for(min(lo, table.base), max(hi, table.end))


# --- which years are known ------------------------------------------------------------------


def _note_years(first: int, last: int) -> None:
    """Remember the years a computation used that chinese_calendar does not know."""
    if first > last:
        first, last = last, first
    if first < CC_FIRST_YEAR:
        _used_years.update(range(first, min(last, CC_FIRST_YEAR - 1) + 1))
    if last > CC_LAST_YEAR:
        _used_years.update(range(max(first, CC_LAST_YEAR + 1), last + 1))


def library_knows(year: int) -> bool:
    """Whether chinese_calendar ships the State Council's holidays for this year."""
    return CC_FIRST_YEAR <= year <= CC_LAST_YEAR


def override_years() -> frozenset[int]:
    """The years that have at least one HolidayOverride row."""
    return _current().override_years


def year_status(year: int) -> str:
    """FROM_LIBRARY, FROM_OVERRIDES (the administrators' table) or UNKNOWN (weekdays only).

    A year the library does not know counts as covered as soon as it has one override: the
    administrators enter a year's announcement whole (the import replaces a year at once).
    """
    if library_knows(year):
        return FROM_LIBRARY
    return FROM_OVERRIDES if year in override_years() else UNKNOWN


def is_known(year: int) -> bool:
    return year_status(year) != UNKNOWN


def unknown_years() -> list[int]:
    """The years that computations in this process used without any holiday data."""
    covered = override_years()
    return sorted(y for y in set(_used_years) if not library_knows(y) and y not in covered)


def years_needing_data(today: dt.date) -> list[int]:
    """This year and next year, where neither chinese_calendar nor an override covers them."""
    return [year for year in (today.year, today.year + 1) if not is_known(year)]


def _current() -> _Table:
    today = dt.date.today().toordinal() - EPOCH
    return _table_for(today, today)


# --- days -----------------------------------------------------------------------------------


def _number(day: dt.date) -> int:
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.toordinal() - EPOCH


def _date(n: int) -> dt.date:
    return dt.date.fromordinal(int(n) + EPOCH)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of limit {kind!r}: use clock.WORKING or clock.CALENDAR")


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day (overrides first, then chinese_calendar, then weekdays)."""
    n = _number(day)
    _note_years(day.year, day.year)
    return _table_for(n, n).is_working(n)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    n = _number(day)
    found = _working_on_or_after(n)
    _note_years(day.year, _year_of(found))
    return _date(found)


def _working_on_or_after(n: int) -> int:
    table = _table_for(n, n + 31)
    while True:
        i = n - table.base
        target = int(table.cum[i]) - int(table.working[i]) + 1
        if int(table.cum[-1]) >= target:
            return table.base + int(np.searchsorted(table.cum, target))
        table = _table_reaching(table, n, table.end + 366)


def add_days(start: dt.date, n: int, kind: str = WORKING) -> dt.date:
    """The n-th working (or calendar) day after `start`; `start` itself is not counted.

    The statutory rule: a time limit starts on the day after the event (受理之日的次日起算).
    n = 0 gives `start`. A negative n counts back: the |n|-th working day before `start`
    (so `add_days(d, -3)` is the third working day before d).
    """
    _check_kind(kind)
    n = int(n)
    if kind == CALENDAR or n == 0:
        result = start + dt.timedelta(days=n)
        _note_years(start.year, result.year)
        return result
    s = _number(start)
    found = _add_working(s, n)
    _note_years(start.year, _year_of(found))
    return _date(found)


def _add_working(s: int, n: int) -> int:
    if n > 0:
        table = _table_for(s, s + n * 2 + 31)
        while True:
            target = table.cum_at(s) + n
            if int(table.cum[-1]) >= target:
                return table.base + int(np.searchsorted(table.cum, target))
            table = _table_reaching(table, s, table.end + max(366, n * 2))
    back = -n
    table = _table_for(s - back * 2 - 31, s)
    while True:
        # the working day d < s with `back` working days in [d, s - 1]
        target = (table.cum_at(s - 1) if s - 1 >= table.base else 0) - back + 1
        if target >= 1:
            return table.base + int(np.searchsorted(table.cum, target))
        table = _table_reaching(table, table.base - max(366, back * 2), s)


def days_between(start: dt.date, end: dt.date, kind: str = WORKING) -> int:
    """The working (or calendar) days after `start` up to and including `end`.

    Negative when `end` is before `start` (minus the days after `end` up to `start`), so
    `days_between(s, add_days(s, n)) == n` for every n >= 0.
    """
    _check_kind(kind)
    _note_years(start.year, end.year)
    if kind == CALENDAR:
        return (end - start).days
    s, e = _number(start), _number(end)
    table = _table_for(min(s, e), max(s, e))
    return table.cum_at(e) - table.cum_at(s)


def year_calendar(year: int) -> list[CalendarDay]:
    """The named days of a year as the clock uses them: holidays and make-up working days from
    chinese_calendar, then the overrides (which win). Plain weekends and weekdays are left out."""
    days: dict[dt.date, CalendarDay] = {}
    if library_knows(year):
        for listed, working in ((_cc.holidays, False), (_cc.workdays, True)):
            for day, value in listed.items():
                if day.year == year:
                    name = _CC_NAMES.get(value, value)
                    days[day] = CalendarDay(day, working, name, FROM_LIBRARY)
        # a day in both lists is a working day (chinese_calendar's own rule)
    for day, (working, name) in _current().overrides.items():
        if day.year == year:
            days[day] = CalendarDay(day, working, name, FROM_OVERRIDES)
    return [days[day] for day in sorted(days)]
