"""The inspection workflow as data: every allowed transition, who may take it, from where.

    pending ─schedule→ scheduled ─start→ in progress ─submit→ submitted
    submitted ─pass→ closed (outcome pass)
    submitted ─require_rectification→ rectifying ─submit_rectification→ rectification submitted
    rectification submitted ─accept_rectification→ closed | ─return_rectification→ rectifying
    submitted / rectifying / rectification submitted ─refer→ closed (outcome referral)
    pending / scheduled ─cancel→ cancelled

Services call `check(...)` and `may(...)`; a step the table does not allow is refused with
TransitionNotAllowed and changes nothing. Field steps (start, submit) belong to the team;
outcome steps to the team or a leader of the bureau. The table is tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core import workflow
from yaojian.inspection.choices import Status

S = Status
ENTERPRISE, REGULATOR = workflow.ENTERPRISE, workflow.REGULATOR
# who among the regulators with the roles: anyone, a member of the team, or the team or a leader
ANYONE, TEAM, TEAM_OR_LEADER = "anyone", "team", "team_or_leader"


@dataclass(frozen=True)
class Transition(workflow.Transition):
    who: str = ANYONE


def on_team(actor: Any, inspection: Any) -> bool:
    if inspection is None or not getattr(actor, "pk", None):
        return False
    if inspection.lead_id == actor.pk:
        return True
    return inspection.team.filter(pk=actor.pk).exists()


def _who(actor: Any, transition: Transition, inspection: Any) -> bool:
    """The inspected enterprise's own accounts; the team, or a leader, for the steps that say so."""
    if transition.by == ENTERPRISE:
        return inspection is None or inspection.enterprise_id == actor.enterprise_id
    if transition.who == TEAM:
        return on_team(actor, inspection)
    if transition.who == TEAM_OR_LEADER:
        return actor.has_role(Role.LEADER) or on_team(actor, inspection)
    return True


WORKFLOW = workflow.Workflow(
    [
        Transition(
            "schedule",
            gettext_lazy("Schedule"),
            {S.PENDING},
            S.SCHEDULED,
            REGULATOR,
            {Role.INSPECTOR, Role.LEADER, Role.APPROVER},
        ),
        Transition(
            "start",
            gettext_lazy("Start the inspection"),
            {S.SCHEDULED},
            S.IN_PROGRESS,
            REGULATOR,
            roles={Role.INSPECTOR},
            who=TEAM,
        ),
        Transition(
            "submit",
            gettext_lazy("Submit the checklist"),
            {S.IN_PROGRESS},
            S.SUBMITTED,
            REGULATOR,
            roles={Role.INSPECTOR},
            who=TEAM,
        ),
        Transition(
            "pass",
            gettext_lazy("Pass"),
            {S.SUBMITTED},
            S.CLOSED,
            REGULATOR,
            roles={Role.INSPECTOR, Role.LEADER},
            who=TEAM_OR_LEADER,
        ),
        Transition(
            "require_rectification",
            gettext_lazy("Require rectification"),
            {S.SUBMITTED},
            S.RECTIFYING,
            REGULATOR,
            roles={Role.INSPECTOR, Role.LEADER},
            who=TEAM_OR_LEADER,
        ),
        Transition(
            "refer",
            gettext_lazy("Refer to a penalty case"),
            {S.SUBMITTED, S.RECTIFYING, S.RECTIFICATION_SUBMITTED},
            S.CLOSED,
            REGULATOR,
            roles={Role.INSPECTOR, Role.LEADER},
            who=TEAM_OR_LEADER,
        ),
        Transition(
            "submit_rectification",
            gettext_lazy("Submit rectification evidence"),
            {S.RECTIFYING},
            S.RECTIFICATION_SUBMITTED,
            ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "accept_rectification",
            gettext_lazy("Accept the rectification"),
            {S.RECTIFICATION_SUBMITTED},
            S.CLOSED,
            REGULATOR,
            roles={Role.INSPECTOR, Role.LEADER},
            who=TEAM_OR_LEADER,
        ),
        Transition(
            "return_rectification",
            gettext_lazy("Return the rectification"),
            {S.RECTIFICATION_SUBMITTED},
            S.RECTIFYING,
            REGULATOR,
            roles={Role.INSPECTOR, Role.LEADER},
            who=TEAM_OR_LEADER,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel"),
            {S.PENDING, S.SCHEDULED},
            S.CANCELLED,
            REGULATOR,
            {Role.LEADER, Role.APPROVER},
        ),
    ],
    statuses=Status,
    refusal=gettext_lazy("“%(action)s” is not possible while the inspection is “%(status)s”."),
    who=_who,
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions


def allowed(action: str, status: str) -> bool:
    return WORKFLOW.allowed(action, status)


def check(action: str, status: str) -> Transition:
    """The transition for `action` from `status`, or TransitionNotAllowed naming both."""
    return WORKFLOW.check(action, status)


def may(actor: Any, transition: Transition, inspection: Any = None) -> bool:
    """Whether this account may take the transition (jurisdiction is checked by the selector)."""
    return WORKFLOW.may(actor, transition, inspection)


def available(actor: Any, inspection: Any) -> list[Transition]:
    """The steps this account may take now (the buttons a page offers)."""
    return WORKFLOW.available(actor, inspection.status, inspection)
