"""Reads of data quality, always within the user's jurisdiction.

`overview(user)` runs every check once and counts its population and offenders per division
one level below the user's bureau: one aggregate query per register (each database check a
pair of conditional counts in it, so the table is read once, not once per check) and one
streamed pass per Python check. `findings(user, code, division)` lists one check's offenders, the
same ones the overview counted, for the drill-down page, its Excel export and the API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import regions
from yaojian.core.errors import NotFound
from yaojian.datacenter.quality.checks import BY_CODE, CHECKS, Check
from yaojian.datacenter.quality.registers import REGISTERS, Register

# the two rows beside the divisions, shown when they hold anything
OTHER = "other"  # a division code that is not (or no longer) one of the current divisions
NONE = "none"  # no division at all: a product whose holder is not in the register
CHUNK = 2000


@dataclass(frozen=True)
class Division:
    key: str
    name: str
    low: str | None = None
    high: str | None = None

    def condition(self, divisions: list[Division]) -> Q:
        """The records of this row, on the `division` annotation."""
        if self.key == NONE:
            return Q(division__isnull=True)
        if self.key == OTHER:
            inside = Q()
            for other in divisions:
                if other.low is not None:
                    inside |= Q(division__gte=other.low, division__lte=other.high)
            return Q(division__isnull=False) & ~inside
        return Q(division__gte=self.low, division__lte=self.high)


def divisions_for(user: Any) -> list[Division]:
    """The rows of the table: cities for the province, counties for a city, a county itself;
    then the catch-all rows."""
    code = user.bureau.region_code
    if regions.level_of(code) == regions.COUNTY:
        below = [regions.get(code)] if regions.get(code) else []
    else:
        below = regions.children(code)
    rows = [Division(r.code, r.display_name, *regions.jurisdiction_range(r.code)) for r in below]
    rows.append(Division(OTHER, str(_("Division code not current"))))
    if regions.level_of(code) == regions.PROVINCE:
        rows.append(Division(NONE, str(_("No division (holder not in the register)"))))
    return rows


class Buckets:
    """Which row a division code falls in (memoised: a province has about 110 codes)."""

    def __init__(self, divisions: list[Division]) -> None:
        self.divisions = divisions
        self._ranged = [d for d in divisions if d.low is not None]
        self._memo: dict[str | None, str] = {}

    def __call__(self, code: str | None) -> str:
        if code not in self._memo:
            self._memo[code] = self._find(code)
        return self._memo[code]

    def _find(self, code: str | None) -> str:
        if code is None:
            return NONE
        for division in self._ranged:
            if division.low <= code <= division.high:
                return division.key
        return OTHER


@dataclass
class CheckResult:
    check: Check
    checked: Counter = field(default_factory=Counter)  # the population by row
    found: Counter = field(default_factory=Counter)  # the offenders by row

    @property
    def total_checked(self) -> int:
        return sum(self.checked.values())

    @property
    def total_found(self) -> int:
        return sum(self.found.values())

    @property
    def share_ok(self) -> float | None:
        """The share of the population that passes, in per cent (None when there is none)."""
        if not self.total_checked:
            return None
        return 100.0 * (self.total_checked - self.total_found) / self.total_checked


@dataclass
class Overview:
    region_code: str
    divisions: list[Division]
    results: dict[str, CheckResult]
    computed_at: Any

    def of(self, register: str) -> list[CheckResult]:
        return [r for r in self.results.values() if r.check.register == register]

    def found(self, register: str) -> int:
        return sum(r.total_found for r in self.of(register))

    def rows(self, register: str | None = None) -> list[Division]:
        """The divisions, without catch-all rows that hold nothing."""
        results = self.of(register) if register else list(self.results.values())
        return [
            d
            for d in self.divisions
            if d.key not in (OTHER, NONE) or any(r.checked[d.key] for r in results)
        ]


def base_queryset(user: Any, register: Register) -> QuerySet:
    return register.queryset(user).order_by()


def _annotated(records: QuerySet, checks: Iterable[Check]) -> QuerySet:
    annotations: dict[str, Any] = {}
    for check in checks:
        annotations.update(check.annotations())
    return records.annotate(**annotations) if annotations else records


def _population(check: Check, records: QuerySet) -> QuerySet:
    return _annotated(records, [check]).filter(check.population())


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition) if condition else Count("pk")


def count_in_database(checks: list[Check], records: QuerySet, bucket: Buckets) -> list[CheckResult]:
    """One aggregate query for a register's checks: per division, each check's population
    and, for database checks, its offenders, as conditional counts over one pass of the table.
    A Python check's offenders are left to `scan_in_python`."""
    results = [CheckResult(check) for check in checks]
    if not checks:
        return results
    aggregates: dict[str, Count] = {}
    for index, check in enumerate(checks):
        population = check.population()
        aggregates[f"checked_{index}"] = _count(population)
        if not check.in_python:
            aggregates[f"found_{index}"] = _count(population & check.condition())
    rows = _annotated(records, checks).values("division").annotate(**aggregates)
    for row in rows:
        key = bucket(row["division"])
        for index, result in enumerate(results):
            result.checked[key] += row[f"checked_{index}"]
            if not result.check.in_python:
                result.found[key] += row[f"found_{index}"]
    return results


