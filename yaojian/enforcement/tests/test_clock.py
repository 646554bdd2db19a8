"""The time limits: 90 calendar days with extensions and pauses; working-day windows."""

from __future__ import annotations

import datetime as dt

import pytest

from yaojian.core.errors import PermissionDenied, ValidationFailed
from yaojian.enforcement import clock, services
from yaojian.enforcement.models import Case

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_90_days_are_calendar_days_and_end_on_a_working_day(officers, approver, donghu, today):
    today(dt.date(2026, 7, 3))
    case = f.filed(officers, approver, donghu)
    # 3 July + 90 calendar days = 1 October, inside the National Day holiday (1–7 October 2026):
    # the limit ends on the first working day after it (民法典 第二百零三条)
    from yaojian.core import clock as core

    assert dt.date(2026, 7, 3) + dt.timedelta(days=90) == dt.date(2026, 10, 1)
    assert case.deadline == core.next_working_day(dt.date(2026, 10, 1))
    assert case.deadline == dt.date(2026, 10, 8)


def test_extension_by_the_head_then_by_collective_discussion(
    officers, approver, leader, donghu, today
):
    today(dt.date(2026, 3, 2))
    case = f.filed(officers, approver, donghu)
    assert case.deadline == dt.date(2026, 6, 1)  # 31 May is a Sunday
    with pytest.raises(ValidationFailed):  # collective discussion comes after the head's 30 days
        services.extension_approve(
            actor=leader, case_id=case.pk, level="collective", days=20, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=officers[0], case_id=case.pk, level="head", reason="x")
    case = services.extension_approve(
        actor=approver, case_id=case.pk, level="head", reason="案情复杂"
    )
    assert case.extension_days == 30
    assert case.deadline == dt.date(2026, 6, 30)  # 2 March + 120
    with pytest.raises(ValidationFailed):  # the head extends once
        services.extension_approve(actor=approver, case_id=case.pk, level="head", reason="x")
    with pytest.raises(PermissionDenied):  # collective discussion is the leaders'
        services.extension_approve(
            actor=approver, case_id=case.pk, level="collective", days=20, reason="x"
        )
    case = services.extension_approve(
        actor=leader, case_id=case.pk, level="collective", days=20, reason="局长办公会集体讨论"
    )
    assert case.deadline == dt.date(2026, 7, 20)  # 2 March + 140


def test_no_extension_after_the_limit(officers, approver, donghu, today):
    today(dt.date(2026, 3, 2))
    case = f.filed(officers, approver, donghu)
    today(dt.date(2026, 6, 2))
    assert Case.objects.filter(pk=case.pk, deadline__lt=dt.date(2026, 6, 2)).exists()  # overdue
    with pytest.raises(ValidationFailed):
        services.extension_approve(actor=approver, case_id=case.pk, level="head", reason="x")


def test_testing_time_is_not_counted(officers, approver, donghu, today):
    today(dt.date(2026, 3, 2))
    case = f.filed(officers, approver, donghu)
    today(dt.date(2026, 3, 10))
    services.pause_start(actor=officers[0], case_id=case.pk, reason="testing", note="送检")
    with pytest.raises(ValidationFailed):  # one pause at a time
        services.pause_start(actor=officers[0], case_id=case.pk, reason="testing")
    today(dt.date(2026, 3, 19))
    services.pause_end(actor=officers[0], case_id=case.pk, end=dt.date(2026, 3, 19))
    case.refresh_from_db()
    # 10–19 March (10 days) not counted: the 100th day after filing, 10 June (a Wednesday;
    # without the pause the 90th day, 31 May, was a Sunday and moved to 1 June)
    assert case.deadline == dt.date(2026, 6, 10)
    today(dt.date(2026, 3, 20))
    state = clock.state(case)
    assert state.paused_days == 10 and not state.paused


def test_an_open_pause_moves_the_deadline_day_by_day(officers, approver, donghu, today):
    today(dt.date(2026, 3, 2))
    case = f.filed(officers, approver, donghu)
    today(dt.date(2026, 3, 10))
    services.pause_start(actor=officers[0], case_id=case.pk, reason="testing")
    today(dt.date(2026, 3, 12))
    state = clock.state(Case.objects.get(pk=case.pk))
    assert state.paused and state.paused_days == 3
    assert state.deadline == dt.date(2026, 6, 3)


def test_the_filing_decision_limit_and_its_extension(officers, approver, donghu, today):
    today(dt.date(2026, 4, 28))
    clue = f.source(officers[0], donghu)
    # 15 working days from 28 April 2026 across 劳动节 (1–5 May; 9 May is a make-up working day)
    from yaojian.core import clock as core

    assert clue.decide_by == core.add_days(dt.date(2026, 4, 28), 15)
    assert core.days_between(dt.date(2026, 4, 28), clue.decide_by) == 15
    with pytest.raises(PermissionDenied):
        services.source_extend(actor=officers[0], source_id=clue.pk, reason="x")
    clue = services.source_extend(actor=approver, source_id=clue.pk, reason="需进一步核查")
    assert core.days_between(dt.date(2026, 4, 28), clue.decide_by) == 30
    with pytest.raises(ValidationFailed):
        services.source_extend(actor=approver, source_id=clue.pk, reason="again")


def test_working_day_windows_of_the_notice(officers, approver, donghu, today):
    today(dt.date(2026, 9, 28))
    case = f.notified(f.filed(officers, approver, donghu), officers[0])
    # Monday 28 Sept: 29, 30 Sept, then the holiday to 8 Oct, 9 Oct (Fri, working), 10 Oct (Sat,
    # make-up working day), 12 Oct → the 5th working day is 12 October
    from yaojian.core import clock as core

    assert case.statement_due == core.add_days(dt.date(2026, 9, 28), 5)
    assert core.days_between(dt.date(2026, 9, 28), case.statement_due) == 5
    assert case.statement_due > dt.date(2026, 10, 8)
    assert case.hearing_request_due == case.statement_due
    assert clock.windows_open(case, case.statement_due)
    assert not clock.windows_open(case, case.statement_due + dt.timedelta(days=1))


def test_the_nightly_refresh_moves_paused_deadlines_and_reminds(officers, approver, donghu, today):
    from yaojian.enforcement.services.reminders import clocks_refresh
    from yaojian.workbench.models import Todo

    today(dt.date(2026, 3, 2))
    case = f.filed(officers, approver, donghu)
    today(dt.date(2026, 3, 10))
    services.pause_start(actor=officers[0], case_id=case.pk, reason="testing")
    today(dt.date(2026, 3, 20))
    clocks_refresh()
    case.refresh_from_db()
    assert case.due_on == dt.date(2026, 6, 11)  # 11 days paused so far (10–20 March)
    services.pause_end(actor=officers[0], case_id=case.pk, end=dt.date(2026, 3, 20))
    today(dt.date(2026, 6, 1))
    clocks_refresh()
    assert Todo.objects.filter(kind="case_near_due", object_id=str(case.pk)).exists()
