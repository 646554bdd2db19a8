"""The statutory clock: working days, holidays, make-up days, pauses, extensions, warnings."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import numpy as np
import pytest

from yaojian.core import clock
from yaojian.core.clock import calendar as clock_calendar
from yaojian.core.models import HolidayOverride
from yaojian.core.tests import clock_reference as ref

pytestmark = pytest.mark.django_db

D = dt.date
UNKNOWN_YEAR = clock.CC_LAST_YEAR + 1  # the first year chinese_calendar raises for


def override(day: dt.date, working: bool, name: str) -> HolidayOverride:
    """A row as another process would write it; this process's table is dropped by hand."""
    row = HolidayOverride.objects.create(day=day, is_working_day=working, name=name)
    clock.invalidate()
    return row


# --- the 2026 National Day proof case -------------------------------------------------------


def test_the_library_holds_the_2026_holidays_the_proof_case_crosses():
    """What chinese_calendar says about the span: Mid-Autumn 25-27 September, National Day 1-7
    October, make-up working days Sunday 20 September and Saturday 10 October."""
    for day in ref.days_of(D(2026, 9, 25), D(2026, 9, 27)) + ref.days_of(
        D(2026, 10, 1), D(2026, 10, 7)
    ):
        assert chinese_calendar.is_holiday(day)
    assert D(2026, 9, 20).weekday() == 6 and chinese_calendar.is_workday(D(2026, 9, 20))
    assert D(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(D(2026, 10, 10))


def test_20_working_days_after_2026_09_25_across_national_day():
    start = D(2026, 9, 25)
    expected = ref.walk(start, 20)
    assert expected == D(2026, 10, 29)
    assert clock.add_days(start, 20) == expected
    assert clock.deadline(start, 20, today=start) == expected
    assert clock.days_between(start, expected) == 20
    # the days it counted: 28-30 Sep, 8-9 Oct, Saturday 10 Oct (make-up), then 12 Oct onwards
    counted = [d for d in ref.days_of(start + ref.ONE, expected) if clock.is_working_day(d)]
    assert counted[:6] == [
        D(2026, 9, 28),
        D(2026, 9, 29),
        D(2026, 9, 30),
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
    ]
    assert len(counted) == 20


def test_a_pause_inside_the_span_pushes_the_deadline_by_its_working_days():
    start = D(2026, 9, 25)
    pause = clock.Pause(D(2026, 10, 12), D(2026, 10, 14), "专家评审")
    expected = ref.walk(start, 20, paused=ref.days_of(pause.start, pause.end))
    assert expected == D(2026, 11, 3)
    state = clock.state(start, 20, pauses=[pause], today=D(2026, 10, 20))
    assert state.deadline == expected
    assert state.paused_days == 3
    assert not state.paused
    assert state.remaining == ref.count(D(2026, 10, 20), expected) == 10


def test_a_pause_over_the_holiday_counts_only_its_working_days():
    """Paused 30 Sep to 9 Oct: of those ten days only 30 Sep, 8 and 9 Oct were working days."""
    start = D(2026, 9, 25)
    pause = clock.Pause(D(2026, 9, 30), D(2026, 10, 9), "现场核查")
    state = clock.state(start, 20, pauses=[pause], today=D(2026, 10, 12))
    assert state.paused_days == 3
    assert state.deadline == ref.walk(start, 20, paused=ref.days_of(pause.start, pause.end))
    assert state.deadline == D(2026, 11, 3)


# --- which days are working days ------------------------------------------------------------


def test_weekends_are_not_working_days_except_make_up_days():
    assert not clock.is_working_day(D(2026, 11, 21))  # a plain Saturday
    assert not clock.is_working_day(D(2026, 11, 22))  # a plain Sunday
    assert clock.is_working_day(D(2026, 10, 10))  # Saturday, 调休上班 for National Day
    assert clock.is_working_day(D(2026, 9, 20))  # Sunday, 调休上班
    assert clock.is_working_day(D(2026, 2, 14))  # Saturday, 调休上班 for the Spring Festival


def test_statutory_holidays_are_not_working_days_even_on_weekdays():
    assert D(2026, 10, 1).weekday() == 3
    assert not clock.is_working_day(D(2026, 10, 1))
    assert not clock.is_working_day(D(2026, 2, 16))  # Monday of the Spring Festival
    assert not clock.is_working_day(D(2026, 1, 1))
    assert clock.is_working_day(D(2026, 11, 23))  # a plain Monday


def test_every_day_of_the_known_years_agrees_with_chinese_calendar():
    for year in (2004, 2015, 2020, 2025, clock.CC_LAST_YEAR):
        for day in ref.days_of(D(year, 1, 1), D(year, 12, 31)):
            assert clock.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_a_year_the_library_does_not_know_counts_weekdays_and_is_reported():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(UNKNOWN_YEAR, 3, 3))
    clock.forget_used_years()
    assert clock.unknown_years() == []
    saturday = next(
        d for d in ref.days_of(D(UNKNOWN_YEAR, 3, 1), D(UNKNOWN_YEAR, 3, 7)) if d.weekday() == 5
    )
    assert clock.is_working_day(saturday - dt.timedelta(days=2))  # a Thursday
    assert not clock.is_working_day(saturday)
    assert clock.unknown_years() == [UNKNOWN_YEAR]
    assert clock.year_status(UNKNOWN_YEAR) == clock.UNKNOWN
    assert clock.year_status(clock.CC_LAST_YEAR) == clock.FROM_LIBRARY


