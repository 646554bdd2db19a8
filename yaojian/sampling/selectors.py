"""Every read of sampling, scoped by the user.

A regulator sees plans of their jurisdiction and of the bureaus above them (a province plan
binds its counties), tasks in their jurisdiction, and the tasks sent to the laboratory of their
own bureau. An enterprise sees its own tasks once it has been sampled (sampling is
unannounced: a planned task is never shown to it). The public sees nothing here (published
results are on the portal's publication pages).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yaojian.core import scoping
from yaojian.core.errors import NotFound
from yaojian.sampling.choices import (
    HIDDEN_FROM_ENTERPRISE,
    OPEN_TASK_STATUSES,
    Category,
    Conclusion,
    TaskStatus,
)
from yaojian.sampling.models import Lab, Plan, RiskControl, Task


def _is_regulator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_regulator", False))


def _ancestors(code: str) -> list[str]:
    return [c for c in {code[:2] + "0000", code[:4] + "00"} if c != code]


def plans_visible(user: Any) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("bureau")
    if not _is_regulator(user):
        return plans.none()
    condition = scoping.filter_for(Plan, scoping.scope_of(user)) or Q(pk__in=[])
    return plans.filter(condition | Q(region_code__in=_ancestors(user.bureau.region_code)))


def plan_get(user: Any, plan_id: int) -> Plan:
    try:
        return plans_visible(user).get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def tasks_visible(user: Any) -> QuerySet[Task]:
    tasks = Task.objects.select_related("enterprise", "product", "lab", "plan", "bureau")
    scope = scoping.scope_of(user)
    if scope.kind == scoping.REGULATOR:
        condition = scoping.filter_for(Task, scope) or Q(pk__in=[])
        condition |= Q(lab__bureau_id=user.bureau_id) | Q(retest_lab__bureau_id=user.bureau_id)
        return tasks.filter(condition)
    if scope.kind == scoping.ENTERPRISE:
        return scoping.restrict(tasks, user).exclude(status__in=list(HIDDEN_FROM_ENTERPRISE))
    return tasks.none()


def task_get(user: Any, task_id: int) -> Task:
    try:
        return tasks_visible(user).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def task_list(
    user: Any, *, status: str = "", category: str = "", query: str = "", plan_id: int | None = None
) -> QuerySet[Task]:
    tasks = tasks_visible(user)
    if status == "overdue":
        tasks = tasks.filter(status=TaskStatus.PLANNED, due_on__lt=timezone.localdate())
    elif status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    if category in Category.values:
        tasks = tasks.filter(category=category)
    if plan_id:
        tasks = tasks.filter(plan_id=plan_id)
    query = (query or "").strip()[:100]
    if query:
        tasks = tasks.filter(
            Q(number__icontains=query)
            | Q(product_name__icontains=query)
            | Q(batch_no__icontains=query)
            | Q(enterprise__name__icontains=query)
        )
    return tasks.distinct().order_by("-created_at", "-pk")


def labs_visible(user: Any) -> QuerySet[Lab]:
    return scoping.restrict(Lab.objects.filter(active=True).select_related("bureau"), user)


def failure_rates(user: Any, *, year: int | None = None) -> list[dict[str, Any]]:
    """Per category: batches with a final conclusion, how many failed, the failure rate (%)."""
    tasks = tasks_visible(user).exclude(conclusion="")
    if year:
        tasks = tasks.filter(plan__year=year)
    counts = {
        row["category"]: row
        for row in tasks.order_by()
        .values("category")
        .annotate(
            tested=Count("pk", distinct=True),
            failed=Count("pk", filter=Q(conclusion=Conclusion.NON_CONFORMING), distinct=True),
        )
    }
    rows = []
    for value, label in Category.choices:
        row = counts.get(value, {"tested": 0, "failed": 0})
        tested, failed = row["tested"], row["failed"]
        rows.append(
            {
                "category": value,
                "label": str(label),
                "tested": tested,
                "failed": failed,
                "rate": round(100 * failed / tested, 1) if tested else 0.0,
            }
        )
    return rows


def overdue(user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """What is late: tasks not sampled by their date, risk-control decisions past 7 days,
    results whose re-test window has ended but which are not yet closed and published."""
    today = today or timezone.localdate()
    tasks = tasks_visible(user)
    return {
        "unsampled": list(tasks.filter(status=TaskStatus.PLANNED, due_on__lt=today)[:50]),
        "risk": list(
            RiskControl.objects.filter(
                task__in=tasks.values("pk"), decided_on__isnull=True, due_on__lt=today
            ).select_related("task", "task__enterprise")[:50]
        ),
        "to_publish": list(tasks.filter(status=TaskStatus.SERVED, retest_deadline__lt=today)[:50]),
    }


def risk_open(user: Any) -> QuerySet[RiskControl]:
    return (
        RiskControl.objects.filter(
            task__in=tasks_visible(user).values("pk"), decided_on__isnull=True
        )
        .select_related("task", "task__enterprise")
        .order_by("due_on")
    )


def status_counts(user: Any) -> dict[str, int]:
    rows = tasks_visible(user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def open_statuses() -> list[str]:
    return list(OPEN_TASK_STATUSES)
