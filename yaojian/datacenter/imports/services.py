"""Writes of the bulk import: upload, check (background), commit (background), run again.

    upload ─▶ queued ─▶ checking ─▶ checked ─(commit)─▶ writing ─▶ imported
                           └──────────┴──────────────────────┴──▶ failed (reason) ─(run again)─▶ queued

The upload refuses at once what cannot be imported at all (size, type, columns, no rows)
and stores nothing then. Everything else is said per row in the preview. The commit checks
the rows again against the register as it is at that moment (outside the write lock, and
again inside it if the register changed meanwhile), then writes them in one transaction
through `registry.services.bulk`: all of them or none.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yaojian.audit import services as audit
from yaojian.core import tables as reading
from yaojian.core.errors import Conflict, DomainError, ValidationFailed
from yaojian.core.scoping import get_visible
from yaojian.datacenter.imports import columns, progress
from yaojian.datacenter.imports.selectors import job_is_stalled
from yaojian.datacenter.models import (
    CommitMode,
    ImportJob,
    ImportRow,
    ImportStatus,
    RowOutcome,
)
from yaojian.registry.services import bulk
from yaojian.registry.services.common import require_registry_role

logger = logging.getLogger(__name__)
SAVE_BATCH = 2000


def max_bytes() -> int:
    return getattr(settings, "YAOJIAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "YAOJIAN_IMPORT_MAX_ROWS", 100_000)


# --- upload --------------------------------------------------------------------------------------


@audit.audited("datacenter.import.upload")
def import_upload(*, actor: Any, register: str, file: Any, language: str = "zh-hans") -> ImportJob:
    """Accept a file for checking, or refuse it with the reason (and store nothing)."""
    require_registry_role(actor, "datacenter.import.upload")
    spec = columns.get(register)
    if file is None:
        raise ValidationFailed.field("file", _("Choose a file (.xlsx or .csv)."))
    limit = max_bytes()
    if file.size > limit:
        raise reading.refused(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            "import_too_large",
        )
    data = file.read(limit + 1)
    if len(data) > limit:
        raise reading.refused(
            _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)},
            "import_too_large",
        )
    file_format = reading.sniff(data)
    table = reading.open_table(data, file_format, sheet=spec.sheet)
    mapping = spec.match_header(table.headers)
    rows = table.rows(max_rows())
    if next(rows, None) is None:
        raise reading.refused(_("The file has column headers but no rows."), "import_empty")
    if file_format == reading.CSV:
        for _row in rows:  # cheap for a CSV: refuse too many rows at once
            pass
    name = PurePath(str(getattr(file, "name", "") or "upload")).name[:255]
    job = ImportJob(
        register=spec.key,
        file_name=name,
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_format=file_format,
        encoding=table.encoding,
        columns=mapping,
        language=language or "zh-hans",
        region_code=actor.bureau.region_code,
        created_by=actor,
    )
    job.file.save(f"upload.{file_format}", ContentFile(data), save=False)
    job.save()
    audit.record(
        actor=actor,
        action="datacenter.import.upload",
        obj=job,
        detail=f"{spec.key}: {name} ({len(data)} bytes)",
    )
    transaction.on_commit(partial(_enqueue_check, job.pk))
    return job


def _enqueue_check(job_id: int) -> None:
    from yaojian.datacenter.imports.tasks import validate_import

    validate_import.enqueue(job_id)


def _enqueue_commit(job_id: int) -> None:
    from yaojian.datacenter.imports.tasks import commit_import

    commit_import.enqueue(job_id)


# --- the rows of a file as the registers' rows -------------------------------------------------


def to_row(
    spec: columns.Register, mapping: Sequence[Sequence[str]], number: int, cells
) -> bulk.Row:
    """One row of the file: values converted by column, errors of the cells themselves."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for index, cell in enumerate(cells):
        if not cell.text:
            continue
        header, key = mapping[index] if index < len(mapping) else ("", "")
        if not key:
            if columns.normalise_header(header) not in columns.ERRORS_HEADERS:
                errors.setdefault("", []).append(
                    _(
                        "A value in a column without a header (column %(column)s): give the "
                        "column a header or delete the value."
                    )
                    % {"column": _column_letter(index)}
                )
            continue
        if cell.problem == "formula":
            errors[key] = [
                _(
                    "A formula is not a value: type the value itself (or copy the cells and "
                    "paste them as values)."
                )
            ]
            continue
        if cell.problem == "long_number":
            errors[key] = [
                _(
                    "This long number was stored as a number and has lost digits: format the "
                    "column as text and type it again."
                )
            ]
            continue
        try:
            values[key] = spec.column(key).convert(cell.text)
        except ValueError as error:
            errors[key] = [str(error)]
    if spec.example_key and spec.example_key not in errors:
        example = spec.column(spec.example_key)
        if example.example and values.get(spec.example_key) == example.convert(example.example):
            errors[spec.example_key] = [
                _("This is the template's example row: delete it, or replace it with real data.")
            ]
    return bulk.Row(number=number, values=values, errors=errors)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _headers(spec: columns.Register, mapping) -> dict[str, str]:
    """Field → the column's header as the user's file writes it (else the template's)."""
    names = {column.key: column.zh for column in spec.columns}
    names.update({key: header for header, key in mapping if key})
    return names