def test_years_before_the_library_are_reported_too():
    clock.forget_used_years()
    # 31 Dec 2003 (weekday rule), 1 Jan 2004 a holiday, Friday 2 and Monday 5 January
    assert clock.add_days(D(2003, 12, 30), 3) == ref.walk(D(2003, 12, 30), 3) == D(2004, 1, 5)
    assert clock.unknown_years() == [2003]


def test_a_deadline_reaching_into_2027_without_overrides_counts_weekdays():
    clock.forget_used_years()
    start = D(2026, 12, 10)
    state = clock.state(start, 20, today=D(2026, 12, 10))
    assert state.deadline == ref.walk(start, 20) == D(2027, 1, 7)  # 1 Jan 2027 counted
    assert state.provisional
    assert clock.unknown_years() == [2027]


def test_a_deadline_reaching_into_2027_with_override_rows(sysadmin):
    """The administrators enter 2027's 元旦 (1-3 January, hypothetical rows for the test)."""
    from yaojian.core import services

    clock.forget_used_years()
    start = D(2026, 12, 10)
    assert clock.add_days(start, 20) == D(2027, 1, 7)
    for day in ref.days_of(D(2027, 1, 1), D(2027, 1, 3)):
        services.holiday_set(actor=sysadmin, day=day, is_working_day=False, name="元旦")
    overrides = dict.fromkeys(ref.days_of(D(2027, 1, 1), D(2027, 1, 3)), False)
    expected = ref.walk(start, 20, overrides=overrides)
    assert expected == D(2027, 1, 8)
    state = clock.state(start, 20, today=D(2026, 12, 10))
    assert state.deadline == expected
    assert not state.provisional
    assert clock.unknown_years() == []
    assert clock.year_status(2027) == clock.FROM_OVERRIDES


def test_an_override_makes_a_weekend_day_of_an_unknown_year_a_make_up_working_day():
    saturday = D(2027, 2, 20)
    assert saturday.weekday() == 5
    assert not clock.is_working_day(saturday)
    override(saturday, True, "调休上班")
    assert clock.is_working_day(saturday)
    friday = D(2027, 2, 19)
    assert clock.add_days(friday, 1) == saturday


def test_an_override_corrects_a_day_of_a_known_year():
    assert clock.add_days(D(2026, 11, 2), 1) == D(2026, 11, 3)
    override(D(2026, 11, 3), False, "临时休假")
    assert not clock.is_working_day(D(2026, 11, 3))
    assert clock.add_days(D(2026, 11, 2), 1) == D(2026, 11, 4)
    override(D(2026, 10, 11), True, "调休上班")  # a Sunday made a working day
    assert clock.is_working_day(D(2026, 10, 11))


# --- counting ---------------------------------------------------------------------------------


def test_the_start_day_is_not_counted():
    monday = D(2026, 11, 23)
    assert clock.add_days(monday, 1) == D(2026, 11, 24)
    assert clock.add_days(monday, 0) == monday
    assert clock.days_between(monday, monday) == 0
    # accepted on a Saturday: the first working day after it is Monday
    assert clock.add_days(D(2026, 11, 21), 1) == monday


def test_days_between_is_negative_backwards_and_calendar_days_are_plain():
    assert clock.days_between(D(2026, 10, 29), D(2026, 9, 25)) == -20
    assert clock.days_between(D(2026, 9, 25), D(2026, 10, 29), clock.CALENDAR) == 34
    assert clock.days_between(D(2026, 10, 29), D(2026, 9, 25), clock.CALENDAR) == -34
    assert clock.add_days(D(2026, 9, 25), 34, kind=clock.CALENDAR) == D(2026, 10, 29)


