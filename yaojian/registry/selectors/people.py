"""Reads of the people register (licensed pharmacists, quality managers)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yaojian.core import regions
from yaojian.core.scoping import get_visible
from yaojian.core.text import prefix_q
from yaojian.registry.models import Person
from yaojian.registry.selectors.base import people_for


def person_list(
    user: Any,
    *,
    query: str = "",
    role: str = "",
    status: str = "",
    region_code: str = "",
    enterprise_id: int | None = None,
) -> QuerySet[Person]:
    people = people_for(user)
    if query := (query or "").strip():
        people = people.filter(
            Q(name__icontains=query)
            | prefix_q("certificate_number", query.upper())
            | Q(enterprise__name__icontains=query)
        )
    if role:
        people = people.filter(role=role)
    if status:
        people = people.filter(status=status)
    if enterprise_id:
        people = people.filter(enterprise_id=enterprise_id)
    if region_code and regions.get(region_code):
        low, high = regions.jurisdiction_range(region_code)
        people = people.filter(enterprise__region_code__gte=low, enterprise__region_code__lte=high)
    return people.order_by("name", "pk")


def person_get(user: Any, person_id: Any) -> Person:
    return get_visible(Person.objects.select_related("enterprise"), user, pk=person_id)
