"""The case workflow as data: every allowed transition, who may take it, from where.

Services call `check(...)` then `may(...)`; a step the table does not allow is refused with
TransitionNotAllowed and changes nothing. The guards that depend on dates and records (the
rights notice's windows, a hearing pending, the amounts paid) live in the services, next to
the rule they enforce; the table says who and from which state.

Two things beyond "from these states to that one, by these roles":
- `bureau`: which bureau takes the step (`in_charge`). Most steps are the handling bureau's
  (HANDLING: any bureau whose jurisdiction covers the case's division); accepting or
  declining a transfer is the receiving bureau's own (RECEIVING: the bureau the case is
  being transferred to, and no other).
- `target=PREVIOUS` with `undoes="x"`: the step takes the case back to the state it left
  when step "x" was last taken (read from the case's history); only the states "x" may
  start from are valid. Declining a transfer returns the case to where transfer_out found it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core import workflow
from yaojian.core.errors import TransitionNotAllowed
from yaojian.enforcement.choices import Status

S = Status
ENTERPRISE, REGULATOR = workflow.ENTERPRISE, workflow.REGULATOR
OFFICERS = frozenset({Role.CASE_OFFICER})
HEADS = frozenset({Role.LEADER, Role.APPROVER})  # 负责人: the bureau's leaders and approvers
OFFICERS_OR_HEADS = OFFICERS | HEADS
HANDLING, RECEIVING = "handling", "receiving"
PREVIOUS = "<previous>"  # a target: the state before the step named by `undoes`


@dataclass(frozen=True)
class Transition(workflow.Transition):
    bureau: str = HANDLING
    undoes: str = ""


WORKFLOW = workflow.Workflow(
    [
        Transition(
            "propose",
            gettext_lazy("Propose filing"),
            {""},
            S.PROPOSED,
            roles=OFFICERS,
        ),
        Transition(
            "approve_filing",
            gettext_lazy("Approve filing (立案)"),
            {S.PROPOSED},
            S.INVESTIGATING,
            roles=HEADS,
        ),
        Transition(
            "refuse_filing",
            gettext_lazy("Refuse filing"),
            {S.PROPOSED},
            S.NOT_FILED,
            roles=HEADS,
        ),
        Transition(
            "notify",
            gettext_lazy("Serve the rights notice"),
            {S.INVESTIGATING},
            S.NOTIFIED,
            roles=OFFICERS,
        ),
        Transition(
            "request_hearing",
            gettext_lazy("Request a hearing"),
            {S.NOTIFIED},
            S.HEARING,
            by=ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "record_hearing_request",
            gettext_lazy("Record a hearing request received on paper"),
            {S.NOTIFIED},
            S.HEARING,
            roles=OFFICERS,
        ),
        Transition(
            "finish_hearing",
            gettext_lazy("Record the hearing"),
            {S.HEARING},
            S.HEARD,
            roles=OFFICERS_OR_HEADS,
        ),
        Transition(
            "decide",
            gettext_lazy("Decide"),
            {S.INVESTIGATING, S.NOTIFIED, S.HEARD},
            S.DECIDED,
            roles=HEADS,
        ),
        Transition(
            "close",
            gettext_lazy("Close the case (结案)"),
            {S.DECIDED},
            S.CLOSED,
            roles=OFFICERS_OR_HEADS,
        ),
        Transition(
            "annul",
            gettext_lazy("Annul or change the decision"),
            {S.DECIDED, S.CLOSED},
            S.ANNULLED,
            roles=HEADS,
        ),
        Transition(
            "transfer_out",
            gettext_lazy("Transfer to the competent bureau (移送)"),
            {S.PROPOSED, S.INVESTIGATING},
            S.TRANSFERRING,
            roles=OFFICERS_OR_HEADS,
        ),
        Transition(
            "accept_transfer",
            gettext_lazy("Accept the transferred case"),
            {S.TRANSFERRING},
            S.PROPOSED,
            roles=OFFICERS_OR_HEADS,
            bureau=RECEIVING,
        ),
        Transition(
            "decline_transfer",
            gettext_lazy("Decline the transferred case"),
            {S.TRANSFERRING},
            PREVIOUS,
            roles=OFFICERS_OR_HEADS,
            bureau=RECEIVING,
            undoes="transfer_out",
        ),
    ],
    statuses=Status,
    refusal=gettext_lazy("“%(action)s” is not possible while the case is “%(status)s”."),
    status_label=lambda status: Status(status).label if status else "—",
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions


def check(action: str, status: str) -> Transition:
    """The transition for `action` from `status`, or TransitionNotAllowed naming both."""
    return WORKFLOW.check(action, status)


def target(transition: Transition, previous: str = "") -> str:
    """The state the transition leads to; for a PREVIOUS target, `previous` (the state the
    undone step left) if that step could have started there, else TransitionNotAllowed."""
    if transition.target != PREVIOUS:
        return transition.target
    if previous not in TRANSITIONS[transition.undoes].sources:
        raise TransitionNotAllowed(
            _("“%(action)s” cannot find the state to return to.") % {"action": transition.label}
        )
    return previous


def in_charge(actor: Any, transition: Transition, case: Any) -> bool:
    """Whether a regulator's bureau is the one that takes this step of `case`: for the handling
    bureau's steps, any bureau whose jurisdiction covers the case; for the receiving bureau's,
    that bureau itself (not the sender, even when the sender lies above it, nor its superiors)."""
    scope = getattr(actor, "scope", None)
    if not getattr(actor, "is_regulator", False) or scope is None:
        return False
    if transition.bureau == RECEIVING:
        return bool(case.transfer_region_code) and scope.region_code == case.transfer_region_code
    return scope.covers_region(case.region_code)


def may(actor: Any, transition: Transition) -> bool:
    return WORKFLOW.may(actor, transition)


def available(actor: Any, status: str) -> list[Transition]:
    return WORKFLOW.available(actor, status)