def _row_errors(headers: dict[str, str], outcome: bulk.Outcome) -> list[dict[str, str]]:
    return [
        {"column": headers.get(name, name), "field": name, "message": message}
        for name, messages in outcome.errors.items()
        for message in messages
    ]


def _row_changes(headers: dict[str, str], outcome: bulk.Outcome) -> dict[str, list]:
    return {headers.get(name, name): values for name, values in outcome.changes.items()}


# --- checking (run by the task) ------------------------------------------------------------------


def import_validate(job_id: int) -> None:
    """Read and check a job's file; keep every row with what it would do or why it cannot."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.VALIDATING):
        return
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.VALIDATING, error="")
    with translation.override(job.language):
        try:
            _validate(job)
        except DomainError as error:
            _fail(job_id, reason(error))
        except Exception as error:
            logger.exception("import %s: the check failed", job_id)
            _fail(job_id, _unexpected(error))
            raise
        finally:
            progress.clear(job_id)


def _validate(job: ImportJob) -> None:
    spec = columns.REGISTERS[job.register]
    with job.file.open("rb") as handle:
        data = handle.read()
    table = reading.open_table(data, job.file_format, sheet=spec.sheet)
    mapping = spec.match_header(table.headers)
    expected = table.row_count_hint or 0
    read: list[tuple[int, list[reading.Cell]]] = []
    for number, cells in table.rows(max_rows()):
        read.append((number, cells))
        if len(read) % 1000 == 0:
            progress.report(job.pk, "reading", len(read), max(expected, len(read)))
    rows = [to_row(spec, mapping, number, cells) for number, cells in read]
    outcomes = bulk.prepare(
        job.register,
        job.created_by,
        rows,
        progress=lambda done, total: progress.report(job.pk, "checking", done, total),
    )
    headers = _headers(spec, mapping)
    records = [
        ImportRow(
            job=job,
            number=number,
            cells=[cell.text for cell in cells],
            outcome=outcome.action,
            errors=_row_errors(headers, outcome),
            changes=audit.jsonable(_row_changes(headers, outcome)),
        )
        for (number, cells), outcome in zip(read, outcomes, strict=True)
    ]
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.VALIDATING:
            return
        job.rows.all().delete()
        for start in range(0, len(records), SAVE_BATCH):
            ImportRow.objects.bulk_create(records[start : start + SAVE_BATCH])
            progress.report(job.pk, "saving", start + SAVE_BATCH, len(records))
        _count(job, [o.action for o in outcomes])
        job.columns = mapping
        job.status = ImportStatus.VALIDATED
        job.validated_at = timezone.now()
        job.error = ""
        job.save()


def _count(job: ImportJob, actions: Sequence[str]) -> None:
    job.total_rows = len(actions)
    job.error_rows = sum(1 for a in actions if a == bulk.ERROR)
    job.create_rows = sum(1 for a in actions if a == bulk.CREATE)
    job.update_rows = sum(1 for a in actions if a == bulk.UPDATE)
    job.unchanged_rows = sum(1 for a in actions if a == bulk.UNCHANGED)


def reason(error: DomainError) -> str:
    messages = [m for ms in error.errors.values() for m in ms]
    return " ".join(messages) if messages else str(error.detail)


def _unexpected(error: Exception) -> str:
    return _(
        "Stopped on an unexpected error (%(error)s). Nothing was written to the registers. "
        "Run it again; if it fails again, tell the system administrator."
    ) % {"error": type(error).__name__}


def _fail(job_id: int, reason: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, error=reason[:4000])


# --- commit ------------------------------------------------------------------------------------


@audit.audited("datacenter.import.commit")
def import_commit(*, actor: Any, job_id: int, mode: str) -> ImportJob:
    """Ask for a checked import to be written: all valid rows, or all or nothing."""
    require_registry_role(actor, "datacenter.import.commit")
    job = get_visible(ImportJob.objects.select_for_update(), actor, pk=job_id)
    if mode not in CommitMode.values:
        raise ValidationFailed.field("mode", _("Choose how to commit."))
    if job.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
        raise Conflict(
            _(
                "This import was already committed: a file is committed once. To import it "
                "again, upload it again."
            ),
            code="import_already_committed",
        )
    if job.status != ImportStatus.VALIDATED:
        raise Conflict(
            _("This import cannot be committed while it is “%(status)s”.")
            % {"status": job.get_status_display()},
            code="import_not_ready",
        )
    if mode == CommitMode.ALL_OR_NOTHING and job.error_rows:
        raise ValidationFailed.field(
            "mode",
            ngettext(
                "Refused: %(count)d row has errors and you chose all or nothing. Nothing was "
                "written. Correct the file and upload it again, or commit the valid rows only.",
                "Refused: %(count)d rows have errors and you chose all or nothing. Nothing was "
                "written. Correct the file and upload it again, or commit the valid rows only.",
                job.error_rows,
            )
            % {"count": job.error_rows},
            code="import_has_errors",
        )
    if job.valid_rows == 0:
        raise ValidationFailed.field(
            "mode", _("No row is valid: there is nothing to commit."), code="import_nothing_valid"
        )
    job.status = ImportStatus.COMMITTING
    job.commit_mode = mode
    job.committed_by = actor
    job.commit_requested_at = timezone.now()
    job.error = ""
    job.save(
        update_fields=["status", "commit_mode", "committed_by", "commit_requested_at", "error"]
    )
    transaction.on_commit(partial(_enqueue_commit, job.pk))
    return job


def import_apply(job_id: int) -> None:
    """Write a job's valid rows to the register (run by the task)."""
    job = ImportJob.objects.select_related("committed_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.COMMITTING:
        return
    with translation.override(job.language):
        try:
            _apply(job)
        except DomainError as error:
            _fail(job_id, reason(error))
        except Exception as error:
            logger.exception("import %s: the commit failed", job_id)
            _fail(job_id, _unexpected(error))
            raise
        finally:
            progress.clear(job_id)


def _apply(job: ImportJob) -> None:
    spec = columns.REGISTERS[job.register]
    actor = job.committed_by
    # rows found invalid by the check stay so (their cells may have held formulas); the
    # others are checked again against the register as it is now: first outside the write
    # lock, and again inside it only if the register changed meanwhile
    stored = list(job.rows.order_by("number"))
    candidates = [r for r in stored if r.outcome != RowOutcome.ERROR]
    rows = [
        to_row(spec, job.columns, r.number, [reading.Cell(text) for text in r.cells])
        for r in candidates
    ]

    def check(lock: bool) -> list[bulk.Outcome]:
        return bulk.prepare(
            job.register,
            actor,
            rows,
            lock=lock,
            formats_checked=True,
            progress=lambda done, total: progress.report(job.pk, "rechecking", done, total),
        )

    seen = bulk.fingerprint(job.register)
    outcomes = check(lock=False)
    bulk.make_ready(job.register, outcomes)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.COMMITTING:
            return
        if bulk.fingerprint(job.register) != seen:
            outcomes = check(lock=True)
        headers = _headers(spec, job.columns)
        changed = []
        for record, outcome in zip(candidates, outcomes, strict=True):
            if outcome.action != record.outcome or outcome.errors:
                record.outcome = outcome.action
                record.errors = _row_errors(headers, outcome)
                record.changes = audit.jsonable(_row_changes(headers, outcome))
                changed.append(record)
        ImportRow.objects.bulk_update(
            changed, ["outcome", "errors", "changes"], batch_size=SAVE_BATCH
        )
        now_invalid = sum(1 for o in outcomes if o.action == bulk.ERROR)
        if now_invalid and job.commit_mode == CommitMode.ALL_OR_NOTHING:
            _count(job, [r.outcome for r in stored])
            job.status = ImportStatus.VALIDATED
            job.error = ngettext(
                "Refused: %(count)d row became invalid since the check (the register changed "
                "meanwhile). Nothing was written. Look at it, then commit again.",
                "Refused: %(count)d rows became invalid since the check (the register changed "
                "meanwhile). Nothing was written. Look at them, then commit again.",
                now_invalid,
            ) % {"count": now_invalid}
            job.save()
            return
        counts = bulk.apply(
            job.register,
            actor,
            outcomes,
            note=_("Import #%(id)s (%(file)s)") % {"id": job.pk, "file": job.file_name},
            audit_object=job,
            progress=lambda done, total: progress.report(job.pk, "writing", done, total),
        )
        _count(job, [r.outcome for r in stored])
        job.created_count = counts.created
        job.updated_count = counts.updated
        job.unchanged_count = counts.unchanged
        job.skipped_count = len(stored) - len(candidates) + counts.skipped
        job.status = ImportStatus.COMMITTED
        job.committed_at = timezone.now()
        job.error = ""
        job.save()


# --- run again ---------------------------------------------------------------------------------


@audit.audited("datacenter.import.retry")
def import_retry(*, actor: Any, job_id: int) -> ImportJob:
    """Check an import's stored file again: after a failure, or when its worker died (no sign
    of life for half an hour). A commit that did not finish wrote nothing (one transaction)."""
    require_registry_role(actor, "datacenter.import.retry")
    job = get_visible(ImportJob.objects.select_for_update(), actor, pk=job_id)
    if job.status != ImportStatus.FAILED and not job_is_stalled(job):
        raise Conflict(
            _("Only a failed or stalled import can be run again."), code="import_not_failed"
        )
    job.status = ImportStatus.QUEUED
    job.error = ""
    job.commit_mode = ""
    job.committed_by = None
    job.commit_requested_at = None
    job.save(
        update_fields=["status", "error", "commit_mode", "committed_by", "commit_requested_at"]
    )
    audit.record(actor=actor, action="datacenter.import.retry", obj=job)
    transaction.on_commit(partial(_enqueue_check, job.pk))
    return job
