"""The application workflow as data: every allowed transition, who may take it, from where.

Services call `transition(...)`; a step that the table does not allow is refused with
TransitionNotAllowed and changes nothing. The table is tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.licensing.choices import Status

S = Status
ENTERPRISE, REGULATOR, SYSTEM = "enterprise", "regulator", "system"
REVIEWERS = frozenset({Role.REVIEWER, Role.APPROVER})
DECIDERS = frozenset({Role.APPROVER, Role.LEADER})


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str
    by: str  # enterprise, regulator or system
    roles: frozenset[str] = frozenset()  # regulators: any of these roles
    right: str = ""  # enterprises: this delegated right


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            gettext_lazy("Submit"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            ENTERPRISE,
            right=EnterpriseRight.APPLY,
        ),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw"),
            frozenset({S.DRAFT, S.SUBMITTED, S.CORRECTING, S.REVIEWING, S.INSPECTING}),
            S.WITHDRAWN,
            ENTERPRISE,
            right=EnterpriseRight.APPLY,
        ),
        Transition(
            "request_correction",
            gettext_lazy("Request corrections"),
            frozenset({S.SUBMITTED}),
            S.CORRECTING,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "answer_correction",
            gettext_lazy("Send the corrections"),
            frozenset({S.CORRECTING}),
            S.SUBMITTED,
            ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "not_accept",
            gettext_lazy("Do not accept"),
            frozenset({S.SUBMITTED}),
            S.NOT_ACCEPTED,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "accept",
            gettext_lazy("Accept"),
            frozenset({S.SUBMITTED}),
            S.REVIEWING,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "auto_accept",
            gettext_lazy("Accepted by law (no answer within 5 working days)"),
            frozenset({S.SUBMITTED}),
            S.REVIEWING,
            SYSTEM,
        ),
        Transition(
            "start_inspection",
            gettext_lazy("Send for on-site inspection"),
            frozenset({S.REVIEWING}),
            S.INSPECTING,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "finish_inspection",
            gettext_lazy("Record the inspection"),
            frozenset({S.INSPECTING}),
            S.REVIEWING,
            REGULATOR,
            frozenset({Role.INSPECTOR, Role.REVIEWER}),
        ),
        Transition(
            "finish_review",
            gettext_lazy("Finish the review"),
            frozenset({S.REVIEWING}),
            S.DECIDING,
            REGULATOR,
            frozenset({Role.REVIEWER}),
        ),
        Transition(
            "approve",
            gettext_lazy("Approve and issue"),
            frozenset({S.DECIDING}),
            S.ISSUED,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "refuse",
            gettext_lazy("Refuse"),
            frozenset({S.DECIDING}),
            S.REFUSED,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "approve_at_once",
            gettext_lazy("Approved at once (every pre-check passed)"),
            frozenset({S.SUBMITTED}),
            S.ISSUED,
            SYSTEM,
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
            _("“%(action)s” is not possible while the application is “%(status)s”.")
            % {"action": transition.label if transition else action, "status": Status(status).label}
        )
    return transition


def may(actor: Any, transition: Transition) -> bool:
    """Whether this account may take the transition (jurisdiction is checked by the selector)."""
    if transition.by == SYSTEM:
        return False
    if transition.by == ENTERPRISE:
        return bool(
            getattr(actor, "is_enterprise_user", False)
            and actor.has_enterprise_right(transition.right)
        )
    return bool(getattr(actor, "is_regulator", False) and actor.has_role(*transition.roles))


def available(actor: Any, status: str) -> list[Transition]:
    """The steps this account may take now (the buttons a page offers)."""
    return [t for t in TRANSITIONS.values() if status in t.sources and may(actor, t)]
