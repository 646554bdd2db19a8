"""Every write of the online service hall. Each transition goes through `_move`, which checks
the workflow table, the actor's right or role and the jurisdiction, records the step, audits
it and tells the right people."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core import crypto
from yaojian.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from yaojian.core.files import MIME, sniff
from yaojian.core.scoping import get_visible
from yaojian.licensing import clock, numbers, prechecks, workflows
from yaojian.licensing.choices import FieldType, MatterKind, PauseReason, Route, Status
from yaojian.licensing.config import fields_of, materials_of, validate_config
from yaojian.licensing.models import (
    Application,
    CorrectionNotice,
    Event,
    Extension,
    Material,
    Matter,
    Pause,
    correction_list,
)
from yaojian.registry import services as registry
from yaojian.registry.choices import LicenceStatus, Severity, TimelineKind
from yaojian.registry.models import Licence
from yaojian.workbench import services as inbox

S = Status
LICENCE_YEARS = 5

logger = logging.getLogger(__name__)


# --- matters (the catalogue) ---------------------------------------------------------------------

MATTER_FIELDS = [
    "name",
    "name_en",
    "legal_basis",
    "kind",
    "licence_kind",
    "handling_level",
    "statutory_limit",
    "committed_limit",
    "commitment_route",
    "decided_at_once",
    "inspection_step",
    "materials",
    "form_fields",
    "scope_choices",
    "active",
]


@audit.audited("licensing.matter.save")
def matter_save(*, actor: Any, code: str, **fields: Any) -> Matter:
    """Create or change a matter; its materials and form fields are checked before saving."""
    from yaojian.accounts.services import require_role
    from yaojian.registry.services.common import full_clean

    require_role(actor, Role.SYSTEM_ADMIN, Role.LEADER, action="licensing.matter.save")
    matter = Matter.objects.filter(code=code).first() or Matter(code=code)
    before = audit.snapshot(matter, MATTER_FIELDS) if matter.pk else {}
    for name, value in fields.items():
        if name not in MATTER_FIELDS:
            raise ValidationFailed.field(name, _("This field cannot be changed here."))
        setattr(matter, name, value)
    matter.updated_at = timezone.now()
    full_clean(matter, validate_config(matter.materials, matter.form_fields))
    matter.save()
    audit.record(
        actor=actor,
        action="licensing.matter.save",
        obj=matter,
        changes=audit.diff(before, audit.snapshot(matter, MATTER_FIELDS)),
    )
    return matter


# --- the enterprise's side ----------------------------------------------------------------------


def _handling_bureau(matter: Matter, enterprise):
    from yaojian.accounts.models import Bureau

    code = enterprise.region_code
    target = {"province": code[:2] + "0000", "city": code[:4] + "00", "county": code}[
        matter.handling_level
    ]
    return Bureau.objects.get(region_code=target)


def _prefill(matter: Matter, enterprise, licence: Licence | None) -> dict:
    data = {}
    for spec in fields_of(matter):
        if not spec.prefill:
            continue
        source, _dot, attribute = spec.prefill.partition(".")
        record = enterprise if source == "enterprise" else licence
        if record is not None:
            value = getattr(record, attribute, "")
            data[spec.name] = value.isoformat() if isinstance(value, dt.date) else (value or "")
    if licence is not None and licence.scope:
        chosen = [
            item
            for item in re.split(r"[、，,；;：:\s]+", licence.scope)
            if item in (matter.scope_choices or [])
        ]
        if chosen:
            data.setdefault("scope", chosen)
    return data


def _own_application(actor: Any, application_id: int) -> Application:
    application = get_visible(
        Application.objects.select_related("matter", "enterprise", "handling_bureau"),
        actor,
        pk=application_id,
    )
    if not actor.is_enterprise_user:
        raise NotFound()
    return application


def _editable(actor: Any, application_id: int) -> Application:
    """The enterprise's application, if this account may edit it now: a draft with the right to
    apply, an application under correction with the right to respond."""
    from yaojian.accounts.choices import EnterpriseRight
    from yaojian.accounts.services import require_enterprise_right

    application = _own_application(actor, application_id)
    if application.status == S.DRAFT:
        require_enterprise_right(actor, EnterpriseRight.APPLY, action="licensing.application.edit")
    elif application.status == S.CORRECTING:
        require_enterprise_right(
            actor, EnterpriseRight.RESPOND, action="licensing.application.edit"
        )
    else:
        raise ValidationFailed.field(
            "status", _("Only a draft or an application under correction can be edited.")
        )
    return application


def _person(actor: Any):
    """The account as a foreign key: a person, or None for a machine client or the system."""
    return actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None


def _name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""


@audit.audited("licensing.application.create")
def application_create(*, actor: Any, matter_code: str, licence_number: str = "") -> Application:
    """A draft with the form already filled from the registry."""
    from yaojian.accounts.choices import EnterpriseRight
    from yaojian.accounts.services import require_enterprise_right

    require_enterprise_right(actor, EnterpriseRight.APPLY, action="licensing.application.create")
    matter = Matter.objects.filter(code=matter_code, active=True).first()
    if matter is None:
        raise ValidationFailed.field("matter", _("This matter is not open for applications."))
    enterprise = actor.enterprise
    licences = Licence.objects.filter(holder=enterprise, kind=matter.licence_kind).order_by(
        "-valid_until"
    )
    licence = licences.filter(number=licence_number).first() if licence_number else licences.first()
    if matter.kind not in (MatterKind.NEW, MatterKind.FILING) and licence is None:
        raise ValidationFailed.field(
            "licence_number",
            _("Your enterprise holds no licence of this kind to change, renew or cancel."),
        )
    bureau = _handling_bureau(matter, enterprise)
    application = Application.objects.create(
        number=numbers.application_number(),
        matter=matter,
        enterprise=enterprise,
        handling_bureau=bureau,
        handling_region_code=bureau.region_code,
        form_data=_prefill(matter, enterprise, licence),
        created_by=_person(actor),
        created_by_name=_name(actor),
    )
    _event(application, "create", "", S.DRAFT, actor)
    audit.record(actor=actor, action="licensing.application.create", obj=application)
    return application


@audit.audited("licensing.application.save")
def application_save(
    *, actor: Any, application_id: int, form_data: dict, route: str = Route.NORMAL
) -> Application:
    """Save the form of a draft (or of an application under correction)."""
    application = _editable(actor, application_id)
    if route == Route.COMMITMENT and not application.matter.commitment_route:
        raise ValidationFailed.field("route", _("This matter has no commitment-based route."))
    known = {spec.name for spec in fields_of(application.matter)}
    application.form_data = {key: value for key, value in form_data.items() if key in known}
    application.route = route
    application.updated_at = timezone.now()
    application.save(update_fields=["form_data", "route", "updated_at"])
    return application


def form_errors(application: Application) -> dict[str, list[str]]:
    """Type and pattern errors of the filled form (missing items are the pre-check's business)."""
    errors: dict[str, list[str]] = {}
    for spec in fields_of(application.matter):
        value = application.form_data.get(spec.name)
        if value in (None, "", []):
            continue
        if spec.type == FieldType.DATE:
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                errors[spec.name] = [_("Enter a date as YYYY-MM-DD.")]
        elif spec.type == FieldType.NUMBER:
            try:
                float(value)
            except (TypeError, ValueError):
                errors[spec.name] = [_("Enter a number.")]
        elif spec.type == FieldType.CHOICE and value not in spec.choices:
            errors[spec.name] = [_("Choose one of the listed values.")]
        elif spec.type == FieldType.MULTI:
            values = value if isinstance(value, list) else [value]
            if any(item not in spec.choices for item in values):
                errors[spec.name] = [_("Choose among the listed values.")]
        elif (
            spec.type == FieldType.LICENCE
            and not Licence.objects.filter(
                holder=application.enterprise, number=value, kind=application.matter.licence_kind
            ).exists()
        ):
            errors[spec.name] = [_("This is not one of your enterprise's licences of this kind.")]
        elif isinstance(value, str) and len(value) > spec.max_length:
            errors[spec.name] = [_("At most %(n)d characters.") % {"n": spec.max_length}]
        elif spec.pattern and isinstance(value, str) and not re.fullmatch(spec.pattern, value):
            errors[spec.name] = [_("The format is not right.")]
    return errors


@audit.audited("licensing.material.upload")
def material_upload(
    *, actor: Any, application_id: int, code: str, name: str, data: bytes
) -> Material:
    application = _editable(actor, application_id)
    spec = next((m for m in materials_of(application.matter) if m.code == code), None)
    if spec is None:
        raise ValidationFailed.field("code", _("This matter asks for no such material."))
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed.field(
            "file",
            _("%(name)s is not a PDF, JPEG or PNG file, whatever its name says.") % {"name": name},
        )
    if kind not in spec.types:
        raise ValidationFailed.field(
            "file",
            _("%(material)s must be %(types)s; this file is %(kind)s.")
            % {
                "material": spec.display_name,
                "types": "/".join(t.upper() for t in spec.types),
                "kind": kind.upper(),
            },
        )
    if len(data) > spec.max_mb * 1024 * 1024:
        raise ValidationFailed.field(
            "file", _("The file is larger than %(n)d MB.") % {"n": spec.max_mb}
        )
    if len(data) == 0:
        raise ValidationFailed.field("file", _("The file is empty."))
    material = Material(
        application=application,
        code=code,
        original_name=name[:200],
        content_type=MIME[kind],
        size=len(data),
        sm3=crypto.sm3(data),
        uploaded_by=_person(actor),
        uploaded_by_name=_name(actor),
    )
    extension = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[kind]
    material.file.save(f"{application.number}-{code}.{extension}", ContentFile(data), save=False)
    material.save()
    audit.record(
        actor=actor,
        action="licensing.material.upload",
        obj=application,
        detail=f"{code} {name} {kind} {len(data)} bytes sm3 {material.sm3[:16]}",
    )
    return material


@audit.audited("licensing.material.delete")
def material_delete(*, actor: Any, application_id: int, material_id: int) -> None:
    application = _editable(actor, application_id)
    material = application.uploaded_materials.filter(pk=material_id).first()
    if material is None:
        raise NotFound()
    material.file.delete(save=False)
    material.delete()
    audit.record(
        actor=actor, action="licensing.material.delete", obj=application, detail=material.code
    )


@audit.audited("licensing.application.submit")
def application_submit(*, actor: Any, application_id: int) -> Application:
    """Submit: the form is checked, the pre-checks run, and a matter decided at once whose
    checks all pass is approved and issued now (秒批)."""
    application = _own_application(actor, application_id)
    workflows.check("submit", application.status)
    errors = form_errors(application)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors=errors)
    application.prechecks = prechecks.run(application)
    application.submitted_at = timezone.now()
    _move(application, "submit", actor, fields=["prechecks", "submitted_at"])
    matter = application.matter
    at_once = matter.decided_at_once or (
        matter.commitment_route and application.route == Route.COMMITMENT
    )
    if at_once and prechecks.all_pass(application.prechecks):
        _approve_at_once(application)
    else:
        _todo_for_acceptance(application)
    return application


