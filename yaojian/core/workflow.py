"""One engine for the apps' workflow tables: which step is possible from which state, and who
may take it.

An app's `workflows.py` lists its steps (`Transition`s, or a subclass with the app's extras)
and builds a `Workflow` from them with the few things that differ between apps: the status
labels, the refusal message (each app keeps its own msgid, passed in as a lazy translation)
and a `who` hook for app-specific conditions on the actor (on the inspection team, a sampler
named on the task, the bureau that decides the plan, ...).

Who may take a step, before the hook:
- `by=ENTERPRISE`: an enterprise account holding the step's delegated `right`;
- `by=SYSTEM`: nobody (the clock or the platform takes it, never a person);
- anything else (`REGULATOR`, or an app's own kinds of regulator): a regulator account with one
  of the step's `roles`.
The hook, when given, must also say yes: `who(actor, transition, record) -> bool`.

Jurisdiction stays with the selectors; guards on dates and related records stay with the
services, next to the rule they enforce.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from yaojian.core.errors import TransitionNotAllowed

ENTERPRISE, REGULATOR, SYSTEM = "enterprise", "regulator", "system"


@dataclass(frozen=True)
class Transition:
    """One step: `action` from any of `sources` to `target`, taken `by` whom."""

    action: str
    label: Any  # a lazy translation: the button and the history show it
    sources: frozenset[str]
    target: str
    by: str = REGULATOR
    roles: frozenset[str] = frozenset()  # regulators: any one of these roles
    right: str = ""  # enterprises: this delegated right

    def __post_init__(self) -> None:
        # tables may write sources and roles as plain sets; a step itself never changes
        for name in ("sources", "roles"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))


Who = Callable[[Any, Any, Any], bool]


class Workflow:
    """A workflow table: the steps by action, in the order they were listed.

    `refusal` is the message `check` raises, with `%(action)s` and `%(status)s` placeholders;
    `statuses` (a TextChoices class) or `status_label` names a status in it. `allowed`, `check`
    and `leaving` need only each step's `action` and `sources`; `may` and `available` need the
    `by`, `roles` and `right` of `Transition`.
    """

    def __init__(
        self,
        transitions: Iterable[Any],
        *,
        statuses: Any = None,
        refusal: Any = None,
        status_label: Callable[[str], Any] | None = None,
        who: Who | None = None,
    ) -> None:
        self.transitions: dict[str, Any] = {}
        for transition in transitions:
            action = transition.action
            if action in self.transitions:
                raise ValueError(f"The step {action!r} is listed twice.")
            self.transitions[action] = transition
        self.statuses = statuses
        self.refusal = refusal
        self._status_label = status_label
        self.who = who

    def status_label(self, status: str) -> Any:
        if self._status_label is not None:
            return self._status_label(status)
        return self.statuses(status).label if self.statuses is not None else status

    def allowed(self, action: str, status: str) -> bool:
        transition = self.transitions.get(action)
        return bool(transition and status in transition.sources)

    def check(self, action: str, status: str) -> Any:
        """The step `action` from `status`, or TransitionNotAllowed naming both."""
        transition = self.transitions.get(action)
        if transition is not None and status in transition.sources:
            return transition
        if self.refusal is None:
            raise TransitionNotAllowed()
        raise TransitionNotAllowed(
            str(self.refusal)
            % {
                "action": transition.label if transition else action,
                "status": self.status_label(status),
            }
        )

    def may(self, actor: Any, transition: Any, record: Any = None) -> bool:
        """Whether this account may take the step (on `record`, for the hook)."""
        if transition.by == SYSTEM:
            return False
        if transition.by == ENTERPRISE:
            able = getattr(actor, "is_enterprise_user", False) and actor.has_enterprise_right(
                transition.right
            )
        else:
            able = getattr(actor, "is_regulator", False) and actor.has_role(*transition.roles)
        return bool(able and (self.who is None or self.who(actor, transition, record)))

    def leaving(self, status: str) -> list[Any]:
        """Every step possible from `status`, whoever takes it, in table order."""
        return [t for t in self.transitions.values() if status in t.sources]

    def available(self, actor: Any, status: str, record: Any = None) -> list[Any]:
        """The steps this account may take now (the buttons a page offers), in table order."""
        return [t for t in self.leaving(status) if self.may(actor, t, record)]
