"""The scoped starting point of every read of the registers.

Other apps (data quality, import, inspections…) start from these, never from a model's
manager, so that jurisdiction and enterprise scope is applied in one place.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yaojian.core.scoping import restrict
from yaojian.registry.models import (
    ChangeRecord,
    Enterprise,
    Licence,
    Person,
    Product,
    TimelineEvent,
)


def enterprises_for(user: Any) -> QuerySet[Enterprise]:
    return restrict(Enterprise.objects.all(), user)


def licences_for(user: Any) -> QuerySet[Licence]:
    return restrict(Licence.objects.select_related("holder"), user)


def products_for(user: Any) -> QuerySet[Product]:
    return restrict(Product.objects.select_related("holder", "manufacturer"), user)


def people_for(user: Any) -> QuerySet[Person]:
    return restrict(Person.objects.select_related("enterprise"), user)


def timeline_for(user: Any) -> QuerySet[TimelineEvent]:
    return restrict(TimelineEvent.objects.all(), user)


def history_of(obj: Any) -> QuerySet[ChangeRecord]:
    """The visible change history of a record the caller has already read through its scope."""
    return ChangeRecord.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
