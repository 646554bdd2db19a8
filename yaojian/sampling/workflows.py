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

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core import workflow
from yaojian.core.errors import PermissionDenied
from yaojian.core.workflow import Transition
from yaojian.sampling.choices import PlanStatus, TaskStatus

P, T = PlanStatus, TaskStatus
ENTERPRISE, REGULATOR, SYSTEM = workflow.ENTERPRISE, workflow.REGULATOR, workflow.SYSTEM
SAMPLER, LAB, RETEST_LAB = "sampler", "lab", "retest_lab"  # regulators, and who among them
PLANNERS = frozenset({Role.REVIEWER, Role.ANALYST, Role.APPROVER, Role.LEADER})
DECIDERS = frozenset({Role.APPROVER, Role.LEADER})
LAB_ROLES = frozenset({Role.ANALYST, Role.REVIEWER})
HANDLERS = frozenset({Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.LEADER})
REFUSAL = gettext_lazy("“%(action)s” is not possible while the record is “%(status)s”.")


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


def _who(actor: Any, transition: Transition, record: Any) -> bool:
    """The laboratory's staff for its work; the samplers named on the task for the sampling."""
    if transition.by == LAB:
        return is_lab_staff(actor, getattr(record, "lab", None))
    if transition.by == RETEST_LAB:
        return is_lab_staff(actor, getattr(record, "retest_lab", None))
    if transition.by == SAMPLER:
        return is_sampler(actor, record)
    return True


PLAN_WORKFLOW = workflow.Workflow(
    [
        Transition(
            "submit",
            gettext_lazy("Submit for approval"),
            {P.DRAFT},
            P.SUBMITTED,
            REGULATOR,
            PLANNERS,
        ),
        Transition(
            "approve",
            gettext_lazy("Approve the plan"),
            {P.SUBMITTED},
            P.APPROVED,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "return",
            gettext_lazy("Return for changes"),
            {P.SUBMITTED},
            P.DRAFT,
            REGULATOR,
            DECIDERS,
        ),
        Transition(
            "close",
            gettext_lazy("Close the plan"),
            {P.APPROVED},
            P.CLOSED,
            REGULATOR,
            DECIDERS,
        ),
    ],
    statuses=PlanStatus,
    refusal=REFUSAL,
    who=_who,
)
TASK_WORKFLOW = workflow.Workflow(
    [
        Transition(
            "record_sample",
            gettext_lazy("Record the sampling"),
            {T.PLANNED},
            T.SAMPLED,
            SAMPLER,
            {Role.INSPECTOR},
        ),
        Transition(
            "send",
            gettext_lazy("Send to the laboratory"),
            {T.SAMPLED},
            T.SENT,
            SAMPLER,
            {Role.INSPECTOR},
        ),
        Transition(
            "receive",
            gettext_lazy("Receive the sample"),
            {T.SENT},
            T.RECEIVED,
            LAB,
            LAB_ROLES,
        ),
        Transition(
            "enter_result",
            gettext_lazy("Enter the test result"),
            {T.RECEIVED},
            T.TESTED,
            LAB,
            LAB_ROLES,
        ),
        Transition(
            "serve",
            gettext_lazy("Serve the result on the enterprise"),
            {T.TESTED},
            T.SERVED,
            REGULATOR,
            HANDLERS,
        ),
        Transition(
            "request_retest",
            gettext_lazy("Request a re-test"),
            {T.SERVED},
            T.RETEST_REQUESTED,
            ENTERPRISE,
            right=EnterpriseRight.RESPOND,
        ),
        Transition(
            "enter_retest",
            gettext_lazy("Enter the re-test result"),
            {T.RETEST_REQUESTED},
            T.RETESTED,
            RETEST_LAB,
            LAB_ROLES,
        ),
        Transition(
            "close",
            gettext_lazy("Close and publish"),
            {T.SERVED, T.RETESTED},
            T.CLOSED,
            REGULATOR,
            {Role.REVIEWER, Role.APPROVER, Role.LEADER},
        ),
        Transition(
            "close_by_clock",
            gettext_lazy("Closed when the re-test window ended"),
            {T.SERVED},
            T.CLOSED,
            SYSTEM,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel the task"),
            {T.PLANNED},
            T.CANCELLED,
            REGULATOR,
            {Role.REVIEWER, Role.APPROVER, Role.LEADER},
        ),
    ],
    statuses=TaskStatus,
    refusal=REFUSAL,
    who=_who,
)
PLAN_TRANSITIONS: dict[str, Transition] = PLAN_WORKFLOW.transitions
TASK_TRANSITIONS: dict[str, Transition] = TASK_WORKFLOW.transitions


def check(table: dict[str, Transition], action: str, status: str, status_label) -> Transition:
    """The transition for `action` from `status`, or TransitionNotAllowed naming both."""
    named = workflow.Workflow(
        table.values(), refusal=REFUSAL, status_label=lambda status: status_label
    )
    return named.check(action, status)


def check_plan(action: str, status: str) -> Transition:
    return PLAN_WORKFLOW.check(action, status)


def check_task(action: str, status: str) -> Transition:
    return TASK_WORKFLOW.check(action, status)


def may(actor: Any, transition: Transition, record: Any = None) -> bool:
    """Whether this account may take the transition on this record (scope is the selector's)."""
    return TASK_WORKFLOW.may(actor, transition, record)  # the plans' steps share the rule


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
        message = _("This needs the role: %(roles)s.") % {
            "roles": "/".join(str(Role(r).label) for r in sorted(transition.roles))
        }
    raise PermissionDenied(message)


def available_task(actor: Any, task: Any) -> list[Transition]:
    return TASK_WORKFLOW.available(actor, task.status, task)


def available_plan(actor: Any, plan: Any) -> list[Transition]:
    return PLAN_WORKFLOW.available(actor, plan.status, plan)
