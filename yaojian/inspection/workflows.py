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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.inspection.choices import Status

S = Status
ENTERPRISE, REGULATOR = "enterprise", "regulator"
# who among the regulators with the roles: anyone, a member of the team, or the team or a leader
ANYONE, TEAM, TEAM_OR_LEADER = "anyone", "team", "team_or_leader"


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str
    by: str
    roles: frozenset[str] = frozenset()
    who: str = ANYONE
    right: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "schedule",
            gettext_lazy("Schedule"),
            frozenset({S.PENDING}),
            S.SCHEDULED,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.LEADER, Role.APPROVER}),
        ),
        Transition(
            "start",
            gettext_lazy("Start the inspection"),
            frozenset({S.SCHEDULED}),
            S.IN_PROGRESS,
            REGULATOR,
            frozenset({Role.INSPECTOR}),
            TEAM,
        ),
        Transition(
            "submit",
            gettext_lazy("Submit the checklist"),
            frozenset({S.IN_PROGRESS}),
            S.SUBMITTED,
            REGULATOR,
            frozenset({Role.INSPECTOR}),
            TEAM,
        ),
        Transition(
            "pass",
            gettext_lazy("Pass"),
            frozenset({S.SUBMITTED}),
            S.CLOSED,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.LEADER}),
            TEAM_OR_LEADER,
        ),
        Transition(
            "require_rectification",
            gettext_lazy("Require rectification"),
            frozenset({S.SUBMITTED}),
            S.RECTIFYING,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.LEADER}),
            TEAM_OR_LEADER,
        ),
        Transition(
            "refer",
            gettext_lazy("Refer to a penalty case"),
            frozenset({S.SUBMITTED, S.RECTIFYING, S.RECTIFICATION_SUBMITTED}),
            S.CLOSED,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.LEADER}),
            TEAM_OR_LEADER,
        ),
        Transition(
            "submit_rectification",
            gettext_lazy("Submit rectification evidence"),
            frozenset({S.RECTIFYING}),
            S.RECTIFICATION_SUBMITTED,
            ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "accept_rectification",
            gettext_lazy("Accept the rectification"),
            frozenset({S.RECTIFICATION_SUBMITTED}),
            S.CLOSED,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.LEADER}),
            TEAM_OR_LEADER,
        ),
        Transition(
            "return_rectification",
            gettext_lazy("Return the rectification"),
            frozenset({S.RECTIFICATION_SUBMITTED}),
            S.RECTIFYING,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.LEADER}),
            TEAM_OR_LEADER,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel"),
            frozenset({S.PENDING, S.SCHEDULED}),
            S.CANCELLED,
            REGULATOR,
            frozenset({Role.LEADER, Role.APPROVER}),
        ),
    ]
}


def allowed(action: str, status: str) -> bool:
    transition = TRANSITIONS.get(action)
    return bool(transition and status in transition.sources)


def check(action: str, status: str) -> Transition:
    """The transition for `action` from `status`, or TransitionNotAllowed naming both."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the inspection is “%(status)s”.")
            % {"action": transition.label if transition else action, "status": Status(status).label}
        )
    return transition


def on_team(actor: Any, inspection: Any) -> bool:
    if inspection is None or not getattr(actor, "pk", None):
        return False
    if inspection.lead_id == actor.pk:
        return True
    return inspection.team.filter(pk=actor.pk).exists()


def may(actor: Any, transition: Transition, inspection: Any = None) -> bool:
    """Whether this account may take the transition (jurisdiction is checked by the selector)."""
    if transition.by == ENTERPRISE:
        return bool(
            getattr(actor, "is_enterprise_user", False)
            and actor.has_enterprise_right(transition.right)
            and (inspection is None or inspection.enterprise_id == actor.enterprise_id)
        )
    if not (getattr(actor, "is_regulator", False) and actor.has_role(*transition.roles)):
        return False
    if transition.who == TEAM:
        return on_team(actor, inspection)
    if transition.who == TEAM_OR_LEADER:
        return actor.has_role(Role.LEADER) or on_team(actor, inspection)
    return True


def available(actor: Any, inspection: Any) -> list[Transition]:
    """The steps this account may take now (the buttons a page offers)."""
    return [
        t
        for t in TRANSITIONS.values()
        if inspection.status in t.sources and may(actor, t, inspection)
    ]