def test_negative_counts_go_back_over_holidays():
    assert clock.add_days(D(2026, 10, 29), -20) == D(2026, 9, 24)
    assert clock.add_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_a_calendar_limit_ending_on_a_holiday_ends_on_the_next_working_day():
    """民法典 第二百零三条: the last day 2 October (National Day) moves to 8 October."""
    start = D(2026, 9, 22)
    assert clock.add_days(start, 10, kind=clock.CALENDAR) == D(2026, 10, 2)
    assert clock.deadline(start, 10, kind=clock.CALENDAR, today=start) == D(2026, 10, 8)
    assert ref.roll(D(2026, 10, 2)) == D(2026, 10, 8)
    # ending on a plain Sunday: Monday
    assert clock.deadline(D(2026, 11, 12), 10, kind=clock.CALENDAR, today=start) == D(2026, 11, 23)
    # ending on a make-up Saturday: that Saturday is a working day, the limit ends there
    assert clock.deadline(D(2026, 9, 30), 10, kind=clock.CALENDAR, today=start) == D(2026, 10, 10)
    # ending on a working day: unchanged
    assert clock.deadline(D(2026, 11, 2), 10, kind=clock.CALENDAR, today=start) == D(2026, 11, 12)


def test_a_working_day_limit_counting_zero_days_ends_on_its_start():
    assert clock.deadline(D(2026, 10, 3), 0, today=D(2026, 10, 3)) == D(2026, 10, 3)


def test_an_extension_adds_working_days_after_the_original_deadline():
    start = D(2026, 9, 25)
    original = clock.deadline(start, 20, today=start)
    extended = clock.deadline(start, 20, extension=10, today=start)
    assert extended == clock.add_days(original, 10) == ref.walk(original, 10)
    assert extended == ref.walk(start, 30) == D(2026, 11, 12)
    state = clock.state(start, 20, extension=10, today=D(2026, 11, 2))
    assert state.extension == 10 and state.deadline == extended
    # a calendar-day limit is extended by calendar days, then rolled over a holiday
    cal = clock.deadline(D(2026, 9, 12), 10, kind=clock.CALENDAR, extension=10, today=start)
    assert cal == ref.roll(D(2026, 10, 2)) == D(2026, 10, 8)


# --- pauses -----------------------------------------------------------------------------------


def test_an_open_pause_counts_up_to_today_and_freezes_the_remaining_days():
    start = D(2026, 11, 2)
    pause = clock.Pause(D(2026, 11, 9), None, "申请人补正")
    before = clock.state(start, 20, today=D(2026, 11, 6))
    assert before.deadline == D(2026, 11, 30)
    assert before.remaining == 16
    states = [
        clock.state(start, 20, pauses=[pause], today=d)
        for d in ref.days_of(D(2026, 11, 9), D(2026, 11, 20))
    ]
    for state in states:
        assert state.paused
        assert state.remaining == 16  # frozen at what was left when the pause began
        assert state.deadline == ref.walk(start, 20, paused=ref.days_of(pause.start, state.today))
    assert states[-1].paused_days == 10
    # the pause ended on the 20th: the clock runs again from Monday 23rd
    closed = clock.Pause(D(2026, 11, 9), D(2026, 11, 20), "申请人补正")
    after = clock.state(start, 20, pauses=[closed], today=D(2026, 11, 23))
    assert not after.paused
    assert after.deadline == states[-1].deadline
    assert after.remaining == 15


def test_a_pause_that_has_not_begun_does_not_count_yet_when_open():
    start = D(2026, 11, 2)
    later = clock.Pause(D(2026, 11, 20), None, "现场核查")
    assert clock.deadline(start, 20, pauses=[later], today=D(2026, 11, 10)) == clock.deadline(
        start, 20, today=D(2026, 11, 10)
    )


def test_a_pause_after_the_deadline_does_not_move_it():
    start = D(2026, 11, 2)
    deadline = clock.deadline(start, 5, today=start)
    late = clock.Pause(deadline + dt.timedelta(days=1), deadline + dt.timedelta(days=10))
    state = clock.state(start, 5, pauses=[late], today=deadline + dt.timedelta(days=12))
    assert state.deadline == deadline
    assert state.paused_days == 0
    assert state.overdue


