"""The outcome of an inspection, and the rectification that may follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core import clock, crypto
from yaojian.core.errors import Conflict, ValidationFailed
from yaojian.core.files import DOCUMENT_MAGIC, MIME, sniff
from yaojian.inspection import selectors, workflows
from yaojian.inspection.choices import (
    Grade,
    Origin,
    Outcome,
    RectificationDecision,
)
from yaojian.inspection.models import (
    Inspection,
    Rectification,
    RectificationEvidence,
)
from yaojian.inspection.services.common import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_COUNT,
    EXTENSION,
    MB,
    RECTIFICATION_DEFAULT_DAYS,
    RECTIFICATION_MAX_DAYS,
    _detail_link,
    _move,
    _name,
    _notify_enterprise,
    _person,
    _timeline,
    require_may,
)
from yaojian.registry.choices import Severity

# --- outcomes ------------------------------------------------------------------------------------


CASE_SOURCE_PREFIX = "enforcement-source:"


def _register_case(inspection: Inspection, actor: Any, note: str) -> str:
    """Refer to a penalty case: through the enforcement app when it is there, else a to-do for
    the bureau's case officers. Returns the case reference (empty for a to-do)."""

    def summary_text() -> str:
        return _("Inspection %(number)s of %(name)s: %(note)s") % {
            "number": inspection.number,
            "name": inspection.enterprise.name,
            "note": note,
        }

    summary = summary_text()  # the case source's record: one text
    try:
        from yaojian.enforcement.services import case_register_source
    except ImportError:
        case_register_source = None
    if case_register_source is not None:
        # a member of a cross-region team refers the clue to the competent bureau
        covers = getattr(actor, "scope", None) and actor.scope.covers_region(inspection.region_code)
        source = case_register_source(
            actor=actor,
            enterprise=inspection.enterprise,
            source_kind="inspection" if covers else "referral",
            source_ref=inspection.number,
            summary=summary,
        )
        return f"{CASE_SOURCE_PREFIX}{source.pk}"
    from yaojian.workbench.services import todo_post

    todo_post(
        source="inspection",
        kind="inspection.case_referral",
        title=lambda: (
            _("Consider filing a penalty case: %(name)s") % {"name": inspection.enterprise.name}
        ),
        body=summary_text,
        link=_detail_link(inspection),
        bureau=inspection.bureau,
        role=Role.CASE_OFFICER,
        obj=inspection,
    )
    return ""


def _record_on_draw(inspection: Inspection, actor: Any, result: str) -> None:
    """An inspection scheduled by a random draw: its result goes on the draw's selection, in
    this transaction (the draw's results, their publication and its clock depend on it)."""
    if inspection.origin != Origin.RANDOM_DRAW:
        return
    from yaojian.inspection.draws.services import selection_record_inspection

    selection_record_inspection(actor=actor, inspection=inspection, result=result)


def _findings_summary(inspection: Inspection) -> str:
    counts = {grade: 0 for grade in Grade.values}
    for grade in inspection.findings.values_list("grade", flat=True):
        counts[grade] += 1
    return _("Findings: %(critical)d critical, %(major)d major, %(minor)d minor.") % counts