@audit.audited("licensing.application.withdraw")
def application_withdraw(*, actor: Any, application_id: int, reason: str = "") -> Application:
    application = _own_application(actor, application_id)
    _move(application, "withdraw", actor, note=reason)
    _close_todos(application, actor)
    return application


@audit.audited("licensing.application.answer_correction")
def application_answer_correction(
    *, actor: Any, application_id: int, note: str = ""
) -> Application:
    """Send the corrections back: the application waits for acceptance again, for 5 working days."""
    application = _own_application(actor, application_id)
    errors = form_errors(application)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors=errors)
    application.prechecks = prechecks.run(application)
    application.submitted_at = timezone.now()
    _move(application, "answer_correction", actor, note=note, fields=["prechecks", "submitted_at"])
    CorrectionNotice.objects.filter(application=application).update(answered_at=timezone.now())
    _todo_for_acceptance(application)
    return application


# --- the regulators' side ----------------------------------------------------------------------


def _handled(actor: Any, application_id: int) -> Application:
    application = get_visible(
        Application.objects.select_related("matter", "enterprise", "handling_bureau"),
        actor,
        pk=application_id,
    )
    if not actor.is_regulator:
        raise NotFound()
    return application


@audit.audited("licensing.application.accept")
def application_accept(*, actor: Any, application_id: int) -> Application:
    application = _handled(actor, application_id)
    return _accept(application, actor, "accept")


