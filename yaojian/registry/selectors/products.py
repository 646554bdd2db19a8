"""Reads of the product register."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yaojian.core.scoping import get_visible
from yaojian.core.text import prefix_q
from yaojian.registry import formats
from yaojian.registry.models import Product
from yaojian.registry.selectors.base import products_for

SORTS = {"name": "name", "-name": "-name", "approval": "approval_number", "kind": "kind"}


def product_search_condition(query: str) -> Q:
    """Generic or brand name, pinyin initials, approval number, trace identifier, drug code."""
    query = (query or "").strip()
    if not query:
        return Q()
    condition = Q(name__icontains=query) | Q(brand_name__icontains=query)
    if query.isascii() and query.isalpha():
        condition |= Q(name_initials__contains=query.lower())
    if any(c.isdigit() for c in query):
        number = formats.normalise(query)
        condition |= (
            prefix_q("approval_number", number)
            | prefix_q("trace_product_code", number)
            | prefix_q("national_drug_code", number)
            | prefix_q("udi_di", number.zfill(14) if len(number) in (8, 12, 13) else number)
        )
    return condition


def product_list(
    user: Any,
    *,
    query: str = "",
    kind: str = "",
    status: str = "",
    rx_class: str = "",
    enterprise_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Product]:
    products = products_for(user).filter(product_search_condition(query))
    if kind:
        products = products.filter(kind=kind)
    if status:
        products = products.filter(status=status)
    if rx_class:
        products = products.filter(rx_class=rx_class)
    if enterprise_id:
        products = products.filter(Q(holder_id=enterprise_id) | Q(manufacturer_id=enterprise_id))
    return products.order_by(SORTS.get(sort, "name"), "pk")


def product_get(user: Any, product_id: Any) -> Product:
    return get_visible(
        Product.objects.select_related("holder", "manufacturer"), user, pk=product_id
    )
