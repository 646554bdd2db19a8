"""The inspection API under /api/v1/inspection/.

Regulators list and read the inspections of their jurisdiction (and of their teams), submit a
field checklist (JSON, or multipart with photos) with an idempotency key, record the outcome
and review rectifications; an enterprise (session or API token with the right `respond`)
reads its inspections and submits its rectification. Every refusal is an RFC 7807 problem.
"""

from __future__ import annotations

from django.urls import reverse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from yaojian.core.schemas import paginate_queryset, with_problems
from yaojian.inspection import schemas, selectors, services, workflows
from yaojian.inspection.draws.api import router as draws_router

router = Router(tags=["inspection"])
router.add_router("/", draws_router)

WRITE_PROBLEMS = (400, 401, 403, 404, 409, 422)
MB = 1024 * 1024


def _detail(user, inspection) -> dict:
    items = selectors.items_of(inspection)
    regulator = bool(getattr(user, "is_regulator", False))
    return {
        **{
            f: getattr(inspection, f)
            for f in schemas.InspectionBase.model_fields
            if hasattr(inspection, f)
        },
        "enterprise_name": inspection.enterprise.name,
        "kind_label": str(inspection.get_kind_display()),
        "status_label": str(inspection.get_status_display()),
        "checklist": inspection.checklist.name,
        "team": [str(m) for m in inspection.team.all()] if regulator else [],
        "lead": str(inspection.lead) if (regulator and inspection.lead) else None,
        "reason": inspection.reason if regulator else "",
        "summary": inspection.summary,
        "acknowledged_by": inspection.acknowledged_by,
        "acknowledged_at": inspection.acknowledged_at,
        "decision_note": inspection.decision_note,
        "rectification_days": inspection.rectification_days,
        "case_ref": inspection.case_ref if regulator else "",
        "results": [
            {
                "item": item.code,
                "text": item.text,
                "rule": item.rule,
                "key_item": item.key_item,
                "result": item.answer.result if item.answer else None,
                "note": item.answer.note if item.answer else "",
            }
            for item in items
        ],
        "findings": [
            {
                "item": f.item.code if f.item else None,
                "grade": f.grade,
                "rule": f.rule,
                "note": f.note,
            }
            for f in inspection.findings.select_related("item")
        ],
        "photos": [
            {
                "id": p.pk,
                "caption": p.caption,
                "content_type": p.content_type,
                "size": p.size,
                "sm3": p.sm3,
                "url": reverse("inspection:photo", args=[p.pk]),
            }
            for p in inspection.photos.all()
        ],
        "rectifications": [
            {
                "id": r.pk,
                "statement": r.statement,
                "submitted_at": r.submitted_at,
                "on_time": r.on_time,
                "decision": r.decision,
                "reason": r.reason,
                "files": [reverse("inspection:evidence", args=[e.pk]) for e in r.evidence.all()],
            }
            for r in inspection.rectifications.prefetch_related("evidence")
        ],
        "steps": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor_name if regulator else "",
                "at": e.at,
                "note": e.note if regulator else "",
            }
            for e in inspection.events.all()
        ],
        "actions": [t.action for t in workflows.available(user, inspection)],
    }


def _fresh(request, inspection_id: int) -> dict:
    return _detail(request.auth, selectors.inspection_get(request.auth, inspection_id))


@router.get(
    "/inspections",
    response=with_problems(schemas.InspectionPage, 401, 422),
    summary="Inspections: a regulator's jurisdiction and teams, or an enterprise's own",
)
def inspection_list(request, filters: Query[schemas.InspectionFilters]):
    rows = selectors.inspection_list(
        request.auth,
        status=filters.status,
        kind=filters.kind,
        origin=filters.origin,
        q=filters.q,
        due=filters.due,
        mine=filters.mine,
    ).order_by("-created_at", "-pk")
    return paginate_queryset(rows, filters)


@router.get(
    "/inspections/{int:inspection_id}",
    response=with_problems(schemas.InspectionDetailOut),
    summary="One inspection with its results, findings, photos, rectifications and steps",
)
def inspection_detail(request, inspection_id: int):
    return _fresh(request, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/start",
    response=with_problems(schemas.InspectionDetailOut, *WRITE_PROBLEMS),
    summary="Start the inspection on site (a member of the team)",
)
def inspection_start(request, inspection_id: int):
    services.inspection_start(actor=request.auth, inspection_id=inspection_id)
    return _fresh(request, inspection_id)