def _accept(application: Application, actor: Any, action: str) -> Application:
    today = timezone.localdate()
    application.accepted_on = today
    application.statutory_limit = application.matter.statutory_limit
    application.committed_limit = application.matter.committed_limit
    clock.refresh(application, today)
    _move(
        application,
        action,
        actor,
        fields=[
            "accepted_on",
            "statutory_limit",
            "committed_limit",
            "deadline",
            "committed_deadline",
        ],
    )
    _close_todos(application, actor, kind="licensing.accept")
    inbox.todo_post(
        source="licensing",
        kind="licensing.review",
        obj=application,
        bureau=application.handling_bureau,
        role=Role.REVIEWER,
        due_at=_due(application.committed_deadline or application.deadline),
        title=lambda: (
            _("Review application %(number)s: %(matter)s")
            % {"number": application.number, "matter": application.matter.display_name}
        ),
        body=application.enterprise.name,
        link=application.get_absolute_url(),
    )
    _tell_applicant(
        application,
        lambda: (
            _("Your application %(number)s was accepted; the decision is due by %(date)s.")
            % {"number": application.number, "date": application.deadline}
        ),
    )
    return application


@audit.audited("licensing.application.request_correction")
def application_request_correction(
    *, actor: Any, application_id: int, items: list[dict]
) -> Application:
    """The one correction notice, listing every missing or faulty item at once."""
    application = _handled(actor, application_id)
    workflows.check("request_correction", application.status)
    if CorrectionNotice.objects.filter(application=application).exists():
        raise ValidationFailed.field(
            "items",
            _(
                "A correction notice was already sent: the law allows one, listing every item at once."
            ),
        )
    items = [
        {"item": str(i.get("item", "")).strip(), "reason": str(i.get("reason", "")).strip()}
        for i in items
    ]
    items = [i for i in items if i["item"]]
    if not items:
        raise ValidationFailed.field(
            "items", _("List at least one item to correct, with the reason.")
        )
    _move(application, "request_correction", actor, data={"items": items})
    CorrectionNotice.objects.create(application=application, items=items, issued_by=actor)
    _close_todos(application, actor, kind="licensing.accept")
    _tell_applicant(
        application,
        lambda: (
            _("Application %(number)s needs corrections: %(items)s")
            % {
                "number": application.number,
                "items": correction_list(items),
            }
        ),
    )
    return application


