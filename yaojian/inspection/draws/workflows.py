"""The plan's workflow as data: draft → filed with the bureau above → approved or returned.

A plan is filed by a leader or approver of its own bureau and decided by one of the bureau
above (the province bureau, which has none above it, decides its own plans). A returned plan
is revised and filed again. Tested exhaustively in tests/test_workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import Role
from yaojian.core import workflow
from yaojian.inspection.draws.choices import PlanStatus

S = PlanStatus
OWNER, PARENT = "owner", "parent"  # whose bureau may take the step
PLANNERS = frozenset({Role.LEADER, Role.APPROVER})
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


@dataclass(frozen=True)
class Transition(workflow.Transition):
    roles: frozenset[str] = PLANNERS


def deciding_bureau_id(plan: Any) -> int:
    return plan.bureau.parent_id or plan.bureau_id


def _in_the_bureau(actor: Any, transition: Transition, plan: Any) -> bool:
    bureau_id = plan.bureau_id if transition.by == OWNER else deciding_bureau_id(plan)
    return actor.bureau_id == bureau_id


WORKFLOW = workflow.Workflow(
    [
        Transition("file", gettext_lazy("File with the bureau above"), EDITABLE, S.FILED, OWNER),
        Transition("approve", gettext_lazy("Approve"), {S.FILED}, S.APPROVED, PARENT),
        Transition("return", gettext_lazy("Return for revision"), {S.FILED}, S.RETURNED, PARENT),
    ],
    statuses=PlanStatus,
    refusal=gettext_lazy("“%(action)s” is not possible while the plan is “%(status)s”."),
    who=_in_the_bureau,
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions


def check(action: str, status: str) -> Transition:
    return WORKFLOW.check(action, status)


def may(actor: Any, transition: Transition, plan: Any) -> bool:
    return WORKFLOW.may(actor, transition, plan)


def available(actor: Any, plan: Any) -> list[Transition]:
    return WORKFLOW.available(actor, plan.status, plan)
