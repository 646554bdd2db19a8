"""The case workflow as data: which status changes are allowed, with a history row each.

    received ──assess──▶ assessed
    received/assessed ──merge──▶ merged      (a duplicate folded into its surviving case)
    received/assessed ──nullify──▶ nullified (a report withdrawn as invalid)

A step that the table does not allow is refused with TransitionNotAllowed and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yaojian.core.errors import TransitionNotAllowed
from yaojian.vigilance.choices import CaseStatus as S
from yaojian.vigilance.models import Case, CaseHistory

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECEIVED, S.ASSESSED): "assess",
    (S.RECEIVED, S.MERGED): "merge",
    (S.ASSESSED, S.MERGED): "merge",
    (S.RECEIVED, S.NULLIFIED): "nullify",
    (S.ASSESSED, S.NULLIFIED): "nullify",
}


def allowed(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS


def record_start(case: Case, actor: Any) -> None:
    CaseHistory.objects.create(
        case=case,
        from_status="",
        to_status=case.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def transition(case: Case, target: str, *, actor: Any, note: str = "") -> Case:
    if not allowed(case.status, target):
        raise TransitionNotAllowed(
            _("A case in status %(source)s cannot become %(target)s.")
            % {"source": S(case.status).label, "target": S(target).label}
        )
    source = case.status
    case.status = target
    case.save(update_fields=["status"])
    CaseHistory.objects.create(
        case=case,
        from_status=source,
        to_status=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:2000],
    )
    return case
