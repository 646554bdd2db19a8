"""Every read of inspections, scoped by the user.

A regulator sees the inspections of enterprises in their bureau's jurisdiction, and those
whose team they are on (a cross-region team drawn by the city or province); an enterprise
sees its own once the checklist is submitted (random inspections are unannounced); the
public sees none. Anything else is not found.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yaojian.core import scoping
from yaojian.core.errors import NotFound
from yaojian.inspection.choices import ENTERPRISE_VISIBLE, OPEN_STATUSES, Status
from yaojian.inspection.models import Checklist, Inspection

S = Status


def _visible(user: Any) -> Q | None:
    scope = scoping.scope_of(user)
    condition = scoping.filter_for(Inspection, scope)
    if scope.kind == scoping.REGULATOR:
        if not getattr(user, "pk", None):  # a bureau acting by rule has no team
            return condition
        mine = _mine(user)
        return mine if condition is None else condition | mine
    if scope.kind == scoping.ENTERPRISE and condition is not None:
        return condition & Q(status__in=ENTERPRISE_VISIBLE)
    return None


def _mine(user: Any) -> Q:
    """The inspections whose team the user is on (as a subquery: no duplicate rows)."""
    return Q(pk__in=Inspection.objects.filter(Q(team=user) | Q(lead=user)).values("pk"))


def inspection_list(
    user: Any,
    *,
    status: str = "",
    kind: str = "",
    origin: str = "",
    q: str = "",
    due: str = "",
    mine: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Inspection]:
    """The inspections this user may see, filtered; `due` is "overdue" (inspection or
    rectification past its date) or "rectification_overdue"."""
    condition = _visible(user)
    if condition is None:
        return Inspection.objects.none()
    today = today or timezone.localdate()
    rows = Inspection.objects.filter(condition).select_related("enterprise", "lead", "bureau")
    if status in S.values:
        rows = rows.filter(status=status)
    elif status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    if kind:
        rows = rows.filter(kind=kind)
    if origin:
        rows = rows.filter(origin=origin)
    if q:
        q = q.strip()[:100]
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__uscc__iexact=q)
        )
    if due == "overdue":
        rows = rows.filter(overdue_q(today))
    elif due == "rectification_overdue":
        rows = rows.filter(rectification_overdue_q(today))
    if mine and getattr(user, "pk", None):
        rows = rows.filter(_mine(user))
    return rows


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=[S.SCHEDULED, S.IN_PROGRESS], due_date__lt=today) | rectification_overdue_q(
        today
    )


def rectification_overdue_q(today: dt.date) -> Q:
    return Q(status=S.RECTIFYING, rectification_deadline__lt=today)


def inspection_get(user: Any, inspection_id: int) -> Inspection:
    condition = _visible(user)
    if condition is None:
        raise NotFound()
    inspection = (
        Inspection.objects.filter(condition)
        .select_related("enterprise", "lead", "bureau", "checklist", "decided_by")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise NotFound()
    return inspection


def inspection_for_update(user: Any, inspection_id: int) -> Inspection:
    """The visible inspection, locked for the rest of the transaction."""
    inspection = inspection_get(user, inspection_id)
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("enterprise", "lead", "bureau", "checklist")
        .get(pk=inspection.pk)
    )


def overview(user: Any, *, today: dt.date | None = None) -> dict:
    """Counts for the overview page: by status, overdue, due soon, and the user's own."""
    today = today or timezone.localdate()
    rows = inspection_list(user, today=today)
    by_status = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    soon = today + dt.timedelta(days=7)
    return {
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in S.choices],
        "total": sum(by_status.values()),
        "overdue": rows.filter(overdue_q(today)).count(),
        "rectification_overdue": rows.filter(rectification_overdue_q(today)).count(),
        "due_soon": rows.filter(
            status__in=[S.SCHEDULED, S.IN_PROGRESS], due_date__gte=today, due_date__lte=soon
        ).count(),
        "awaiting_review": rows.filter(status=S.RECTIFICATION_SUBMITTED).count(),
    }


def my_open(user: Any) -> QuerySet[Inspection]:
    if not getattr(user, "is_regulator", False):
        return Inspection.objects.none()
    return (
        inspection_list(user, mine=True).filter(status__in=OPEN_STATUSES).order_by("due_date", "pk")
    )


def checklist_list(user: Any) -> QuerySet[Checklist]:
    return scoping.restrict(Checklist.objects.annotate(n_items=Count("items")), user)


def checklist_get(user: Any, checklist_id: int) -> Checklist:
    return scoping.get_visible(Checklist.objects.all(), user, pk=checklist_id)


def items_of(inspection: Inspection) -> list:
    """The checklist items with this inspection's result and findings attached."""
    results = {r.item_id: r for r in inspection.results.all()}
    findings: dict[int | None, list] = {}
    for finding in inspection.findings.all():
        findings.setdefault(finding.item_id, []).append(finding)
    items = list(inspection.checklist.items.filter(active=True))
    answered = {r.item_id for r in results.values()}
    items += [i for i in inspection.checklist.items.filter(active=False) if i.pk in answered]
    for item in items:
        item.answer = results.get(item.pk)
        item.item_findings = findings.get(item.pk, [])
    return items
