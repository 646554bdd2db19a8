"""The time limits of a case, on top of the shared statutory clock (core.clock).

- Filing decision: 15 working days from finding the clue, once extendable by 15 working days
  with the bureau head's approval (市场监督管理行政处罚程序规定 第十八条).
- Decision: 90 calendar days from filing (程序规定 第六十四条), extended by 30 days by the
  bureau head and further by collective discussion; hearings, testing and the other periods
  the rule lists are not counted (pauses).
- Statement and hearing request: 5 working days from the rights notice (程序规定 第五十八条,
  听证办法 第六条); the hearing notice at least 7 days before the hearing (行政处罚法 第六十四条).
- Payment: 15 days from the decision (行政处罚法 第六十七条).
- Publication: 20 working days from the decision; withdrawal: 3 working days (信息公示规定).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yaojian.core import clock

FILING_DAYS = 15
FILING_EXTENSION_DAYS = 15
DECISION_DAYS = 90
HEAD_EXTENSION_DAYS = 30
STATEMENT_DAYS = 5
HEARING_REQUEST_DAYS = 5
HEARING_NOTICE_DAYS = 7
PAYMENT_DAYS = 15
PUBLICATION_DAYS = 20
WITHDRAWAL_DAYS = 3


def today() -> dt.date:
    return timezone.localdate()


def filing_due(found_on: dt.date, *, extended: bool = False) -> dt.date:
    days = FILING_DAYS + (FILING_EXTENSION_DAYS if extended else 0)
    return clock.add_days(found_on, days, kind=clock.WORKING)


def pauses_of(case) -> list[clock.Pause]:
    return [clock.Pause(start=p.start, end=p.end, reason=p.reason) for p in case.pauses.all()]


def state(case, on: dt.date | None = None) -> clock.ClockState | None:
    """The 90-day clock of a filed case; after the decision, as it stood on the decision day."""
    if not case.filed_on:
        return None
    on = on or case.decided_on or today()
    return clock.state(
        case.filed_on,
        DECISION_DAYS,
        kind=clock.CALENDAR,
        pauses=pauses_of(case),
        extension=case.extension_days,
        today=on,
    )


def refresh(case) -> None:
    """Store the deadline for lists and filters; call after every change of the clock."""
    from yaojian.enforcement.choices import CLOCK_RUNNING

    current = state(case)
    case.deadline = current.deadline if current else None
    case.due_on = case.deadline if case.status in CLOCK_RUNNING else None


def statement_due(served_on: dt.date) -> dt.date:
    return clock.add_days(served_on, STATEMENT_DAYS, kind=clock.WORKING)


def hearing_request_due(served_on: dt.date) -> dt.date:
    return clock.add_days(served_on, HEARING_REQUEST_DAYS, kind=clock.WORKING)


def payment_due(decided_on: dt.date) -> dt.date:
    return clock.deadline(decided_on, PAYMENT_DAYS, kind=clock.CALENDAR, today=decided_on)


def publication_due(decided_on: dt.date) -> dt.date:
    return clock.add_days(decided_on, PUBLICATION_DAYS, kind=clock.WORKING)


def withdrawal_due(annulled_on: dt.date) -> dt.date:
    return clock.add_days(annulled_on, WITHDRAWAL_DAYS, kind=clock.WORKING)


def windows_open(case, on: dt.date | None = None) -> bool:
    """Whether the party may still state its case or request a hearing."""
    on = on or today()
    if case.rights_waived_on or not case.notified_on:
        return False
    last = max(d for d in (case.statement_due, case.hearing_request_due) if d)
    return on <= last
