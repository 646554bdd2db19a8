"""The transition table, exhaustively: every action from every status, and who may take it."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.enforcement import workflows
from yaojian.enforcement.choices import Status
from yaojian.testing import factories

STATUSES = ["", *Status.values]
CASES = [(action, status) for action in workflows.TRANSITIONS for status in STATUSES]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_every_action_from_every_status(action, status):
    transition = workflows.TRANSITIONS[action]
    if status in transition.sources:
        assert workflows.check(action, status).target == transition.target
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.check(action, status)


def test_terminal_states_allow_nothing_but_annulment():
    for status in (Status.NOT_FILED, Status.ANNULLED):
        assert not [t for t in workflows.TRANSITIONS.values() if status in t.sources]
    assert [t.action for t in workflows.TRANSITIONS.values() if Status.CLOSED in t.sources] == [
        "annul"
    ]


@pytest.mark.django_db
def test_roles(province, enterprises):
    officer = factories.regulator("360102", roles=[Role.CASE_OFFICER])
    approver = factories.regulator("360102", roles=[Role.APPROVER])
    inspector = factories.regulator("360102", roles=[Role.INSPECTOR])
    party = factories.enterprise_user(enterprises["donghu"], master=True)
    viewer = factories.enterprise_user(enterprises["donghu"], master=False, rights=["view"])
    t = workflows.TRANSITIONS
    assert workflows.may(officer, t["propose"]) and not workflows.may(approver, t["propose"])
    assert workflows.may(approver, t["approve_filing"]) and not workflows.may(
        officer, t["approve_filing"]
    )
    assert workflows.may(approver, t["decide"]) and not workflows.may(officer, t["decide"])
    assert workflows.may(officer, t["notify"]) and not workflows.may(inspector, t["notify"])
    assert workflows.may(party, t["request_hearing"]) and not workflows.may(
        viewer, t["request_hearing"]
    )
    assert not workflows.may(officer, t["request_hearing"])
    assert not workflows.may(party, t["record_hearing_request"])
    assert [x.action for x in workflows.available(inspector, Status.INVESTIGATING)] == []
    assert {x.action for x in workflows.available(officer, Status.INVESTIGATING)} == {
        "notify",
        "transfer_out",
    }
