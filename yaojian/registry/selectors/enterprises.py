"""Reads of the registers, always through the user's scope."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from yaojian.audit import services as audit
from yaojian.core import regions
from yaojian.core.scoping import get_visible, restrict
from yaojian.core.text import prefix_q
from yaojian.core.validators import normalise_uscc, uscc_is_valid
from yaojian.registry import formats
from yaojian.registry.choices import RETAIL_KINDS, EnterpriseStatus, LicenceStatus
from yaojian.registry.models import Enterprise, Licence, Product

SORTS = {
    "name": "name",
    "-name": "-name",
    "region": "region_code",
    "-region": "-region_code",
    "created": "created_at",
    "-created": "-created_at",
}


def search_condition(query: str) -> Q:
    """Name, pinyin initials, credit code, address, or the number of one of its licences or
    products (国药准字…, 赣DA…, 械注…)."""
    query = (query or "").strip()
    if not query:
        return Q()
    code = normalise_uscc(query)
    if len(code) == 18 and uscc_is_valid(code):
        return Q(uscc=code)  # a whole credit code names one enterprise: no need to scan names
    if formats.looks_like_number(query):
        # a number (credit code, licence or approval number): prefix lookups on indexes only,
        # no scan of names and addresses
        number = formats.normalise(query)
        held = Product.objects.filter(prefix_q("approval_number", number))
        return (
            prefix_q("uscc", code)
            | Q(pk__in=Licence.objects.filter(prefix_q("number", number)).values("holder_id"))
            | Q(pk__in=held.values("holder_id"))
            | Q(pk__in=held.values("manufacturer_id"))
        )
    condition = Q(name__icontains=query) | Q(address__icontains=query)
    if query.isascii() and query.isalpha():
        condition |= Q(name_initials__contains=query.lower())  # "kn" finds 江西康宁…
    return condition


def licences_expiring(licences: QuerySet[Licence], window: str) -> QuerySet[Licence] | None:
    """Valid licences that run out within `window` days, or ("expired") already have.

    None when `window` is not a window (the caller then does not filter).
    """
    today = timezone.localdate()
    valid = licences.filter(status=LicenceStatus.VALID)
    if window == "expired":
        return valid.filter(valid_until__lt=today)
    if window.isdigit() and 0 < int(window) <= 3650:
        return valid.filter(
            valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=int(window))
        )
    return None


def enterprise_list(
    user: Any,
    *,
    query: str = "",
    kind: str = "",
    region_code: str = "",
    status: str = "",
    verified: str = "",
    expiring: str = "",
    sort: str = "name",
) -> QuerySet[Enterprise]:
    enterprises = restrict(Enterprise.objects.all(), user).filter(search_condition(query))
    if expiring and (licences := licences_expiring(Licence.objects.all(), expiring)) is not None:
        enterprises = enterprises.filter(pk__in=licences.values("holder_id"))
    if kind:
        enterprises = enterprises.filter(kind=kind)
    if status:
        enterprises = enterprises.filter(status=status)
    if region_code and regions.get(region_code):
        low, high = regions.jurisdiction_range(region_code)
        enterprises = enterprises.filter(region_code__gte=low, region_code__lte=high)
    if verified == "no":
        enterprises = enterprises.filter(verified_at__isnull=True)
    elif verified == "yes":
        enterprises = enterprises.filter(verified_at__isnull=False)
    return enterprises.order_by(SORTS.get(sort, "name"), "pk")


def enterprise_get(user: Any, enterprise_id: Any) -> Enterprise:
    return get_visible(Enterprise.objects.select_related("headquarters"), user, pk=enterprise_id)


def enterprise_legal_representative_id(user: Any, enterprise_id: Any) -> str:
    """The ID number in clear: a sensitive read, written to the audit log."""
    enterprise = enterprise_get(user, enterprise_id)
    with transaction.atomic():
        audit.record(
            actor=user,
            action="registry.enterprise.read_sensitive",
            obj=enterprise,
            detail="legal representative ID number",
        )
    return enterprise.legal_representative_id_number()


PHARMACY_LICENCE_KINDS = ("drug_retail", "drug_retail_chain_store")


def public_pharmacies(
    *, query: str = "", region_code: str = "", near: tuple[float, float] | None = None
) -> QuerySet[Enterprise]:
    """Pharmacies in business, for the public finder: public fields and their drug trading
    licence (number, status, validity); nearest first when a position is given."""
    licence = Licence.objects.filter(
        holder=OuterRef("pk"), kind__in=PHARMACY_LICENCE_KINDS
    ).order_by("-valid_until")
    pharmacies = Enterprise.objects.filter(
        kind__in=RETAIL_KINDS, status=EnterpriseStatus.ACTIVE
    ).annotate(
        licence_number=Subquery(licence.values("number")[:1]),
        licence_status=Subquery(licence.values("status")[:1]),
        licence_valid_until=Subquery(licence.values("valid_until")[:1]),
    )
    if query:
        pharmacies = pharmacies.filter(search_condition(query))
    if region_code and regions.get(region_code):
        low, high = regions.jurisdiction_range(region_code)
        pharmacies = pharmacies.filter(region_code__gte=low, region_code__lte=high)
    pharmacies = pharmacies.only(
        "id", "name", "address", "region_code", "phone", "kind", "latitude", "longitude"
    )
    if near is None:
        return pharmacies.order_by("region_code", "name", "pk")
    latitude, longitude = near
    # equirectangular approximation: exact enough to rank shops within a city
    scale = math.cos(math.radians(latitude))
    distance2 = (F("latitude") - latitude) * (F("latitude") - latitude) + (
        (F("longitude") - longitude) * scale
    ) * ((F("longitude") - longitude) * scale)
    return (
        pharmacies.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(distance2=ExpressionWrapper(distance2, output_field=FloatField()))
        .order_by("distance2", "pk")
    )


def distance_km(pharmacy: Enterprise, near: tuple[float, float]) -> float | None:
    """Great-circle distance (haversine) for display."""
    if pharmacy.latitude is None or pharmacy.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, (near[0], near[1], pharmacy.latitude, pharmacy.longitude)
    )
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))
