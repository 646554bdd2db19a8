"""What the inspection services share: constants, the workflow step, the file and the inbox."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role, UserKind
from yaojian.audit import services as audit
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.core.texts import join_items
from yaojian.inspection import workflows
from yaojian.inspection.choices import (
    KIND_FOR_ENTERPRISE,
    InspectionKind,
    Status,
)
from yaojian.inspection.models import (
    Checklist,
    Inspection,
    InspectionEvent,
    InspectionNumber,
)
from yaojian.registry.choices import Severity, TimelineKind

S = Status
MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
PHOTO_MAX_COUNT = 30
EVIDENCE_MAX_BYTES = 20 * MB
EVIDENCE_MAX_COUNT = 10
RECTIFICATION_DEFAULT_DAYS = 20  # working days
RECTIFICATION_MAX_DAYS = 60
MIN_TEAM = 2  # 双随机: at least two law-enforcement officers (行政处罚法 第四十二条)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
EXTENSION = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}


# --- helpers -------------------------------------------------------------------------------------


def _person(actor: Any):
    """The account as a foreign key: a person, or None for a machine client or the system."""
    return actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None


def _name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""


def _deny(actor: Any, action: str, message: str) -> None:
    from yaojian.accounts.services import record_denial

    record_denial(actor, action=f"inspection.{action}", detail=message)
    raise PermissionDenied(message)


def _bureau_for(region_code: str):
    """The bureau of the enterprise's county, or of the nearest level above that has one."""
    from yaojian.accounts.models import Bureau

    for code in (region_code, region_code[:4] + "00", region_code[:2] + "0000"):
        bureau = Bureau.objects.filter(region_code=code).first()
        if bureau is not None:
            return bureau
    raise ValidationFailed.field("enterprise", _("No bureau is responsible for this enterprise."))


def _next_number(region_code: str) -> str:
    year = timezone.localdate().year
    series = f"{region_code}-{year}"
    sequence, _created = InspectionNumber.objects.get_or_create(series=series)
    sequence = InspectionNumber.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"JC{region_code}{year}{sequence.last:05d}"


def _detail_link(inspection: Inspection) -> str:
    return reverse("inspection:detail", args=[inspection.pk])


def _enterprise_link(inspection: Inspection) -> str:
    return reverse("inspection:my_detail", args=[inspection.pk])


def _event(
    inspection: Inspection,
    action: str,
    from_status: str,
    to_status: str,
    actor: Any,
    *,
    note: str = "",
    data: dict | None = None,
) -> InspectionEvent:
    return InspectionEvent.objects.create(
        inspection=inspection,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=_person(actor),
        actor_name=_name(actor) or _("System"),
        note=note,
        data=data or {},
    )


def require_may(actor: Any, transition: workflows.Transition, inspection: Inspection) -> None:
    """Refuse (audited) an account that may not take this step, saying why."""
    if workflows.may(actor, transition, inspection):
        return
    action = transition.action
    if transition.by == workflows.ENTERPRISE:
        _deny(actor, action, _("Only the inspected enterprise may do this."))
    if not (getattr(actor, "is_regulator", False) and actor.has_role(*transition.roles)):
        roles = join_items(str(Role(r).label) for r in sorted(transition.roles))
        _deny(actor, action, _("This needs the role: %(roles)s.") % {"roles": roles})
    if transition.who == workflows.TEAM:
        _deny(actor, action, _("Only a member of the inspection team may do this."))
    _deny(actor, action, _("Only the inspection team or a leader may do this."))


def _move(
    inspection: Inspection,
    action: str,
    actor: Any,
    *,
    note: str = "",
    data: dict | None = None,
    fields: list[str] | tuple[str, ...] = (),
) -> InspectionEvent:
    """Take one step of the workflow, or refuse it with nothing changed."""
    transition = workflows.check(action, inspection.status)
    require_may(actor, transition, inspection)
    from_status = inspection.status
    inspection.status = transition.target
    inspection.updated_at = timezone.now()
    inspection.save(update_fields=["status", "updated_at", *fields])
    event = _event(inspection, action, from_status, transition.target, actor, note=note, data=data)
    audit.record(
        actor=actor,
        action=f"inspection.{action}",
        obj=inspection,
        changes={"before": {"status": from_status}, "after": {"status": transition.target}},
        detail=note[:500],
    )
    return event


