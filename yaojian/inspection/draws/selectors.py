"""Every read of the random draw, scoped by the user's jurisdiction (outside it: 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from yaojian.accounts.choices import Role, UserKind
from yaojian.accounts.models import User
from yaojian.core.scoping import get_visible, restrict
from yaojian.inspection.draws.choices import PlanStatus
from yaojian.inspection.draws.models import (
    Draw,
    DrawPlan,
    DrawSelection,
    InspectionItem,
    InspectorConflict,
    InspectorProfile,
)


def item_list(user: Any, *, include_inactive: bool = False) -> QuerySet[InspectionItem]:
    items = restrict(InspectionItem.objects.all(), user)
    return items if include_inactive else items.filter(active=True)


def item_get(user: Any, code: str) -> InspectionItem:
    return get_visible(InspectionItem.objects.all(), user, code=code)


def plan_list(
    user: Any, *, year: int | None = None, status: str = "", query: str = ""
) -> QuerySet[DrawPlan]:
    plans = (
        restrict(DrawPlan.objects.select_related("bureau"), user)
        .annotate(draw_count=Count("draws"))
        .order_by("-year", "region_code", "number")
    )
    if year:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(number__icontains=query))
    return plans


def plans_to_decide(user: Any) -> QuerySet[DrawPlan]:
    """Plans filed with the user's bureau (by the bureaus below it, or its own at the top)."""
    if not getattr(user, "bureau_id", None):
        return DrawPlan.objects.none()
    return restrict(DrawPlan.objects.select_related("bureau"), user).filter(
        Q(bureau__parent_id=user.bureau_id)
        | Q(bureau_id=user.bureau_id, bureau__parent__isnull=True),
        status=PlanStatus.FILED,
    )


def plan_get(user: Any, plan_id: int) -> DrawPlan:
    return get_visible(
        DrawPlan.objects.select_related("bureau", "bureau__parent"), user, pk=plan_id
    )


def plan_by_number(user: Any, number: str) -> DrawPlan:
    return get_visible(DrawPlan.objects.select_related("bureau"), user, number=number)


def draw_list(user: Any, *, plan: DrawPlan | None = None) -> QuerySet[Draw]:
    draws = restrict(Draw.objects.select_related("plan", "plan__bureau"), user).annotate(
        selected=Count("selections")
    )
    return draws.filter(plan=plan) if plan is not None else draws


def draw_get(user: Any, draw_id: int) -> Draw:
    return get_visible(
        Draw.objects.select_related("plan", "plan__bureau", "drawn_by"), user, pk=draw_id
    )


def selections(user: Any, draw: Draw) -> list[DrawSelection]:
    """The drawn enterprises with their team (`members`), the field inspection scheduled for
    each (`field`: its id, number and status, or None) and whether its result is overdue
    (`result_overdue`: no result yet and the inspections were due before today)."""
    from yaojian.inspection.models import Inspection

    rows = list(
        restrict(DrawSelection.objects.filter(draw=draw), user)
        .select_related("enterprise", "lead")
        .order_by("position")
    )
    people = User.objects.in_bulk({uid for row in rows for uid in row.team})
    fields = {
        inspection.number: inspection
        for inspection in Inspection.objects.filter(
            number__in=[row.task_ref for row in rows if row.task_ref]
        ).only("pk", "number", "status", "enterprise_id")
    }
    today = timezone.localdate()
    late = bool(draw.inspect_by and today > draw.inspect_by)
    for row in rows:
        row.members = [people[uid] for uid in row.team if uid in people]
        field = fields.get(row.task_ref)
        row.field = (
            field if field is not None and field.enterprise_id == row.enterprise_id else None
        )
        row.result_overdue = late and not row.outcome
    return rows


def inspector_pool(user: Any, *, query: str = "") -> QuerySet[User]:
    """Regulators with the inspector role inside the user's jurisdiction, with their profile."""
    users = restrict(
        User.objects.filter(
            kind=UserKind.REGULATOR, is_active=True, role_assignments__role=Role.INSPECTOR
        ).select_related("bureau", "inspector_profile"),
        user,
    ).prefetch_related(
        Prefetch(
            "declared_conflicts",
            queryset=InspectorConflict.objects.select_related("enterprise"),
        )
    )
    if query:
        users = users.filter(
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(bureau__name__icontains=query)
        )
    return users.order_by("bureau__region_code", "username")


def inspector_get(user: Any, user_id: int) -> User:
    return get_visible(
        User.objects.filter(kind=UserKind.REGULATOR).select_related("bureau"), user, pk=user_id
    )


def profile_of(inspector: User) -> InspectorProfile | None:
    return InspectorProfile.objects.filter(user=inspector).first()
