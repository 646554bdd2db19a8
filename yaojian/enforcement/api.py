"""The penalty cases over HTTP: /api/v1/enforcement/…

Regulators list the cases of their jurisdiction, read one with its clock and steps, and take
the workflow's steps (`POST /cases/{id}/actions/{action}` with the fields of the step's form,
parsed by the same form as the page); enterprises read their own cases from the rights notice
on, state their case, request a hearing, apply for early removal. Every refusal is an RFC 7807
problem.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from yaojian.core.errors import NotFound, ValidationFailed
from yaojian.core.pages import api_regulator as _regulator
from yaojian.core.schemas import paginate_queryset, with_problems
from yaojian.enforcement import actions, publishing, schemas, selectors, services
from yaojian.registry.models import Enterprise

router = Router(tags=["enforcement"])
WRITE = (400, 401, 403, 404, 409, 422)


class _Detail:
    """A case with the computed parts of its API view (clock, steps, actions) on top."""

    def __init__(self, case, extra: dict) -> None:
        self._case = case
        self.__dict__.update(extra)

    def __getattr__(self, name: str):
        return getattr(self._case, name)


def _detail(user, case) -> _Detail:
    view = selectors.case_view(user, case)
    state = view["clock"]
    regulator = bool(getattr(user, "is_regulator", False))
    data: dict = {}
    data["clock"] = (
        {
            "limit": state.limit,
            "kind": state.kind,
            "deadline": state.deadline,
            "remaining": state.remaining,
            "overdue": state.overdue,
            "paused": state.paused,
            "paused_days": state.paused_days,
            "extension": state.extension,
        }
        if state
        else None
    )
    data["steps"] = [
        {
            "action": e.action,
            "label": str(actions.step_label(e.action)),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor_name if regulator else "",
            "at": e.at,
            "note": e.note if regulator else "",
        }
        for e in view["events"]
    ]
    data["actions"] = actions.available(user, case) if regulator else []
    return _Detail(case, data)


@router.get(
    "/cases",
    response=with_problems(schemas.CasePage, 401, 422),
    summary="Penalty cases in the caller's scope",
)
def case_list(request, filters: Query[schemas.CaseFilters]):
    cases = selectors.case_list(
        request.auth, status=filters.status, source=filters.source, due=filters.due, query=filters.q
    )
    return paginate_queryset(cases, filters)


@router.get(
    "/cases/{int:case_id}",
    response=with_problems(schemas.CaseDetailOut),
    summary="One case with its clock, steps and the steps the caller may take",
)
def case_detail(request, case_id: int):
    return _detail(request.auth, selectors.case_get(request.auth, case_id))


@router.post(
    "/cases/{int:case_id}/actions/{action}",
    response={204: None, **with_problems(schemas.CaseDetailOut, *WRITE)},
    summary="Take a step of the workflow (regulators)",
)
def case_act(request, case_id: int, action: str, payload: schemas.ActionIn):
    """`data` holds the step's form fields, as on the case page: e.g. `notify` takes provision,
    discretion, fine, warning, served_on…; `decide` also reasons. Evidence is uploaded with
    `POST /cases/{id}/evidence`. A step that hands the case away from the caller's jurisdiction
    (`decline_transfer`, back to the sending bureau) answers 204 with no body."""
    user = _regulator(request)
    case = selectors.case_get(user, case_id)
    spec = actions.ACTIONS.get(action)
    if spec is None or spec.multipart:
        raise NotFound(_("Unknown step."))
    data = {f"{action}-{key}": value for key, value in payload.data.items()}
    # checkboxes and multiple choices as a browser would post them
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, bool):
            if value:
                query[key] = "on"
        elif isinstance(value, list):
            query.setlist(key, [str(v) for v in value])
        elif value is not None:
            query[key] = str(value)
    form = actions.bound_form(action, case, query)
    if not form.is_valid():
        raise ValidationFailed(
            _("Some fields are not valid."),
            errors={field: [str(m) for m in messages] for field, messages in form.errors.items()},
        )
    spec.run(user, case, form)
    try:
        case = selectors.case_get(user, case_id)
    except NotFound:  # no longer the caller's to read
        return Status(204, None)
    return _detail(user, case)


@router.post(
    "/cases/{int:case_id}/evidence",
    response={201: schemas.CaseDetailOut, **with_problems(schemas.CaseDetailOut, *WRITE)},
    summary="Add evidence (multipart; PDF, JPEG or PNG judged by content)",
)
def evidence_add(
    request,
    case_id: int,
    payload: Form[schemas.EvidenceIn],
    file: File[UploadedFile | None] = None,
):
    user = _regulator(request)
    case = selectors.case_get(user, case_id)
    services.evidence_add(
        actor=user,
        case_id=case.pk,
        kind=payload.kind,
        title=payload.title,
        name=(file.name or "")[:200] if file else "",
        data=file.read(services.MAX_EVIDENCE_BYTES + 1) if file else None,
    )
    return Status(201, _detail(user, selectors.case_get(user, case_id)))


@router.post(
    "/cases/{int:case_id}/statement",
    response=with_problems(schemas.CaseDetailOut, *WRITE),
    summary="The party states its case (within 5 working days)",
)
def statement(request, case_id: int, payload: schemas.StatementIn):
    services.statement_submit(
        actor=request.auth, case_id=case_id, text=payload.text, waives_rest=payload.waives_rest
    )
    return _detail(request.auth, selectors.case_get(request.auth, case_id))


@router.post(
    "/cases/{int:case_id}/hearing-request",
    response=with_problems(schemas.CaseDetailOut, *WRITE),
    summary="The party requests a hearing (within 5 working days)",
)
def hearing_request(request, case_id: int):
    services.hearing_request(actor=request.auth, case_id=case_id)
    return _detail(request.auth, selectors.case_get(request.auth, case_id))


@router.post(
    "/cases/{int:case_id}/removal",
    response=with_problems(schemas.CaseDetailOut, *WRITE),
    summary="The party applies for early removal of the publication",
)
def removal(request, case_id: int, payload: schemas.ReasonIn):
    publishing.removal_apply(actor=request.auth, case_id=case_id, reason=payload.reason)
    return _detail(request.auth, selectors.case_get(request.auth, case_id))


@router.get(
    "/sources",
    response=with_problems(list[schemas.SourceOut], 401, 422),
    summary="Clues in the regulator's jurisdiction",
)
def source_list(request, status: str = "pending"):
    return list(selectors.source_list(request.auth, status=status[:20])[:500])


@router.post(
    "/sources",
    response={201: schemas.SourceOut, **with_problems(schemas.SourceOut, *WRITE)},
    summary="Register a clue with the enterprise's competent bureau",
)
def source_register(request, payload: schemas.SourceIn):
    user = _regulator(request)
    enterprise = Enterprise.objects.filter(uscc=payload.enterprise_uscc.upper()).first()
    if enterprise is None:
        raise ValidationFailed.field(
            "enterprise_uscc", _("No enterprise with this code in the register.")
        )
    source = services.case_register_source(
        actor=user,
        enterprise=enterprise,
        source_kind=payload.source_kind,
        source_ref=payload.source_ref,
        summary=payload.summary,
        found_on=payload.found_on,
    )
    return Status(201, source)


@router.get(
    "/figures",
    response=with_problems(schemas.FiguresOut, 401, 404),
    summary="Case figures for leaders",
)
def figures(request):
    data = selectors.figures(_regulator(request))
    return {
        **{
            k: data[k]
            for k in (
                "total",
                "overdue",
                "near",
                "sources_overdue",
                "publication_overdue",
                "average_decision_days",
                "average_closure_days",
            )
        },
        "by_status": [
            {"key": v, "label": str(label), "count": n} for v, label, n in data["by_status"]
        ],
        "by_source": [
            {"key": v, "label": str(label), "count": n} for v, label, n in data["by_source"]
        ],
        "by_region": [
            {"key": r["code"], "label": r["name"], "count": r["n"]} for r in data["by_region"]
        ],
    }
