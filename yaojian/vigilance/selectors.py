"""Reads of adverse-reaction monitoring, scoped by the user.

Regulators see the cases reported inside their jurisdiction (the division of the reporting
institution or enterprise, or the county a member of the public chose); an enterprise sees the
cases it reported; the public sees nothing. A case outside scope is a 404.

The signal detector reads the case database only through `signal_rows` (a stable interface):

    for report_id, product, event, sex, age_group in signal_rows(user=None, since=d1, until=d2):
        ...

one row per (active case's current version, suspect or interacting drug, reaction PT); merged
and nullified cases are left out. `product` is the registered product's generic name when the
drug is linked to the register, else the name as reported (stripped); `event` is the MedDRA PT
name (the reported term when uncoded); `sex` is "M", "F" or "U"; `age_group` is one of
AGE_GROUPS ("unknown" when no age is known). `since`/`until` filter on the date the centre
received the case (inclusive).

With ``codes=True`` each row carries a sixth value, the reaction's MedDRA PT code ("" when
uncoded), and a version's reactions are distinct by PT code (by normalised text when
uncoded) rather than by name: the PT name is stored in the submitter's language, so the
detector counts on the code (see `vigilance.signals.events`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from yaojian.core.scoping import get_visible, restrict
from yaojian.vigilance.choices import (
    SIGNAL_ROLES,
    CaseStatus,
    DuplicateStatus,
    MeddraLevel,
)
from yaojian.vigilance.models import (
    Case,
    CaseVersion,
    Drug,
    DuplicateCandidate,
    E2BBatch,
    MeddraRelease,
    MeddraTerm,
    Reaction,
)

AGE_GROUPS = ("0-17", "18-44", "45-64", "65+", "unknown")
ACTIVE_STATUSES = (CaseStatus.RECEIVED, CaseStatus.ASSESSED)
_AGE_FACTORS = {"a": 1.0, "10.a": 10.0, "mo": 1 / 12, "wk": 7 / 365.25, "d": 1 / 365.25}


def age_group(age: Any, unit: str) -> str:
    if age is None:
        return "unknown"
    years = float(age) * _AGE_FACTORS.get(unit or "a", 1 / 8766)
    if years < 18:
        return "0-17"
    if years < 45:
        return "18-44"
    if years < 65:
        return "45-64"
    return "65+"


def _sex_letter(code: str) -> str:
    return {"1": "M", "2": "F"}.get(code or "", "U")


def signal_rows(
    *,
    user: Any = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    codes: bool = False,
) -> Iterator[tuple[str, ...]]:
    """(report_id, product, event, sex, age_group[, pt_code]) rows for signal detection; see
    the module doc."""
    from yaojian.vigilance.signals.events import event_key

    cases = Case.objects.filter(status__in=ACTIVE_STATUSES, current_version__isnull=False)
    if user is not None:
        cases = restrict(cases, user)
    if since:
        cases = cases.filter(received_date__gte=since)
    if until:
        cases = cases.filter(received_date__lte=until)
    version_ids = cases.values("current_version_id")
    versions: dict[int, tuple[str, str, str]] = {}
    for vid, number, sex, age, unit in (
        CaseVersion.objects.filter(pk__in=version_ids)
        .values_list("pk", "case__case_number", "patient_sex", "patient_age", "patient_age_unit")
        .iterator(chunk_size=5000)
    ):
        versions[vid] = (number, _sex_letter(sex), age_group(age, unit))
    drugs: dict[int, list[str]] = {}
    for vid, name, product in (
        Drug.objects.filter(version_id__in=version_ids, role__in=SIGNAL_ROLES)
        .values_list("version_id", "name", "product__name")
        .order_by("version_id", "position")
        .iterator(chunk_size=5000)
    ):
        label = (product or name or "").strip()
        if label and label not in drugs.setdefault(vid, []):
            drugs[vid].append(label)
    events: dict[int, dict] = {}
    for vid, pt_code, pt_name, term in (
        Reaction.objects.filter(version_id__in=version_ids)
        .values_list("version_id", "pt_code", "pt_name", "reported_term")
        .order_by("version_id", "position")
        .iterator(chunk_size=5000)
    ):
        label = (pt_name or term or "").strip()
        code = (pt_code or "").strip() if codes else ""
        key = event_key(code, label) if codes else label
        if label or code:
            events.setdefault(vid, {}).setdefault(key, (label, code))
    for vid, (number, sex, group) in versions.items():
        for product in drugs.get(vid, ()):
            for label, code in events.get(vid, {}).values():
                if codes:
                    yield number, product, label, sex, group, code
                elif label:
                    yield number, product, label, sex, group


# ---------------------------------------------------------------------------------------------
# cases


def case_list(
    user: Any,
    *,
    query: str = "",
    status: str = "",
    serious: str = "",
    source: str = "",
    due: str = "",
    product: str = "",
    event: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Case]:
    cases = restrict(
        Case.objects.select_related("current_version", "enterprise", "merged_into"), user
    )
    if status == "active":
        cases = cases.filter(status__in=ACTIVE_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if serious == "serious":
        cases = cases.filter(serious=True)
    elif serious == "fatal":
        cases = cases.filter(fatal=True)
    elif serious == "non_serious":
        cases = cases.filter(serious=False)
    if source:
        cases = cases.filter(source=source)
    today = timezone.localdate()
    if due == "overdue":
        cases = cases.filter(status=CaseStatus.RECEIVED, review_deadline__lt=today)
    elif due == "serious_due":
        cases = cases.filter(status=CaseStatus.RECEIVED, serious=True)
    elif due == "late":
        cases = cases.filter(received_date__gt=models_f("report_deadline"))
    if query := (query or "").strip():
        cases = cases.filter(
            Q(case_number__icontains=query)
            | Q(safety_report_id__icontains=query)
            | Q(current_version__narrative__icontains=query)
        )
    if product := (product or "").strip():
        cases = cases.filter(
            Q(current_version__drugs__name__icontains=product)
            | Q(current_version__drugs__product__name__icontains=product)
        ).distinct()
    if event := (event or "").strip():
        cases = cases.filter(
            Q(current_version__reactions__pt_name__icontains=event)
            | Q(current_version__reactions__reported_term__icontains=event)
            | Q(current_version__reactions__pt_code=event)
        ).distinct()
    if since:
        cases = cases.filter(received_date__gte=since)
    if until:
        cases = cases.filter(received_date__lte=until)
    return cases


def models_f(name: str):
    from django.db.models import F

    return F(name)


def case_get(user: Any, case_id: int) -> Case:
    return get_visible(
        Case.objects.select_related("current_version", "enterprise", "merged_into"),
        user,
        pk=case_id,
    )


def case_get_by_number(user: Any, number: str) -> Case:
    return get_visible(Case.objects.select_related("current_version"), user, case_number=number)


def version_get(user: Any, case: Case, number: int) -> CaseVersion:
    version = case.versions.filter(number=number).first()
    if version is None:
        from yaojian.core.errors import NotFound

        raise NotFound()
    return version


def version_full(version_id: int) -> CaseVersion:
    """A version with its rows prefetched (callers have checked scope through its case)."""
    return (
        CaseVersion.objects.select_related("case")
        .prefetch_related("reactions", "drugs__product", "causalities")
        .get(pk=version_id)
    )


def overview_counts(user: Any) -> dict[str, int]:
    cases = restrict(Case.objects.all(), user)
    today = timezone.localdate()
    week_ago = today - dt.timedelta(days=7)
    return {
        "total": cases.filter(status__in=ACTIVE_STATUSES).count(),
        "new": cases.filter(received_date__gte=week_ago).count(),
        "to_review": cases.filter(status=CaseStatus.RECEIVED).count(),
        "serious_due": cases.filter(status=CaseStatus.RECEIVED, serious=True).count(),
        "overdue": cases.filter(status=CaseStatus.RECEIVED, review_deadline__lt=today).count(),
        "late": cases.filter(received_date__gt=models_f("report_deadline")).count(),
        "fatal": cases.filter(fatal=True, status__in=ACTIVE_STATUSES).count(),
        "duplicates": duplicate_list(user).filter(status=DuplicateStatus.OPEN).count(),
    }


# ---------------------------------------------------------------------------------------------
# duplicates, E2B batches, MedDRA


def duplicate_list(user: Any, *, status: str = DuplicateStatus.OPEN) -> QuerySet:
    pairs = DuplicateCandidate.objects.select_related(
        "case_a__current_version", "case_b__current_version"
    )
    pairs = restrict(pairs, user)
    # both cases must be visible
    visible = restrict(Case.objects.all(), user).values("pk")
    pairs = pairs.filter(case_b__in=visible)
    if status:
        pairs = pairs.filter(status=status)
    return pairs


def duplicate_get(user: Any, pair_id: int) -> DuplicateCandidate:
    return get_visible(duplicate_list(user, status=""), user, pk=pair_id)


def batch_list(user: Any) -> QuerySet[E2BBatch]:
    return restrict(E2BBatch.objects.all(), user)


def batch_get(user: Any, batch_id: int) -> E2BBatch:
    return get_visible(E2BBatch.objects.all(), user, pk=batch_id)


def meddra_current() -> MeddraRelease | None:
    return MeddraRelease.objects.filter(is_current=True).first()


def meddra_search(query: str, *, limit: int = 20, version: str | None = None) -> list[MeddraTerm]:
    """LLTs and PTs of the current release whose name, Chinese name or code matches."""
    query = (query or "").strip()
    if not query:
        return []
    release = MeddraRelease.objects.filter(version=version).first() if version else meddra_current()
    if release is None:
        return []
    terms = MeddraTerm.objects.filter(
        release=release, level__in=(MeddraLevel.LLT, MeddraLevel.PT), current=True
    )
    if query.isdigit():
        terms = terms.filter(code__startswith=query)
    else:
        terms = terms.filter(Q(name__icontains=query) | Q(name_zh__icontains=query))
    return list(terms.order_by("level", "name")[:limit])


def meddra_pt_of(code: str, *, version: str | None = None) -> MeddraTerm | None:
    """The PT of an LLT or PT code in the given (or current) release."""
    release = MeddraRelease.objects.filter(version=version).first() if version else meddra_current()
    if release is None:
        return None
    term = (
        MeddraTerm.objects.filter(release=release, code=code, level=MeddraLevel.LLT).first()
        or MeddraTerm.objects.filter(release=release, code=code, level=MeddraLevel.PT).first()
    )
    return term.pt if term else None