def _submitted(request, inspection_id: int, payload: schemas.InspectionChecklistIn, photos) -> dict:
    submission = services.inspection_submit_checklist(
        actor=request.auth,
        inspection_id=inspection_id,
        key=payload.key,
        results={code: answer.dict() for code, answer in payload.results.items()},
        findings=[finding.dict() for finding in payload.findings],
        acknowledgement=payload.acknowledgement.dict(),
        summary=payload.summary,
        photos=photos,
    )
    return {
        "status": "already_recorded" if submission.already_recorded else "recorded",
        "inspection": _fresh(request, inspection_id),
    }


@router.post(
    "/inspections/{int:inspection_id}/checklist",
    response=with_problems(schemas.InspectionSubmissionOut, *WRITE_PROBLEMS),
    summary="Submit the field checklist (idempotent by its key)",
)
def checklist_submit(request, inspection_id: int, payload: schemas.InspectionChecklistIn):
    """A second submission with the same key stores nothing and answers `already_recorded`."""
    return _submitted(request, inspection_id, payload, [])


@router.post(
    "/inspections/{int:inspection_id}/checklist/with-photos",
    response=with_problems(schemas.InspectionSubmissionOut, *WRITE_PROBLEMS),
    summary="Submit the field checklist with photos (multipart: `payload` JSON and `photos`)",
)
def checklist_submit_with_photos(
    request,
    inspection_id: int,
    form: Form[schemas.InspectionPhotosForm],
    photos: File[list[UploadedFile]] = None,
):
    from django.utils.translation import gettext as _

    from yaojian.core.errors import ValidationFailed

    selectors.inspection_get(request.auth, inspection_id)  # 404 before anything else
    data = services.parse_payload(form.payload)
    try:
        parsed = schemas.InspectionChecklistIn.model_validate(data)
    except Exception as error:  # pydantic's error, reported on the payload field
        raise ValidationFailed.field(
            "payload", _("The form data is not valid: %(e)s") % {"e": str(error)[:300]}
        ) from None
    files = [
        services.PhotoIn(name=(f.name or "photo")[:200], data=f.read(services.PHOTO_MAX_BYTES + 1))
        for f in (photos or [])
    ]
    return _submitted(request, inspection_id, parsed, files)


@router.post(
    "/inspections/{int:inspection_id}/outcome",
    response=with_problems(schemas.InspectionDetailOut, *WRITE_PROBLEMS),
    summary="Record the outcome: pass, rectification (working days) or referral",
)
def outcome(request, inspection_id: int, payload: schemas.InspectionOutcomeIn):
    services.inspection_decide(
        actor=request.auth,
        inspection_id=inspection_id,
        outcome=payload.outcome,
        note=payload.note,
        days=payload.days,
    )
    return _fresh(request, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/rectification",
    response=with_problems(schemas.InspectionDetailOut, *WRITE_PROBLEMS),
    summary="The enterprise submits its rectification (multipart: `statement` and `files`)",
)
def rectification_submit(
    request,
    inspection_id: int,
    payload: Form[schemas.InspectionRectificationIn],
    files: File[list[UploadedFile]] = None,
):
    services.rectification_submit(
        actor=request.auth,
        inspection_id=inspection_id,
        statement=payload.statement,
        files=[
            services.FileIn(
                name=(f.name or "file")[:200], data=f.read(services.EVIDENCE_MAX_BYTES + 1)
            )
            for f in (files or [])
        ],
    )
    return _fresh(request, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/rectification/accept",
    response=with_problems(schemas.InspectionDetailOut, *WRITE_PROBLEMS),
    summary="Accept the rectification: the inspection is closed",
)
def rectification_accept(
    request, inspection_id: int, payload: schemas.InspectionReviewIn | None = None
):
    services.rectification_accept(
        actor=request.auth, inspection_id=inspection_id, note=payload.note if payload else ""
    )
    return _fresh(request, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/rectification/return",
    response=with_problems(schemas.InspectionDetailOut, *WRITE_PROBLEMS),
    summary="Return the rectification with the reason (optionally a new period)",
)
def rectification_return(request, inspection_id: int, payload: schemas.InspectionReturnIn):
    services.rectification_return(
        actor=request.auth, inspection_id=inspection_id, reason=payload.reason, days=payload.days
    )
    return _fresh(request, inspection_id)


@router.get(
    "/checklists",
    response=with_problems(list[schemas.InspectionChecklistOut], 401),
    summary="The checklists with their items",
)
def checklist_list(request):
    return list(selectors.checklist_list(request.auth).prefetch_related("items"))
