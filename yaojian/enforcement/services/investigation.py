"""The investigation: evidence, the clock's pauses and extensions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core import crypto
from yaojian.core.errors import ValidationFailed
from yaojian.core.files import MIME, sniff
from yaojian.enforcement import clock, workflows
from yaojian.enforcement.choices import (
    EvidenceKind,
    ExtensionLevel,
    PauseReason,
)
from yaojian.enforcement.models import (
    Case,
    CaseExtension,
    CasePause,
    Evidence,
)
from yaojian.enforcement.services.common import (
    MAX_COLLECTIVE_EXTENSION,
    MAX_EVIDENCE_BYTES,
    S,
    _event,
    _load,
    _person,
    _require_roles,
    _text,
)

# --- investigation ------------------------------------------------------------------------------


@audit.audited("enforcement.evidence.add")
def evidence_add(
    *,
    actor: Any,
    case_id: int,
    kind: str,
    title: str,
    collected_on: dt.date | None = None,
    name: str = "",
    data: bytes | None = None,
    note: str = "",
) -> Evidence:
    """A piece of evidence; a file is judged by its content (PDF, JPEG or PNG), not its name."""
    _require_roles(actor, workflows.OFFICERS, "enforcement.evidence.add")
    case = _load(actor, case_id)
    if case.status not in (S.INVESTIGATING, S.NOTIFIED, S.HEARING, S.HEARD):
        raise ValidationFailed.field(
            "status", _("Evidence is collected between filing and the decision.")
        )
    if kind not in EvidenceKind.values:
        raise ValidationFailed.field("kind", _("Choose the kind of evidence."))
    title = _text(title, "title", limit=200)
    collected_on = collected_on or clock.today()
    if collected_on > clock.today():
        raise ValidationFailed.field("collected_on", _("The date cannot lie in the future."))
    evidence = Evidence(
        case=case,
        kind=kind,
        title=title,
        collected_on=collected_on,
        note=_text(note, "note", required=False),
        added_by=_person(actor),
    )
    if data:
        if len(data) > MAX_EVIDENCE_BYTES:
            raise ValidationFailed.field("file", _("The file is larger than 20 MB."))
        detected = sniff(data)
        if detected is None:
            raise ValidationFailed.field(
                "file", _("Only PDF, JPEG or PNG files are accepted (judged by their content).")
            )
        if kind == EvidenceKind.PHOTO and detected == "pdf":
            raise ValidationFailed.field("file", _("A photo must be a JPEG or PNG image."))
        evidence.original_name = (name or f"evidence.{detected}")[:200]
        evidence.content_type = MIME[detected]
        evidence.size = len(data)
        evidence.sm3 = crypto.sm3(data)
        evidence.file.save(f"{crypto.sm3(data)[:16]}.{detected}", ContentFile(data), save=False)
    elif kind in (EvidenceKind.PHOTO, EvidenceKind.TEST_REPORT):
        raise ValidationFailed.field("file", _("Attach the file of this evidence."))
    evidence.save()
    _event(case, "evidence", case.status, case.status, actor, title, kind=kind, sm3=evidence.sm3)
    audit.record(
        actor=actor,
        action="enforcement.evidence.add",
        obj=case,
        detail=f"{kind} {title[:100]} sm3 {evidence.sm3[:16]}",
    )
    return evidence


@audit.audited("enforcement.case.pause")
def pause_start(
    *, actor: Any, case_id: int, reason: str, start: dt.date | None = None, note: str = ""
) -> CasePause:
    """Stop the 90-day clock for testing, suspension or an announcement (hearings pause on
    their own)."""
    _require_roles(actor, workflows.OFFICERS_OR_HEADS, "enforcement.case.pause")
    case = _load(actor, case_id)
    if case.status not in (S.INVESTIGATING, S.NOTIFIED, S.HEARD):
        raise ValidationFailed.field("status", _("The clock does not run in this state."))
    if reason not in PauseReason.values or reason == PauseReason.HEARING:
        raise ValidationFailed.field("reason", _("Choose why the clock stops."))
    start = start or clock.today()
    if start < case.filed_on or start > clock.today():
        raise ValidationFailed.field("start", _("The pause starts between filing and today."))
    if case.pauses.filter(end__isnull=True).exists():
        raise ValidationFailed.field("reason", _("The clock is stopped already."))
    pause = CasePause.objects.create(case=case, reason=reason, start=start, note=note[:2000])
    clock.refresh(case)
    case.save(update_fields=["deadline"])
    _event(case, "pause", case.status, case.status, actor, note, reason=reason, start=start)
    audit.record(actor=actor, action="enforcement.case.pause", obj=case, detail=f"{reason} {start}")
    return pause


@audit.audited("enforcement.case.resume")
def pause_end(*, actor: Any, case_id: int, end: dt.date | None = None) -> CasePause:
    _require_roles(actor, workflows.OFFICERS_OR_HEADS, "enforcement.case.resume")
    case = _load(actor, case_id)
    pause = case.pauses.filter(end__isnull=True).exclude(reason=PauseReason.HEARING).first()
    if pause is None:
        raise ValidationFailed.field("end", _("The clock is not stopped."))
    end = end or clock.today()
    if end < pause.start or end > clock.today():
        raise ValidationFailed.field("end", _("The pause ends between its start and today."))
    pause.end = end
    pause.save(update_fields=["end"])
    clock.refresh(case)
    case.save(update_fields=["deadline"])
    _event(case, "resume", case.status, case.status, actor, "", end=end)
    audit.record(actor=actor, action="enforcement.case.resume", obj=case, detail=str(end))
    return pause


@audit.audited("enforcement.case.extend")
def extension_approve(*, actor: Any, case_id: int, level: str, reason: str, days: int = 0) -> Case:
    """30 more days by the bureau head; beyond that, by collective discussion of the heads,
    which sets the reasonable further period (程序规定 第六十四条)."""
    case = _load(actor, case_id)
    reason = _text(reason, "reason")
    if level == ExtensionLevel.HEAD:
        _require_roles(actor, workflows.HEADS, "enforcement.case.extend", case)
        days = clock.HEAD_EXTENSION_DAYS
        if case.extensions.filter(level=ExtensionLevel.HEAD).exists():
            raise ValidationFailed.field(
                "level",
                _(
                    "The head's 30 days were granted already; further time needs collective discussion."
                ),
            )
    elif level == ExtensionLevel.COLLECTIVE:
        _require_roles(actor, {Role.LEADER}, "enforcement.case.extend", case)
        if not case.extensions.filter(level=ExtensionLevel.HEAD).exists():
            raise ValidationFailed.field(
                "level", _("First the bureau head's extension of 30 days.")
            )
        if not isinstance(days, int) or not 1 <= days <= MAX_COLLECTIVE_EXTENSION:
            raise ValidationFailed.field(
                "days",
                _("Set the further period: 1 to %(max)d days.") % {"max": MAX_COLLECTIVE_EXTENSION},
            )
    else:
        raise ValidationFailed.field("level", _("Choose who approves the extension."))
    if case.status not in workflows.TRANSITIONS["decide"].sources | {S.HEARING}:
        raise ValidationFailed.field("status", _("Only a case awaiting its decision is extended."))
    current = clock.state(case)
    if current.overdue:
        raise ValidationFailed.field(
            "level",
            _("The time limit has passed already: an extension is approved before it ends."),
        )
    before = case.deadline
    CaseExtension.objects.create(
        case=case,
        level=level,
        days=days,
        reason=reason,
        approved_by=actor,
        approved_on=clock.today(),
    )
    case.extension_days += days
    clock.refresh(case)
    case.save(update_fields=["extension_days", "deadline"])
    _event(case, "extend", case.status, case.status, actor, reason, level=level, days=days)
    audit.record(
        actor=actor,
        action="enforcement.case.extend",
        obj=case,
        changes={"before": {"deadline": before}, "after": {"deadline": case.deadline}},
    )
    return case
