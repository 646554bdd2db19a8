"""The two files: everything about one enterprise, or one product, in one place (一企一档, 一品一档)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.registry import rules
from yaojian.registry.choices import LicenceStatus, Severity, TimelineKind
from yaojian.registry.models import (
    ChangeRecord,
    Enterprise,
    Licence,
    Person,
    Product,
    TimelineEvent,
)
from yaojian.registry.selectors.base import history_of, products_for
from yaojian.registry.selectors.enterprises import enterprise_get
from yaojian.registry.selectors.products import product_get

EXPIRY_WARNING_DAYS = 90


@dataclass
class Finding:
    severity: str
    message: str


@dataclass
class Site:
    kind: str
    address: str


@dataclass
class EnterpriseFile:
    enterprise: Enterprise
    licences: list[Licence]
    products: QuerySet[Product]
    product_count: int
    people: list[Person]
    sites: list[Site]
    branches: QuerySet[Enterprise]
    timeline: QuerySet[TimelineEvent]
    timeline_kinds: list[dict]
    history: QuerySet[ChangeRecord]
    findings: list[Finding] = field(default_factory=list)


def enterprise_file(user: Any, enterprise_id: Any, *, timeline_kind: str = "") -> EnterpriseFile:
    enterprise = enterprise_get(user, enterprise_id)
    licences = list(
        enterprise.licences.select_related("issuing_bureau").order_by("kind", "-valid_until")
    )
    people = list(enterprise.people.order_by("status", "role", "name"))
    products = (
        products_for(user)
        .filter(Q(holder=enterprise) | Q(manufacturer=enterprise))
        .order_by("name", "pk")
    )
    timeline = enterprise.timeline.all()
    kinds = _kind_counts(timeline)
    if timeline_kind:
        timeline = timeline.filter(kind=timeline_kind)
    return EnterpriseFile(
        enterprise=enterprise,
        licences=licences,
        products=products[:50],
        product_count=products.count(),
        people=people,
        sites=_sites(enterprise, licences),
        branches=enterprise.branches.order_by("region_code", "name"),
        timeline=timeline.order_by("-occurred_at", "-pk"),
        timeline_kinds=kinds,
        history=history_of(enterprise)[:50],
        findings=_enterprise_findings(enterprise, licences),
    )


def _kind_counts(timeline: QuerySet[TimelineEvent]) -> list[dict]:
    """How many events of each kind, for the file's filter buttons."""
    counts = timeline.order_by().values("kind").annotate(n=Count("id")).order_by("kind")
    return [
        {"kind": row["kind"], "n": row["n"], "label": TimelineKind(row["kind"]).label}
        for row in counts
    ]


def _sites(enterprise: Enterprise, licences: list[Licence]) -> list[Site]:
    sites = [Site(_("Registered address"), enterprise.address)]
    seen = {enterprise.address}
    for licence in licences:
        for kind, address in (
            (_("Licensed premises"), licence.registered_address),
            (_("Warehouse"), licence.warehouse_address),
        ):
            if address and address not in seen:
                seen.add(address)
                sites.append(Site(kind, address))
    return sites


def _enterprise_findings(enterprise: Enterprise, licences: list[Licence]) -> list[Finding]:
    findings = []
    if rules.pharmacies_lacking_pharmacist(Enterprise.objects.filter(pk=enterprise.pk)).exists():
        findings.append(
            Finding(
                Severity.ALERT, _("No licensed pharmacist with a current registration is in post.")
            )
        )
    today = timezone.localdate()
    for licence in licences:
        if licence.is_stale:
            findings.append(
                Finding(
                    Severity.ALERT,
                    _("%(licence)s %(number)s expired on %(date)s but is still marked valid.")
                    % {
                        "licence": licence.get_kind_display(),
                        "number": licence.number,
                        "date": licence.valid_until,
                    },
                )
            )
        elif (
            licence.status == LicenceStatus.VALID
            and licence.valid_until
            and (licence.valid_until - today).days <= EXPIRY_WARNING_DAYS
        ):
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("%(licence)s %(number)s expires on %(date)s (in %(days)d days).")
                    % {
                        "licence": licence.get_kind_display(),
                        "number": licence.number,
                        "date": licence.valid_until,
                        "days": (licence.valid_until - today).days,
                    },
                )
            )
    if enterprise.verified_at is None:
        findings.append(
            Finding(
                Severity.INFO,
                _("Self-registered: awaiting the bureau's check against the business licence."),
            )
        )
    return findings


@dataclass
class ProductFile:
    product: Product
    history: QuerySet[ChangeRecord]
    timeline: QuerySet[TimelineEvent]
    timeline_kinds: list[dict]
    batches: list[dict]
    same_name: QuerySet[Product]


def product_file(user: Any, product_id: Any, *, timeline_kind: str = "") -> ProductFile:
    product = product_get(user, product_id)
    timeline = product.timeline.all()
    kinds = _kind_counts(timeline)
    if timeline_kind:
        timeline = timeline.filter(kind=timeline_kind)
    return ProductFile(
        product=product,
        history=history_of(product)[:50],
        timeline=timeline.order_by("-occurred_at", "-pk"),
        timeline_kinds=kinds,
        batches=_batches_seen(user, product),
        same_name=products_for(user)
        .filter(name=product.name)
        .exclude(pk=product.pk)
        .order_by("strength")[:20],
    )


def _batches_seen(user: Any, product: Product) -> list[dict]:
    """Batches reported through traceability (the trace app owns them)."""
    from yaojian.trace import selectors as trace

    return trace.batches_of_product(user, product.pk)
