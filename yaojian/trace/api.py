"""Traceability over HTTP: /api/v1/public/trace/verify (no login) and regulators' reads."""

from __future__ import annotations

from ninja import Query, Router

from yaojian.core.context import client_ip
from yaojian.core.schemas import query_date, with_problems
from yaojian.trace import anomalies, schemas, selectors
from yaojian.trace.services import verify as verify_service

public_router = Router(tags=["traceability (public)"])
router = Router(tags=["traceability"])


@public_router.get(
    "/verify",
    response=with_problems(schemas.VerifyOut, 422, 429),
    auth=None,
    summary="Verify a pack's traceability code",
)
def verify(request, params: Query[schemas.VerifyParams]):
    """One of authentic, unknown_code, unknown_batch, batch_mismatch, expiry_mismatch,
    dispensed, recalled, expired, destroyed, suspect; with the product's public facts and
    the cities the pack passed through. Rate-limited per client (429 when exceeded)."""
    return verify_service.verify(
        params.code,
        ip=client_ip(request.META) or "",
        region_code=params.region or "",
        batch_no=params.batch or "",
        expiry=query_date(params.expiry or None, "expiry"),
    )


@router.get(
    "/codes/{path:code}/path", response=with_problems(schemas.PathOut), summary="A pack's full path"
)
def code_path(request, code: str):
    found = selectors.code_path(request.auth, code)
    state = found["state"]
    if state is None and not found["events"]:
        from yaojian.core.errors import NotFound

        raise NotFound()
    return {
        "code": code,
        "status": state.status if state else None,
        "holder": state.holder.name if state and state.holder_id else None,
        "batch_no": state.batch_no if state else "",
        "containers": found["containers"],
        "events": [
            {
                "event_time": e.event_time.isoformat(),
                "type": e.type,
                "biz_step": e.biz_step,
                "disposition": e.disposition,
                "sender": e.sender.name,
                "region_code": e.region_code,
            }
            for e in found["events"]
        ],
    }


@router.get(
    "/batches/{int:batch_id}/holders",
    response=with_problems(list[schemas.HolderOut]),
    summary="Every current holder of a batch (the recall scope)",
)
def batch_holders(request, batch_id: int):
    batch = selectors.batch_get(request.auth, batch_id)
    return selectors.batch_holders(request.auth, batch)


@router.get("/anomalies", response=with_problems(list[schemas.AnomalyOut]), summary="Anomalies")
def anomaly_list(request, rule: str | None = None, limit: int = 100):
    rows = selectors.anomalies_visible(request.auth)
    if rule:
        rows = rows.filter(rule=rule)
    return [
        {
            "id": a.pk,
            "rule": a.rule,
            "name": str(anomalies.RULES[a.rule].name) if a.rule in anomalies.RULES else a.rule,
            "explanation": str(anomalies.RULES[a.rule].explanation)
            if a.rule in anomalies.RULES
            else "",
            "code": a.code,
            "enterprise_id": a.enterprise_id,
            "region_code": a.region_code,
            "evidence": a.evidence,
            "status": a.status,
            "created_at": a.created_at.isoformat(),
        }
        for a in rows[: max(1, min(limit, 1000))]
    ]