@audit.audited("licensing.application.not_accept")
def application_not_accept(
    *, actor: Any, application_id: int, reasons: str, basis: str
) -> Application:
    application = _handled(actor, application_id)
    _require_reasons(reasons, basis)
    application.decision_reasons, application.decision_basis = reasons, basis
    _move(
        application,
        "not_accept",
        actor,
        note=reasons,
        fields=["decision_reasons", "decision_basis"],
    )
    _close_todos(application, actor)
    _tell_applicant(
        application,
        lambda: (
            _("Application %(number)s was not accepted: %(reasons)s")
            % {"number": application.number, "reasons": reasons}
        ),
    )
    return application


@audit.audited("licensing.application.start_inspection")
def application_start_inspection(*, actor: Any, application_id: int, note: str = "") -> Application:
    """Send inspectors on site; the statutory clock pauses until they report."""
    application = _handled(actor, application_id)
    workflows.check("start_inspection", application.status)
    Pause.objects.create(
        application=application,
        reason=PauseReason.INSPECTION,
        start=timezone.localdate(),
        note=note[:300],
    )
    clock.refresh(application)
    _move(
        application, "start_inspection", actor, note=note, fields=["deadline", "committed_deadline"]
    )
    inbox.todo_post(
        source="licensing",
        kind="licensing.inspection",
        obj=application,
        bureau=application.handling_bureau,
        role=Role.INSPECTOR,
        due_at=timezone.now() + dt.timedelta(days=10),
        title=lambda: (
            _("On-site inspection for application %(number)s") % {"number": application.number}
        ),
        body=f"{application.enterprise.name} · {application.enterprise.address}",
        link=application.get_absolute_url(),
    )
    return application