def test_overlapping_pauses_count_each_day_once_and_days_before_the_start_not_at_all():
    start = D(2026, 11, 2)
    pauses = [
        clock.Pause(D(2026, 10, 20), D(2026, 11, 4)),  # began before the clock: 3, 4 Nov count
        clock.Pause(D(2026, 11, 10), D(2026, 11, 12)),
        clock.Pause(D(2026, 11, 11), D(2026, 11, 13)),
    ]
    paused = set(ref.days_of(D(2026, 11, 3), D(2026, 11, 4))) | set(
        ref.days_of(D(2026, 11, 10), D(2026, 11, 13))
    )
    state = clock.state(start, 20, pauses=pauses, today=start)
    assert state.deadline == ref.walk(start, 20, paused=paused)
    assert state.paused_days == 6


def test_a_pause_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        clock.Pause(D(2026, 11, 10), D(2026, 11, 9))


def test_a_paused_calendar_limit_skips_calendar_days():
    start = D(2026, 11, 2)
    pause = clock.Pause(D(2026, 11, 5), D(2026, 11, 8))
    state = clock.state(start, 30, kind=clock.CALENDAR, pauses=[pause], today=start)
    raw = ref.walk(start, 30, working=False, paused=ref.days_of(pause.start, pause.end))
    assert state.deadline == ref.roll(raw)
    assert state.paused_days == 4


# --- remaining days and warnings --------------------------------------------------------------


def test_remaining_is_zero_on_the_deadline_and_negative_after():
    deadline = D(2026, 10, 29)
    assert clock.remaining(deadline, deadline) == 0
    assert clock.remaining(deadline, D(2026, 10, 28)) == 1
    assert clock.remaining(deadline, D(2026, 10, 30)) == -1
    assert clock.remaining(deadline, D(2026, 11, 2)) == -2  # the weekend does not count
    assert clock.remaining(deadline, D(2026, 11, 2), clock.CALENDAR) == -4


def test_the_warning_rule_is_3_days_or_20_percent_of_the_limit():
    assert [clock.warning_days(n) for n in (0, 5, 10, 15, 16, 20, 30, 60)] == [
        3,
        3,
        3,
        3,
        4,
        4,
        6,
        12,
    ]


def test_state_warns_before_the_deadline_and_says_when_overdue():
    start = D(2026, 9, 25)  # deadline 29 October
    calm = clock.state(start, 20, today=D(2026, 10, 22))
    assert (calm.remaining, calm.warning, calm.overdue) == (5, False, False)
    warned = clock.state(start, 20, today=D(2026, 10, 23))
    assert (warned.remaining, warned.warning, warned.overdue) == (4, True, False)
    last_day = clock.state(start, 20, today=D(2026, 10, 29))
    assert (last_day.remaining, last_day.warning, last_day.overdue) == (0, True, False)
    late = clock.state(start, 20, today=D(2026, 10, 30))
    assert (late.remaining, late.warning, late.overdue) == (-1, True, True)
    assert late.warning_days == 4
    assert late.started_on == start and late.limit == 20 and late.kind == clock.WORKING


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        clock.add_days(D(2026, 1, 1), 3, kind="hours")
    with pytest.raises(ValueError):
        clock.deadline(D(2026, 1, 1), -1, today=D(2026, 1, 1))
    with pytest.raises(ValueError):
        clock.deadline(D(2026, 1, 1), 5, extension=-1, today=D(2026, 1, 1))
    with pytest.raises(ValueError):
        clock.bulk_remaining([D(2026, 1, 1)], [5, 6], [0], [0], D(2026, 1, 1))
    with pytest.raises(ValueError):
        clock.bulk_remaining([D(2026, 1, 1)], [-5], [0], [0], D(2026, 1, 1))
    with pytest.raises(TypeError):
        clock.bulk_remaining(["2026-01-01"], [5], [0], [0], D(2026, 1, 1))
    with pytest.raises(clock.CalendarRangeError):
        clock.add_days(D(9999, 12, 1), 100)


# --- many clocks at once ----------------------------------------------------------------------


def test_bulk_remaining_equals_state_for_a_mixed_batch():
    today = D(2026, 11, 23)
    cases = [
        (D(2026, 9, 25), 20, [], 0),
        (D(2026, 9, 25), 20, [clock.Pause(D(2026, 10, 12), D(2026, 10, 14))], 10),
        (D(2026, 11, 20), 5, [], 0),
        (D(2026, 12, 20), 60, [], 0),  # into 2027
        (D(2026, 11, 21), 0, [], 0),  # zero days from a Saturday
        (D(2026, 10, 1), 30, [clock.Pause(D(2026, 11, 2), None)], 0),  # paused now
    ]
    states = [clock.state(s, n, pauses=p, extension=e, today=today) for s, n, p, e in cases]
    result = clock.bulk_remaining(
        [c[0] for c in cases],
        [c[1] for c in cases],
        [s.paused_days for s in states],
        [c[3] for c in cases],
        today,
    )
    assert result == [s.remaining for s in states]
    assert clock.bulk_deadlines(
        [c[0] for c in cases],
        [c[1] for c in cases],
        [s.paused_days for s in states],
        [c[3] for c in cases],
        today,
    ) == [s.deadline for s in states]


