"""The draw API under /api/v1/inspection/: plans, draws (with seed and results), recomputation.

Regulators only (session or token of a regulator); every read is scoped by jurisdiction, so a
county sees its own plans and a plan outside the caller's jurisdiction is a 404.
"""

from __future__ import annotations

from ninja import Router

from yaojian.core.pages import api_regulator as _regulator
from yaojian.core.schemas import with_problems
from yaojian.inspection.draws import schemas, selectors, services

router = Router(tags=["inspection"])


def _plan(plan) -> dict:
    return {
        "id": plan.pk,
        "number": plan.number,
        "title": plan.title,
        "year": plan.year,
        "bureau": plan.bureau.name,
        "region_code": plan.region_code,
        "status": plan.status,
        "team_size": plan.team_size,
        "max_load": plan.max_load,
        "grade_weights": plan.grade_weights,
        "filed_at": plan.filed_at,
        "decided_at": plan.decided_at,
    }


def _draw(draw, selected: int | None = None) -> dict:
    return {
        "id": draw.pk,
        "number": draw.number,
        "plan": draw.plan.number,
        "batch": draw.batch,
        "title": draw.title,
        "status": draw.status,
        "seed": draw.seed,
        "algorithm": draw.algorithm,
        "inputs_digest": draw.inputs_digest,
        "result_digest": draw.result_digest,
        "drawn_at": draw.drawn_at,
        "inspect_by": draw.inspect_by,
        "completed_on": draw.completed_on,
        "results_due": draw.results_due,
        "results_published_at": draw.results_published_at,
        "results_overdue": draw.results_overdue,
        "selected": selected if selected is not None else getattr(draw, "selected", 0),
    }


@router.get("/plans", response=with_problems(list[schemas.PlanOut]), summary="Plans in scope")
def plan_list(request, year: int | None = None, status: str = "", limit: int = 200):
    user = _regulator(request)
    plans = selectors.plan_list(user, year=year, status=status[:10])
    return [_plan(p) for p in plans[: max(1, min(limit, 1000))]]


@router.get(
    "/plans/{plan_id}",
    response=with_problems(schemas.PlanDetailOut),
    summary="A plan and its draws",
)
def plan_detail(request, plan_id: int):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    return {
        **_plan(plan),
        "items": [
            {
                "code": pi.item.code,
                "name": pi.item.name,
                "kind": pi.item.kind,
                "ratio": None if pi.ratio is None else f"{pi.ratio:.2f}",
                "enterprise_kinds": pi.item.enterprise_kinds,
                "legal_basis": pi.item.legal_basis,
            }
            for pi in plan.plan_items.select_related("item")
        ],
        "draws": [_draw(d) for d in selectors.draw_list(user, plan=plan)],
    }


@router.post(
    "/plans/{plan_id}/draws",
    response=with_problems(schemas.DrawOut, 400, 401, 403, 404, 409, 422),
    summary="Draw a batch under an approved plan",
)
def plan_draw(request, plan_id: int, payload: schemas.DrawIn):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    draw = services.draw_run(
        actor=user, plan_id=plan.pk, title=payload.title, inspect_by=payload.inspect_by
    )
    return _draw(draw, draw.selections.count())


@router.get(
    "/draws/{draw_id}",
    response=with_problems(schemas.DrawDetailOut),
    summary="A draw: seed, algorithm, digests and every drawn enterprise with its team",
)
def draw_detail(request, draw_id: int):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    rows = selectors.selections(user, draw)
    return {
        **_draw(draw, len(rows)),
        "selections": [
            {
                "position": s.position,
                "enterprise_id": s.enterprise_id,
                "enterprise": s.enterprise.name,
                "uscc": s.enterprise.uscc,
                "region_code": s.enterprise.region_code,
                "grade": s.grade,
                "items": s.items,
                "lead_id": s.lead_id,
                "team": s.team,
                "outcome": s.outcome,
                "inspected_on": s.inspected_on,
                "result_on": s.result_on,
                "inspection": s.task_ref,
            }
            for s in rows
        ],
    }


@router.get(
    "/draws/{draw_id}/inputs",
    response=with_problems(dict),
    summary="The exact recorded inputs of a draw (to recompute it elsewhere)",
)
def draw_inputs(request, draw_id: int):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    return {"seed": draw.seed, "algorithm": draw.algorithm, "inputs": draw.inputs}


@router.post(
    "/draws/{draw_id}/verify",
    response=with_problems(schemas.VerificationOut),
    summary="Recompute a draw from its record and compare",
)
def draw_verify(request, draw_id: int):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    check = services.draw_verify(actor=user, draw_id=draw.pk)
    return {
        "draw": draw.number,
        "identical": check.identical,
        "difference": check.difference,
        "count": check.count,
    }
