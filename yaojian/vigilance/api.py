"""The adverse-reaction API under /api/v1/vigilance/."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import File, Query, Router
from ninja.files import UploadedFile

from yaojian.core import masking
from yaojian.core.errors import NotFound
from yaojian.core.schemas import query_date, with_problems, xml_document
from yaojian.vigilance import data as casedata
from yaojian.vigilance import schemas, selectors, services
from yaojian.vigilance.e2b import export_cases
from yaojian.vigilance.e2b.imports import batch_import
from yaojian.vigilance.signals.api import router as signals_router

router = Router(tags=["vigilance"])


def _out(case) -> dict:
    return {
        "id": case.pk,
        "case_number": case.case_number,
        "safety_report_id": case.safety_report_id,
        "source": case.source,
        "status": case.status,
        "serious": case.serious,
        "fatal": case.fatal,
        "received_date": case.received_date,
        "report_deadline": case.report_deadline,
        "review_deadline": case.review_deadline,
        "reported_late": case.reported_late,
        "version": case.current_version.number if case.current_version_id else 0,
    }


def _user(request):
    user = request.auth
    if not (user.is_regulator or user.is_enterprise_user):
        raise NotFound()
    return user


@router.post(
    "/cases", response=with_problems(schemas.AdrCaseOut, 401, 403, 422), summary="Submit a case"
)
def case_submit(request, payload: schemas.CaseIn):
    """A new case (an enterprise or medical institution with the report right)."""
    user = _user(request)
    case = services.case_submit(actor=user, data=payload.dict())
    return _out(case)


@router.post(
    "/cases/{case_id}/follow-ups",
    response=with_problems(schemas.AdrCaseOut, 401, 403, 404, 409, 422),
    summary="Submit a follow-up (a new version of the case)",
)
def case_follow_up(request, case_id: int, payload: schemas.CaseIn):
    user = _user(request)
    case = services.case_follow_up(actor=user, case_id=case_id, data=payload.dict())
    return _out(case)


@router.get(
    "/cases", response=with_problems(list[schemas.AdrCaseOut], 401), summary="Cases in scope"
)
def case_list(request, filters: Query[schemas.AdrCaseFilters]):
    user = _user(request)
    cases = selectors.case_list(
        user,
        status=filters.status[:20],
        serious=filters.serious[:20],
        since=query_date(filters.since, "since"),
        until=query_date(filters.until, "until"),
    )
    return [_out(c) for c in cases[filters.offset : filters.offset + filters.limit]]


@router.get(
    "/cases/{case_id}", response=with_problems(schemas.AdrCaseDetailOut, 401, 404), summary="A case"
)
def case_detail(request, case_id: int):
    user = _user(request)
    case = selectors.case_get(user, case_id)
    version = selectors.version_full(case.current_version_id)
    content = casedata.from_version(version)
    return {
        **_out(case),
        "patient": masking.mask_name(version.patient_name),
        "patient_sex": version.patient_sex,
        "reactions": content["reactions"],
        "drugs": content["drugs"],
        "causalities": [
            {
                "drug": x.drug_position,
                "reaction": x.reaction_position,
                "by": x.assessor_kind,
                "scale": x.scale,
                "result": x.result,
            }
            for x in case.causalities.order_by("pk")
        ],
        "narrative": version.narrative,
    }


@router.get(
    "/cases/{case_id}/e2b",
    response=with_problems(None, 401, 404),
    openapi_extra=xml_document("The case's current version as an E2B(R3) batch"),
    summary="A case as E2B(R3) XML",
)
def case_e2b(request, case_id: int):
    user = _user(request)
    case = selectors.case_get(user, case_id)
    return HttpResponse(export_cases([case.current_version]), content_type="application/xml")


@router.get(
    "/e2b/export",
    response=with_problems(None, 401, 422),
    openapi_extra=xml_document("The active cases received in the period, at most 5000"),
    summary="Cases received in a period as one E2B(R3) batch",
)
def period_e2b(request, period: Query[schemas.E2bPeriodParams]):
    user = _user(request)
    cases = selectors.case_list(
        user,
        status="active",
        since=query_date(period.since, "since"),
        until=query_date(period.until, "until"),
    )
    return HttpResponse(
        export_cases([c.current_version for c in cases[:5000]]), content_type="application/xml"
    )


@router.post(
    "/e2b/import",
    response=with_problems(schemas.BatchOut, 401, 403, 422),
    summary="Import an E2B(R3) batch",
)
def e2b_import(request, file: UploadedFile = File(...)):  # noqa: B008
    """Returns the batch with its acknowledgement (MCCI_IN200101UV01): AA, AE or AR."""
    user = _user(request)
    batch = batch_import(actor=user, content=file.read(), file_name=file.name or "")
    return {
        "id": batch.pk,
        "batch_number": batch.batch_number,
        "ack_code": batch.ack_code,
        "error": batch.error,
        "results": batch.results,
        "ack_xml": batch.ack_xml,
    }


router.add_router("/", signals_router)
