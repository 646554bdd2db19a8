"""Every read of the penalty cases, scoped by the user (core.scoping).

A regulator sees the cases of its jurisdiction, and a case being transferred to its bureau;
an enterprise sees its own cases from the rights notice on; the public sees none (the
published decisions are on the portal).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Substr

from yaojian.core import regions, scoping
from yaojian.core.errors import NotFound
from yaojian.enforcement import clock
from yaojian.enforcement.choices import (
    PARTY_VISIBLE,
    PublicationState,
    SourceKind,
    SourceStatus,
    Status,
)
from yaojian.enforcement.models import Case, CaseSource

DUE_FILTERS = [
    ("overdue", "overdue"),
    ("near", "near"),
]
NEAR_DAYS = 15  # a case "near its limit" has at most this many calendar days left


def _scope(user: Any):
    return scoping.scope_of(user)


def cases_visible(user: Any) -> QuerySet[Case]:
    scope = _scope(user)
    queryset = Case.objects.all()
    condition = scoping.filter_for(Case, scope)
    if condition is None:
        return queryset.none()
    if scope.kind == scoping.ENTERPRISE:
        return queryset.filter(condition, status__in=PARTY_VISIBLE)
    if scope.kind == scoping.REGULATOR and _is_city(scope.region_code):
        # The same rows as the range `filter_for` gives (a city's divisions all start with its
        # four digits), written so that the planner walks the newest-first index and stops
        # after a page, instead of sorting every case of the city (SQLite picks the division
        # index for a range and sorts; it uses no index for a prefix).
        condition = Q(region_code__startswith=scope.region_code[:4])
    if scope.kind == scoping.REGULATOR and scope.region_code != settings.YAOJIAN_PROVINCE_CODE:
        # cases being transferred to this jurisdiction are few: look them up first, so that
        # the usual list (none incoming) keeps a plain range on the indexed division code
        low, high = scope.region_range
        incoming = list(
            Case.objects.filter(
                transfer_region_code__gte=low,
                transfer_region_code__lte=high,
                status=Status.TRANSFERRING,
            ).values_list("pk", flat=True)[:1000]
        )
        if incoming:
            condition |= Q(pk__in=incoming)
    return queryset.filter(condition)


def _is_city(code: str | None) -> bool:
    region = regions.get(code) if code else None
    return bool(region and region.level == regions.CITY)


def case_list(
    user: Any,
    *,
    status: str = "",
    source: str = "",
    due: str = "",
    query: str = "",
    region: str = "",
    today: dt.date | None = None,
) -> QuerySet[Case]:
    today = today or clock.today()
    cases = cases_visible(user).select_related("enterprise", "bureau")
    if status == "open":
        cases = cases.exclude(status__in=[Status.NOT_FILED, Status.CLOSED, Status.ANNULLED])
    elif status in Status.values:
        cases = cases.filter(status=status)
    if source in SourceKind.values:
        cases = cases.filter(source_kind=source)
    order = ("-created_at", "-pk")
    if due == "overdue":
        cases, order = cases.filter(due_on__lt=today), ("due_on", "pk")
    elif due == "near":
        cases = cases.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=NEAR_DAYS))
        order = ("due_on", "pk")
    elif due == "publication":
        cases = cases.filter(publication_state=PublicationState.DUE)
        order = ("publication_due", "pk")
    if region and regions.get(region):
        low, high = regions.jurisdiction_range(region)
        cases = cases.filter(region_code__gte=low, region_code__lte=high)
    query = (query or "").strip()
    if query:
        # one table, no join: the party's name is copied onto the case when it is proposed
        condition = (
            Q(number__icontains=query)
            | Q(decision_number__icontains=query)
            | Q(title__icontains=query)
            | Q(party_name__icontains=query)
        )
        digest = _id_number_digest(query)
        if digest:  # the ID number is stored encrypted: found through its keyed hash
            condition |= Q(party_id_number_hash=digest)
        cases = cases.filter(condition)
    return cases.order_by(*order)


def _id_number_digest(query: str) -> str:
    """The keyed hash of `query` when it is a valid resident ID number, else ""."""
    from stdnum.cn import ric

    from yaojian.registry.services.people import id_number_hash

    number = ric.compact(query).upper()
    if len(number) != 18 or not ric.is_valid(number):
        return ""
    return id_number_hash(number)


def case_get(user: Any, case_id: int) -> Case:
    try:
        return cases_visible(user).select_related("enterprise", "bureau", "source").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def source_list(user: Any, *, status: str = "", kind: str = "") -> QuerySet[CaseSource]:
    sources = scoping.restrict(CaseSource.objects.select_related("enterprise", "bureau"), user)
    if _scope(user).kind != scoping.REGULATOR:
        return sources.none()
    if status in SourceStatus.values:
        sources = sources.filter(status=status)
    if kind in SourceKind.values:
        sources = sources.filter(kind=kind)
    return sources


def source_get(user: Any, source_id: int) -> CaseSource:
    if _scope(user).kind != scoping.REGULATOR:
        raise NotFound()
    return scoping.get_visible(
        CaseSource.objects.select_related("enterprise", "bureau"), user, pk=source_id
    )


def case_view(user: Any, case: Case) -> dict:
    """What the detail page and the API need beyond the case's own fields."""
    state = clock.state(case)
    return {
        "clock": state,
        "events": list(case.events.select_related("actor").order_by("at", "pk")),
        "evidence": list(case.evidence.all()),
        "pauses": list(case.pauses.all()),
        "extensions": list(case.extensions.select_related("approved_by")),
        "statements": list(case.statements.all()),
        "hearing": getattr(case, "hearing", None) if hasattr(case, "hearing") else None,
        "payments": list(case.payments.all()),
        "removals": list(case.removal_applications.all()),
        "officers": list(case.officers.all()),
        "windows_open": clock.windows_open(case),
    }