@audit.audited("licensing.application.finish_inspection")
def application_finish_inspection(
    *, actor: Any, application_id: int, passed: bool, report: str
) -> Application:
    application = _handled(actor, application_id)
    workflows.check("finish_inspection", application.status)
    if not (report or "").strip():
        raise ValidationFailed.field("report", _("Write what the inspection found."))
    application.pauses.filter(end__isnull=True).update(end=timezone.localdate())
    clock.refresh(application)
    application.paused_days = clock.state(application).paused_days
    _move(
        application,
        "finish_inspection",
        actor,
        note=report,
        data={"passed": passed},
        fields=["deadline", "committed_deadline", "paused_days"],
    )
    _close_todos(application, actor, kind="licensing.inspection")
    registry.timeline_post(
        source="licensing",
        kind=TimelineKind.INSPECTION,
        enterprise=application.enterprise,
        severity=Severity.INFO if passed else Severity.WARNING,
        link=application.get_absolute_url(),
        title=lambda: (
            _("On-site inspection for %(matter)s: %(result)s")
            % {
                "matter": application.matter.display_name,
                "result": _("passed") if passed else _("not passed"),
            }
        ),
        summary=report,
    )
    return application


@audit.audited("licensing.application.finish_review")
def application_finish_review(*, actor: Any, application_id: int, opinion: str) -> Application:
    application = _handled(actor, application_id)
    if not (opinion or "").strip():
        raise ValidationFailed.field("opinion", _("Write the review opinion."))
    if (
        application.matter.inspection_step
        and application.route == Route.NORMAL
        and not application.events.filter(action="finish_inspection").exists()
    ):
        workflows.check("finish_review", application.status)
        raise ValidationFailed.field(
            "opinion", _("This matter needs an on-site inspection before the decision.")
        )
    _move(application, "finish_review", actor, note=opinion)
    _close_todos(application, actor, kind="licensing.review")
    inbox.todo_post(
        source="licensing",
        kind="licensing.decide",
        obj=application,
        bureau=application.handling_bureau,
        role=Role.APPROVER,
        due_at=_due(application.deadline),
        title=lambda: (
            _("Decide application %(number)s: %(matter)s")
            % {"number": application.number, "matter": application.matter.display_name}
        ),
        body=opinion[:300],
        link=application.get_absolute_url(),
    )
    return application


@audit.audited("licensing.application.decide")
def application_decide(
    *, actor: Any, application_id: int, approve: bool, reasons: str, basis: str
) -> Application:
    """Approve (the licence is entered in the register and issued electronically) or refuse."""
    application = _handled(actor, application_id)
    _require_reasons(reasons, basis)
    workflows.check("approve" if approve else "refuse", application.status)
    application.decision_reasons, application.decision_basis = reasons, basis
    application.decided_at, application.decided_by = timezone.now(), actor
    fields = ["decision_reasons", "decision_basis", "decided_at", "decided_by"]
    if approve:
        _issue(application, actor)
        _move(application, "approve", actor, note=reasons, fields=[*fields, "licence"])
        if application.route == Route.COMMITMENT:
            _request_verification(application)
        _tell_applicant(
            application,
            lambda: (
                _("Application %(number)s was approved: licence %(licence)s is issued.")
                % {"number": application.number, "licence": application.licence.number}
            ),
        )
    else:
        _move(application, "refuse", actor, note=reasons, fields=fields)
        _tell_applicant(
            application,
            lambda: (
                _("Application %(number)s was refused: %(reasons)s (%(basis)s)")
                % {"number": application.number, "reasons": reasons, "basis": basis}
            ),
        )
    _close_todos(application, actor)
    return application


@audit.audited("licensing.extension.request")
def extension_request(*, actor: Any, application_id: int, reason: str) -> Extension:
    application = _handled(actor, application_id)
    if not actor.has_role(Role.REVIEWER, Role.APPROVER):
        raise PermissionDenied(
            _("Only the reviewers and approvers of the case may ask for an extension.")
        )
    if application.status not in (S.REVIEWING, S.INSPECTING, S.DECIDING):
        raise ValidationFailed.field(
            "status", _("Only an application being handled can be extended.")
        )
    if Extension.objects.filter(application=application).exists():
        raise ValidationFailed.field(
            "reason", _("The law allows one extension of 10 working days.")
        )
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Give the reason for the extension."))
    extension = Extension.objects.create(
        application=application, days=clock.EXTENSION_DAYS, reason=reason, requested_by=actor
    )
    _event(
        application, "request_extension", application.status, application.status, actor, note=reason
    )
    inbox.todo_post(
        source="licensing",
        kind="licensing.extension",
        obj=application,
        bureau=application.handling_bureau,
        role=Role.LEADER,
        due_at=_due(application.deadline),
        title=lambda: (
            _("Approve an extension for application %(number)s") % {"number": application.number}
        ),
        body=reason,
        link=application.get_absolute_url(),
    )
    audit.record(actor=actor, action="licensing.extension.request", obj=application, detail=reason)
    return extension


