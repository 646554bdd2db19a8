"""Statutory rules on the registers, defined once for the files, data quality and inspections."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from yaojian.registry.choices import RETAIL_KINDS, EnterpriseStatus, PersonRole, PersonStatus
from yaojian.registry.models import Enterprise, Person


def current_pharmacists() -> QuerySet[Person]:
    """Licensed pharmacists in post whose registration has not run out."""
    return Person.objects.filter(
        role=PersonRole.LICENSED_PHARMACIST, status=PersonStatus.ACTIVE
    ).filter(Q(registered_until__isnull=True) | Q(registered_until__gte=timezone.localdate()))


def pharmacies_lacking_pharmacist(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Retail pharmacies in business without a current licensed pharmacist (a finding:
    药品经营和使用质量监督管理办法 requires one at every retail pharmacy)."""
    return enterprises.filter(kind__in=RETAIL_KINDS, status=EnterpriseStatus.ACTIVE).exclude(
        Exists(current_pharmacists().filter(enterprise=OuterRef("pk")))
    )
