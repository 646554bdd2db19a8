"""The GS1 EPCIS 2.0 REST binding under /epcis/ (capture, capture jobs, events, per-EPC events).

Capture needs an enterprise API token with the right to report traceability data
(`Authorization: Bearer yj_…`); queries accept the token or the logged-in session. Errors are
RFC 7807 problems whose `errors` name the event (its index and eventID) and the field.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from yaojian.core.errors import AuthenticationRequired, DomainError, ValidationFailed
from yaojian.trace import selectors
from yaojian.trace.choices import JobStatus
from yaojian.trace.services import capture as capture_service

PROBLEM = "application/problem+json"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
VERSION_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}


def _problem(error: DomainError) -> JsonResponse:
    response = JsonResponse(error.as_problem(), status=error.status, content_type=PROBLEM)
    return _headers(response)


def _headers(response: HttpResponse) -> HttpResponse:
    for key, value in VERSION_HEADERS.items():
        response[key] = value
    return response


def _principal(request: HttpRequest, *, token_only: bool = False) -> Any:
    """The caller: an enterprise token, or (for reading) the logged-in user."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        from yaojian.accounts.principal import MachinePrincipal
        from yaojian.accounts.services import token_authenticate

        return MachinePrincipal(token_authenticate(header[7:].strip()))
    if not token_only and request.user.is_authenticated:
        return request.user
    raise AuthenticationRequired(_("Send an API token as 'Authorization: Bearer yj_…'."))


def endpoint(view):
    """Map domain errors to problems in one place, for every view of the binding."""

    def wrapped(request, *args, **kwargs):
        try:
            return _headers(view(request, *args, **kwargs))
        except DomainError as error:
            return _problem(error)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _job_document(job) -> dict[str, Any]:
    running = job.status in (JobStatus.PENDING, JobStatus.RUNNING)
    return {
        "captureID": str(job.id),
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "running": running,
        "success": None if running else job.status == JobStatus.SUCCEEDED,
        "captureErrorBehaviour": "rollback" if job.rollback else "proceed",
        "status": job.status,
        "eventsTotal": job.events_total,
        "eventsStored": job.events_stored,
        "eventsAlreadyStored": job.events_duplicate,
        "eventsRefused": job.events_refused,
        "epcs": job.epcs,
        "errors": job.problems,
    }


@endpoint
@require_http_methods(["GET", "POST"])
def capture(request: HttpRequest) -> HttpResponse:
    """POST: capture a document (202 + Location of the job). GET: the caller's capture jobs."""
    if request.method == "GET":
        user = _principal(request)
        jobs = selectors.capture_jobs(user)[:100]
        return JsonResponse([_job_document(job) for job in jobs], safe=False)
    actor = _principal(request, token_only=True)
    behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").lower()
    if behaviour not in ("rollback", "proceed"):
        raise ValidationFailed.field(
            "GS1-Capture-Error-Behaviour", _("Give rollback or proceed."), code="capture_behaviour"
        )
    job = capture_service.capture_submit(
        actor=actor,
        stream=request,
        content_type=request.content_type or request.headers.get("Content-Type", ""),
        rollback=behaviour == "rollback",
    )
    location = reverse("epcis:capture_job", args=[job.pk])
    response = HttpResponse(status=202)
    response["Location"] = location
    response["GS1-Capture-Job-ID"] = str(job.pk)
    return response


@endpoint
@require_http_methods(["GET"])
def capture_job(request: HttpRequest, job_id) -> HttpResponse:
    job = selectors.capture_job_get(_principal(request), job_id)
    return JsonResponse(_job_document(job))


class NotAcceptable(DomainError):
    code = "not_acceptable"
    status = 406
    title = gettext_lazy("The answer cannot be given in the media type asked for")


# What the query side can answer, in the server's order of preference (JSON-LD is the default).
QUERY_MEDIA_TYPES = ("application/ld+json", "application/json", "application/xml", "text/xml")
XML_MEDIA_TYPES = frozenset(("application/xml", "text/xml"))


