"""Every write of inspections in the field. Each workflow step goes through `_move`, which checks
the transition table, the actor's role, team membership or enterprise right, records the
step, audits it and puts it on the enterprise's file where it matters.

Other modules call:

    inspection_schedule(*, actor, enterprise, team, lead, kind, origin, origin_ref, due_date)
        -> Inspection   (the random draw: an inspection scheduled with its team)
    inspection_request(*, actor, enterprise, origin, origin_ref, reason)
        -> Inspection   (a pending inspection and a to-do for the enterprise's county bureau)
"""

from yaojian.inspection.services.checklists import (
    checklist_item_save,
    checklist_save,
    parse_payload,
)
from yaojian.inspection.services.common import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_COUNT,
    MIN_TEAM,
    PHOTO_MAX_BYTES,
    PHOTO_MAX_COUNT,
    RECTIFICATION_DEFAULT_DAYS,
    RECTIFICATION_MAX_DAYS,
    require_may,
)
from yaojian.inspection.services.field import PhotoIn, Submission, inspection_submit_checklist
from yaojian.inspection.services.inspections import (
    inspection_assign,
    inspection_cancel,
    inspection_request,
    inspection_schedule,
    inspection_start,
)
from yaojian.inspection.services.outcomes import (
    FileIn,
    inspection_decide,
    rectification_accept,
    rectification_return,
    rectification_submit,
    rectifications_overdue_remind,
)

__all__ = [
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_MAX_COUNT",
    "MIN_TEAM",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_COUNT",
    "RECTIFICATION_DEFAULT_DAYS",
    "RECTIFICATION_MAX_DAYS",
    "FileIn",
    "PhotoIn",
    "Submission",
    "checklist_item_save",
    "checklist_save",
    "inspection_assign",
    "inspection_cancel",
    "inspection_decide",
    "inspection_request",
    "inspection_schedule",
    "inspection_start",
    "inspection_submit_checklist",
    "parse_payload",
    "rectification_accept",
    "rectification_return",
    "rectification_submit",
    "rectifications_overdue_remind",
    "require_may",
]
