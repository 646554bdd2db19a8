"""The statutory clock of an application, on top of the shared clock in core."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yaojian.core import clock
from yaojian.licensing.choices import CLOCK_RUNNING

ACCEPTANCE_DAYS = 5  # 行政许可法 第三十二条: 五日内一次告知, 逾期不告知即为受理
EXTENSION_DAYS = 10  # 行政许可法 第四十二条


def pauses_of(application) -> list[clock.Pause]:
    return [
        clock.Pause(start=p.start, end=p.end, reason=p.reason) for p in application.pauses.all()
    ]


def state(application, today: dt.date | None = None):
    """The clock of an accepted application (None before acceptance)."""
    if not application.accepted_on or application.statutory_limit is None:
        return None
    return clock.state(
        application.accepted_on,
        application.statutory_limit,
        kind=clock.WORKING,
        pauses=pauses_of(application),
        extension=application.extension_days,
        today=today,
    )


def committed_state(application, today: dt.date | None = None):
    if not application.accepted_on or application.committed_limit is None:
        return None
    return clock.state(
        application.accepted_on,
        application.committed_limit,
        kind=clock.WORKING,
        pauses=pauses_of(application),
        today=today,
    )


def refresh(application, today: dt.date | None = None) -> None:
    """Store the deadlines (for lists and the efficiency view); call after every clock change."""
    today = today or timezone.localdate()
    statutory, committed = state(application, today), committed_state(application, today)
    application.deadline = statutory.deadline if statutory else None
    application.committed_deadline = committed.deadline if committed else None


def acceptance_due(application) -> dt.date | None:
    """The last day to accept, correct or refuse before the application counts as accepted."""
    if application.submitted_at is None:
        return None
    return clock.add_days(
        timezone.localtime(application.submitted_at).date(), ACCEPTANCE_DAYS, kind=clock.WORKING
    )


def is_running(application) -> bool:
    return application.status in CLOCK_RUNNING
