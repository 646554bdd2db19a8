"""The transition table, exhaustively: every action from every status, and who may take it."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.inspection import workflows
from yaojian.inspection.choices import Status

EXPECTED = {
    "schedule": {Status.PENDING},
    "start": {Status.SCHEDULED},
    "submit": {Status.IN_PROGRESS},
    "pass": {Status.SUBMITTED},
    "require_rectification": {Status.SUBMITTED},
    "refer": {Status.SUBMITTED, Status.RECTIFYING, Status.RECTIFICATION_SUBMITTED},
    "submit_rectification": {Status.RECTIFYING},
    "accept_rectification": {Status.RECTIFICATION_SUBMITTED},
    "return_rectification": {Status.RECTIFICATION_SUBMITTED},
    "cancel": {Status.PENDING, Status.SCHEDULED},
}


def test_the_table_is_the_documented_one():
    assert set(workflows.TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", Status.values)
def test_every_action_from_every_status(action, status):
    if status in EXPECTED[action]:
        assert workflows.check(action, status).action == action
        assert workflows.allowed(action, status)
    else:
        assert not workflows.allowed(action, status)
        with pytest.raises(TransitionNotAllowed) as refused:
            workflows.check(action, status)
        assert str(Status(status).label) in str(refused.value.detail)


def test_closed_and_cancelled_are_final():
    for status in (Status.CLOSED, Status.CANCELLED):
        assert not any(status in t.sources for t in workflows.TRANSITIONS.values())


def test_unknown_action_is_refused():
    with pytest.raises(TransitionNotAllowed):
        workflows.check("approve", Status.SUBMITTED)


class _Team:
    def __init__(self, members):
        self.members = members

    def filter(self, pk):
        class _Rows:
            def __init__(self, hit):
                self.hit = hit

            def exists(self):
                return self.hit

        return _Rows(pk in self.members)


class _Inspection:
    def __init__(self, members=(), lead=None, enterprise_id=1):
        self.team = _Team(set(members))
        self.lead_id = lead
        self.enterprise_id = enterprise_id


class _Regulator:
    is_regulator, is_enterprise_user = True, False

    def __init__(self, pk, *roles):
        self.pk, self.roles = pk, set(roles)

    def has_role(self, *roles):
        return bool(self.roles & set(roles))


class _Enterprise:
    is_regulator, is_enterprise_user, pk = False, True, 99

    def __init__(self, enterprise_id=1, rights=("respond",)):
        self.enterprise_id, self.rights = enterprise_id, set(rights)

    def has_enterprise_right(self, right):
        return right in self.rights


def test_field_steps_belong_to_the_team():
    inspection = _Inspection(members={1})
    start = workflows.TRANSITIONS["start"]
    assert workflows.may(_Regulator(1, Role.INSPECTOR), start, inspection)
    assert not workflows.may(_Regulator(2, Role.INSPECTOR), start, inspection)  # not on team
    assert not workflows.may(_Regulator(1, Role.REVIEWER), start, inspection)  # no role
    assert not workflows.may(_Regulator(3, Role.LEADER), start, inspection)  # leaders decide only


def test_outcomes_belong_to_the_team_or_a_leader():
    inspection = _Inspection(members={1}, lead=1)
    decide = workflows.TRANSITIONS["pass"]
    assert workflows.may(_Regulator(1, Role.INSPECTOR), decide, inspection)
    assert workflows.may(_Regulator(5, Role.LEADER), decide, inspection)
    assert not workflows.may(_Regulator(2, Role.INSPECTOR), decide, inspection)
    assert not workflows.may(_Enterprise(), decide, inspection)


def test_rectification_belongs_to_the_inspected_enterprise_with_the_right():
    submit = workflows.TRANSITIONS["submit_rectification"]
    inspection = _Inspection(enterprise_id=1)
    assert workflows.may(_Enterprise(1), submit, inspection)
    assert not workflows.may(_Enterprise(2), submit, inspection)
    assert not workflows.may(_Enterprise(1, rights=("view",)), submit, inspection)
    assert not workflows.may(_Regulator(1, Role.INSPECTOR, Role.LEADER), submit, inspection)


def test_cancel_needs_a_leader_or_approver():
    cancel = workflows.TRANSITIONS["cancel"]
    assert workflows.may(_Regulator(1, Role.APPROVER), cancel, _Inspection())
    assert not workflows.may(_Regulator(1, Role.INSPECTOR), cancel, _Inspection(members={1}))