@audit.audited("inspection.decide")
def inspection_decide(
    *,
    actor: Any,
    inspection_id: int,
    outcome: str,
    note: str = "",
    days: int | None = None,
) -> Inspection:
    """The outcome of a submitted inspection: pass, rectification within `days` working days,
    or referral to a penalty case."""
    inspection = selectors.inspection_for_update(actor, inspection_id)
    note = (note or "").strip()
    action = {
        Outcome.PASS: "pass",
        Outcome.RECTIFY: "require_rectification",
        Outcome.REFER: "refer",
    }.get(outcome)
    if action is None:
        raise ValidationFailed.field(
            "outcome", _("Choose pass, rectification required or referral.")
        )
    require_may(actor, workflows.check(action, inspection.status), inspection)
    has_findings = inspection.findings.exists()
    now = timezone.now()
    inspection.outcome = outcome
    inspection.decided_at = now
    inspection.decided_by = _person(actor)
    inspection.decision_note = note[:4000]
    fields = ["outcome", "decided_at", "decided_by", "decision_note"]
    if outcome == Outcome.PASS:
        if has_findings:
            raise ValidationFailed.field(
                "outcome",
                _("An inspection with findings cannot pass: require rectification or refer it."),
            )
        inspection.closed_at = now
        event = _move(inspection, action, actor, note=note, fields=[*fields, "closed_at"])
        _timeline(
            inspection,
            lambda: _("Inspection %(number)s passed") % {"number": inspection.number},
            summary=lambda: (
                _("No defect found (%(kind)s).") % {"kind": inspection.get_kind_display()}
            ),
            obj=event,
        )
        _notify_enterprise(
            inspection, lambda: _("Inspection %(number)s: passed") % {"number": inspection.number}
        )
    elif outcome == Outcome.RECTIFY:
        if not has_findings:
            raise ValidationFailed.field(
                "outcome", _("Rectification needs at least one finding to rectify.")
            )
        days = RECTIFICATION_DEFAULT_DAYS if days in (None, "") else days
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise ValidationFailed.field("days", _("Enter a number of working days.")) from None
        if not 1 <= days <= RECTIFICATION_MAX_DAYS:
            raise ValidationFailed.field(
                "days",
                _("The rectification period is 1 to %(n)d working days.")
                % {"n": RECTIFICATION_MAX_DAYS},
            )
        inspection.rectification_days = days
        inspection.rectification_deadline = clock.add_days(timezone.localdate(), days)
        event = _move(
            inspection,
            action,
            actor,
            note=note,
            data={"days": days, "deadline": inspection.rectification_deadline.isoformat()},
            fields=[*fields, "rectification_days", "rectification_deadline"],
        )
        _timeline(
            inspection,
            lambda: (
                _("Inspection %(number)s: rectification required by %(date)s")
                % {"number": inspection.number, "date": inspection.rectification_deadline}
            ),
            summary=lambda: _findings_summary(inspection),
            obj=event,
            severity=Severity.WARNING,
        )
        _notify_enterprise(
            inspection,
            lambda: (
                _("Inspection %(number)s: rectify by %(date)s")
                % {"number": inspection.number, "date": inspection.rectification_deadline}
            ),
            lambda: _("Submit your rectification statement and evidence on the portal."),
        )
    else:
        if not note:
            raise ValidationFailed.field("note", _("Give the reasons for the referral."))
        inspection.closed_at = now
        inspection.case_ref = _register_case(inspection, actor, note)[:100]
        event = _move(
            inspection,
            action,
            actor,
            note=note,
            data={"case": inspection.case_ref},
            fields=[*fields, "closed_at", "case_ref"],
        )
        _timeline(
            inspection,
            lambda: (
                _("Inspection %(number)s referred to a penalty case")
                % {"number": inspection.number}
            ),
            summary=lambda: _findings_summary(inspection),
            obj=event,
            severity=Severity.ALERT,
        )
    _record_on_draw(inspection, actor, outcome)
    return inspection


# --- rectification -------------------------------------------------------------------------------


@dataclass
class FileIn:
    name: str
    data: bytes


