"""The plan's workflow as data: draft → filed with the bureau above → approved or returned.

A plan is filed by a leader or approver of its own bureau and decided by one of the bureau
above (the province bureau, which has none above it, decides its own plans). A returned plan
is revised and filed again. Tested exhaustively in tests/test_workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.inspection.draws.choices import PlanStatus

S = PlanStatus
OWNER, PARENT = "owner", "parent"  # whose bureau may take the step
PLANNERS = frozenset({Role.LEADER, Role.APPROVER})
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str
    by: str
    roles: frozenset[str] = PLANNERS


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("file", gettext_lazy("File with the bureau above"), EDITABLE, S.FILED, OWNER),
        Transition("approve", gettext_lazy("Approve"), frozenset({S.FILED}), S.APPROVED, PARENT),
        Transition(
            "return", gettext_lazy("Return for revision"), frozenset({S.FILED}), S.RETURNED, PARENT
        ),
    ]
}


def deciding_bureau_id(plan: Any) -> int:
    return plan.bureau.parent_id or plan.bureau_id


def check(action: str, status: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the plan is “%(status)s”.")
            % {
                "action": transition.label if transition else action,
                "status": PlanStatus(status).label,
            }
        )
    return transition


def may(actor: Any, transition: Transition, plan: Any) -> bool:
    if not (getattr(actor, "is_regulator", False) and actor.has_role(*transition.roles)):
        return False
    bureau_id = plan.bureau_id if transition.by == OWNER else deciding_bureau_id(plan)
    return actor.bureau_id == bureau_id


def available(actor: Any, plan: Any) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if plan.status in t.sources and may(actor, t, plan)]
