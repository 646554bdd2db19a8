"""The sampling API under /api/v1/sampling/.

Regulators read the plans and tasks of their jurisdiction (and the tasks sent to their
bureau's laboratory), record sampling and enter laboratory results; an enterprise (session or
API token with the `view` / `respond` rights) reads its own sampled products and requests a
re-test within the statutory window. Every write calls the same service as the pages; every
refusal is an RFC 7807 problem.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from yaojian.core.errors import NotFound, ValidationFailed
from yaojian.core.schemas import paginate_queryset, with_problems
from yaojian.sampling import schemas, selectors, services

router = Router(tags=["sampling"])

WRITE = (400, 401, 403, 404, 409, 422)


class _Detail:
    """A task with the computed parts of its API view on top."""

    def __init__(self, task, extra: dict) -> None:
        self._task = task
        self.__dict__.update(extra)

    def __getattr__(self, name: str):
        return getattr(self._task, name)


def _detail(user, task) -> _Detail:
    regulator = bool(getattr(user, "is_regulator", False))
    sample = getattr(task, "sample", None)
    show_results = regulator or task.served_on is not None
    return _Detail(
        task,
        dict(
            results=list(task.results.prefetch_related("items").select_related("lab"))
            if show_results
            else [],
            handovers=list(sample.handovers.all()) if sample else [],
            events=list(task.events.all()) if regulator else [],
            price_paid=sample.price_paid if sample else None,
        ),
    )


@router.get(
    "/plans", response=with_problems(list[schemas.SamplingPlanOut], 401), summary="Sampling plans"
)
def plan_list(request):
    """Plans of the regulator's jurisdiction and of the bureaus above it."""
    return list(selectors.plans_visible(request.auth).prefetch_related("lines")[:500])


@router.get("/plans/{plan_id}", response=with_problems(schemas.SamplingPlanOut, 401, 404))
def plan_get(request, plan_id: int):
    return selectors.plan_get(request.auth, plan_id)


@router.get(
    "/tasks",
    response=with_problems(schemas.TaskPage, 401, 422),
    summary="Sampling tasks: a regulator's jurisdiction, or an enterprise's own sampled products",
)
def task_list(request, filters: Query[schemas.TaskFilters]):
    tasks = selectors.task_list(
        request.auth, status=filters.status, category=filters.category, query=filters.q
    )
    return paginate_queryset(tasks, filters)


@router.get("/tasks/{task_id}", response=with_problems(schemas.TaskDetailOut, 401, 404))
def task_get(request, task_id: int):
    return _detail(request.auth, selectors.task_get(request.auth, task_id))


@router.post(
    "/tasks/{task_id}/sample-record",
    response=with_problems(schemas.TaskDetailOut, *WRITE),
    summary="The sampling record (a sampler named on the task)",
)
def sample_record(request, task_id: int, body: schemas.SampleIn):
    services.sample_record(actor=request.auth, task_id=task_id, **body.dict())
    return _detail(request.auth, selectors.task_get(request.auth, task_id))


@router.post(
    "/tasks/{task_id}/results",
    response=with_problems(schemas.TaskDetailOut, *WRITE),
    summary="The laboratory's result (first test or re-test)",
)
def result_enter(request, task_id: int, body: schemas.ResultIn):
    services.result_enter(
        actor=request.auth,
        task_id=task_id,
        report_number=body.report_number,
        tested_on=body.tested_on,
        items=[item.dict() for item in body.items],
    )
    return _detail(request.auth, selectors.task_get(request.auth, task_id))


@router.post(
    "/tasks/{task_id}/retest-request",
    response=with_problems(schemas.TaskDetailOut, *WRITE),
    summary="The enterprise requests a re-test (within 7 working days of the result)",
)
def retest_request(request, task_id: int, body: schemas.RetestIn):
    services.retest_request(
        actor=request.auth, task_id=task_id, reason=body.reason, lab_id=body.lab_id
    )
    return _detail(request.auth, selectors.task_get(request.auth, task_id))


@router.get(
    "/failure-rates",
    response=with_problems(list[schemas.RateOut], 401, 404),
    summary="Failure rates by product category (regulators)",
)
def failure_rates(request, year: int | None = None):
    if not getattr(request.auth, "is_regulator", False):
        raise NotFound()
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed.field("year", _("Enter a year from 2000 to 2100."))
    return selectors.failure_rates(request.auth, year=year)