@audit.audited("inspection.submit_rectification")
def rectification_submit(
    *, actor: Any, inspection_id: int, statement: str, files: list[FileIn]
) -> Rectification:
    """The enterprise's statement and evidence of rectification (PDF, JPEG or PNG files)."""
    from yaojian.workbench.services import todo_post

    inspection = selectors.inspection_for_update(actor, inspection_id)
    require_may(actor, workflows.check("submit_rectification", inspection.status), inspection)
    errors: dict[str, list[str]] = {}
    statement = (statement or "").strip()
    if len(statement) < 10:
        errors["statement"] = [_("Describe what was rectified (at least 10 characters).")]
    files = list(files or [])
    checked = []
    if not files:
        errors["files"] = [_("Attach at least one file of evidence.")]
    elif len(files) > EVIDENCE_MAX_COUNT:
        errors["files"] = [_("At most %(n)d files.") % {"n": EVIDENCE_MAX_COUNT}]
    for upload in files[:EVIDENCE_MAX_COUNT]:
        kind = sniff(upload.data, DOCUMENT_MAGIC)
        if kind is None:
            errors.setdefault("files", []).append(
                _("%(name)s is not a PDF, JPEG or PNG file, whatever its name says.")
                % {"name": upload.name}
            )
        elif len(upload.data) > EVIDENCE_MAX_BYTES:
            errors.setdefault("files", []).append(
                _("%(name)s is larger than %(n)d MB.")
                % {"name": upload.name, "n": EVIDENCE_MAX_BYTES // MB}
            )
        else:
            checked.append((upload, kind))
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    today = timezone.localdate()
    rectification = Rectification.objects.create(
        inspection=inspection,
        statement=statement[:8000],
        submitted_by=_person(actor),
        submitted_by_name=_name(actor),
        on_time=bool(
            inspection.rectification_deadline and today <= inspection.rectification_deadline
        ),
    )
    for index, (upload, kind) in enumerate(checked, start=1):
        evidence = RectificationEvidence(
            rectification=rectification,
            original_name=upload.name[:200],
            content_type=MIME[kind],
            size=len(upload.data),
            sm3=crypto.sm3(upload.data),
        )
        evidence.file.save(
            f"{inspection.number}-R{rectification.pk}-{index:02d}.{EXTENSION[kind]}",
            ContentFile(upload.data),
            save=False,
        )
        evidence.save()
    event = _move(
        inspection,
        "submit_rectification",
        actor,
        note=statement[:500],
        data={
            "rectification": rectification.pk,
            "files": len(checked),
            "on_time": rectification.on_time,
        },
    )
    _timeline(
        inspection,
        lambda: (
            _("Rectification of inspection %(number)s submitted") % {"number": inspection.number}
        ),
        summary=lambda: (
            _("Within the deadline.") if rectification.on_time else _("After the deadline.")
        ),
        obj=event,
    )
    todo_post(
        source="inspection",
        kind="inspection.review_rectification",
        title=lambda: (
            _("Review the rectification of %(name)s") % {"name": inspection.enterprise.name}
        ),
        body=statement[:300],
        link=_detail_link(inspection),
        assignee=inspection.lead,
        bureau=None if inspection.lead_id else inspection.bureau,
        obj=inspection,
    )
    return rectification


def _latest_rectification(inspection: Inspection) -> Rectification:
    rectification = (
        inspection.rectifications.filter(decision=RectificationDecision.PENDING)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if rectification is None:
        raise Conflict(_("No rectification awaits review."))
    return rectification


@audit.audited("inspection.accept_rectification")
def rectification_accept(*, actor: Any, inspection_id: int, note: str = "") -> Inspection:
    from yaojian.workbench.services import todos_close_for

    inspection = selectors.inspection_for_update(actor, inspection_id)
    require_may(actor, workflows.check("accept_rectification", inspection.status), inspection)
    rectification = _latest_rectification(inspection)
    now = timezone.now()
    inspection.closed_at = now
    event = _move(
        inspection,
        "accept_rectification",
        actor,
        note=(note or "").strip(),
        data={"rectification": rectification.pk},
        fields=["closed_at"],
    )
    rectification.decision = RectificationDecision.ACCEPTED
    rectification.decided_by = _person(actor)
    rectification.decided_at = now
    rectification.reason = (note or "").strip()
    rectification.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    todos_close_for(inspection, kind="inspection.review_rectification", actor=_person(actor))
    _timeline(
        inspection,
        lambda: (
            _("Rectification of inspection %(number)s accepted; inspection closed")
            % {"number": inspection.number}
        ),
        obj=event,
    )
    _notify_enterprise(
        inspection,
        lambda: _("Inspection %(number)s: rectification accepted") % {"number": inspection.number},
    )
    _record_on_draw(inspection, actor, "rectified")
    return inspection


@audit.audited("inspection.return_rectification")
def rectification_return(
    *, actor: Any, inspection_id: int, reason: str, days: int | None = None
) -> Inspection:
    """Send the rectification back with the reason; `days` gives a new period (working days)."""
    from yaojian.workbench.services import todos_close_for

    inspection = selectors.inspection_for_update(actor, inspection_id)
    require_may(actor, workflows.check("return_rectification", inspection.status), inspection)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _("Say what is missing from the rectification."))
    rectification = _latest_rectification(inspection)
    fields: list[str] = []
    data: dict[str, Any] = {"rectification": rectification.pk}
    if days not in (None, ""):
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise ValidationFailed.field("days", _("Enter a number of working days.")) from None
        if not 1 <= days <= RECTIFICATION_MAX_DAYS:
            raise ValidationFailed.field(
                "days",
                _("The rectification period is 1 to %(n)d working days.")
                % {"n": RECTIFICATION_MAX_DAYS},
            )
        inspection.rectification_deadline = clock.add_days(timezone.localdate(), days)
        fields.append("rectification_deadline")
        data["deadline"] = inspection.rectification_deadline.isoformat()
    event = _move(inspection, "return_rectification", actor, note=reason, data=data, fields=fields)
    rectification.decision = RectificationDecision.RETURNED
    rectification.decided_by = _person(actor)
    rectification.decided_at = timezone.now()
    rectification.reason = reason
    rectification.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    todos_close_for(inspection, kind="inspection.review_rectification", actor=_person(actor))
    _timeline(
        inspection,
        lambda: (
            _("Rectification of inspection %(number)s returned") % {"number": inspection.number}
        ),
        summary=reason[:300],
        obj=event,
        severity=Severity.WARNING,
    )
    _notify_enterprise(
        inspection,
        lambda: _("Inspection %(number)s: rectification returned") % {"number": inspection.number},
        reason,
    )
    return inspection


def rectifications_overdue_remind(today: dt.date | None = None) -> int:
    """The nightly reminder: a to-do for the lead of every rectification past its deadline
    (posting again while one is open changes nothing). Returns how many are overdue."""
    from yaojian.inspection.selectors import rectification_overdue_q

    today = today or timezone.localdate()
    overdue = Inspection.objects.filter(rectification_overdue_q(today)).select_related(
        "enterprise", "lead", "bureau"
    )
    count = 0
    for inspection in overdue.iterator():
        _remind_rectification_overdue(inspection)
        count += 1
    return count


def _remind_rectification_overdue(inspection: Inspection) -> None:
    from yaojian.workbench.services import todo_post

    todo_post(
        source="inspection",
        kind="inspection.rectification_overdue",
        title=lambda: (
            _("Rectification overdue: %(name)s (due %(date)s)")
            % {"name": inspection.enterprise.name, "date": inspection.rectification_deadline}
        ),
        body=lambda: _("Decide: a further period, or referral to a penalty case."),
        link=_detail_link(inspection),
        assignee=inspection.lead,
        bureau=None if inspection.lead_id else inspection.bureau,
        obj=inspection,
    )