@audit.audited("licensing.extension.approve")
def extension_approve(*, actor: Any, application_id: int) -> Application:
    """A leader of the handling bureau approves the 10 working days (行政许可法 第四十二条)."""
    from yaojian.accounts.services import require_role

    application = _handled(actor, application_id)
    require_role(actor, Role.LEADER, action="licensing.extension.approve")
    extension = Extension.objects.filter(application=application, approved_at__isnull=True).first()
    if extension is None:
        raise ValidationFailed.field("extension", _("No extension is waiting for approval."))
    extension.approved_by, extension.approved_at = actor, timezone.now()
    extension.save(update_fields=["approved_by", "approved_at"])
    application.extension_days = extension.days
    clock.refresh(application)
    application.save(update_fields=["extension_days", "deadline", "committed_deadline"])
    _event(application, "approve_extension", application.status, application.status, actor)
    _close_todos(application, actor, kind="licensing.extension")
    _tell_applicant(
        application,
        lambda: (
            _(
                "The decision on application %(number)s is extended by %(n)d working days, to %(date)s."
            )
            % {"number": application.number, "n": extension.days, "date": application.deadline}
        ),
    )
    audit.record(actor=actor, action="licensing.extension.approve", obj=application)
    return application


# --- the law's own steps (the scheduler) --------------------------------------------------------


def accept_overdue(today: dt.date | None = None) -> int:
    """Applications nobody answered within 5 working days count as accepted (行政许可法 第三十二条)."""
    today = today or timezone.localdate()
    count = 0
    for application in Application.objects.filter(status=S.SUBMITTED).select_related(
        "matter", "enterprise", "handling_bureau"
    ):
        due = clock.acceptance_due(application)
        if due and today > due:
            with transaction.atomic():
                _accept(application, None, "auto_accept")
            count += 1
    return count


def clocks_refresh(today: dt.date | None = None) -> int:
    """Recompute every running clock at once (core.clock's bulk arithmetic) and post a warning
    to-do for those about to run out or overdue. Returns the number of warnings."""
    from yaojian.core import clock as core_clock

    today = today or timezone.localdate()
    running = list(
        Application.objects.filter(
            status__in=[S.REVIEWING, S.INSPECTING, S.DECIDING],
            accepted_on__isnull=False,
            statutory_limit__isnull=False,
        )
        .select_related("handling_bureau")
        .order_by("pk")
    )
    if not running:
        return 0
    open_pauses = dict(
        Pause.objects.filter(application__in=running, end__isnull=True).values_list(
            "application_id", "start"
        )
    )
    arguments = (
        [a.accepted_on for a in running],
        [a.statutory_limit for a in running],
        [a.paused_days for a in running],
        [a.extension_days for a in running],
        today,
    )
    opens = [open_pauses.get(a.pk) for a in running]
    deadlines = core_clock.bulk_deadlines(*arguments, open_pause_starts=opens)
    remaining = core_clock.bulk_remaining(*arguments, open_pause_starts=opens)
    changed = []
    for application, deadline in zip(running, deadlines, strict=True):
        if application.deadline != deadline:
            application.deadline = deadline
            changed.append(application)
    Application.objects.bulk_update(changed, ["deadline"], batch_size=2000)
    warned = 0
    for application, left in zip(running, remaining, strict=True):
        if left > core_clock.warning_days(application.statutory_limit):
            continue
        _warn_deadline(application, left)
        warned += 1
    return warned


