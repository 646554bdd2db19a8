"""Creating inspections (the random draw, other modules' requests), scheduling, starting, cancelling."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.inspection import selectors, workflows
from yaojian.inspection.choices import (
    Origin,
)
from yaojian.inspection.models import (
    Inspection,
)
from yaojian.inspection.services.common import (
    S,
    _bureau_for,
    _check_due,
    _check_team,
    _detail_link,
    _event,
    _kind_and_checklist,
    _move,
    _next_number,
    _person,
    _require_in_scope,
    _timeline,
    require_may,
)

# --- creation: the random draw and the other modules ---------------------------------------------


@audit.audited("inspection.schedule")
def inspection_schedule(
    *,
    actor: Any,
    enterprise: Any,
    team: list,
    lead: Any,
    kind: str,
    origin: str,
    origin_ref: str,
    due_date: Any,
) -> Inspection:
    """An inspection scheduled with its team (from the random draw, or planned by a bureau)."""
    from yaojian.accounts.services import require_role

    require_role(actor, Role.INSPECTOR, Role.LEADER, Role.APPROVER, action="inspection.schedule")
    _require_in_scope(actor, enterprise)
    if origin not in Origin.values:
        raise ValidationFailed.field("origin", _("Unknown origin of the inspection."))
    if origin_ref:
        # scheduling the same drawn selection again (a retried draw step) returns the first
        existing = (
            Inspection.objects.filter(
                enterprise=enterprise, origin=origin, origin_ref=origin_ref[:100]
            )
            .exclude(status=S.CANCELLED)
            .first()
        )
        if existing is not None:
            return existing
    kind, checklist = _kind_and_checklist(kind, enterprise)
    members = _check_team(team, lead, enterprise)
    due = _check_due(due_date)
    lead = members[0]
    bureau = _bureau_for(enterprise.region_code)
    now = timezone.now()
    inspection = Inspection(
        number=_next_number(enterprise.region_code),
        enterprise=enterprise,
        region_code=enterprise.region_code,
        bureau=bureau,
        kind=kind,
        checklist=checklist,
        status=S.SCHEDULED,
        origin=origin,
        origin_ref=(origin_ref or "")[:100],
        lead=lead,
        due_date=due,
        scheduled_at=now,
    )
    inspection.full_clean(exclude=["team"])
    inspection.save()
    inspection.team.set(members)
    event = _event(
        inspection,
        "schedule",
        "",
        S.SCHEDULED,
        actor,
        data={"team": [m.pk for m in members], "lead": lead.pk, "origin": origin},
    )
    audit.record(
        actor=actor,
        action="inspection.schedule",
        obj=inspection,
        detail=f"{enterprise.uscc} {kind} {origin}:{origin_ref}",
    )
    _tell_team(inspection, members)
    _timeline_scheduled(inspection, event)
    return inspection


def _timeline_scheduled(inspection: Inspection, event: Any) -> None:
    _timeline(
        inspection,
        lambda: (
            _("Inspection %(number)s (%(kind)s) scheduled")
            % {"number": inspection.number, "kind": inspection.get_kind_display()}
        ),
        summary=lambda: (
            _("Origin: %(origin)s. To be inspected by %(date)s.")
            % {"origin": inspection.get_origin_display(), "date": inspection.due_date or "—"}
        ),
        obj=event,
    )


def _tell_team(inspection: Inspection, members: list) -> None:
    from yaojian.workbench.services import each_language, notify

    subject = each_language(
        lambda: (
            _("Inspection %(number)s of %(name)s is assigned to you")
            % {"number": inspection.number, "name": inspection.enterprise.name}
        )
    )
    body = each_language(
        lambda: _("To be inspected by %(date)s.") % {"date": inspection.due_date or "—"}
    )
    for member in members:
        notify(
            member,
            source="inspection",
            subject=subject,
            body=body,
            link=_detail_link(inspection),
            email=False,
        )


@audit.audited("inspection.request")
def inspection_request(
    *, actor: Any, enterprise: Any, origin: str, origin_ref: str, reason: Any
) -> Inspection:
    """A pending inspection asked for by another module (a commitment-based licence to verify,
    a complaint, a traceability anomaly…) and a to-do for the enterprise's county bureau.

    Asking again for the same origin and reference while one is open returns that one.
    `reason` is a text as the inbox takes it (a callable renders it in each language): the
    inspection keeps it in the default language, the to-do reads in its reader's language."""
    from yaojian.workbench.services import each_language, in_default_language, todo_post

    if origin not in Origin.values:
        raise ValidationFailed.field("origin", _("Unknown origin of the inspection."))
    reasons = {code: text.strip() for code, text in each_language(reason or "").items()}
    reason = in_default_language(reasons)
    if not reason:
        raise ValidationFailed.field("reason", _("Say why the inspection is needed."))
    existing = Inspection.objects.filter(
        enterprise=enterprise,
        origin=origin,
        origin_ref=(origin_ref or "")[:100],
        status__in=[S.PENDING, S.SCHEDULED, S.IN_PROGRESS],
    ).first()
    if existing is not None:
        return existing
    kind, checklist = _kind_and_checklist("", enterprise)
    bureau = _bureau_for(enterprise.region_code)
    inspection = Inspection(
        number=_next_number(enterprise.region_code),
        enterprise=enterprise,
        region_code=enterprise.region_code,
        bureau=bureau,
        kind=kind,
        checklist=checklist,
        status=S.PENDING,
        origin=origin,
        origin_ref=(origin_ref or "")[:100],
        reason=reason,
    )
    inspection.full_clean(exclude=["team"])
    inspection.save()
    _event(inspection, "request", "", S.PENDING, actor, note=reason, data={"origin": origin})
    audit.record(
        actor=actor,
        action="inspection.request",
        obj=inspection,
        detail=f"{enterprise.uscc} {origin}:{origin_ref}",
    )
    todo_post(
        source="inspection",
        kind="inspection.schedule",
        title=lambda: (
            _("Schedule an inspection of %(name)s (%(origin)s)")
            % {"name": enterprise.name, "origin": Origin(origin).label}
        ),
        body=reasons,
        link=_detail_link(inspection),
        bureau=bureau,
        role=Role.INSPECTOR,
        obj=inspection,
    )
    return inspection


