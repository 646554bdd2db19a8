"""Reads of the licence register."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yaojian.core import regions
from yaojian.core.scoping import get_visible
from yaojian.core.text import prefix_q
from yaojian.registry import formats
from yaojian.registry.models import Licence
from yaojian.registry.selectors.base import licences_for
from yaojian.registry.selectors.enterprises import licences_expiring

SORTS = {
    "number": "number",
    "valid_until": "valid_until",
    "-valid_until": "-valid_until",
    "holder": "holder__name",
    "kind": "kind",
}


def licence_list(
    user: Any,
    *,
    query: str = "",
    kind: str = "",
    status: str = "",
    region_code: str = "",
    expiring: str = "",
    holder_id: int | None = None,
    sort: str = "valid_until",
) -> QuerySet[Licence]:
    licences = licences_for(user)
    if query := (query or "").strip():
        licences = licences.filter(
            prefix_q("number", formats.normalise(query))
            | Q(holder__name__icontains=query)
            | prefix_q("holder__uscc", formats.normalise(query))
        )
    if kind:
        licences = licences.filter(kind=kind)
    if status:
        licences = licences.filter(status=status)
    if holder_id:
        licences = licences.filter(holder_id=holder_id)
    if region_code and regions.get(region_code):
        low, high = regions.jurisdiction_range(region_code)
        licences = licences.filter(holder__region_code__gte=low, holder__region_code__lte=high)
    if expiring and (within := licences_expiring(licences, expiring)) is not None:
        licences = within
    return licences.order_by(SORTS.get(sort, "valid_until"), "pk")


def licence_get(user: Any, licence_id: Any) -> Licence:
    return get_visible(
        Licence.objects.select_related("holder", "issuing_bureau"), user, pk=licence_id
    )


__all__ = ["licence_get", "licence_list"]
