"""Time limits: a start, a number of days, pauses, an extension; one clock or many at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from yaojian.core.clock import calendar as cal
from yaojian.core.clock.calendar import CALENDAR, WORKING

# The warning rule: a clock warns when its remaining days are at most
# max(WARNING_MIN_DAYS, WARNING_PERCENT % of the limit, rounded up), in days of the limit's kind:
# 3 days for limits up to 15 days, 4 for 20, 6 for 30, 12 for 60.
WARNING_MIN_DAYS = 3
WARNING_PERCENT = 20


def warning_days(limit: int) -> int:
    """The remaining days at (or below) which a clock of this limit warns."""
    return max(WARNING_MIN_DAYS, -(-int(limit) * WARNING_PERCENT // 100))


@dataclass(frozen=True)
class Pause:
    """Days on which the clock stands still (expert review, on-site inspection, corrections).

    Both ends count as paused days; `end=None` is a pause still going on, paused up to and
    including `today`.
    """

    start: dt.date
    end: dt.date | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"a pause cannot end ({self.end}) before it starts ({self.start})")

    @property
    def is_open(self) -> bool:
        return self.end is None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ClockState:
    started_on: dt.date
    limit: int
    kind: str
    pauses: tuple[Pause, ...]
    extension: int
    deadline: dt.date
    remaining: int  # days of `kind` after today up to the deadline; 0 on it, negative after
    paused: bool  # today falls in a pause
    overdue: bool  # remaining < 0
    warning: bool  # remaining <= warning_days(limit) (overdue clocks warn too)
    today: dt.date
    paused_days: int = 0  # days of `kind` by which the pauses pushed the deadline back
    provisional: bool = False  # the span crosses a year with no holiday data (weekdays only)

    @property
    def warning_days(self) -> int:
        return warning_days(self.limit)


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _check(limit: int, extension: int, kind: str) -> None:
    cal._check_kind(kind)
    if int(limit) < 0:
        raise ValueError("a time limit cannot be negative")
    if int(extension) < 0:
        raise ValueError("an extension cannot be negative")


def _intervals(
    pauses: Sequence[Pause], start: dt.date, today: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The paused days after `start` as sorted, disjoint, non-adjacent [first, last] spans."""
    spans = []
    after_start = start + dt.timedelta(days=1)
    for pause in pauses:
        first = max(pause.start, after_start)
        last = pause.end if pause.end is not None else today
        if first <= last:
            spans.append((first, last))
    spans.sort()
    merged: list[tuple[dt.date, dt.date]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _last_day(
    start: dt.date, count: int, kind: str, spans: list[tuple[dt.date, dt.date]]
) -> tuple[dt.date, int]:
    """The `count`-th day of `kind` after `start` that no pause covers, and the paused days of
    `kind` that lie after `start` up to it (the days the pauses pushed it back by)."""
    one = dt.timedelta(days=1)
    if count == 0:
        return start, 0
    position, left = start, count
    last = None
    for first, end in spans:
        available = cal.days_between(position, first - one, kind)
        if left <= available:
            last = cal.add_days(position, left, kind)
            break
        left -= available
        position = end
    if last is None:
        last = cal.add_days(position, left, kind)
    paused = sum(
        cal.days_between(first - one, min(end, last), kind) for first, end in spans if first <= last
    )
    return last, paused


def _compute(start, limit, kind, pauses, extension, today) -> tuple[dt.date, int]:
    _check(limit, extension, kind)
    spans = _intervals(pauses, start, today)
    last, paused = _last_day(start, int(limit) + int(extension), kind, spans)
    if kind == CALENDAR:
        # 民法典 第二百零三条: a period whose last day is a statutory holiday ends on the day
        # after the holiday ends. Applied to calendar-day limits; a working-day limit always
        # ends on a working day.
        last = cal.next_working_day(last)
    return last, paused


def deadline(
    start: dt.date,
    limit: int,
    *,
    kind: str = WORKING,
    pauses: Sequence[Pause] = (),
    extension: int = 0,
    today: dt.date | None = None,
) -> dt.date:
    """The last day of a limit of `limit` days of `kind` counted from the day after `start`.

    Pushed back by every paused day (a paused day never counts; an open pause counts up to
    `today`) and by `extension` more days of the same kind: the extended limit is one period
    of limit + extension days (行政许可法 第四十二条 "可以延长十日"), so for a working-day limit
    the extension is that many working days after the original deadline. A calendar-day limit
    whose last day is not a working day ends on the next working day (民法典 第二百零三条).
    """
    today = today or _today()
    return _compute(start, limit, kind, pauses, extension, today)[0]


def remaining(deadline: dt.date, today: dt.date, kind: str = WORKING) -> int:
    """Days of `kind` left: 0 on the deadline day, negative when overdue."""
    return cal.days_between(today, deadline, kind)


def _provisional(first: dt.date, last: dt.date) -> bool:
    if cal.library_knows(first.year) and cal.library_knows(last.year):
        return False
    return any(not cal.is_known(year) for year in range(first.year, last.year + 1))


def state(
    start: dt.date,
    limit: int,
    *,
    kind: str = WORKING,
    pauses: Sequence[Pause] = (),
    extension: int = 0,
    today: dt.date | None = None,
) -> ClockState:
    """Everything a page or a reminder needs about one clock."""
    today = today or _today()
    pauses = tuple(pauses)
    last, paused_days = _compute(start, limit, kind, pauses, extension, today)
    left = remaining(last, today, kind)
    return ClockState(
        started_on=start,
        limit=int(limit),
        kind=kind,
        pauses=pauses,
        extension=int(extension),
        deadline=last,
        remaining=left,
        paused=any(pause.covers(today) for pause in pauses),
        overdue=left < 0,
        warning=left <= warning_days(limit),
        today=today,
        paused_days=paused_days,
        provisional=_provisional(min(start, today), max(last, today)),
    )


# --- many clocks at once --------------------------------------------------------------------


def _day_numbers(days, name: str) -> np.ndarray:
    """Dates (a sequence of `date`, or a NumPy datetime64 array) as int64 day numbers."""
    if isinstance(days, np.ndarray) and np.issubdtype(days.dtype, np.datetime64):
        return days.astype("datetime64[D]").astype(np.int64)
    try:
        return np.fromiter((d.toordinal() for d in days), dtype=np.int64, count=len(days)) - (
            cal.EPOCH
        )
    except AttributeError:
        raise TypeError(f"{name} must be dates") from None


def _counts(values, name: str, size: int) -> np.ndarray:
    array = np.asarray(values, dtype=np.int64)
    if array.shape != (size,):
        raise ValueError(f"{name} must have one value per clock ({size})")
    if size and int(array.min()) < 0:
        raise ValueError(f"{name} cannot be negative")
    return array


def _bulk_add(s: np.ndarray, n: np.ndarray, kind: str) -> np.ndarray:
    """Day numbers of the n-th day of `kind` after each s (n >= 0)."""
    if kind == CALENDAR or not len(s):
        return s + n
    lo, hi = int(s.min()), int(s.max())
    table = cal._table_for(lo, hi + int(n.max()) * 2 + 31)
    while True:
        target = table.cum[s - table.base] + n
        if int(target.max()) <= int(table.cum[-1]):
            break
        table = cal._table_reaching(table, lo, table.end + max(366, int(n.max()) * 2))
    found = np.searchsorted(table.cum, target) + table.base
    return np.where(n > 0, found, s)


def _bulk_next_working(days: np.ndarray) -> np.ndarray:
    if not len(days):
        return days
    lo, hi = int(days.min()), int(days.max())
    table = cal._table_for(lo, hi + 31)
    while True:
        i = days - table.base
        target = table.cum[i] - table.working[i] + 1
        if int(target.max()) <= int(table.cum[-1]):
            return np.searchsorted(table.cum, target) + table.base
        table = cal._table_reaching(table, lo, table.end + 366)


def _bulk_between(s: np.ndarray, e: np.ndarray, kind: str) -> np.ndarray:
    if kind == CALENDAR or not len(s):
        return e - s
    table = cal._table_for(int(min(s.min(), e.min())), int(max(s.max(), e.max())))
    return table.cum[e - table.base] - table.cum[s - table.base]


def bulk_deadlines_numbers(
    starts,
    limits: Sequence[int],
    paused_days: Sequence[int],
    extensions: Sequence[int],
    today: dt.date,
    *,
    kind: str = WORKING,
    open_pause_starts: Sequence[dt.date | None] | None = None,
) -> np.ndarray:
    """Deadlines of many clocks as int64 day numbers since 1970-01-01 (see `bulk_remaining`)."""
    cal._check_kind(kind)
    s = _day_numbers(starts, "starts")
    size = len(s)
    n = (
        _counts(limits, "limits", size)
        + _counts(paused_days, "paused_days", size)
        + _counts(extensions, "extensions", size)
    )
    t = today.toordinal() - cal.EPOCH
    last = _bulk_add(s, n, kind)
    if open_pause_starts is not None:
        if len(open_pause_starts) != size:
            raise ValueError(f"open_pause_starts must have one value per clock ({size})")
        none = np.iinfo(np.int64).max
        x = np.fromiter(
            (none if d is None else d.toordinal() - cal.EPOCH for d in open_pause_starts),
            dtype=np.int64,
            count=size,
        )
        x = np.maximum(x, s + 1)
        # an open pause pushes the deadline only if it began on or before it, and only once it
        # has begun; then by its days up to today (the same rule as `deadline`)
        active = (x <= last) & (x <= t)
        if active.any():
            extra = np.zeros(size, dtype=np.int64)
            extra[active] = _bulk_between(
                x[active] - 1, np.full(int(active.sum()), t, dtype=np.int64), kind
            )
            last = _bulk_add(s, n + extra, kind)
    if kind == CALENDAR:
        last = _bulk_next_working(last)
    if size:
        first_year = cal._year_of(int(min(s.min(), t)))
        cal._note_years(first_year, cal._year_of(int(max(last.max(), t))))
    return last


def bulk_remaining(
    starts,
    limits: Sequence[int],
    paused_days: Sequence[int],
    extensions: Sequence[int],
    today: dt.date,
    *,
    kind: str = WORKING,
    open_pause_starts: Sequence[dt.date | None] | None = None,
) -> list[int]:
    """`state(...).remaining` for many clocks at once, by array arithmetic over the table.

    `starts` are the start dates (or a NumPy datetime64 array), `paused_days` the days of
    `kind` by which pauses pushed each deadline back (`ClockState.paused_days`, which the
    caller can store when a pause ends). A clock paused right now either passes its pause's
    days up to today in `paused_days`, or passes the pause's first day in `open_pause_starts`
    (None for a clock not paused) and its closed pauses' days in `paused_days`: then the stored
    figure need not change while the pause goes on.
    """
    last = bulk_deadlines_numbers(
        starts,
        limits,
        paused_days,
        extensions,
        today,
        kind=kind,
        open_pause_starts=open_pause_starts,
    )
    t = today.toordinal() - cal.EPOCH
    return _bulk_between(np.full(len(last), t, dtype=np.int64), last, kind).tolist()


def bulk_deadlines(
    starts,
    limits: Sequence[int],
    paused_days: Sequence[int],
    extensions: Sequence[int],
    today: dt.date,
    *,
    kind: str = WORKING,
    open_pause_starts: Sequence[dt.date | None] | None = None,
) -> list[dt.date]:
    """`state(...).deadline` for many clocks at once (see `bulk_remaining`)."""
    last = bulk_deadlines_numbers(
        starts,
        limits,
        paused_days,
        extensions,
        today,
        kind=kind,
        open_pause_starts=open_pause_starts,
    )
    return last.astype("datetime64[D]").tolist()
