"""The nightly look at every clock: deadlines that open pauses push back, and to-dos for the
cases near or past their 90 days and for decisions still to be published."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.enforcement import clock
from yaojian.enforcement.choices import CLOCK_RUNNING, PublicationState
from yaojian.enforcement.models import Case
from yaojian.workbench import services as inbox

NEAR_DAYS = 15


def clocks_refresh(today: dt.date | None = None) -> int:
    """Recompute the deadlines of paused cases; remind the bureaus. Returns the cases touched."""
    today = today or clock.today()
    touched = 0
    paused = Case.objects.filter(status__in=CLOCK_RUNNING, pauses__end__isnull=True).distinct()
    for case in paused.iterator(chunk_size=500):
        with transaction.atomic():
            before = case.due_on
            clock.refresh(case)
            if case.due_on != before:
                case.save(update_fields=["deadline", "due_on"])
                touched += 1
    near = today + dt.timedelta(days=NEAR_DAYS)
    for case in (
        Case.objects.filter(due_on__lte=near).select_related("bureau").iterator(chunk_size=500)
    ):
        _remind_due(case, late=case.due_on < today)
        touched += 1
    for case in Case.objects.filter(
        publication_state=PublicationState.DUE, publication_due__lt=today
    ).select_related("bureau"):
        _remind_publication(case)
        touched += 1
    return touched


def _remind_due(case: Case, *, late: bool) -> None:
    def title() -> str:
        text = _("Past its 90 days: %(case)s") if late else _("Decision due by %(date)s: %(case)s")
        return text % {"case": case.number or case.title, "date": case.due_on}

    inbox.todo_post(
        source="enforcement",
        kind="case_overdue" if late else "case_near_due",
        title=title,
        link=reverse("enforcement:case_detail", args=[case.pk]),
        bureau=case.bureau,
        role=Role.LEADER if late else Role.CASE_OFFICER,
        due_at=timezone.make_aware(dt.datetime.combine(case.due_on, dt.time(17, 30))),
        obj=case,
    )


def _remind_publication(case: Case) -> None:
    inbox.todo_post(
        source="enforcement",
        kind="case_publication_overdue",
        title=lambda: _("Publication overdue: %(number)s") % {"number": case.decision_number},
        link=reverse("enforcement:case_detail", args=[case.pk]),
        bureau=case.bureau,
        role=Role.LEADER,
        obj=case,
    )
