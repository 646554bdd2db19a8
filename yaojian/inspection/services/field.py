"""The checklist submitted from the field, once (idempotency key), with its photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core import crypto
from yaojian.core.errors import Conflict, ValidationFailed
from yaojian.core.files import IMAGE_MAGIC, MIME, sniff
from yaojian.inspection import selectors, workflows
from yaojian.inspection.choices import (
    FIELD_STATUSES,
    Grade,
    ItemResult,
)
from yaojian.inspection.models import (
    Finding,
    Inspection,
    InspectionPhoto,
    InspectionResult,
)
from yaojian.inspection.services.common import (
    EXTENSION,
    KEY_PATTERN,
    MB,
    PHOTO_MAX_BYTES,
    PHOTO_MAX_COUNT,
    S,
    _move,
    _person,
    require_may,
)
from yaojian.inspection.services.inspections import _start

# --- the checklist submitted from the field ------------------------------------------------------


@dataclass
class PhotoIn:
    name: str
    data: bytes
    caption: str = ""
    item: str = ""  # the code of the checklist item it documents, if any


@dataclass
class Submission:
    inspection: Inspection
    already_recorded: bool = False
    warnings: list[str] = field(default_factory=list)


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _validate_checklist(
    inspection: Inspection, results: Any, findings: Any, acknowledgement: Any
) -> tuple[list, list, dict]:
    """The submitted checklist as rows to store, or ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    items = {item.code: item for item in inspection.checklist.items.filter(active=True)}
    if not isinstance(results, dict):
        raise ValidationFailed.field("results", _("Give a result for each checklist item."))
    rows = []
    for code, answer in results.items():
        if code not in items:
            errors[f"results.{code}"] = [_("This item is not on the inspection's checklist.")]
            continue
        answer = answer if isinstance(answer, dict) else {"result": answer}
        value = answer.get("result", "")
        if value not in ItemResult.values:
            errors[f"results.{code}"] = [_("Choose compliant, not compliant or not applicable.")]
            continue
        rows.append((items[code], value, _text(answer.get("note"), 500)))
    missing = [code for code in items if code not in results]
    for code in missing:
        errors[f"results.{code}"] = [_("This item has no result.")]
    answered = {item.code: value for item, value, _note in rows}
    finding_rows = []
    if not isinstance(findings, list):
        findings = []
        errors["findings"] = [_("Findings must be a list.")]
    for index, spec in enumerate(findings):
        key = f"findings[{index}]"
        if not isinstance(spec, dict):
            errors[key] = [_("A finding needs a grade, the rule it breaks and a note.")]
            continue
        code = _text(spec.get("item"), 20)
        item = items.get(code) if code else None
        if code and item is None:
            errors[f"{key}.item"] = [_("This item is not on the inspection's checklist.")]
            continue
        if item is not None and answered.get(code) != ItemResult.NON_COMPLIANT:
            errors[f"{key}.item"] = [
                _("A finding belongs to an item marked not compliant (%(code)s).") % {"code": code}
            ]
        grade = spec.get("grade", "")
        if grade not in Grade.values:
            errors[f"{key}.grade"] = [_("Grade the finding: critical, major or minor.")]
        elif item is not None and item.key_item and grade != Grade.CRITICAL:
            errors[f"{key}.grade"] = [
                _("%(code)s is a key item: a defect there is critical.") % {"code": code}
            ]
        rule = _text(spec.get("rule"), 200) or (item.rule if item else "")
        if not rule:
            errors[f"{key}.rule"] = [_("Name the rule or article the finding breaks.")]
        note = _text(spec.get("note"), 2000)
        if not note:
            errors[f"{key}.note"] = [_("Describe what was found.")]
        finding_rows.append((item, grade, rule, note))
    with_finding = {item.code for item, *_rest in finding_rows if item is not None}
    for code, value in answered.items():
        if value == ItemResult.NON_COMPLIANT and code not in with_finding:
            errors.setdefault(f"results.{code}", []).append(
                _("An item marked not compliant needs a finding.")
            )
    ack = acknowledgement if isinstance(acknowledgement, dict) else {}
    representative = _text(ack.get("name"), 100)
    if not representative:
        errors["acknowledgement.name"] = [_("Enter the name of the enterprise's representative.")]
    if ack.get("acknowledged") not in (True, "true", "on", "1", 1):
        errors["acknowledgement.acknowledged"] = [
            _("The representative must acknowledge the record of the inspection.")
        ]
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(
            _("%(field)s: %(message)s") % {"field": first_field, "message": messages[0]},
            errors=errors,
        )
    acknowledgement_row = {
        "name": representative,
        "statement": _text(ack.get("statement"), 1000),
    }
    return rows, finding_rows, acknowledgement_row