def scan_in_python(result: CheckResult, records: QuerySet, bucket: Buckets) -> CheckResult:
    for _pk, division in _scan(result.check, _population(result.check, records)):
        result.found[bucket(division)] += 1
    return result


def run(check: Check, records: QuerySet, bucket: Buckets) -> CheckResult:
    """One check alone (the overview counts a register's checks together)."""
    result = count_in_database([check], records, bucket)[0]
    return scan_in_python(result, records, bucket) if check.in_python else result


def _scan(check: Check, population: QuerySet) -> Iterator[tuple[int, str | None]]:
    """The offenders of a Python check, streamed: `(pk, division, *columns)` rows in, a few
    thousand at a time, `(pk, division)` of the offenders out."""
    rows = population.order_by("pk").values_list("pk", "division", *check.columns)
    yield from check.scan(stream(rows))


def stream(rows: QuerySet) -> Iterator[tuple]:
    """Rows a chunk at a time (a server-side cursor on PostgreSQL), so that memory stays flat.

    PostgreSQL plans a cursor for its first tenth of rows (cursor_tuple_fraction = 0.1); on a
    join whose statistics are stale, as after a bulk load, that plan was 300 times slower than
    the plan for all rows, which is what a scan reads.
    """
    if connections[rows.db].vendor != "postgresql":
        yield from rows.iterator(chunk_size=CHUNK)
        return
    with transaction.atomic(using=rows.db):
        with connections[rows.db].cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from rows.iterator(chunk_size=CHUNK)


def require_regulator(user: Any) -> Any:
    if not getattr(user, "is_regulator", False) or not getattr(user, "bureau_id", None):
        raise NotFound()
    return user


def overview(user: Any, registers: Iterable[str] | None = None) -> Overview:
    require_regulator(user)
    divisions = divisions_for(user)
    bucket = Buckets(divisions)
    wanted = [key for key in REGISTERS if key in set(registers or REGISTERS)]
    results: dict[str, CheckResult] = {}
    for key in wanted:
        records = base_queryset(user, REGISTERS[key])
        checks = [check for check in CHECKS if check.register == key]
        for result in count_in_database(checks, records, bucket):
            if result.check.in_python:
                scan_in_python(result, records, bucket)
            results[result.check.code] = result
    ordered = {check.code: results[check.code] for check in CHECKS if check.code in results}
    return Overview(user.bureau.region_code, divisions, ordered, timezone.now())


def get_check(code: str) -> Check:
    try:
        return BY_CODE[code]
    except KeyError:
        raise NotFound() from None


def get_division(user: Any, key: str | None) -> Division | None:
    """A row of the user's table by its key, None for all; NotFound for any other key."""
    if not key:
        return None
    for division in divisions_for(user):
        if division.key == key:
            return division
    raise NotFound()


class IdList:
    """Offenders found in Python, in the scan's order, fetched a page at a time.

    Looks enough like a queryset for Django's Paginator, the API's pagination and the
    export: `count()`, slicing and `iterator()`.
    """

    def __init__(self, records: QuerySet, ids: list[int]) -> None:
        self.records = records
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def _fetch(self, ids: list[int]) -> list:
        by_pk = {obj.pk: obj for obj in self.records.filter(pk__in=ids)}
        return [by_pk[pk] for pk in ids if pk in by_pk]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._fetch(self.ids[index])
        return self._fetch([self.ids[index]])[0]

    def iterator(self, chunk_size: int = 500) -> Iterator:
        for start in range(0, len(self.ids), chunk_size):
            yield from self._fetch(self.ids[start : start + chunk_size])


def findings(user: Any, code: str, division: str | None = None) -> QuerySet | IdList:
    """The offenders of one check in the user's jurisdiction (or in one row of their table)."""
    require_regulator(user)
    check = get_check(code)
    register = REGISTERS[check.register]
    divisions = divisions_for(user)
    row = get_division(user, division)
    records = base_queryset(user, register)
    population = _population(check, records)
    if not check.in_python:
        offenders = population.filter(check.condition())
        if row is not None:
            offenders = offenders.filter(row.condition(divisions))
        return offenders.order_by(*register.order)
    bucket = Buckets(divisions)
    ids = [
        pk
        for pk, found_in in _scan(check, population)
        if row is None or bucket(found_in) == row.key
    ]
    return IdList(records, ids)
