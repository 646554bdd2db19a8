"""The signal API, mounted under /api/v1/vigilance/ (paths under /signals).

For the province monitoring centre's analysts (leaders read): other regulators get a 403
problem, everybody else a 404. Writes call the same services as the pages.
"""

from __future__ import annotations

from ninja import Query, Router, Status

from yaojian.core.schemas import paginate_queryset, with_problems
from yaojian.vigilance.signals import schemas, selectors, services, workflows

router = Router(tags=["vigilance"])


def _detail(user, signal) -> dict:
    history = [
        {
            "action": h.action,
            "from_status": h.from_status,
            "to_status": h.to_status,
            "actor": str(h.actor) if h.actor else None,
            "at": h.at,
            "note": h.note,
            "data": h.data,
        }
        for h in selectors.signal_history(user, signal)
    ]
    signal.history_rows = history
    return {
        **{f: getattr(signal, f) for f in schemas.SignalOut.model_fields if f != "product_id"},
        "event_name": getattr(signal, "event_name", None) or signal.event,
        "product_ref_id": signal.product_ref_id,
        "history": history,
        "steps": [t.action for t in workflows.available(signal.status)],
    }


@router.get(
    "/signals/runs",
    response=with_problems(list[schemas.RunOut], 401, 403, 404),
    summary="Signal-detection runs, newest first (the last 100)",
)
def run_list(request):
    return list(selectors.run_list(request.auth)[:100])


@router.post(
    "/signals/runs",
    response={201: schemas.RunOut, **with_problems(schemas.RunOut, 400, 401, 403, 404, 422)},
    summary="Start a run on demand (it is computed in the background)",
)
def run_create(request, payload: schemas.RunIn):
    data = payload.model_dump(exclude_none=True)
    if payload.thresholds is not None:
        data["thresholds"] = payload.thresholds.model_dump(exclude_none=True)
    run = services.run_request(actor=request.auth, parameters=data)
    run.refresh_from_db()
    return Status(201, run)


@router.get(
    "/signals/runs/{int:run_id}",
    response=with_problems(schemas.RunOut, 401, 403, 404),
    summary="One run with its parameters, hyperparameters, counts and timings",
)
def run_detail(request, run_id: int):
    return selectors.run_get(request.auth, run_id)


@router.get(
    "/signals/runs/{int:run_id}/results",
    response=with_problems(schemas.ResultPage, 401, 403, 404, 422),
    summary="A run's figures per product-event pair, filtered by method, N, product, event",
)
def result_list(request, run_id: int, filters: Query[schemas.ResultFilters]):
    run = selectors.run_get(request.auth, run_id)
    rows = selectors.result_list(
        request.auth,
        run,
        methods=filters.method,
        flagged_only=filters.flagged,
        min_n=filters.min_n,
        product=filters.product,
        event=filters.event,
        order=filters.order,
    )
    return paginate_queryset(rows, filters)


@router.get(
    "/signals/signals",
    response=with_problems(schemas.SignalPage, 401, 403, 404, 422),
    summary="Signals under review",
)
def signal_list(request, filters: Query[schemas.SignalFilters]):
    rows = selectors.signal_list(request.auth, status=filters.status, query=filters.q)
    return paginate_queryset(rows, filters)


@router.get(
    "/signals/signals/{int:signal_id}",
    response=with_problems(schemas.SignalDetailOut, 401, 403, 404),
    summary="One signal with its latest figures, review history and the steps open to it",
)
def signal_detail(request, signal_id: int):
    signal = selectors.signal_get(request.auth, signal_id)
    return _detail(request.auth, signal)


@router.post(
    "/signals/signals/{int:signal_id}/actions/{step}",
    response=with_problems(schemas.SignalDetailOut, 400, 401, 403, 404, 409, 422),
    summary="Take a review step: assess, validate, refute, take_action, reopen",
)
def signal_step(request, signal_id: int, step: str, payload: schemas.StepIn | None = None):
    payload = payload or schemas.StepIn()
    services.signal_transition(
        actor=request.auth,
        signal_id=signal_id,
        action=step[:40],
        note=payload.note,
        action_kind=payload.action,
    )
    return _detail(request.auth, selectors.signal_get(request.auth, signal_id))