def _accept_ranges(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The quality the client gives ``offer``: the most specific matching range decides."""
    kind = offer.split("/")[0]
    best, specificity = 0.0, -1
    for media, quality in ranges:
        if media == offer:
            rank = 2
        elif media == f"{kind}/*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = quality, rank
    return best


def _negotiate(request: HttpRequest) -> str:
    """The media type of a query answer, from the Accept header (RFC 9110 content negotiation).

    No Accept header (or ``*/*``) gives JSON-LD, as before. ``application/json`` and
    ``application/ld+json`` give the same JSON document under the type asked for;
    ``application/xml`` and ``text/xml`` give the EPCIS 2.0 XML query document. A header that
    accepts none of these is refused with 406 Not Acceptable, as the EPCIS 2.0 REST binding's
    OpenAPI description lists for the query endpoints (the problem itself is JSON).
    """
    header = request.headers.get("Accept", "").strip()
    if not header:
        return QUERY_MEDIA_TYPES[0]
    ranges = _accept_ranges(header)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(QUERY_MEDIA_TYPES)]
    quality, _order, offer = max(scored)
    if quality <= 0:
        raise NotAcceptable(
            _("Ask for %(types)s.") % {"types": ", ".join(QUERY_MEDIA_TYPES)},
            errors={"Accept": [_("%(value)s cannot be answered.") % {"value": header[:200]}]},
        )
    return offer


def _answer(request: HttpRequest, media: str, found, token: str | None) -> HttpResponse:
    """A page of query results in the negotiated media type, with the paging Link header."""
    if media in XML_MEDIA_TYPES:
        from yaojian.trace.epcis.xmlout import query_document

        namespaces = selectors.document_namespaces(found)
        body = query_document(
            [(event.published(), namespaces.get(event.pk)) for event in found], creation_date=_now()
        )
        response = HttpResponse(body, content_type=f"{media}; charset=utf-8")
    else:
        document = {
            "@context": [CONTEXT],
            "type": "EPCISQueryDocument",
            "schemaVersion": "2.0",
            "creationDate": _now(),
            "epcisBody": {
                "queryResults": {
                    "queryName": "SimpleEventQuery",
                    "resultsBody": {"eventList": [event.published() for event in found]},
                }
            },
        }
        response = JsonResponse(document, content_type=media)
    response["Vary"] = "Accept"
    if token:
        params = request.GET.copy()
        params["nextPageToken"] = token
        url = request.build_absolute_uri(request.path) + "?" + urlencode(params, doseq=True)
        response["Link"] = f'<{url}>; rel="next"'
    return response


def _now() -> str:
    from django.utils import timezone

    return timezone.now().isoformat()


@endpoint
@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    """GET: SimpleEventQuery with paging. POST: capture one event (201 + Location)."""
    if request.method == "POST":
        actor = _principal(request, token_only=True)
        try:
            event = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            raise ValidationFailed.field(
                "body", _("The body is not valid JSON."), code="json_syntax"
            ) from None
        if not isinstance(event, dict) or event.get("type") not in selectors.EVENT_TYPES:
            raise ValidationFailed.field(
                "type",
                _("Send one EPCIS event (ObjectEvent, AggregationEvent, …) as the body."),
                code="schema",
            )
        job = capture_service.capture_event(actor=actor, event=event)
        if job.status != JobStatus.SUCCEEDED:
            error = capture_service.CaptureRefused(
                "; ".join(p["message"] for p in job.problems[:3]) or _("The event was refused.")
            )
            error.errors = {p["field"] or "": [p["message"]] for p in job.problems[:20]}
            return _problem(error)
        stored = job.events_stored == 1
        response = JsonResponse(
            {
                "stored": stored,
                "alreadyStored": job.events_duplicate == 1,
                "captureID": str(job.pk),
            },
            status=201 if stored else 200,
        )
        if event.get("eventID"):
            response["Location"] = reverse("epcis:event", args=[event["eventID"]])
        return response
    media = _negotiate(request)
    user = _principal(request)
    found, token = selectors.event_query(user, request.GET.dict())
    return _answer(request, media, found, token)


@endpoint
@require_http_methods(["GET"])
def event(request: HttpRequest, event_id: str) -> HttpResponse:
    """One event: its JSON body as stored, with our recordTime; in XML a query document holding that one event
    (an event element alone is no document the EPCIS XSD accepts)."""
    media = _negotiate(request)
    found, _token = selectors.event_query(_principal(request), {"EQ_eventID": event_id})
    if not found:
        from yaojian.core.errors import NotFound

        raise NotFound()
    if media in XML_MEDIA_TYPES:
        return _answer(request, media, found[:1], None)
    response = JsonResponse(found[0].published(), content_type=media)
    response["Vary"] = "Accept"
    return response


@endpoint
@require_http_methods(["GET"])
def epc_events(request: HttpRequest, epc: str) -> HttpResponse:
    media = _negotiate(request)
    params = request.GET.dict()
    params["MATCH_anyEPC"] = epc
    found, token = selectors.event_query(_principal(request), params)
    return _answer(request, media, found, token)
