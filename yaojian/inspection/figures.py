"""Leaders' figures on inspections: coverage, findings and overdue items, scoped by jurisdiction.

Every figure is computed inside the user's jurisdiction (core.scoping), never from request
parameters: a province sees its cities, a city its counties, a county itself.

* Coverage: enterprises in the register (not cancelled) and, of them, the enterprises inspected
  in the year (an inspection whose checklist was submitted that year and that is submitted,
  under rectification or closed; cancelled ones do not count), by jurisdiction one level down
  and by enterprise type.
* Findings of those inspections by grade, by checklist kind.
* Overdue now: inspections past their due date, rectifications past their deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from yaojian.core import regions, scoping
from yaojian.inspection.choices import ENTERPRISE_VISIBLE, Grade, InspectionKind, Status
from yaojian.inspection.models import Finding, Inspection
from yaojian.inspection.selectors import rectification_overdue_q
from yaojian.registry.choices import EnterpriseKind, EnterpriseStatus
from yaojian.registry.models import Enterprise

GRADES = [Grade.CRITICAL, Grade.MAJOR, Grade.MINOR]


@dataclass
class Row:
    key: str
    label: str
    register: int = 0
    inspected: int = 0

    @property
    def coverage(self) -> float | None:
        """Percentage of the register inspected, one decimal; None for an empty register."""
        return round(self.inspected * 100 / self.register, 1) if self.register else None


@dataclass
class FindingRow:
    key: str
    label: str
    grades: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.grades.values())

    def __getattr__(self, name: str) -> int:  # row.critical, row.major, row.minor
        if name in Grade.values:
            return self.grades.get(name, 0)
        raise AttributeError(name)


@dataclass
class OverdueRow:
    key: str
    label: str
    past_due: int = 0
    rectification_overdue: int = 0

    @property
    def total(self) -> int:
        return self.past_due + self.rectification_overdue


@dataclass
class Figures:
    year: int
    today: dt.date
    region_code: str
    by_region: list[Row]
    by_kind: list[Row]
    findings: list[FindingRow]
    overdue: list[OverdueRow]

    @property
    def total(self) -> Row:
        return Row(
            key="",
            label="",
            register=sum(r.register for r in self.by_region),
            inspected=sum(r.inspected for r in self.by_region),
        )

    @property
    def findings_total(self) -> FindingRow:
        return FindingRow(
            key="",
            label="",
            grades={g: sum(r.grades.get(g, 0) for r in self.findings) for g in Grade.values},
        )

    @property
    def past_due(self) -> int:
        return sum(r.past_due for r in self.overdue)

    @property
    def rectification_overdue(self) -> int:
        return sum(r.rectification_overdue for r in self.overdue)


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime(year, 1, 1)),
        timezone.make_aware(dt.datetime(year + 1, 1, 1)),
    )


def _region_key(region_code: str) -> Any:
    """The expression that groups rows one level below `region_code` (a city's 4-digit
    prefix for a province; the division itself for a city or a county)."""
    if regions.level_of(region_code) == regions.PROVINCE:
        return Substr("region_code", 1, 4)
    return F("region_code")


def _region_label(key: str) -> str:
    code = key.ljust(6, "0")
    return regions.name(code)


def _region_keys(region_code: str) -> list[str]:
    """The divisions one level down (every one, so that a zero shows as a zero)."""
    level = regions.level_of(region_code)
    if level == regions.PROVINCE:
        return [r.code[:4] for r in regions.children(region_code)]
    if level == regions.CITY:
        return [r.code for r in regions.children(region_code)]
    return [region_code]


def inspected_inspections(user: Any, year: int) -> QuerySet[Inspection]:
    """Inspections in the user's jurisdiction whose checklist was submitted in `year`."""
    condition = scoping.filter_for(Inspection, scoping.scope_of(user))
    if condition is None:
        return Inspection.objects.none()
    start, end = _year_range(year)
    return Inspection.objects.filter(
        condition,
        status__in=ENTERPRISE_VISIBLE,
        submitted_at__gte=start,
        submitted_at__lt=end,
    )


def _register(user: Any) -> QuerySet[Enterprise]:
    return scoping.restrict(Enterprise.objects.exclude(status=EnterpriseStatus.CANCELLED), user)


def figures(user: Any, *, year: int | None = None, today: dt.date | None = None) -> Figures:
    """The leaders' figures of a regulator's jurisdiction (empty for anyone else)."""
    today = today or timezone.localdate()
    year = year or today.year
    scope = scoping.scope_of(user)
    region_code = scope.region_code if scope.kind == scoping.REGULATOR else None
    if not region_code:
        return Figures(year, today, "", [], [], [], [])
    inspected = inspected_inspections(user, year)
    counted = {
        "register": Count("pk"),
        "inspected": Count("pk", filter=Q(pk__in=inspected.values("enterprise_id"))),
    }
    key_expr = _region_key(region_code)

    # coverage by jurisdiction one level down
    rows = {key: Row(key, _region_label(key)) for key in _region_keys(region_code)}
    for item in _register(user).annotate(key=key_expr).order_by().values("key").annotate(**counted):
        row = rows.setdefault(item["key"], Row(item["key"], _region_label(item["key"])))
        row.register, row.inspected = item["register"], item["inspected"]
    by_region = sorted(rows.values(), key=lambda r: r.key)

    # coverage by enterprise type
    kinds = {
        item["kind"]: item for item in _register(user).order_by().values("kind").annotate(**counted)
    }
    by_kind = [
        Row(value, str(label), kinds[value]["register"], kinds[value]["inspected"])
        for value, label in EnterpriseKind.choices
        if value in kinds
    ]

    # findings by checklist kind and grade
    counts: dict[str, dict[str, int]] = {}
    for item in (
        Finding.objects.filter(inspection__in=inspected.values("pk"))
        .order_by()
        .values("inspection__kind", "grade")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(item["inspection__kind"], {})[item["grade"]] = item["n"]
    findings = [
        FindingRow(value, str(label), counts.get(value, {}))
        for value, label in InspectionKind.choices
    ]

    # overdue now, by jurisdiction one level down
    condition = scoping.filter_for(Inspection, scope)
    past_due_q = Q(status__in=[Status.SCHEDULED, Status.IN_PROGRESS], due_date__lt=today)
    late = {key: OverdueRow(key, _region_label(key)) for key in _region_keys(region_code)}
    for item in (
        Inspection.objects.filter(condition)
        .filter(past_due_q | rectification_overdue_q(today))
        .annotate(key=key_expr)
        .order_by()
        .values("key")
        .annotate(
            past_due=Count("pk", filter=past_due_q),
            rectification=Count("pk", filter=rectification_overdue_q(today)),
        )
    ):
        row = late.setdefault(item["key"], OverdueRow(item["key"], _region_label(item["key"])))
        row.past_due, row.rectification_overdue = item["past_due"], item["rectification"]
    overdue = sorted(late.values(), key=lambda r: r.key)
    return Figures(year, today, region_code, by_region, by_kind, findings, overdue)


def years(today: dt.date | None = None) -> list[int]:
    """The years offered by the filter: this one and the four before."""
    today = today or timezone.localdate()
    return list(range(today.year, today.year - 5, -1))