# --- figures for leaders --------------------------------------------------------------------------


def figures(user: Any, *, today: dt.date | None = None) -> dict:
    """Case counts by status, source and jurisdiction, average durations, overdue items:
    four queries, whatever the number of cases."""
    today = today or clock.today()
    cases = cases_visible(user)
    by_status: dict[str, int] = {}
    by_source: dict[str, int] = {}
    for status, source, n in (
        cases.order_by().values_list("status", "source_kind").annotate(n=Count("pk"))
    ):
        by_status[status] = by_status.get(status, 0) + n
        by_source[source] = by_source.get(source, 0) + n
    scope = _scope(user)
    code = scope.region_code or settings.YAOJIAN_PROVINCE_CODE
    region = regions.get(code)
    # one level below the user's bureau: cities for the province, counties for a city
    width = 4 if region and region.level == regions.PROVINCE else 6
    by_region_raw = (
        cases.annotate(area=Substr("region_code", 1, width))
        .values("area")
        .annotate(
            n=Count("pk"),
            open=Count(
                "pk", filter=~Q(status__in=[Status.NOT_FILED, Status.CLOSED, Status.ANNULLED])
            ),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
        .order_by("area")
    )
    by_region = []
    for row in by_region_raw:
        area_code = row["area"].ljust(6, "0")
        area = regions.get(area_code)
        by_region.append({**row, "code": area_code, "name": area.name if area else area_code})
    totals = cases.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        near=Count(
            "pk", filter=Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=NEAR_DAYS))
        ),
        publication_overdue=Count(
            "pk", filter=Q(publication_state=PublicationState.DUE, publication_due__lt=today)
        ),
        decided=Count("decision_days"),
        average_decision_days=Avg("decision_days"),
        average_closure_days=Avg("closure_days"),
    )
    sources_overdue = CaseSource.objects.filter(
        scoping.filter_for(CaseSource, scope) or Q(pk__in=[]),
        status=SourceStatus.PENDING,
        decide_by__lt=today,
    ).count()
    return {
        **totals,
        "average_decision_days": _round(totals["average_decision_days"]),
        "average_closure_days": _round(totals["average_closure_days"]),
        "today": today,
        "total": sum(by_status.values()),
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
        "by_source": [
            (value, label, by_source.get(value, 0)) for value, label in SourceKind.choices
        ],
        "by_region": by_region,
        "sources_overdue": sources_overdue,
    }


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)