def _timeline(
    inspection: Inspection,
    title: Any,
    *,
    summary: Any = "",
    obj: Any = None,
    severity: str = Severity.INFO,
) -> None:
    """The fact on the enterprise's file; texts as `timeline_post` takes them (a callable is
    rendered in each language, so each reader of the file reads their own)."""
    from yaojian.registry.services import timeline_post

    timeline_post(
        source="inspection",
        kind=TimelineKind.INSPECTION,
        title=title,
        summary=summary,
        enterprise=inspection.enterprise,
        link=_detail_link(inspection),
        obj=obj if obj is not None else inspection,
        severity=severity,
    )


def _notify_enterprise(inspection: Inspection, subject: Any, body: Any = "") -> None:
    """Tell the enterprise's accounts that may respond; texts as `notify` takes them."""
    from yaojian.accounts.choices import EnterpriseRight
    from yaojian.workbench.services import each_language, notify

    # rendered in every language once, not once per account
    subject, body = each_language(subject), each_language(body)
    for account in inspection.enterprise.accounts.filter(is_active=True, kind=UserKind.ENTERPRISE):
        if account.has_enterprise_right(EnterpriseRight.RESPOND):
            notify(
                account,
                source="inspection",
                subject=subject,
                body=body,
                link=_enterprise_link(inspection),
            )


def _check_team(team: list, lead: Any, enterprise: Any) -> list:
    """The team as accounts: active regulators with the inspector role, the lead among them,
    at least two, none employed by or related to the enterprise."""
    from yaojian.accounts.models import User

    errors: dict[str, list[str]] = {}
    members: list = []
    for member in team or []:
        account = member if isinstance(member, User) else User.objects.filter(pk=member).first()
        if account is None:
            errors.setdefault("team", []).append(_("An account in the team does not exist."))
            continue
        if account not in members:
            members.append(account)
    if lead is not None and not isinstance(lead, User):
        lead = User.objects.filter(pk=lead).first()
    if lead is None:
        errors.setdefault("lead", []).append(_("Name the team lead."))
    else:
        members = [lead] + [m for m in members if m != lead]
    for account in members:
        if not (account.is_active and account.is_regulator and account.has_role(Role.INSPECTOR)):
            errors.setdefault("team", []).append(
                _("%(name)s is not an active inspector.") % {"name": _name(account)}
            )
    if len(members) < MIN_TEAM:
        errors.setdefault("team", []).append(
            _("An inspection team has at least %(n)d inspectors.") % {"n": MIN_TEAM}
        )
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    return members


def _kind_and_checklist(kind: str, enterprise: Any) -> tuple[str, Checklist]:
    kind = kind or KIND_FOR_ENTERPRISE.get(enterprise.kind, "")
    if kind not in InspectionKind.values:
        raise ValidationFailed.field(
            "kind",
            _("Choose the kind of inspection: %(kinds)s.")
            % {"kinds": ", ".join(InspectionKind.values)},
        )
    checklist = Checklist.objects.filter(kind=kind, active=True).first()
    if checklist is None:
        raise ValidationFailed.field(
            "kind", _("No active checklist exists for this kind of inspection.")
        )
    return kind, checklist


def _check_due(due_date: Any) -> dt.date | None:
    if due_date in (None, ""):
        return None
    if isinstance(due_date, str):
        try:
            due_date = dt.date.fromisoformat(due_date)
        except ValueError:
            raise ValidationFailed.field("due_date", _("Enter a date as YYYY-MM-DD.")) from None
    if isinstance(due_date, dt.datetime):
        due_date = due_date.date()
    if due_date < timezone.localdate():
        raise ValidationFailed.field("due_date", _("The date lies in the past."))
    return due_date


def _require_in_scope(actor: Any, enterprise: Any) -> None:
    if not actor.scope.covers_region(enterprise.region_code):
        raise NotFound()