def _check_photos(photos: list[PhotoIn], items: set[str]) -> list[tuple[PhotoIn, str]]:
    errors: list[str] = []
    checked = []
    if len(photos) > PHOTO_MAX_COUNT:
        raise ValidationFailed.field(
            "photos", _("At most %(n)d photos per inspection.") % {"n": PHOTO_MAX_COUNT}
        )
    for photo in photos:
        kind = sniff(photo.data, IMAGE_MAGIC)
        if not photo.data:
            errors.append(_("%(name)s is empty.") % {"name": photo.name})
        elif kind is None:
            errors.append(
                _("%(name)s is not a JPEG or PNG photo, whatever its name says.")
                % {"name": photo.name}
            )
        elif len(photo.data) > PHOTO_MAX_BYTES:
            errors.append(
                _("%(name)s is larger than %(n)d MB.")
                % {"name": photo.name, "n": PHOTO_MAX_BYTES // MB}
            )
        elif photo.item and photo.item not in items:
            errors.append(
                _("%(name)s documents an item that is not on the checklist.") % {"name": photo.name}
            )
        else:
            checked.append((photo, kind))
    if errors:
        raise ValidationFailed(
            _("photos: %(message)s") % {"message": errors[0]}, errors={"photos": errors}
        )
    return checked


@audit.audited("inspection.submit")
def inspection_submit_checklist(
    *,
    actor: Any,
    inspection_id: int,
    key: str,
    results: dict,
    findings: list,
    acknowledgement: dict,
    summary: str = "",
    photos: list[PhotoIn] | None = None,
) -> Submission:
    """Store the checklist filled in the field, once.

    `key` is the idempotency key the form generated when it was opened: a second submission
    with the same key (a retry after a lost connection, a double tap) stores nothing and
    answers that it is already recorded. A scheduled inspection is started on the way.
    """
    key = str(key or "")
    if not KEY_PATTERN.match(key):
        raise ValidationFailed.field(
            "key", _("The submission key must be 8 to 64 letters, digits, '-' or '_'.")
        )
    inspection = selectors.inspection_for_update(actor, inspection_id)
    if inspection.submission_key == key:
        audit.record(
            actor=actor,
            action="inspection.submit",
            obj=inspection,
            detail=f"repeated submission {key}: already recorded, nothing changed",
        )
        return Submission(inspection, already_recorded=True)
    if Inspection.objects.filter(submission_key=key).exclude(pk=inspection.pk).exists():
        raise Conflict(_("This submission key belongs to another inspection."))
    if inspection.status not in FIELD_STATUSES:
        workflows.check("submit", inspection.status)  # refuses with the status named
    require_may(actor, workflows.TRANSITIONS["submit"], inspection)
    rows, finding_rows, ack = _validate_checklist(inspection, results, findings, acknowledgement)
    codes = {item.code for item in inspection.checklist.items.filter(active=True)}
    checked_photos = _check_photos(list(photos or []), codes)
    if inspection.status == S.SCHEDULED:
        _start(inspection, actor)
    InspectionResult.objects.bulk_create(
        [InspectionResult(inspection=inspection, item=i, result=r, note=n) for i, r, n in rows]
    )
    stored_findings: dict[str, Finding] = {}
    for position, (item, grade, rule, note) in enumerate(finding_rows, start=1):
        finding = Finding.objects.create(
            inspection=inspection, item=item, grade=grade, rule=rule, note=note, position=position
        )
        if item is not None:
            stored_findings.setdefault(item.code, finding)
    for index, (photo, kind) in enumerate(checked_photos, start=1):
        stored = InspectionPhoto(
            inspection=inspection,
            finding=stored_findings.get(photo.item),
            original_name=photo.name[:200],
            caption=photo.caption[:200],
            content_type=MIME[kind],
            size=len(photo.data),
            sm3=crypto.sm3(photo.data),
            uploaded_by=_person(actor),
        )
        stored.file.save(
            f"{inspection.number}-{index:02d}.{EXTENSION[kind]}",
            ContentFile(photo.data),
            save=False,
        )
        stored.save()
    now = timezone.now()
    inspection.submission_key = key
    inspection.submitted_at = now
    inspection.summary = _text(summary, 4000)
    inspection.acknowledged_by = ack["name"]
    inspection.acknowledgement = ack["statement"]
    inspection.acknowledged_at = now
    counts = {grade: sum(1 for row in finding_rows if row[1] == grade) for grade in Grade.values}
    _move(
        inspection,
        "submit",
        actor,
        data={
            "key": key,
            "results": len(rows),
            "findings": counts,
            "photos": len(checked_photos),
        },
        fields=[
            "submission_key",
            "submitted_at",
            "summary",
            "acknowledged_by",
            "acknowledgement",
            "acknowledged_at",
        ],
    )
    return Submission(inspection)
