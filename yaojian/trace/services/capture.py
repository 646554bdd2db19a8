"""EPCIS capture: store a document durably, then validate and apply its events.

`capture_submit` writes the document to disk and records a job before anything is answered,
so an acknowledged capture survives a crash; `capture_run` (a background task) streams the
document, validates every event, refuses what the sender may not report, stores each event
once (the same eventID, or the same canonical hash, is "already stored") and moves the codes.

Rollback mode (the default, `GS1-Capture-Error-Behaviour: rollback`) stores nothing when any
event is invalid or refused; proceed mode stores every acceptable event and lists the others.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight
from yaojian.audit import services as audit
from yaojian.core.dbstats import refresh_statistics
from yaojian.core.errors import DomainError, PermissionDenied, ValidationFailed
from yaojian.core.heap import frozen_heap
from yaojian.trace import epcis
from yaojian.trace.choices import JobStatus
from yaojian.trace.models import Anomaly, Batch, CaptureJob, CodeState, Event, EventCode
from yaojian.trace.services import alerts
from yaojian.trace.services.apply import (
    Codes,
    Refusal,
    StateBook,
    bare,
    chunks,
    event_time,
    insert_rows,
    values_where_in,
)
from yaojian.trace.services.prepare import Prepared, prepared_chunks, prepared_chunks_aside

CHUNK = 500
CONTENT_TYPES = frozenset(
    {"application/json", "application/ld+json", "application/xml", "text/xml"}
)
COPY_BUFFER = 1 << 20


class DocumentTooLarge(DomainError):
    code = "too_large"
    status = 413
    title = gettext_lazy("The document is too large")


class CaptureRefused(DomainError):
    code = "capture_refused"
    status = 422


def max_bytes() -> int:
    return int(getattr(settings, "YAOJIAN_EPCIS_MAX_BYTES", 200 * 1024 * 1024))


def prepare_aside_from() -> int | None:
    """Documents of this many bytes or more are prepared in a second process (None: never)."""
    return getattr(settings, "YAOJIAN_EPCIS_PREPARE_ASIDE_BYTES", 1024 * 1024)


def inbox() -> Path:
    path = Path(settings.VAR_DIR) / "trace" / "inbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_trace_right(actor: Any) -> Any:
    if not getattr(actor, "is_enterprise_user", False) or not actor.has_enterprise_right(
        EnterpriseRight.TRACE
    ):
        audit.record_denied(actor, "trace.capture", "no right to report traceability data")
        raise PermissionDenied(
            _(
                "Only an enterprise account or token with the right to report traceability data may capture events."
            )
        )
    return actor.enterprise


def capture_submit(
    *,
    actor: Any,
    stream: IO[bytes],
    content_type: str,
    rollback: bool = True,
    channel: str = "epcis",
    run: bool = True,
) -> CaptureJob:
    """Keep the document on disk and record the job; the work runs in the background."""
    enterprise = require_trace_right(actor)
    content_type = (content_type or "application/json").split(";")[0].strip().lower()
    if content_type not in CONTENT_TYPES:
        raise ValidationFailed.field(
            "Content-Type",
            _("Send EPCIS documents as application/json, application/ld+json or application/xml."),
            code="unsupported_media_type",
        )
    job = CaptureJob(
        sender=enterprise,
        region_code=enterprise.region_code,
        submitted_by=str(getattr(actor, "username", actor))[:150],
        channel=channel,
        content_type=content_type,
        rollback=rollback,
    )
    target = inbox() / f"{job.id}.doc"
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    try:
        with target.open("wb") as out:
            while chunk := stream.read(COPY_BUFFER):
                size += len(chunk)
                if size > limit:
                    raise DocumentTooLarge(
                        _("The document is larger than %(mb)d MB: split it into several captures.")
                        % {"mb": limit // (1024 * 1024)}
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size == 0:
        target.unlink(missing_ok=True)
        raise ValidationFailed.field("body", _("The document is empty."), code="empty")
    job.path, job.size, job.sha256 = str(target), size, digest.hexdigest()
    with transaction.atomic():
        job.save()
        audit.record(actor=actor, action="trace.capture.submit", obj=job, detail=f"{size} bytes")
        if run:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: Any) -> None:
    from yaojian.trace.tasks import run_capture

    run_capture.enqueue(str(job_id))


def _problem(index: int | None, event_id: str, field: str, code: str, message: str) -> dict:
    return {
        "eventIndex": index,
        "eventID": event_id,
        "field": field,
        "code": code,
        "message": str(message),
    }


def _events(job: CaptureJob) -> Iterator[tuple[int, dict, dict]]:
    """(index, event, namespace prefixes of the document) for every event, streamed.

    The prefixes come from a first pass over the header: a JSON document may declare its
    @context after its events."""
    declared = job.namespaces or {}
    with open(job.path, "rb") as stream:
        events = epcis.iter_events(
            stream, job.content_type, prefix=getattr(job, "_event_prefix", None)
        )
        for index, event in events:
            yield index, event, {**declared, **events.namespaces}


def _envelope_problems(job: CaptureJob) -> list[dict]:
    with open(job.path, "rb") as stream:
        header = epcis.document_header(stream, job.content_type)
    job.namespaces = dict(header.namespaces)
    job._event_prefix = header.event_prefix  # type: ignore[attr-defined]
    return [
        _problem(p.event_index, p.event_id, p.field, p.code, p.message)
        for p in epcis.validate_document_envelope(header)
    ]


def capture_run(job_id: Any) -> CaptureJob:
    """Process one job (idempotent: a finished job is left as it is)."""
    with transaction.atomic():
        job = CaptureJob.objects.select_for_update().select_related("sender").get(pk=job_id)
        if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return job
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    # a province's first captures grow these tables by orders of magnitude: plan on fresh
    # statistics (a few cheap queries; re-analyses only a table that outgrew its statistics)
    refresh_statistics([m._meta.db_table for m in (CodeState, Event, EventCode, Batch, Anomaly)])
    problems: list[dict] = []
    counts = {"total": 0, "stored": 0, "duplicate": 0, "refused": 0, "epcs": 0}
    try:
        problems.extend(_envelope_problems(job))
        if problems:
            pass
        elif job.rollback:
            # One pass: every event is validated before its chunk is stored, all in one
            # transaction that rolls back when any event is invalid or refused. The outcome is
            # that of validating the whole document first: an invalid event anywhere stores
            # nothing and reports only the structural problems (up to 100) with no counts.
            invalid: list[dict] = []
            refused: list[dict] = []
            try:
                with transaction.atomic():
                    _store_all(job, refused, counts, proceed=False, invalid=invalid)
                    if invalid or refused:
                        transaction.set_rollback(True)
            except epcis.DocumentInvalid:
                problems.extend(invalid)
                counts.update(dict.fromkeys(counts, 0))
                raise
            if invalid:
                problems.extend(invalid)
                counts.update(dict.fromkeys(counts, 0))
            else:
                problems.extend(refused)
        else:
            _store_all(job, problems, counts, proceed=True)
    except epcis.DocumentInvalid as invalid:
        problems.extend(
            _problem(p.event_index, p.event_id, p.field, p.code, p.message)
            for p in invalid.problems
        )
    failed = bool(problems) and (job.rollback or counts["total"] == 0)
    job.status = (
        JobStatus.FAILED
        if failed or (problems and counts["stored"] == 0 and counts["duplicate"] == 0)
        else JobStatus.SUCCEEDED
    )
    if failed:
        counts["stored"] = counts["duplicate"] = counts["epcs"] = 0
    job.events_total = counts["total"]
    job.events_stored = counts["stored"]
    job.events_duplicate = counts["duplicate"]
    job.events_refused = counts["refused"]
    job.epcs = counts["epcs"]
    job.problems = problems[:1000]
    job.finished_at = timezone.now()
    job.save()
    return job


@frozen_heap()  # a large capture allocates enough to set off many full collections
def _store_all(
    job: CaptureJob,
    problems: list[dict],
    counts: dict,
    *,
    proceed: bool,
    invalid: list[dict] | None = None,
) -> None:
    """Store the document's events chunk by chunk, each chunk read, validated and hashed
    first (`prepare`).

    Proceed mode stores the valid events and counts the invalid ones as refused. Rollback mode
    (`invalid` given) stops storing at the first invalid event (or the first refusal, in
    `problems`), and still reads and validates the rest of the document, so that `invalid`
    lists the structural problems of the whole document (up to 100), as a validation pass
    before storing would."""
    book = StateBook(job.sender)
    batch: list[Prepared] = []
    storing = True
    aside = prepare_aside_from()
    if aside is not None and job.size >= aside:
        source = prepared_chunks_aside(lambda: _events(job), CHUNK)
    else:
        source = prepared_chunks(_events(job), CHUNK)
    for chunk in source:
        book.parses.update(chunk.parses)
        for item in chunk.items:
            if item.problems:
                found = [
                    _problem(item.index, item.event.get("eventID", ""), p.field, p.code, p.message)
                    for p in item.problems
                ]
                if invalid is None:  # proceed: refused, the rest goes on
                    counts["total"] += 1
                    counts["refused"] += 1
                    problems.extend(found)
                    continue
                storing = False
                invalid.extend(found)
                if len(invalid) >= 100:
                    del invalid[100:]
                    return
            if not storing:
                continue
            batch.append(item)
            if len(batch) >= CHUNK:
                _store_chunk(job, book, batch, problems, counts, proceed=proceed)
                batch = []
                if problems and not proceed:
                    if invalid is None:
                        return
                    storing = False
    if batch and storing:
        _store_chunk(job, book, batch, problems, counts, proceed=proceed)


def _store_chunk(
    job: CaptureJob,
    book: StateBook,
    prepared: list[Prepared],
    problems: list[dict],
    counts: dict,
    *,
    proceed: bool,
) -> None:
    """Store a chunk of valid events (already hashed, their codes parsed)."""
    counts["total"] += len(prepared)
    ids = [p.event.get("eventID") for p in prepared if p.event.get("eventID")]
    hashes = [p.digest for p in prepared]
    known_ids = dict(values_where_in(Event, ("event_id", "event_hash"), "event_id", ids))
    known_hashes = {h for (h,) in values_where_in(Event, ("event_hash",), "event_hash", hashes)}
    book.load((p.event, p.named) for p in prepared)
    new_events: list[NewEvent] = []
    links: list[tuple[NewEvent, Codes]] = []
    now = timezone.now()
    with transaction.atomic():
        for item in prepared:
            index, event, digest, named = item.index, item.event, item.digest, item.named
            event_id = event.get("eventID") or None
            if digest in known_hashes or (event_id and known_ids.get(event_id) == digest):
                counts["duplicate"] += 1
                continue
            if event_id and event_id in known_ids:
                if event.get("errorDeclaration"):
                    Event.objects.filter(event_id=event_id).update(
                        corrected_by=str(event["errorDeclaration"].get("declarationTime", ""))[:200]
                    )
                    counts["stored"] += 1
                    continue
                counts["refused"] += 1
                problems.append(
                    _problem(
                        index,
                        event_id,
                        "eventID",
                        "event_id_conflict",
                        _("Another, different event with the eventID %(id)s is already stored.")
                        % {"id": event_id},
                    )
                )
                if not proceed:
                    return
                continue
            try:
                book.check(event, named)
                at = event_time(event)
            except Refusal as refusal:
                counts["refused"] += 1
                problems.append(
                    _problem(index, event_id or "", refusal.field, refusal.code, refusal.message)
                )
                if not proceed:
                    return
                continue
            stored = NewEvent(
                {
                    "event_id": event_id,
                    "event_hash": digest,
                    "type": str(event.get("type", ""))[:24],
                    "action": str(event.get("action", ""))[:8],
                    "biz_step": bare(event.get("bizStep"))[:200],
                    "disposition": bare(event.get("disposition"))[:200],
                    "event_time": at,
                    "read_point": str((event.get("readPoint") or {}).get("id", ""))[:200],
                    "biz_location": str((event.get("bizLocation") or {}).get("id", ""))[:200],
                    "sender_id": job.sender_id,
                    "region_code": job.region_code,
                    "job_id": job.pk,
                    "body": event,
                    "record_time": now,
                    "corrected_by": "",
                }
            )
            book.apply(event, named, stored)
            new_events.append(stored)
            links.append((stored, named))
            known_hashes.add(digest)
            if event_id:
                known_ids[event_id] = digest
            counts["stored"] += 1
            counts["epcs"] += len(named.instances())
        _insert_events(new_events)
        for anomaly in book.anomalies:
            if anomaly.raised_by is not None:
                anomaly.event_id = anomaly.raised_by.pk
        # plain tuples, not EventCode instances: bulk_create's value-by-value SQL building
        # cost more than the insert itself (the Events above needed their ids back)
        insert_rows(
            EventCode,
            ("event_id", "code", "role"),
            (
                (stored.pk, code[:200], role)
                for stored, named in links
                for code, role in named.named()
            ),
        )
        raised = list(book.anomalies)
        book.flush()
        alerts.publish(raised)
    book.forget()


# Every column of an event but its id, by attribute name (foreign keys as their *_id).
EVENT_FIELDS = tuple(f.attname for f in Event._meta.concrete_fields if not f.primary_key)
_event_row = operator.itemgetter(*EVENT_FIELDS)


class NewEvent:
    """An event this chunk stores: its column values, and its id once inserted. A plain
    object, not an Event: building a model instance (every field's descriptor, the init
    signals) cost a tenth of a commissioning capture, for a row written once and never
    read back as an object."""

    __slots__ = ("pk", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values, self.pk = values, None


def _insert_events(events: list[NewEvent]) -> None:
    """Insert new events as plain rows (COPY on PostgreSQL), then give them their ids, read
    back by their hashes (unique): bulk_create built its SQL value by value and, on
    PostgreSQL, could not use COPY."""
    if not events:
        return
    insert_rows(Event, EVENT_FIELDS, (_event_row(event.values) for event in events))
    by_hash = {event.values["event_hash"]: event for event in events}
    for chunk in chunks(list(by_hash)):
        for digest, pk in values_where_in(Event, ("event_hash", "id"), "event_hash", chunk):
            by_hash[digest].pk = pk
    missing = [event for event in events if event.pk is None]
    if missing:  # pragma: no cover - the rows were just inserted in this transaction
        raise RuntimeError(f"{len(missing)} events inserted without an id")


def capture_event(*, actor: Any, event: dict, content_type: str = "application/json") -> CaptureJob:
    """POST /epcis/events: one event, captured at once (still through a job, for the record)."""
    import io
    import json

    body = json.dumps(event, ensure_ascii=False).encode()
    job = capture_submit(actor=actor, stream=io.BytesIO(body), content_type=content_type, run=False)
    return capture_run(job.pk)


def pending_jobs() -> list[Any]:
    """Jobs acknowledged but not finished after a crash: waiting for 5 minutes, or running
    for 30 (a run that died with its process; its transaction was rolled back)."""
    from datetime import timedelta

    from django.db.models import Q

    now = timezone.now()
    stale = Q(status=JobStatus.PENDING, created_at__lt=now - timedelta(minutes=5)) | Q(
        status=JobStatus.RUNNING, started_at__lt=now - timedelta(minutes=30)
    )
    return list(CaptureJob.objects.filter(stale).values_list("pk", flat=True))