def _warn_deadline(application: Application, left: int) -> None:
    def title() -> str:
        text = (
            _("Overdue: application %(number)s")
            if left < 0
            else _("Deadline near: application %(number)s")
        )
        return text % {"number": application.number}

    inbox.todo_post(
        source="licensing",
        kind="licensing.deadline",
        obj=application,
        bureau=application.handling_bureau,
        due_at=_due(application.deadline),
        title=title,
        body=lambda: (
            _("%(n)d working days left (deadline %(date)s).")
            % {"n": left, "date": application.deadline}
        ),
        link=application.get_absolute_url(),
    )


# --- helpers -----------------------------------------------------------------------------------


def _move(
    application: Application,
    action: str,
    actor: Any,
    *,
    note: str = "",
    data: dict | None = None,
    fields: list[str] | None = None,
) -> None:
    """Take one transition of the workflow table: state, history, audit."""
    transition = workflows.check(action, application.status)
    if transition.by != workflows.SYSTEM and not workflows.may(actor, transition):
        from yaojian.accounts.services import record_denial

        record_denial(actor, action=f"licensing.application.{action}", detail=application.number)
        raise PermissionDenied(_("Your account may not take this step."))
    source = application.status
    application.status = transition.target
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at", *(fields or [])])
    _event(application, action, source, transition.target, actor, note=note, data=data)
    audit.record(
        actor=actor or audit.Actor(username="system", kind="system"),
        action=f"licensing.application.{action}",
        obj=application,
        changes={"before": {"status": source}, "after": {"status": transition.target}},
        detail=note[:500],
    )


def _event(
    application, action, source, target, actor, *, note: str = "", data: dict | None = None
) -> Event:
    return Event.objects.create(
        application=application,
        action=action,
        from_status=source,
        to_status=target,
        actor=_person(actor),
        actor_name=_name(actor) or _("the system"),
        note=note,
        data=data or {},
    )


def _issue(application: Application, actor: Any) -> None:
    """Enter the decision in the register (the single source of truth), then issue the e-licence."""
    from yaojian.elicence import services as elicence

    matter, enterprise, form = application.matter, application.enterprise, application.form_data
    today = timezone.localdate()
    kind = matter.kind
    scope = (
        "、".join(form["scope"])
        if isinstance(form.get("scope"), list)
        else str(form.get("scope") or "")
    )
    if kind in (MatterKind.NEW, MatterKind.FILING):
        licence = registry.licence_create(
            actor=actor,
            holder_id=enterprise.pk,
            kind=matter.licence_kind,
            number=numbers.licence_number(matter.licence_kind, enterprise.region_code),
            scope=scope,
            registered_address=str(
                form.get("address") or form.get("production_address") or enterprise.address
            ),
            warehouse_address=str(form.get("warehouse_address") or ""),
            legal_representative=str(
                form.get("legal_representative") or enterprise.legal_representative
            ),
            principal=str(form.get("principal") or ""),
            quality_manager=str(form.get("quality_manager") or ""),
            issued_on=today,
            valid_from=today,
            valid_until=None
            if matter.licence_kind in ("device_trading_ii", "online_drug_sales")
            else _years_later(today),
        )
    else:
        licence = Licence.objects.get(
            holder=enterprise, kind=matter.licence_kind, number=form.get("licence_number")
        )
        if kind == MatterKind.CANCELLATION:
            registry.licence_set_status(
                actor=actor,
                licence_id=licence.pk,
                status=LicenceStatus.CANCELLED,
                reason=f"{application.number} {application.decision_reasons}",
            )
        else:
            changes: dict[str, Any] = {}
            if kind == MatterKind.RENEWAL:
                start = max(today, (licence.valid_until or today) + dt.timedelta(days=1))
                changes.update(valid_from=start, valid_until=_years_later(start), issued_on=today)
            for field in ("quality_manager", "principal"):
                if form.get(field):
                    changes[field] = str(form[field])
            if form.get("address") and kind == MatterKind.CHANGE:
                changes["registered_address"] = str(form["address"])
            if scope and kind == MatterKind.CHANGE:
                changes["scope"] = scope
            registry.licence_update(
                actor=actor, licence_id=licence.pk, note=application.number, **changes
            )
        licence.refresh_from_db()
    application.licence = licence
    if (
        kind != MatterKind.CANCELLATION
    ):  # a cancelled licence is verified as cancelled, not reissued
        elicence.issue(actor=actor, licence=licence, reason=f"{application.number} {matter.name}")


