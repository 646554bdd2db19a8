"""Reads of the service hall, scoped: regulators see applications handled in their
jurisdiction, an enterprise its own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yaojian.accounts.models import Bureau
from yaojian.core import clock as core_clock
from yaojian.core.scoping import get_visible, restrict
from yaojian.licensing import clock, workflows
from yaojian.licensing.choices import OPEN_STATUSES, Status
from yaojian.licensing.models import Application, Matter


def matter_list(user: Any = None, *, include_inactive: bool = False) -> QuerySet[Matter]:
    matters = Matter.objects.all() if include_inactive else Matter.objects.filter(active=True)
    return matters.order_by("licence_kind", "kind", "code")


def matter_get(code: str) -> Matter:
    from yaojian.core.errors import NotFound

    matter = Matter.objects.filter(code=code).first()
    if matter is None:
        raise NotFound()
    return matter


def application_list(
    user: Any,
    *,
    status: str = "",
    matter: str = "",
    query: str = "",
    due: str = "",
) -> QuerySet[Application]:
    applications = restrict(
        Application.objects.select_related("matter", "enterprise", "handling_bureau"), user
    )
    if status == "open":
        applications = applications.filter(status__in=OPEN_STATUSES)
    elif status:
        applications = applications.filter(status=status)
    if matter:
        applications = applications.filter(matter__code=matter)
    if query := (query or "").strip():
        applications = applications.filter(
            Q(number__startswith=query.upper()) | Q(enterprise__name__icontains=query)
        )
    today = timezone.localdate()
    if due == "overdue":
        applications = applications.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    elif due == "week":
        applications = applications.filter(
            status__in=OPEN_STATUSES,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=7),
        )
    return applications.order_by("-created_at", "-pk")


def application_get(user: Any, application_id: Any) -> Application:
    return get_visible(
        Application.objects.select_related(
            "matter", "enterprise", "handling_bureau", "licence", "decided_by"
        ),
        user,
        pk=application_id,
    )


def application_view(user: Any, application: Application) -> dict:
    """Everything a page shows of one application: steps, clock, checks, allowed actions."""
    today = timezone.localdate()
    return {
        "events": list(application.events.select_related("actor")),
        "materials": list(application.uploaded_materials.all()),
        "correction": getattr(application, "correction", None),
        "pauses": list(application.pauses.all()),
        "extension": getattr(application, "extension", None),
        "clock": clock.state(application, today),
        "committed_clock": clock.committed_state(application, today),
        "acceptance_due": clock.acceptance_due(application)
        if application.status == Status.SUBMITTED
        else None,
        "actions": [t.action for t in workflows.available(user, application.status)],
    }


def efficiency(user: Any, *, today: dt.date | None = None) -> dict:
    """For leaders: open applications by remaining time, overdue ones, on-time rate and average
    working days from acceptance to decision, by matter and by bureau."""
    today = today or timezone.localdate()
    applications = restrict(Application.objects.select_related("matter", "handling_bureau"), user)
    open_ones = list(
        applications.filter(
            status__in=[Status.REVIEWING, Status.INSPECTING, Status.DECIDING]
        ).prefetch_related("pauses")
    )
    buckets = {"overdue": 0, "0-3": 0, "4-10": 0, "11+": 0}
    for application in open_ones:
        state = clock.state(application, today)
        if state is None:
            continue
        if state.overdue:
            buckets["overdue"] += 1
        elif state.remaining <= 3:
            buckets["0-3"] += 1
        elif state.remaining <= 10:
            buckets["4-10"] += 1
        else:
            buckets["11+"] += 1
    decided = applications.filter(
        status__in=[Status.ISSUED, Status.REFUSED],
        decided_at__isnull=False,
        accepted_on__isnull=False,
    )
    by_matter: dict = defaultdict(lambda: {"decided": 0, "on_time": 0, "days": 0})
    by_bureau: dict = defaultdict(lambda: {"decided": 0, "on_time": 0, "days": 0})
    for application in decided.iterator():
        decided_on = timezone.localtime(application.decided_at).date()
        days = max(core_clock.days_between(application.accepted_on, decided_on), 0)
        on_time = application.deadline is None or decided_on <= application.deadline
        for table, key in (
            (by_matter, application.matter_id),
            (by_bureau, application.handling_bureau_id),
        ):
            table[key]["decided"] += 1
            table[key]["on_time"] += int(on_time)
            table[key]["days"] += days
    still_open = applications.filter(status__in=OPEN_STATUSES).order_by()
    open_by_matter = dict(still_open.values_list("matter_id").annotate(n=Count("id")))
    open_by_bureau = dict(still_open.values_list("handling_bureau_id").annotate(n=Count("id")))
    # matters and bureaus are counted by id, then named in the reader's language: a name is
    # not a key (two may read the same in one language; decided and open ones must meet)
    matter_names = {
        matter.pk: matter.display_name
        for matter in Matter.objects.filter(pk__in={*by_matter, *open_by_matter})
    }
    bureau_names = {
        bureau.pk: bureau.display_name
        for bureau in Bureau.objects.filter(pk__in={*by_bureau, *open_by_bureau})
    }

    def rows(table, open_counts, names=None):
        """One row per matter (or bureau) that has decisions or open applications."""
        result = []
        keys = set(table) | set(open_counts)
        for key in sorted(keys, key=lambda k: (names[k], k) if names else k):
            figures = table.get(key, {"decided": 0, "on_time": 0, "days": 0})
            count = figures["decided"]
            result.append(
                {
                    "name": names[key] if names else key,
                    "decided": count,
                    "open": open_counts.get(key, 0),
                    "on_time_rate": figures["on_time"] / count if count else None,
                    "average_days": figures["days"] / count if count else None,
                }
            )
        return result

    total = sum(v["decided"] for v in by_matter.values())
    return {
        "buckets": buckets,
        "open": len(open_ones),
        "on_time_rate": (sum(v["on_time"] for v in by_matter.values()) / total) if total else None,
        "by_matter": rows(by_matter, open_by_matter, matter_names),
        "by_bureau": rows(by_bureau, open_by_bureau, bureau_names),
        "today": today,
    }
