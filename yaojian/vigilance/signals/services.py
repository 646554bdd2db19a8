"""Writes of signal detection: request and execute runs, and the signal review steps.

A run reads the province's cases through ``vigilance.selectors.signal_rows`` (one row per
current case version x suspect/interacting drug x reaction PT, the event keyed on the PT
code, see `events`), computes every statistic with
`engine.detect`, stores one `SignalResult` per pair with at least ``min_count`` reports,
opens a `Signal` (status new) for each flagged pair not yet under review, and puts one to-do
in the inbox of the province bureau's analysts when there are new signals. Validating a
signal posts it to the product's file when the product is in the register.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import NotFound, TransitionNotAllowed, ValidationFailed
from yaojian.vigilance.signals import access, engine, events, workflows
from yaojian.vigilance.signals.choices import RunStatus, RunTrigger, SignalStatus
from yaojian.vigilance.signals.counts import count_pairs, factorize
from yaojian.vigilance.signals.models import Signal, SignalHistory, SignalResult, SignalRun

logger = logging.getLogger(__name__)

FIGURES = (
    "expected",
    "prr",
    "prr_lower95",
    "chi2",
    "ror",
    "ror_lower95",
    "ic",
    "ic025",
    "ebgm",
    "eb05",
    "eb95",
)
BATCH = 2000
DEFAULT_PARAMETERS = {
    "stratify": True,
    "squash": True,
    "ic_method": "noren",
    "min_count": 1,
    "since": None,
    "until": None,
    "thresholds": engine.Thresholds().as_dict(),
}


# -- parameters ------------------------------------------------------------------------------


def clean_parameters(data: dict | None) -> dict:
    """Validate run parameters; ValidationFailed names every bad field."""
    data = dict(data or {})
    errors: dict[str, list[str]] = {}
    out = {k: v for k, v in DEFAULT_PARAMETERS.items() if k != "thresholds"}
    thresholds = engine.Thresholds().as_dict()
    preset = data.pop("preset", None)
    if preset:
        if preset not in engine.PRESETS:
            errors["preset"] = [_("Unknown preset; choose one of: %s") % ", ".join(engine.PRESETS)]
        else:
            thresholds = engine.PRESETS[preset].as_dict()
    for key in ("stratify", "squash"):
        if key in data and data[key] is not None:
            if not isinstance(data[key], bool):
                errors[key] = [_("Must be true or false.")]
            else:
                out[key] = data[key]
    if data.get("ic_method"):
        if data["ic_method"] not in ("noren", "phvid"):
            errors["ic_method"] = [_("Must be noren or phvid.")]
        else:
            out["ic_method"] = data["ic_method"]
    if data.get("min_count") is not None:
        value = data["min_count"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            errors["min_count"] = [_("A whole number from 1 to 1000.")]
        else:
            out["min_count"] = value
    for key in ("since", "until"):
        value = data.get(key)
        if value in (None, ""):
            continue
        try:
            out[key] = (
                value.isoformat()
                if isinstance(value, dt.date)
                else dt.date.fromisoformat(value).isoformat()
            )
        except (TypeError, ValueError):
            errors[key] = [_("A date as YYYY-MM-DD.")]
    if out["since"] and out["until"] and out["since"] > out["until"]:
        errors["until"] = [_("The end of the period is before its start.")]
    given = data.get("thresholds") or {}
    if not isinstance(given, dict):
        errors["thresholds"] = [_("An object of thresholds.")]
        given = {}
    for key, value in given.items():
        if key not in thresholds:
            errors[f"thresholds.{key}"] = [_("Unknown threshold.")]
            continue
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            errors[f"thresholds.{key}"] = [_("A number.")]
            continue
        if key in ("n_min", "n_min_other") and (value != int(value) or value < 1):
            errors[f"thresholds.{key}"] = [_("A whole number of at least 1.")]
            continue
        if key in ("prr_min", "chi2_min", "ror_lower_min", "eb05_min") and value < 0:
            errors[f"thresholds.{key}"] = [_("Cannot be negative.")]
            continue
        thresholds[key] = int(value) if key in ("n_min", "n_min_other") else float(value)
    out["thresholds"] = thresholds
    if errors:
        raise ValidationFailed(_("The run parameters are not valid."), errors=errors)
    return out


# -- runs ------------------------------------------------------------------------------------


@audit.audited("vigilance.signals.run.request")
def run_request(*, actor: Any, parameters: dict | None = None) -> SignalRun:
    """Queue a run on demand (analysts of the province centre); it runs in the background."""
    access.require_act(actor)
    cleaned = clean_parameters(parameters)
    run = SignalRun(trigger=RunTrigger.MANUAL, parameters=cleaned, requested_by=actor)
    run.full_clean()
    run.save()
    audit.record(actor=actor, action="vigilance.signals.run.request", obj=run, changes=cleaned)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from yaojian.vigilance.signals.tasks import execute_run

    execute_run.enqueue(run_id)


# A run is computed in one go (about 5 s for a national year, 25 s for 13 million rows): a run
# still "running" this long after it started was left so by a worker that stopped.
STALE_AFTER = dt.timedelta(hours=2)


class RunSuperseded(Exception):
    """This attempt at a run was given up as stale and the run restarted or failed meanwhile."""


def stale_after() -> dt.timedelta:
    hours = getattr(settings, "YAOJIAN_SIGNAL_RUN_STALE_HOURS", None)
    return dt.timedelta(hours=float(hours)) if hours else STALE_AFTER


def _stale(run: SignalRun, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = run.started_at or run.created_at
    return run.status == RunStatus.RUNNING and since < now - stale_after()


def recover_stale_runs(*, now: dt.datetime | None = None) -> list[SignalRun]:
    """Mark failed, with the reason, every run still running `stale_after()` after it started
    (its worker stopped: a crash, a restart, the machine lost). A run on demand is queued
    again; a nightly one is not (the night's new run replaces it). Returns the runs."""
    now = now or timezone.now()
    limit = now - stale_after()
    with transaction.atomic():
        stale = list(
            SignalRun.objects.select_for_update()
            .filter(status=RunStatus.RUNNING)
            .filter(Q(started_at__lt=limit) | Q(started_at__isnull=True, created_at__lt=limit))
            .order_by("id")
        )
        for run in stale:
            started = run.started_at or run.created_at
            run.status = RunStatus.FAILED
            run.error = _(
                "Interrupted: still running %(minutes)d minutes after it started (the worker "
                "computing it stopped)."
            ) % {"minutes": int((now - started).total_seconds() // 60)}
            run.started_at = started
            run.finished_at = max(now, started)
            run.save(update_fields=["status", "error", "started_at", "finished_at"])
            requeue = run.trigger == RunTrigger.MANUAL
            audit.record(
                actor=None,
                action="vigilance.signals.run.recover",
                obj=run,
                outcome="failed",
                changes={"requeued": requeue},
                detail=run.error[:400],
            )
            logger.warning("signal run %s was stale (started %s); marked failed", run.pk, started)
            if requeue:
                transaction.on_commit(lambda pk=run.pk: _enqueue(pk))
    return stale


# A queued run is taken by a worker within seconds; one still queued this long after it was
# (re-)queued lost its task (the queue was emptied, the enqueue failed after the commit).
QUEUED_STALE_AFTER = dt.timedelta(minutes=30)
MAX_REQUEUES = 3


def queued_stale_after() -> dt.timedelta:
    minutes = getattr(settings, "YAOJIAN_SIGNAL_RUN_QUEUED_STALE_MINUTES", None)
    return dt.timedelta(minutes=float(minutes)) if minutes else QUEUED_STALE_AFTER


def max_requeues() -> int:
    limit = getattr(settings, "YAOJIAN_SIGNAL_RUN_MAX_REQUEUES", None)
    return MAX_REQUEUES if limit is None else max(int(limit), 0)


def requeue_stale_queued_runs(*, now: dt.datetime | None = None) -> list[SignalRun]:
    """Send the task again of every run on demand still queued `queued_stale_after()` after it
    was queued (its task was lost before a worker took it), at most `max_requeues()` times;
    after that the run is failed with the reason. A nightly run is failed at once (the
    night's new run replaces it). Returns the runs concerned.

    Only runs still queued are touched: `run_execute` takes a run under the same row lock
    and only from queued (or failed), so a task sent twice computes the run once."""
    now = now or timezone.now()
    limit = now - queued_stale_after()
    ceiling = max_requeues()
    with transaction.atomic():
        stale = list(
            SignalRun.objects.select_for_update()
            .filter(status=RunStatus.QUEUED)
            .filter(Q(requeued_at__lt=limit) | Q(requeued_at__isnull=True, created_at__lt=limit))
            .order_by("id")
        )
        for run in stale:
            minutes = int((now - (run.requeued_at or run.created_at)).total_seconds() // 60)
            if run.trigger == RunTrigger.MANUAL and run.requeue_count < ceiling:
                _requeue(run, now, minutes, ceiling)
            else:
                _give_up_queued(run, now, minutes)
    return stale


def _requeue(run: SignalRun, now: dt.datetime, minutes: int, ceiling: int) -> None:
    run.requeue_count += 1
    run.requeued_at = now
    run.save(update_fields=["requeue_count", "requeued_at"])
    detail = _(
        "Still queued %(minutes)d minutes after it was queued (its task was lost); queued "
        "again (%(count)d of at most %(limit)d times)."
    ) % {"minutes": minutes, "count": run.requeue_count, "limit": ceiling}
    audit.record(
        actor=None,
        action="vigilance.signals.run.recover",
        obj=run,
        changes={"status": RunStatus.QUEUED, "requeued": True, "requeues": run.requeue_count},
        detail=detail[:400],
    )
    logger.warning("signal run %s was stale in the queue; queued again", run.pk)
    transaction.on_commit(lambda pk=run.pk: _enqueue(pk))


def _give_up_queued(run: SignalRun, now: dt.datetime, minutes: int) -> None:
    run.status = RunStatus.FAILED
    if run.trigger == RunTrigger.MANUAL:
        run.error = _(
            "Never started: still queued %(minutes)d minutes after it was last queued, "
            "after being queued again %(count)d times; given up."
        ) % {"minutes": minutes, "count": run.requeue_count}
    else:
        run.error = _(
            "Never started: still queued %(minutes)d minutes after it was queued; "
            "replaced by the next nightly run."
        ) % {"minutes": minutes}
    # as `recover_stale_runs`: the constraint wants a start before the finish
    run.started_at = run.started_at or run.created_at
    run.finished_at = max(now, run.started_at)
    run.save(update_fields=["status", "error", "started_at", "finished_at"])
    audit.record(
        actor=None,
        action="vigilance.signals.run.recover",
        obj=run,
        outcome="failed",
        changes={"status": RunStatus.QUEUED, "requeued": False, "requeues": run.requeue_count},
        detail=run.error[:400],
    )
    logger.warning("signal run %s never left the queue; marked failed", run.pk)


def run_nightly() -> SignalRun:
    """The scheduler's nightly run over every case, with the default parameters; first the
    runs left running by a stopped worker are failed (and those on demand queued again), and
    the runs whose task was lost in the queue are queued again (or failed, see
    `requeue_stale_queued_runs`)."""
    recover_stale_runs()
    requeue_stale_queued_runs()
    run = SignalRun.objects.create(trigger=RunTrigger.NIGHTLY, parameters=clean_parameters({}))
    audit.record(actor=None, action="vigilance.signals.run.nightly", obj=run)
    return run_execute(run.pk)


def collect_rows(parameters: dict) -> Iterable[tuple]:
    from yaojian.vigilance import selectors as case_selectors

    since = parameters.get("since")
    until = parameters.get("until")
    return case_selectors.signal_rows(
        user=None,
        since=dt.date.fromisoformat(since) if since else None,
        until=dt.date.fromisoformat(until) if until else None,
        codes=True,
    )


def run_execute(run_id: int, *, rows: Iterable[tuple] | None = None) -> SignalRun:
    """Compute a queued run (the background task). A failure is stored on the run."""
    with transaction.atomic():
        run = SignalRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            raise NotFound()
        if run.status not in (RunStatus.QUEUED, RunStatus.FAILED) and not _stale(run):
            return run
        run.status, run.started_at, run.error = RunStatus.RUNNING, timezone.now(), ""
        run.finished_at = None
        run.save(update_fields=["status", "started_at", "error", "finished_at"])
    try:
        with transaction.atomic():
            _compute(run, collect_rows(run.parameters) if rows is None else rows)
    except RunSuperseded:
        logger.warning("signal run %s: this attempt was given up as stale; dropped", run_id)
        run.refresh_from_db()
    except Exception as error:  # stored for the analysts; the traceback goes to the log
        logger.exception("signal run %s failed", run_id)
        run.refresh_from_db()
        run.status = RunStatus.FAILED
        run.error = str(error)[:2000] or type(error).__name__
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit.record(
            actor=None,
            action="vigilance.signals.run.execute",
            obj=run,
            outcome="failed",
            detail=run.error[:400],
        )
    return run


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _compute(run: SignalRun, rows: Iterable[tuple]) -> None:
    """Rows are (report, product, event, sex, age_group[, pt_code]): with a PT code the event
    is that preferred term (`event` is then only its stored name), without one the reaction's
    text, keyed on its normalised form (see `events`)."""
    parameters = run.parameters or {}
    started = time.perf_counter()
    reports: list = []
    products: list = []
    keys: list = []
    strata: list = []
    seen: dict[tuple[str, str], tuple[str, str] | None] = {}
    stored_names: dict[tuple[str, str], Counter] = {}
    for row in rows:
        code = (row[5] or "") if len(row) > 5 else ""
        text = (row[2] or "").strip()
        key = seen.get((code, text), False)
        if key is False:
            key = seen[(code, text)] = events.event_key(code, text)
            if key is not None and text:
                stored_names.setdefault(key, Counter())[text] += 1
        if key is None:
            continue
        reports.append(row[0])
        products.append(row[1])
        keys.append(key)
        strata.append(tuple(row[3:5]))
    read_time = time.perf_counter() - started
    if not reports:
        raise ValueError(
            _("No case report with a suspect drug and a coded reaction in the period.")
        )
    report_codes, _labels = factorize(reports)
    product_codes, product_labels = factorize(products)
    event_codes, event_labels = factorize(keys)
    event_names = _event_names(event_labels, stored_names)
    stratum_codes = factorize(strata)[0] if parameters.get("stratify", True) else None
    counts = count_pairs(
        report_codes,
        product_codes,
        event_codes,
        stratum_codes,
        product_labels=product_labels,
        event_labels=event_labels,
    )
    thresholds = engine.Thresholds.from_dict(parameters.get("thresholds"))
    detection = engine.detect(
        counts,
        thresholds=thresholds,
        squash=parameters.get("squash", True),
        ic_method=parameters.get("ic_method", "noren"),
    )
    store_started = time.perf_counter()
    # hold the run from here to the commit; give up if it was recovered as stale meanwhile
    current = (
        SignalRun.objects.select_for_update()
        .filter(pk=run.pk)
        .values_list("status", "started_at")
        .first()
    )
    if current != (RunStatus.RUNNING, run.started_at):
        raise RunSuperseded()
    min_count = int(parameters.get("min_count") or 1)
    selected = detection.select(min_count)
    registered = _registered_products({product_labels[i] for i in counts.product[selected]})
    figures = {name: detection.figures[name] for name in FIGURES}
    flags = detection.flags
    any_flag = detection.flagged()
    results: list[SignalResult] = []
    flagged_rows: list[SignalResult] = []
    for i in selected.tolist():
        product = product_labels[counts.product[i]]
        kind, key = event_labels[counts.event[i]]
        result = SignalResult(
            run=run,
            product=product[:250],
            event=event_names[(kind, key)][:250],
            event_code=key if kind == events.CODED else "",
            product_ref_id=registered.get(product),
            n=int(counts.n11[i]),
            product_reports=int(counts.n1_[i]),
            event_reports=int(counts.n_1[i]),
            expected=float(figures["expected"][i]),
            **{name: _finite(figures[name][i]) for name in FIGURES[1:]},
            flag_prr=bool(flags["prr"][i]),
            flag_ror=bool(flags["ror"][i]),
            flag_bcpnn=bool(flags["bcpnn"][i]),
            flag_mgps=bool(flags["mgps"][i]),
            flagged=bool(any_flag[i]),
        )
        results.append(result)
        if result.flagged:
            flagged_rows.append(result)
        if len(results) >= BATCH:
            SignalResult.objects.bulk_create(results)
            results = []
    if results:
        SignalResult.objects.bulk_create(results)
    new_signals = _open_signals(run, flagged_rows)
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.row_count = len(reports)
    run.report_count = counts.total
    run.pair_count = len(counts)
    run.result_count = len(selected)
    run.signal_count = int(np.count_nonzero(any_flag[selected]))
    run.new_signal_count = len(new_signals)
    run.hyperparameters = detection.fit.as_dict() if detection.fit else {}
    run.timings = {
        "read": round(read_time, 4),
        **{k: round(v, 4) for k, v in detection.timings.items()},
        "store": round(time.perf_counter() - store_started, 4),
    }
    run.save()
    audit.record(
        actor=None,
        action="vigilance.signals.run.execute",
        obj=run,
        changes={
            "reports": run.report_count,
            "pairs": run.pair_count,
            "flagged": run.signal_count,
            "new_signals": run.new_signal_count,
        },
    )
    if new_signals:
        transaction.on_commit(lambda: _announce(run.pk, [s.pk for s in new_signals]))


def _event_names(keys: list, stored: dict[tuple[str, str], Counter]) -> dict:
    """The name stored with each event: a PT's name from the MedDRA terms (in the run's
    language), else the name most cases stored for it; a free text as most often written."""
    from_terms = events.pt_names(code for kind, code in keys if kind == events.CODED)
    names = {}
    for key in keys:
        kind, value = key
        counter = stored.get(key)
        fallback = counter.most_common(1)[0][0] if counter else value
        names[key] = from_terms.get(value, fallback) if kind == events.CODED else fallback
    return names


def _registered_products(names: set[str]) -> dict[str, int]:
    """Registry products whose generic name equals a result's product (first by id)."""
    from yaojian.registry.models import Product

    found: dict[str, int] = {}
    names_list = sorted(n for n in names if n)
    for start in range(0, len(names_list), 500):
        chunk = names_list[start : start + 500]
        for name, pk in (
            Product.objects.filter(name__in=chunk).order_by("id").values_list("name", "id")
        ):
            found.setdefault(name, pk)
    return found


def _pair_key(row: Signal | SignalResult) -> tuple:
    return (row.product, events.event_key(row.event_code, row.event))


def _open_signals(run: SignalRun, flagged: list[SignalResult]) -> list[Signal]:
    """A new Signal for each flagged pair not yet known; known ones get the latest figures."""
    if not flagged:
        return []
    existing: dict[tuple, Signal] = {}
    products = sorted({r.product for r in flagged})
    for start in range(0, len(products), 500):
        for signal in Signal.objects.filter(product__in=products[start : start + 500]).order_by(
            "id"
        ):
            existing.setdefault(_pair_key(signal), signal)
    now = timezone.now()
    created: list[Signal] = []
    updated: list[Signal] = []
    for result in flagged:
        signal = existing.get(_pair_key(result))
        if signal is None:
            created.append(
                Signal(
                    product=result.product,
                    event=result.event,
                    event_code=result.event_code,
                    product_ref_id=result.product_ref_id,
                    first_run=run,
                    last_result=result,
                    methods=result.methods,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            signal.last_result = result
            signal.methods = result.methods
            signal.product_ref_id = signal.product_ref_id or result.product_ref_id
            updated.append(signal)
    Signal.objects.bulk_create(created, batch_size=BATCH)
    if updated:
        Signal.objects.bulk_update(
            updated, ["last_result", "methods", "product_ref"], batch_size=BATCH
        )
    created = list(Signal.objects.filter(first_run=run, status=SignalStatus.NEW).order_by("id"))
    SignalHistory.objects.bulk_create(
        [
            SignalHistory(
                signal=signal,
                action="detect",
                from_status="",
                to_status=SignalStatus.NEW,
                at=now,
                data={"run": run.pk, "methods": signal.methods},
            )
            for signal in created
        ],
        batch_size=BATCH,
    )
    return created


def _announce(run_id: int, signal_ids: list[int]) -> None:
    """One to-do for the province bureau's analysts listing the new signals of a run."""
    from yaojian.accounts.models import Bureau
    from yaojian.workbench.services import todo_post

    run = SignalRun.objects.get(pk=run_id)
    bureau = Bureau.objects.filter(region_code=settings.YAOJIAN_PROVINCE_CODE).first()
    signals = list(Signal.objects.filter(pk__in=signal_ids[:10]).order_by("id"))

    def body() -> str:
        # a coded event is named by its MedDRA PT in the reader's language
        names = events.pt_names(s.event_code for s in signals)
        lines = [
            f"{s.product} / {names.get(s.event_code) or s.event} ({', '.join(s.methods)})"
            for s in signals
        ]
        if len(signal_ids) > 10:
            lines.append(_("… and %(count)d more") % {"count": len(signal_ids) - 10})
        return "\n".join(lines)

    todo_post(
        source="vigilance",
        kind="signal_new",
        title=lambda: (
            _("%(count)d new adverse-reaction signal(s) to assess") % {"count": len(signal_ids)}
        ),
        body=body,
        link=reverse("vigilance:signal_list") + "?status=new",
        bureau=bureau,
        role=Role.ANALYST,
        obj=run,
    )


# -- review ----------------------------------------------------------------------------------


@audit.audited("vigilance.signals.review")
def signal_transition(
    *, actor: Any, signal_id: int, action: str, note: str = "", action_kind: str = ""
) -> Signal:
    """Take one review step (see workflows.TRANSITIONS); a history row records it."""
    access.require_act(actor)
    signal = Signal.objects.select_for_update().filter(pk=signal_id).first()
    if signal is None:
        raise NotFound()
    transition = workflows.TRANSITIONS.get(action)
    if transition is None:
        raise ValidationFailed(
            _("Unknown step."), errors={"action": [_("Unknown step: %s") % action[:40]]}
        )
    if signal.status not in transition.sources:
        raise TransitionNotAllowed(
            _("A signal that is %(status)s cannot be taken to “%(step)s”.")
            % {"status": signal.get_status_display(), "step": transition.label}
        )
    note = (note or "").strip()
    action_kind = (action_kind or "").strip()
    errors = transition.guard(note, action_kind)
    if errors:
        raise ValidationFailed(_("The step cannot be taken as given."), errors=errors)
    before = signal.status
    signal.status = transition.target
    if transition.action == "take_action":
        signal.action = action_kind
    if transition.action == "assess":
        signal.assessor = actor
    if transition.action in ("validate", "refute"):
        signal.conclusion = note
    if transition.action == "reopen":
        signal.conclusion = ""
    signal.updated_at = timezone.now()
    signal.full_clean()
    signal.save()
    SignalHistory.objects.create(
        signal=signal,
        action=transition.action,
        from_status=before,
        to_status=signal.status,
        actor=actor,
        note=note,
        data={"action": action_kind} if action_kind else {},
    )
    audit.record(
        actor=actor,
        action="vigilance.signals.review",
        obj=signal,
        changes={"step": transition.action, "from": before, "to": signal.status},
    )
    if transition.action == "validate" and signal.product_ref_id:
        transaction.on_commit(lambda: _post_to_product_file(signal.pk))
    if transition.action == "assess":
        from yaojian.workbench.services import todos_close_for

        run_id = signal.first_run_id
        if (
            run_id
            and not Signal.objects.filter(first_run_id=run_id, status=SignalStatus.NEW).exists()
        ):
            todos_close_for(SignalRun(pk=run_id), kind="signal_new", actor=actor)
    return signal


def _post_to_product_file(signal_id: int) -> None:
    from yaojian.registry.services import timeline_post

    signal = Signal.objects.select_related("product_ref", "last_result").get(pk=signal_id)
    product = signal.product_ref
    if product is None:
        return
    figures = ""
    if signal.last_result:
        r = signal.last_result
        figures = f"N={r.n}"
        if r.eb05 is not None:
            figures += f", EBGM={r.ebgm:.2f} (EB05 {r.eb05:.2f})"
        if r.prr is not None:
            figures += f", PRR={r.prr:.2f}"

    def title() -> str:
        # a coded event is named by its MedDRA PT in the reader's language
        name = events.pt_names([signal.event_code]).get(signal.event_code) or signal.event
        return _("Validated safety signal: %(event)s") % {"event": name}

    timeline_post(
        source="vigilance",
        kind="signal",
        title=title,
        summary=(signal.conclusion + ("\n" + figures if figures else ""))[:2000],
        enterprise=product.holder if getattr(product, "holder_id", None) else None,
        product=product,
        link=reverse("vigilance:signal_detail", args=[signal.pk]),
        obj=signal,
        severity="warning",
    )
