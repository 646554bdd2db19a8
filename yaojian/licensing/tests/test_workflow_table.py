"""The workflow table, exhaustively: every action from every status is allowed or refused as
the table says, and only the right kind of account may take it."""

from __future__ import annotations

import itertools

import pytest

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.licensing import workflows
from yaojian.licensing.choices import FINAL_STATUSES, Status

EXPECTED = {
    "submit": ({Status.DRAFT}, Status.SUBMITTED),
    "withdraw": (
        {Status.DRAFT, Status.SUBMITTED, Status.CORRECTING, Status.REVIEWING, Status.INSPECTING},
        Status.WITHDRAWN,
    ),
    "request_correction": ({Status.SUBMITTED}, Status.CORRECTING),
    "answer_correction": ({Status.CORRECTING}, Status.SUBMITTED),
    "not_accept": ({Status.SUBMITTED}, Status.NOT_ACCEPTED),
    "accept": ({Status.SUBMITTED}, Status.REVIEWING),
    "auto_accept": ({Status.SUBMITTED}, Status.REVIEWING),
    "start_inspection": ({Status.REVIEWING}, Status.INSPECTING),
    "finish_inspection": ({Status.INSPECTING}, Status.REVIEWING),
    "finish_review": ({Status.REVIEWING}, Status.DECIDING),
    "approve": ({Status.DECIDING}, Status.ISSUED),
    "refuse": ({Status.DECIDING}, Status.REFUSED),
    "approve_at_once": ({Status.SUBMITTED}, Status.ISSUED),
}


def test_the_table_is_the_one_we_mean():
    assert set(workflows.TRANSITIONS) == set(EXPECTED)
    for action, (sources, target) in EXPECTED.items():
        transition = workflows.TRANSITIONS[action]
        assert transition.sources == sources and transition.target == target, action


@pytest.mark.parametrize(
    ("action", "status"), list(itertools.product(sorted(EXPECTED), [s.value for s in Status]))
)
def test_every_action_from_every_status(action, status):
    sources, target = EXPECTED[action]
    if status in sources:
        assert workflows.check(action, status).target == target
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.check(action, status)


def test_final_states_have_no_way_out():
    for status in FINAL_STATUSES:
        assert not [t for t in workflows.TRANSITIONS.values() if status in t.sources]


class Account:
    def __init__(self, *, regulator=False, roles=(), enterprise=False, rights=()):
        self.is_regulator, self.is_enterprise_user = regulator, enterprise
        self._roles, self._rights = set(roles), set(rights)

    def has_role(self, *roles):
        return bool(self._roles & set(roles))

    def has_enterprise_right(self, right):
        return right in self._rights


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_who_may_take_each_step(action):
    transition = workflows.TRANSITIONS[action]
    enterprise = Account(enterprise=True, rights=[r.value for r in EnterpriseRight])
    no_rights = Account(enterprise=True)
    everyone = Account(regulator=True, roles=[r.value for r in Role])
    nobody = Account(regulator=True)
    if transition.by == workflows.SYSTEM:
        assert not any(workflows.may(a, transition) for a in (enterprise, everyone))
    elif transition.by == workflows.ENTERPRISE:
        assert workflows.may(enterprise, transition) and not workflows.may(no_rights, transition)
        assert not workflows.may(everyone, transition)
    else:
        assert workflows.may(everyone, transition) and not workflows.may(nobody, transition)
        assert not workflows.may(enterprise, transition)
        for role in Role:
            assert workflows.may(Account(regulator=True, roles=[role]), transition) == (
                role in transition.roles
            )


def test_decisions_need_an_approver_or_leader_and_inspections_an_inspector():
    assert workflows.TRANSITIONS["approve"].roles == {Role.APPROVER, Role.LEADER}
    assert Role.INSPECTOR in workflows.TRANSITIONS["finish_inspection"].roles
    assert Role.INSPECTOR not in workflows.TRANSITIONS["accept"].roles
