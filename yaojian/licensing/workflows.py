"""The application workflow as data: every allowed transition, who may take it, from where.

Services call `transition(...)`; a step that the table does not allow is refused with
TransitionNotAllowed and changes nothing. The table is tested exhaustively.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core import workflow
from yaojian.core.workflow import Transition
from yaojian.licensing.choices import Status

S = Status
ENTERPRISE, REGULATOR, SYSTEM = workflow.ENTERPRISE, workflow.REGULATOR, workflow.SYSTEM
REVIEWERS = frozenset({Role.REVIEWER, Role.APPROVER})
DECIDERS = frozenset({Role.APPROVER, Role.LEADER})

WORKFLOW = workflow.Workflow(
    [
        Transition(
            "submit",
            gettext_lazy("Submit"),
            {S.DRAFT},
            S.SUBMITTED,
            ENTERPRISE,
            right=EnterpriseRight.APPLY,
        ),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw"),
            {S.DRAFT, S.SUBMITTED, S.CORRECTING, S.REVIEWING, S.INSPECTING},
            S.WITHDRAWN,
            ENTERPRISE,
            right=EnterpriseRight.APPLY,
        ),
        Transition(
            "request_correction",
            gettext_lazy("Request corrections"),
            {S.SUBMITTED},
            S.CORRECTING,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "answer_correction",
            gettext_lazy("Send the corrections"),
            {S.CORRECTING},
            S.SUBMITTED,
            ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "not_accept",
            gettext_lazy("Do not accept"),
            {S.SUBMITTED},
            S.NOT_ACCEPTED,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "accept",
            gettext_lazy("Accept"),
            {S.SUBMITTED},
            S.REVIEWING,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "auto_accept",
            gettext_lazy("Accepted by law (no answer within 5 working days)"),
            {S.SUBMITTED},
            S.REVIEWING,
            SYSTEM,
        ),
        Transition(
            "start_inspection",
            gettext_lazy("Send for on-site inspection"),
            {S.REVIEWING},
            S.INSPECTING,
            REGULATOR,
            REVIEWERS,
        ),
        Transition(
            "finish_inspection",
            gettext_lazy("Record the inspection"),
            {S.INSPECTING},
            S.REVIEWING,
            REGULATOR,
            {Role.INSPECTOR, Role.REVIEWER},
        ),
        Transition(
            "finish_review",
            gettext_lazy("Finish the review"),
            {S.REVIEWING},
            S.DECIDING,
            REGULATOR,
            {Role.REVIEWER},
        ),
        Transition(
            "approve",
            gettext_lazy("Approve and issue"),
            {S.DECIDING},
            S.ISSUED,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "refuse",
            gettext_lazy("Refuse"),
            {S.DECIDING},
            S.REFUSED,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "approve_at_once",
            gettext_lazy("Approved at once (every pre-check passed)"),
            {S.SUBMITTED},
            S.ISSUED,
            SYSTEM,
        ),
    ],
    statuses=Status,
    refusal=gettext_lazy("“%(action)s” is not possible while the application is “%(status)s”."),
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions


def allowed(action: str, status: str) -> bool:
    return WORKFLOW.allowed(action, status)


def check(action: str, status: str) -> Transition:
    """The transition for `action` from `status`, or TransitionNotAllowed naming both."""
    return WORKFLOW.check(action, status)


def may(actor: Any, transition: Transition) -> bool:
    """Whether this account may take the transition (jurisdiction is checked by the selector)."""
    return WORKFLOW.may(actor, transition)


def available(actor: Any, status: str) -> list[Transition]:
    """The steps this account may take now (the buttons a page offers)."""
    return WORKFLOW.available(actor, status)
