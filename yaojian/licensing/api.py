"""The service hall over HTTP: /api/v1/licensing/…

Enterprises (an API token with the rights `apply` and `respond`, or the logged-in session)
create drafts, fill the form, attach materials, submit, withdraw and answer a correction;
regulators take the workflow's steps under /applications/{id}/actions/…. Every write calls
the same service as the pages; every refusal is an RFC 7807 problem.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from yaojian.core.errors import ValidationFailed
from yaojian.core.schemas import Problem, paginate_queryset, with_problems
from yaojian.licensing import forms, queries, schemas, selectors, services
from yaojian.licensing.config import materials_of

router = Router(tags=["licensing"])

WRITE_PROBLEMS = (400, 401, 403, 404, 409, 422)  # 400: a body that is not JSON
MB = 1024 * 1024
UPLOAD_CEILING = 50 * MB


def _written(codes=WRITE_PROBLEMS):
    return with_problems(schemas.ApplicationDetailOut, *codes)


def detail(user, application) -> dict:
    """The computed parts of one application as the API shows it to this caller."""
    view = selectors.application_view(user, application)
    regulator = bool(getattr(user, "is_regulator", False))
    steps = [
        {
            "action": event.action,
            "label": queries.step_label(event.action),
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor": event.actor_name,
            "at": event.at,
            "note": event.note if regulator or event.action in queries.APPLICANT_NOTES else "",
            "data": event.data if regulator or event.action == "request_correction" else {},
        }
        for event in view["events"]
    ]
    prechecks = queries.precheck_rows(application)
    if not regulator:
        prechecks = [item for item in prechecks if item.get("code") == "completeness"]
    actions = (
        queries.page_actions(user, application, view)
        if regulator
        else queries.enterprise_actions(user, application)
    )
    return {
        "form_data": application.form_data or {},
        "form_display": queries.form_rows(application),
        "materials": view["materials"],
        "missing": queries.missing_items(application) if queries.editable(application) else [],
        "steps": steps,
        "clock": view["clock"],
        "committed_clock": view["committed_clock"],
        "acceptance_due": view["acceptance_due"],
        "correction": view["correction"],
        "pauses": view["pauses"],
        "extension": view["extension"],
        "prechecks": prechecks,
        "decision_reasons": application.decision_reasons,
        "decision_basis": application.decision_basis,
        "decided_at": application.decided_at,
        "actions": actions,
    }


class _Detail:
    """An application with the computed parts of its API view (steps, clock, …) on top."""

    def __init__(self, application, extra: dict) -> None:
        self._application = application
        self.__dict__.update(extra)

    def __getattr__(self, name: str):
        return getattr(self._application, name)


def _fresh(request, application_id: int) -> _Detail:
    application = selectors.application_get(request.auth, application_id)
    return _Detail(application, detail(request.auth, application))


# --- the catalogue --------------------------------------------------------------------------------


@router.get(
    "/matters",
    response=with_problems(list[schemas.MatterOut], 422),
    auth=None,
    summary="The catalogue of matters open for applications",
)
def matter_list(request):
    """Every matter with its legal basis, time limits, materials and form fields (no login)."""
    return list(selectors.matter_list(None))


# --- applications -----------------------------------------------------------------------------------


@router.get(
    "/applications",
    response=with_problems(schemas.ApplicationPage, 401, 422),
    summary="Applications: an enterprise's own, or those handled in a regulator's jurisdiction",
)
def application_list(request, filters: Query[schemas.ApplicationFilters]):
    applications = selectors.application_list(
        request.auth, status=filters.status, matter=filters.matter, query=filters.q, due=filters.due
    ).select_related("licence")
    return paginate_queryset(queries.sort_applications(applications, filters.sort), filters)


@router.get(
    "/applications/{int:application_id}",
    response=with_problems(schemas.ApplicationDetailOut),
    summary="One application with its steps, clock, materials and the steps the caller may take",
)
def application_detail(request, application_id: int):
    return _fresh(request, application_id)


@router.post(
    "/applications",
    response={
        201: schemas.ApplicationDetailOut,
        **with_problems(schemas.ApplicationDetailOut, 400, 401, 403, 404, 422),
    },
    summary="Create a draft, filled in from the register",
)
def application_create(request, payload: schemas.ApplicationCreateIn):
    application = services.application_create(
        actor=request.auth, matter_code=payload.matter, licence_number=payload.licence_number
    )
    return Status(201, _fresh(request, application.pk))


@router.put(
    "/applications/{int:application_id}/form",
    response=_written(),
    summary="Save the form of a draft or of an application under correction",
)
def application_form(request, application_id: int, payload: schemas.FormIn):
    """The whole form: fields left out are emptied. Values are checked as on the page
    (types, choices, lengths, patterns); missing ones are reported in `missing`."""
    user = request.auth
    application = selectors.application_get(user, application_id)
    queries.require_right_to_edit(user, application, "licensing.application.save")
    errors = forms.json_type_errors(application.matter, payload.form)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors=errors)
    data = {key: ("" if value is None else value) for key, value in payload.form.items()}
    form = forms.ApplicationForm(
        {**data, "route": payload.route, "promise": payload.promise},
        matter=application.matter,
        licences=queries.own_licences(user, application.matter),
    )
    if not form.is_valid():
        raise ValidationFailed(
            _("Some fields are not valid."),
            errors={field: [str(m) for m in messages] for field, messages in form.errors.items()},
        )
    services.application_save(
        actor=user, application_id=application.pk, form_data=form.form_data(), route=payload.route
    )
    return _fresh(request, application.pk)


@router.post(
    "/applications/{int:application_id}/materials",
    response={201: schemas.MaterialOut, **with_problems(schemas.MaterialOut, *WRITE_PROBLEMS)},
    summary="Attach a file to one material (PDF, JPEG or PNG, judged by its content)",
)
def material_upload(
    request,
    application_id: int,
    payload: Form[schemas.MaterialIn],
    file: File[UploadedFile | None] = None,
):
    application = selectors.application_get(request.auth, application_id)
    if file is None:
        raise ValidationFailed.field("file", _("Choose a file to upload."))
    queries.require_right_to_edit(request.auth, application, "licensing.material.upload")
    spec = next((m for m in materials_of(application.matter) if m.code == payload.code), None)
    ceiling = spec.max_mb * MB if spec else UPLOAD_CEILING
    material = services.material_upload(
        actor=request.auth,
        application_id=application.pk,
        code=payload.code,
        name=(file.name or "file")[:200],
        data=file.read(ceiling + 1),
    )
    return Status(201, material)


@router.delete(
    "/applications/{int:application_id}/materials/{int:material_id}",
    response={204: None, **{code: Problem for code in WRITE_PROBLEMS}},
    summary="Remove an attached file from a draft or a correction",
)
def material_delete(request, application_id: int, material_id: int):
    application = selectors.application_get(request.auth, application_id)
    queries.require_right_to_edit(request.auth, application, "licensing.material.delete")
    services.material_delete(
        actor=request.auth, application_id=application_id, material_id=material_id
    )
    return Status(204, None)


@router.post(
    "/applications/{int:application_id}/submit",
    response=_written(),
    summary="Submit: the pre-checks run; a matter decided at once may be issued now",
)
def application_submit(request, application_id: int):
    services.application_submit(actor=request.auth, application_id=application_id)
    return _fresh(request, application_id)


@router.post("/applications/{int:application_id}/withdraw", response=_written(), summary="Withdraw")
def application_withdraw(request, application_id: int, payload: schemas.WithdrawIn | None = None):
    services.application_withdraw(
        actor=request.auth, application_id=application_id, reason=payload.reason if payload else ""
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/corrections-answer",
    response=_written(),
    summary="Send the corrections the bureau asked for (after saving the form and materials)",
)
def application_answer(request, application_id: int, payload: schemas.AnswerIn | None = None):
    services.application_answer_correction(
        actor=request.auth, application_id=application_id, note=payload.note if payload else ""
    )
    return _fresh(request, application_id)


# --- the regulators' steps -----------------------------------------------------------------------


@router.post(
    "/applications/{int:application_id}/actions/accept",
    response=_written(),
    summary="Accept: the statutory clock starts",
)
def accept(request, application_id: int):
    services.application_accept(actor=request.auth, application_id=application_id)
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/request_correction",
    response=_written(),
    summary="The one correction notice, listing every item at once",
)
def request_correction(request, application_id: int, payload: schemas.RequestCorrectionIn):
    services.application_request_correction(
        actor=request.auth,
        application_id=application_id,
        items=[item.model_dump() for item in payload.items],
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/not_accept",
    response=_written(),
    summary="Do not accept, with reasons and legal basis",
)
def not_accept(request, application_id: int, payload: schemas.NotAcceptIn):
    services.application_not_accept(
        actor=request.auth,
        application_id=application_id,
        reasons=payload.reasons,
        basis=payload.basis,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/start_inspection",
    response=_written(),
    summary="Send for on-site inspection (the clock pauses)",
)
def start_inspection(
    request, application_id: int, payload: schemas.StartInspectionIn | None = None
):
    services.application_start_inspection(
        actor=request.auth, application_id=application_id, note=payload.note if payload else ""
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/finish_inspection",
    response=_written(),
    summary="Record the inspection (the clock runs again)",
)
def finish_inspection(request, application_id: int, payload: schemas.FinishInspectionIn):
    services.application_finish_inspection(
        actor=request.auth,
        application_id=application_id,
        passed=payload.passed,
        report=payload.report,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/finish_review",
    response=_written(),
    summary="Finish the technical review",
)
def finish_review(request, application_id: int, payload: schemas.FinishReviewIn):
    services.application_finish_review(
        actor=request.auth, application_id=application_id, opinion=payload.opinion
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/decide",
    response=_written(),
    summary="Approve (the licence is registered and issued electronically) or refuse",
)
def decide(request, application_id: int, payload: schemas.DecideIn):
    services.application_decide(
        actor=request.auth,
        application_id=application_id,
        approve=payload.approve,
        reasons=payload.reasons,
        basis=payload.basis,
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/request_extension",
    response=_written(),
    summary="Ask a leader for the one extension of 10 working days",
)
def request_extension(request, application_id: int, payload: schemas.ExtensionIn):
    services.extension_request(
        actor=request.auth, application_id=application_id, reason=payload.reason
    )
    return _fresh(request, application_id)


@router.post(
    "/applications/{int:application_id}/actions/approve_extension",
    response=_written(),
    summary="Approve the extension (leaders)",
)
def approve_extension(request, application_id: int):
    services.extension_approve(actor=request.auth, application_id=application_id)
    return _fresh(request, application_id)
