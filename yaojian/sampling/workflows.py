"""The workflows of plans and tasks as data: every allowed transition, who may take it, from where.

Services call `check(...)` then `require(...)`; a step the table does not allow is refused with
TransitionNotAllowed and changes nothing; an account without the role (or not a sampler of the
task, or not on the laboratory's staff) is refused with PermissionDenied, and the denial is
audited. The tables are tested exhaustively.

Who is "the laboratory": the role list has no laboratory role, so a laboratory's results are
entered by analysts or reviewers of the bureau the testing institute belongs to (`Lab.bureau`,
e.g. 江西省药品检验检测研究院 under the province bureau).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core.errors import PermissionDenied, TransitionNotAllowed
from yaojian.sampling.choices import PlanStatus, TaskStatus

P, T = PlanStatus, TaskStatus
ENTERPRISE, REGULATOR, SAMPLER, LAB, RETEST_LAB, SYSTEM = (
    "enterprise",
    "regulator",
    "sampler",
    "lab",
    "retest_lab",
    "system",
)
PLANNERS = frozenset({Role.REVIEWER, Role.ANALYST, Role.APPROVER, Role.LEADER})
DECIDERS = frozenset({Role.APPROVER, Role.LEADER})
LAB_ROLES = frozenset({Role.ANALYST, Role.REVIEWER})
HANDLERS = frozenset({Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.LEADER})


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str
    by: str
    roles: frozenset[str] = frozenset()
    right: str = ""


PLAN_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            gettext_lazy("Submit for approval"),
            frozenset({P.DRAFT}),
            P.SUBMITTED,
            REGULATOR,
            PLANNERS,
        ),
        Transition(
            "approve",
            gettext_lazy("Approve the plan"),
            frozenset({P.SUBMITTED}),
            P.APPROVED,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "return",
            gettext_lazy("Return for changes"),
            frozenset({P.SUBMITTED}),
            P.DRAFT,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "close",
            gettext_lazy("Close the plan"),
            frozenset({P.APPROVED}),
            P.CLOSED,
            REGULATOR,
            DECIDERS,
        ),
    ]
}

TASK_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "record_sample",
            gettext_lazy("Record the sampling"),
            frozenset({T.PLANNED}),
            T.SAMPLED,
            SAMPLER,
            frozenset({Role.INSPECTOR}),
        ),
        Transition(
            "send",
            gettext_lazy("Send to the laboratory"),
            frozenset({T.SAMPLED}),
            T.SENT,
            SAMPLER,
            frozenset({Role.INSPECTOR}),
        ),
        Transition(
            "receive",
            gettext_lazy("Receive the sample"),
            frozenset({T.SENT}),
            T.RECEIVED,
            LAB,
            LAB_ROLES,
        ),
        Transition(
            "enter_result",
            gettext_lazy("Enter the test result"),
            frozenset({T.RECEIVED}),
            T.TESTED,
            LAB,
            LAB_ROLES,
        ),
        Transition(
            "serve",
            gettext_lazy("Serve the result on the enterprise"),
            frozenset({T.TESTED}),
            T.SERVED,
            REGULATOR,
            HANDLERS,
        ),
        Transition(
            "request_retest",
            gettext_lazy("Request a re-test"),
            frozenset({T.SERVED}),
            T.RETEST_REQUESTED,
            ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "enter_retest",
            gettext_lazy("Enter the re-test result"),
            frozenset({T.RETEST_REQUESTED}),
            T.RETESTED,
            RETEST_LAB,
            LAB_ROLES,
        ),
        Transition(
            "close",
            gettext_lazy("Close and publish"),
            frozenset({T.SERVED, T.RETESTED}),
            T.CLOSED,
            REGULATOR,
            frozenset({Role.REVIEWER, Role.APPROVER, Role.LEADER}),
        ),
        Transition(
            "close_by_clock",
            gettext_lazy("Closed when the re-test window ended"),
            frozenset({T.SERVED}),
            T.CLOSED,
            SYSTEM,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel the task"),
            frozenset({T.PLANNED}),
            T.CANCELLED,
            REGULATOR,
            frozenset({Role.REVIEWER, Role.APPROVER, Role.LEADER}),
        ),
    ]
}


def _label(table: dict[str, Transition], action: str):
    transition = table.get(action)
    return transition.label if transition else action


def check(table: dict[str, Transition], action: str, status: str, status_label) -> Transition:
    """The transition for `action` from `status`, or TransitionNotAllowed naming both."""
    transition = table.get(action)
    if transition is None or status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the record is “%(status)s”.")
            % {"action": _label(table, action), "status": status_label}
        )
    return transition


def check_plan(action: str, status: str) -> Transition:
    return check(PLAN_TRANSITIONS, action, status, PlanStatus(status).label)


def check_task(action: str, status: str) -> Transition:
    return check(TASK_TRANSITIONS, action, status, TaskStatus(status).label)


def is_lab_staff(actor: Any, lab: Any) -> bool:
    return bool(
        lab is not None
        and getattr(actor, "is_regulator", False)
        and actor.bureau_id == lab.bureau_id
        and actor.has_role(*LAB_ROLES)
    )


def is_sampler(actor: Any, task: Any) -> bool:
    return bool(
        getattr(actor, "is_regulator", False)
        and task is not None
        and task.pk
        and task.samplers.filter(pk=actor.pk).exists()
    )


def may(actor: Any, transition: Transition, record: Any = None) -> bool:
    """Whether this account may take the transition on this record (scope is the selector's)."""
    if transition.by == SYSTEM or actor is None:
        return False
    if transition.by == ENTERPRISE:
        return bool(
            getattr(actor, "is_enterprise_user", False)
            and actor.has_enterprise_right(transition.right)
        )
    if not getattr(actor, "is_regulator", False):
        return False
    if transition.by == LAB:
        return is_lab_staff(actor, getattr(record, "lab", None))
    if transition.by == RETEST_LAB:
        return is_lab_staff(actor, getattr(record, "retest_lab", None))
    if not actor.has_role(*transition.roles):
        return False
    if transition.by == SAMPLER:
        return is_sampler(actor, record)
    return True


def require(actor: Any, transition: Transition, record: Any, *, action: str) -> None:
    """PermissionDenied (audited) unless the account may take this step."""
    if may(actor, transition, record):
        return
    from yaojian.accounts.services import record_denial

    record_denial(actor, action=action, detail=f"{transition.action} needs {transition.by}")
    if transition.by == SAMPLER:
        message = _("Only a sampler named on the task (an inspector) may do this.")
    elif transition.by in (LAB, RETEST_LAB):
        message = _("Only an analyst or reviewer of the laboratory's bureau may record its work.")
    elif transition.by == ENTERPRISE:
        message = _("Your account lacks the right to answer regulators for your enterprise.")
    else:
        from yaojian.accounts.choices import Role as R

        message = _("This needs the role: %(roles)s.") % {
            "roles": "/".join(str(R(r).label) for r in sorted(transition.roles))
        }
    raise PermissionDenied(message)


def available_task(actor: Any, task: Any) -> list[Transition]:
    return [
        t for t in TASK_TRANSITIONS.values() if task.status in t.sources and may(actor, t, task)
    ]


def available_plan(actor: Any, plan: Any) -> list[Transition]:
    return [
        t for t in PLAN_TRANSITIONS.values() if plan.status in t.sources and may(actor, t, plan)
    ]
