"""The signal review workflow as data: new → under assessment → validated or refuted → action.

Every step is a `Transition` (action, from, to, guard); `signal_transition` in services checks
it, applies it and writes a `SignalHistory` row. Tested exhaustively in tests/test_workflow.py.

The table is a `core.workflow.Workflow` for what all tables share (steps by action, which are
possible from a status). Who may review is one rule for every step (`access.can_act`), and the
guards ask for a note or an action kind rather than a role, so the steps keep their own shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from yaojian.core.workflow import Workflow
from yaojian.vigilance.signals.choices import SignalAction, SignalStatus

S = SignalStatus


def _needs_note(note: str, action_kind: str) -> dict[str, list[str]]:
    return {} if note.strip() else {"note": [str(_("Give the reasons for this conclusion."))]}


def _needs_action(note: str, action_kind: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if action_kind not in SignalAction.values:
        errors["action"] = [
            str(_("Choose the action: label change, risk communication or referral."))
        ]
    return errors


def _nothing(note: str, action_kind: str) -> dict[str, list[str]]:
    return {}


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: tuple[str, ...]
    target: str
    guard: Callable[[str, str], dict[str, list[str]]] = _nothing


WORKFLOW = Workflow(
    [
        Transition("assess", _("Start assessment"), (S.NEW,), S.ASSESSING),
        Transition("validate", _("Validate"), (S.ASSESSING,), S.VALIDATED, _needs_note),
        Transition("refute", _("Refute"), (S.ASSESSING,), S.REFUTED, _needs_note),
        Transition("take_action", _("Record action"), (S.VALIDATED,), S.ACTIONED, _needs_action),
        Transition("reopen", _("Reopen"), (S.REFUTED,), S.ASSESSING, _needs_note),
    ]
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions


def allowed(action: str, status: str) -> bool:
    return WORKFLOW.allowed(action, status)


def available(status: str) -> list[Transition]:
    return WORKFLOW.leaving(status)
