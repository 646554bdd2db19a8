"""Properties of the statutory clock over random dates, limits and pauses (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yaojian.core import clock
from yaojian.core.tests import clock_reference as ref

pytestmark = pytest.mark.django_db

# 2003 (before chinese_calendar) to two years after its last: every kind of year
dates = st.dates(dt.date(2003, 1, 1), dt.date(clock.CC_LAST_YEAR + 2, 12, 31))
kinds = st.sampled_from(clock.KINDS)
limits = st.integers(0, 120)
checks = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def pause_lists(draw, start: dt.date, *, open_last: bool = False):
    """Up to three pauses at random places after (or around) the start."""
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        first = start + dt.timedelta(days=draw(st.integers(-5, 150)))
        length = draw(st.integers(0, 30))
        pauses.append(clock.Pause(first, first + dt.timedelta(days=length), "test"))
    if open_last and draw(st.booleans()):
        last_end = max([p.end for p in pauses], default=start)
        pauses.append(clock.Pause(last_end + dt.timedelta(days=draw(st.integers(1, 40)))))
    return pauses


@checks
@given(start=dates, n=st.integers(0, 400), kind=kinds)
def test_add_days_and_days_between_are_inverse(start, n, kind):
    end = clock.add_days(start, n, kind=kind)
    assert end >= start
    assert clock.days_between(start, end, kind) == n
    assert clock.days_between(end, start, kind) == -n


@checks
@given(start=dates, n=st.integers(1, 60))
def test_add_days_agrees_with_walking_the_days(start, n):
    assert clock.add_days(start, n) == ref.walk(start, n)
    end = clock.add_days(start, n)
    assert clock.is_working_day(end)
    if clock.is_working_day(start):
        assert clock.add_days(end, -n) == start


@checks
@given(a=dates, b=dates)
def test_days_between_agrees_with_counting(a, b):
    if abs((b - a).days) > 200:
        b = a + dt.timedelta(days=(b - a).days % 200)
    assert clock.days_between(a, b) == ref.count(a, b)


@checks
@given(data=st.data(), start=dates, limit=limits, kind=kinds)
def test_the_deadline_agrees_with_walking_the_days(data, start, limit, kind):
    pauses = data.draw(pause_lists(start))
    paused = {d for p in pauses for d in ref.days_of(p.start, p.end)}
    raw = ref.walk(start, limit, working=kind == clock.WORKING, paused=paused)
    expected = ref.roll(raw) if kind == clock.CALENDAR else raw
    assert clock.deadline(start, limit, kind=kind, pauses=pauses, today=start) == expected


@checks
@given(data=st.data(), start=dates, limit=limits, more=st.integers(0, 40), kind=kinds)
def test_the_deadline_grows_with_the_limit_and_the_extension(data, start, limit, more, kind):
    pauses = data.draw(pause_lists(start))
    today = data.draw(dates)
    base = clock.deadline(start, limit, kind=kind, pauses=pauses, today=today)
    assert clock.deadline(start, limit + more, kind=kind, pauses=pauses, today=today) >= base
    assert (
        clock.deadline(start, limit, kind=kind, pauses=pauses, extension=more, today=today) >= base
    )


@checks
@given(data=st.data(), start=dates, limit=limits, kind=kinds)
def test_the_deadline_grows_with_pauses(data, start, limit, kind):
    pauses = data.draw(pause_lists(start))
    extra = data.draw(pause_lists(start))
    today = data.draw(dates)
    without = clock.deadline(start, limit, kind=kind, today=today)
    some = clock.deadline(start, limit, kind=kind, pauses=pauses, today=today)
    more = clock.deadline(start, limit, kind=kind, pauses=pauses + extra, today=today)
    assert without <= some <= more
    if pauses:  # a longer pause never gives an earlier deadline
        longer = [
            *pauses[:-1],
            clock.Pause(pauses[-1].start, pauses[-1].end + dt.timedelta(days=7)),
        ]
        assert clock.deadline(start, limit, kind=kind, pauses=longer, today=today) >= some


@checks
@given(data=st.data(), size=st.integers(1, 25), kind=kinds)
def test_bulk_remaining_equals_state_remaining(data, size, kind):
    today = data.draw(dates)
    clocks = []
    for _ in range(size):
        start = data.draw(dates)
        clocks.append(
            (
                start,
                data.draw(limits),
                data.draw(pause_lists(start, open_last=True)),
                data.draw(st.sampled_from([0, 0, 10, 30])),
            )
        )
    states = [
        clock.state(s, n, kind=kind, pauses=p, extension=e, today=today) for s, n, p, e in clocks
    ]
    assert clock.bulk_remaining(
        [c[0] for c in clocks],
        [c[1] for c in clocks],
        [s.paused_days for s in states],
        [c[3] for c in clocks],
        today,
        kind=kind,
    ) == [s.remaining for s in states]


@checks
@given(data=st.data(), size=st.integers(1, 25), kind=kinds)
def test_bulk_remaining_with_open_pause_starts_equals_state_remaining(data, size, kind):
    """The stored figure covers the closed pauses; the open pause is passed by its first day."""
    today = data.draw(dates)
    starts, limit_list, stored, extensions, opens, expected = [], [], [], [], [], []
    for _ in range(size):
        start = data.draw(dates)
        limit = data.draw(limits)
        extension = data.draw(st.sampled_from([0, 0, 10]))
        pauses = data.draw(pause_lists(start, open_last=True))
        closed = [p for p in pauses if not p.is_open]
        opened = next((p.start for p in pauses if p.is_open), None)
        if opened is not None and any(p.end >= opened for p in closed):
            opened = None  # the open pause is the latest one
            pauses = closed
        starts.append(start)
        limit_list.append(limit)
        extensions.append(extension)
        # what the caller stored when the last pause closed
        stored.append(
            clock.state(
                start, limit, kind=kind, pauses=closed, extension=extension, today=today
            ).paused_days
        )
        opens.append(opened)
        expected.append(
            clock.state(
                start, limit, kind=kind, pauses=pauses, extension=extension, today=today
            ).remaining
        )
    assert (
        clock.bulk_remaining(
            starts, limit_list, stored, extensions, today, kind=kind, open_pause_starts=opens
        )
        == expected
    )
