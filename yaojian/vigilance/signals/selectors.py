"""Reads of signal detection, for the province monitoring centre only (see `access`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from yaojian.core.errors import NotFound
from yaojian.vigilance.signals import access, events
from yaojian.vigilance.signals.choices import RunStatus, SignalStatus
from yaojian.vigilance.signals.models import Signal, SignalHistory, SignalResult, SignalRun

METHOD_FIELDS = {"prr": "flag_prr", "ror": "flag_ror", "bcpnn": "flag_bcpnn", "mgps": "flag_mgps"}
RESULT_ORDERS = {
    "eb05": ("-eb05", "product", "event"),
    "ebgm": ("-ebgm", "product", "event"),
    "n": ("-n", "product", "event"),
    "prr": ("-prr", "product", "event"),
    "ic025": ("-ic025", "product", "event"),
    "product": ("product", "event"),
}


def run_list(user: Any) -> QuerySet[SignalRun]:
    access.require_view(user)
    return SignalRun.objects.select_related("requested_by").order_by("-created_at", "-id")


def run_get(user: Any, run_id: int) -> SignalRun:
    access.require_view(user)
    run = SignalRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run


def latest_run(user: Any) -> SignalRun | None:
    access.require_view(user)
    return SignalRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-id").first()


def result_list(
    user: Any,
    run: SignalRun,
    *,
    methods: list[str] | tuple[str, ...] = (),
    flagged_only: bool = False,
    min_n: int | None = None,
    product: str = "",
    event: str = "",
    order: str = "eb05",
) -> QuerySet[SignalResult]:
    """A run's results filtered by method flags (all given must hold), N, product, event."""
    access.require_view(user)
    rows = SignalResult.objects.filter(run=run)
    for method in methods:
        field = METHOD_FIELDS.get(method)
        if field:
            rows = rows.filter(**{field: True})
    if flagged_only:
        rows = rows.filter(flagged=True)
    if min_n:
        rows = rows.filter(n__gte=min_n)
    if product:
        rows = rows.filter(product__icontains=product)
    if event:
        rows = rows.filter(events.search_q(event))
    rows = events.annotate_names(rows)
    return rows.order_by(*RESULT_ORDERS.get(order, RESULT_ORDERS["eb05"]))


def result_get(user: Any, result_id: int) -> SignalResult:
    access.require_view(user)
    result = (
        events.annotate_names(SignalResult.objects.select_related("run", "product_ref"))
        .filter(pk=result_id)
        .first()
    )
    if result is None:
        raise NotFound()
    return result


def product_chart(user: Any, run: SignalRun, product: str, *, limit: int = 30) -> list[dict]:
    """EBGM with its EB05-EB95 interval for the events of one product (largest EB05 first)."""
    access.require_view(user)
    rows = (
        events.annotate_names(
            SignalResult.objects.filter(run=run, product=product, ebgm__isnull=False)
        )
        .order_by("-eb05", "event")
        .values("event_name", "event_code", "n", "ebgm", "eb05", "eb95", "flagged")[:limit]
    )
    return [{"event": row.pop("event_name"), **row} for row in rows]


def volcano(user: Any, run: SignalRun, *, limit: int = 3000) -> list[list]:
    """Points (IC, chi-square, N, product, event, flagged) for the volcano-like plot."""
    access.require_view(user)
    rows = (
        events.annotate_names(
            SignalResult.objects.filter(run=run, ic__isnull=False, chi2__isnull=False)
        )
        .order_by("-flagged", "-chi2")
        .values_list("ic", "chi2", "n", "product", "event_name", "flagged")[:limit]
    )
    return [[round(ic, 4), round(chi2, 4), n, p, e, flagged] for ic, chi2, n, p, e, flagged in rows]


def _with_named_last_result(rows: QuerySet[Signal]) -> QuerySet[Signal]:
    """The latest figures carry `event_name` too (the reader's language), as results do."""
    named = events.annotate_names(SignalResult.objects.all())
    return rows.prefetch_related(Prefetch("last_result", queryset=named))


def signal_list(user: Any, *, status: str = "", query: str = "") -> QuerySet[Signal]:
    access.require_view(user)
    rows = _with_named_last_result(Signal.objects.select_related("product_ref", "assessor"))
    if status in SignalStatus.values:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(Q(product__icontains=query) | events.search_q(query))
    return events.annotate_names(rows).order_by("-updated_at", "-id")


def signal_get(user: Any, signal_id: int) -> Signal:
    access.require_view(user)
    signal = (
        events.annotate_names(
            _with_named_last_result(
                Signal.objects.select_related("product_ref", "assessor", "first_run")
            )
        )
        .filter(pk=signal_id)
        .first()
    )
    if signal is None:
        raise NotFound()
    return signal


def signal_history(user: Any, signal: Signal) -> QuerySet[SignalHistory]:
    access.require_view(user)
    return signal.history.select_related("actor").order_by("at", "id")