def test_bulk_remaining_takes_numpy_dates_and_calendar_limits():
    today = D(2026, 9, 28)
    starts = [D(2026, 9, 22), D(2026, 9, 12), D(2026, 11, 2)]
    expected = [
        clock.state(s, 10, kind=clock.CALENDAR, extension=e, today=today).remaining
        for s, e in zip(starts, [0, 10, 0], strict=True)
    ]
    assert expected[0] == (D(2026, 10, 8) - today).days
    array = np.array(starts, dtype="datetime64[D]")
    assert (
        clock.bulk_remaining(array, [10] * 3, [0] * 3, [0, 10, 0], today, kind=clock.CALENDAR)
        == expected
    )


def test_bulk_remaining_with_open_pauses_needs_no_daily_update():
    start = D(2026, 11, 2)
    closed = clock.Pause(D(2026, 11, 4), D(2026, 11, 5))
    stored = clock.state(start, 20, pauses=[closed], today=D(2026, 11, 6)).paused_days
    opened = D(2026, 11, 10)
    for today in ref.days_of(D(2026, 11, 9), D(2026, 12, 4)):
        expected = clock.state(
            start, 20, pauses=[closed, clock.Pause(opened, None)], today=today
        ).remaining
        assert clock.bulk_remaining(
            [start], [20], [stored], [0], today, open_pause_starts=[opened]
        ) == [expected], today
    # a clock that is not paused passes None
    assert clock.bulk_remaining(
        [start], [20], [stored], [0], D(2026, 11, 9), open_pause_starts=[None]
    ) == [clock.state(start, 20, pauses=[closed], today=D(2026, 11, 9)).remaining]


def test_bulk_remaining_of_nothing_is_empty():
    assert clock.bulk_remaining([], [], [], [], D(2026, 1, 1)) == []


def test_bulk_reports_unknown_years():
    clock.forget_used_years()
    clock.bulk_remaining([D(2026, 12, 1)], [40], [0], [0], D(2026, 12, 1))
    assert clock.unknown_years() == [2027]


# --- the cache --------------------------------------------------------------------------------


def test_the_clock_does_not_query_the_database_per_day(django_assert_num_queries):
    clock.add_days(D(2026, 1, 1), 1)  # loads the overrides once
    with django_assert_num_queries(0):
        for month in range(1, 13):
            clock.state(
                D(2026, month, 1),
                60,
                pauses=[clock.Pause(D(2026, month, 5), None)],
                today=D(2026, month, 20),
            )
            clock.is_working_day(D(2026, month, 3))
        clock.bulk_remaining(
            [D(2026, 5, 1)] * 1000, [20] * 1000, [0] * 1000, [0] * 1000, D(2026, 6, 1)
        )


def test_another_process_change_is_seen_after_the_recheck_interval(monkeypatch):
    day = D(2027, 3, 1)
    assert clock.is_working_day(day)
    HolidayOverride.objects.create(day=day, is_working_day=False, name="测试")  # elsewhere
    assert clock.is_working_day(day)  # this process's table, still fresh
    now = clock_calendar.time.monotonic()
    monkeypatch.setattr(clock_calendar.time, "monotonic", lambda: now + 61)
    assert not clock.is_working_day(day)


def test_year_calendar_lists_the_named_days_with_overrides_winning():
    days = {d.day: d for d in clock.year_calendar(2026)}
    assert days[D(2026, 10, 1)].name == "国庆节" and not days[D(2026, 10, 1)].working
    assert days[D(2026, 10, 10)].working and days[D(2026, 10, 10)].source == clock.FROM_LIBRARY
    assert D(2026, 11, 23) not in days
    override(D(2026, 10, 10), False, "改为休息")
    days = {d.day: d for d in clock.year_calendar(2026)}
    assert (
        not days[D(2026, 10, 10)].working and days[D(2026, 10, 10)].source == clock.FROM_OVERRIDES
    )
    assert clock.year_calendar(2031) == []