def _approve_at_once(application: Application) -> None:
    """秒批: accepted and approved on submission by the handling bureau's automaton (its rules
    are the pre-checks); a verification inspection follows."""
    from yaojian.accounts.principal import BureauAutomaton

    system = BureauAutomaton(application.handling_bureau)
    application.accepted_on = timezone.localdate()
    application.statutory_limit, application.committed_limit = application.matter.statutory_limit, 0
    application.decided_at = timezone.now()
    application.decision_reasons = _("Every pre-check passed; approved at once.")
    application.decision_basis = application.matter.legal_basis
    _issue(application, system)
    _move(
        application,
        "approve_at_once",
        system,
        fields=[
            "accepted_on",
            "statutory_limit",
            "committed_limit",
            "decided_at",
            "decision_reasons",
            "decision_basis",
            "licence",
        ],
    )
    _request_verification(application)
    _tell_applicant(
        application,
        lambda: (
            _("Application %(number)s was approved at once: %(licence)s is issued.")
            % {"number": application.number, "licence": application.licence.number}
        ),
    )


def _request_verification(application: Application) -> None:
    """A licence granted on the applicant's word (instant approval, or the commitment route)
    is followed by an on-site verification: the inspection module takes the request."""
    from yaojian.inspection.services import inspection_request

    def reason() -> str:
        return _("Check on site that the facts promised in application %(number)s are true.") % {
            "number": application.number
        }

    try:
        with transaction.atomic():
            inspection_request(
                actor=None,
                enterprise=application.enterprise,
                origin="licence_commitment",
                origin_ref=application.number,
                reason=reason,
            )
    except DomainError as error:
        # the licence stands; the handling bureau is asked directly instead
        logger.warning("no verification inspection for %s: %s", application.number, error)
        inbox.todo_post(
            source="licensing",
            kind="licensing.verification",
            obj=application,
            bureau=application.handling_bureau,
            role=Role.INSPECTOR,
            title=lambda: (
                _("Verification inspection after an instant approval: %(name)s")
                % {"name": application.enterprise.name}
            ),
            body=reason,
            link=application.get_absolute_url(),
        )


def _todo_for_acceptance(application: Application) -> None:
    inbox.todo_post(
        source="licensing",
        kind="licensing.accept",
        obj=application,
        bureau=application.handling_bureau,
        role=Role.REVIEWER,
        due_at=_due(clock.acceptance_due(application)),
        title=lambda: (
            _("Accept or correct application %(number)s: %(matter)s")
            % {"number": application.number, "matter": application.matter.display_name}
        ),
        body=application.enterprise.name,
        link=application.get_absolute_url(),
    )
    _tell_applicant(
        application,
        lambda: (
            _("Application %(number)s was received; the bureau answers by %(date)s.")
            % {"number": application.number, "date": clock.acceptance_due(application)}
        ),
    )


def _close_todos(application: Application, actor: Any, kind: str | None = None) -> None:
    inbox.todos_close_for(
        application, kind=kind, actor=actor if getattr(actor, "pk", None) else None
    )


def _tell_applicant(application: Application, text: inbox.Text) -> None:
    """Tell the accounts that may follow the application; the text is subject and body alike
    (a subject too long is cut by the inbox), given as `inbox.notify` takes texts."""
    link = reverse("licensing:my_application", args=[application.pk])
    recipients = application.enterprise.accounts.filter(is_active=True)
    text = inbox.each_language(text)  # once, not once per account
    for user in recipients:
        if (
            user.is_enterprise_master
            or "apply" in user.enterprise_rights
            or user.pk == application.created_by_id
        ):
            inbox.notify(user, source="licensing", subject=text, body=text, link=link)


def _require_reasons(reasons: str, basis: str) -> None:
    errors = {}
    if not (reasons or "").strip():
        errors["reasons"] = [_("Give the reasons.")]
    if not (basis or "").strip():
        errors["basis"] = [_("Give the legal basis.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)


def _due(day: dt.date | None):
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30)))


def _years_later(start: dt.date) -> dt.date:
    try:
        return start.replace(year=start.year + LICENCE_YEARS) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + LICENCE_YEARS, day=28)