@audit.audited("inspection.assign")
def inspection_assign(
    *, actor: Any, inspection_id: int, team: list, lead: Any, due_date: Any
) -> Inspection:
    """Give a pending inspection its team and date: it becomes scheduled."""
    from yaojian.workbench.services import todos_close_for

    inspection = selectors.inspection_for_update(actor, inspection_id)
    require_may(actor, workflows.check("schedule", inspection.status), inspection)
    members = _check_team(team, lead, inspection.enterprise)
    inspection.due_date = _check_due(due_date)
    inspection.lead = members[0]
    inspection.scheduled_at = timezone.now()
    event = _move(
        inspection,
        "schedule",
        actor,
        data={"team": [m.pk for m in members], "lead": members[0].pk},
        fields=["due_date", "lead", "scheduled_at"],
    )
    inspection.team.set(members)
    todos_close_for(inspection, kind="inspection.schedule", actor=_person(actor))
    _tell_team(inspection, members)
    _timeline_scheduled(inspection, event)
    return inspection


@audit.audited("inspection.start")
def inspection_start(*, actor: Any, inspection_id: int) -> Inspection:
    inspection = selectors.inspection_for_update(actor, inspection_id)
    _start(inspection, actor)
    return inspection


def _start(inspection: Inspection, actor: Any) -> None:
    inspection.started_at = timezone.now()
    event = _move(inspection, "start", actor, fields=["started_at"])
    _timeline(
        inspection,
        lambda: (
            _("On-site inspection %(number)s (%(kind)s) started")
            % {"number": inspection.number, "kind": inspection.get_kind_display()}
        ),
        summary=lambda: _("Origin: %(origin)s.") % {"origin": inspection.get_origin_display()},
        obj=event,
    )


@audit.audited("inspection.cancel")
def inspection_cancel(*, actor: Any, inspection_id: int, reason: str) -> Inspection:
    from yaojian.workbench.services import todos_close_for

    inspection = selectors.inspection_for_update(actor, inspection_id)
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Give the reason for cancelling."))
    inspection.closed_at = timezone.now()
    _move(inspection, "cancel", actor, note=reason.strip(), fields=["closed_at"])
    todos_close_for(inspection, actor=_person(actor))
    return inspection
