"""The one workflow engine every app's table is built with: which step is possible from which
state, the refusal naming both, and who may take a step (real accounts from the factories)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.core import workflow
from yaojian.core.errors import TransitionNotAllowed
from yaojian.core.workflow import ENTERPRISE, REGULATOR, SYSTEM, Transition, Workflow
from yaojian.testing import factories


class Status(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


REFUSAL = "“%(action)s” cannot be taken while the query is “%(status)s”."
STEPS = [
    Transition("answer", "Answer", {Status.OPEN}, Status.ANSWERED, ENTERPRISE, right="respond"),
    Transition("close", "Close", {Status.OPEN, Status.ANSWERED}, Status.CLOSED, roles={"leader"}),
    Transition("reopen", "Reopen", {Status.CLOSED}, Status.OPEN, roles={"leader", "approver"}),
    Transition("expire", "Expire", {Status.OPEN}, Status.CLOSED, SYSTEM),
]


def engine(**options) -> Workflow:
    return Workflow(STEPS, statuses=Status, refusal=REFUSAL, **options)


# -- which step from which state -------------------------------------------------------------


def test_check_returns_the_step_from_every_state_it_lists_and_only_those():
    flow = engine()
    for step in STEPS:
        for status in Status.values:
            if status in step.sources:
                assert flow.check(step.action, status) is step
                assert flow.allowed(step.action, status)
            else:
                assert not flow.allowed(step.action, status)
                with pytest.raises(TransitionNotAllowed):
                    flow.check(step.action, status)


def test_a_wrong_state_is_refused_naming_the_step_and_the_state():
    with pytest.raises(TransitionNotAllowed) as refused:
        engine().check("reopen", Status.OPEN)
    assert refused.value.detail == "“Reopen” cannot be taken while the query is “Open”."
    assert refused.value.code == "transition_not_allowed"


def test_an_unknown_action_is_refused_naming_it_and_the_state():
    assert not engine().allowed("approve_everything", Status.OPEN)
    with pytest.raises(TransitionNotAllowed) as refused:
        engine().check("approve_everything", Status.ANSWERED)
    assert refused.value.detail == (
        "“approve_everything” cannot be taken while the query is “Answered”."
    )


def test_the_refusal_is_in_the_language_of_the_moment_it_is_raised():
    """Apps pass their own lazy msgid; it is translated when a step is refused, not at import."""
    flow = Workflow(
        STEPS,
        statuses=Status,
        refusal=gettext_lazy("“%(action)s” is not possible while the application is “%(status)s”."),
    )
    with translation.override("zh-hans"), pytest.raises(TransitionNotAllowed) as chinese:
        flow.check("reopen", Status.OPEN)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as english:
        flow.check("reopen", Status.OPEN)
    assert chinese.value.detail == "申请处于“Open”状态时，不能执行“Reopen”操作。"
    assert english.value.detail == "“Reopen” is not possible while the application is “Open”."


def test_a_status_label_function_replaces_the_choices():
    flow = engine(status_label=lambda status: Status(status).label if status else "—")
    with pytest.raises(TransitionNotAllowed) as refused:
        flow.check("close", "")
    assert refused.value.detail == "“Close” cannot be taken while the query is “—”."


def test_without_a_refusal_message_the_error_says_the_step_is_not_allowed(english):
    with pytest.raises(TransitionNotAllowed) as refused:
        Workflow(STEPS).check("close", Status.CLOSED)
    assert refused.value.detail == "This step is not allowed in the record's current state"


def test_leaving_lists_every_step_from_a_state_in_table_order():
    assert [t.action for t in engine().leaving(Status.OPEN)] == ["answer", "close", "expire"]
    assert [t.action for t in engine().leaving(Status.CLOSED)] == ["reopen"]
    assert engine().leaving("nowhere") == []


def test_a_step_listed_twice_is_a_mistake_in_the_table():
    with pytest.raises(ValueError, match="close"):
        Workflow([*STEPS, Transition("close", "Close again", {Status.CLOSED}, Status.OPEN)])


def test_sources_and_roles_become_frozensets_and_apps_may_add_fields():
    @dataclass(frozen=True)
    class CaseStep(Transition):
        bureau: str = "handling"

    step = CaseStep("decide", "Decide", [Status.OPEN], Status.CLOSED, REGULATOR, ["leader"])
    assert step.sources == frozenset({Status.OPEN}) and isinstance(step.sources, frozenset)
    assert step.roles == frozenset({"leader"}) and step.bureau == "handling"
    assert step.right == "" and Transition("x", "X", set(), "y").by == REGULATOR


# -- who may take a step ---------------------------------------------------------------------


@pytest.fixture
def leader(province):
    return factories.regulator("360102", roles=[Role.LEADER], mfa=False)


def test_an_enterprise_step_needs_an_enterprise_account_with_the_delegated_right(
    enterprises, leader, province_regulator
):
    answer = workflow.Transition(
        "answer",
        "Answer",
        {Status.OPEN},
        Status.ANSWERED,
        ENTERPRISE,
        right=EnterpriseRight.RESPOND,
    )
    flow = Workflow([answer])
    master = factories.enterprise_user(enterprises["donghu"], master=True, rights=[])
    delegated = factories.enterprise_user(
        enterprises["donghu"], master=False, rights=[EnterpriseRight.RESPOND]
    )
    applicant = factories.enterprise_user(
        enterprises["donghu"], master=False, rights=[EnterpriseRight.APPLY]
    )
    assert flow.may(master, answer) and flow.may(delegated, answer)
    assert not flow.may(applicant, answer)
    assert not flow.may(leader, answer) and not flow.may(province_regulator, answer)
    assert not flow.may(None, answer)


def test_a_regulator_step_needs_one_of_its_roles(
    leader, county_regulator, city_regulator, enterprise_master
):
    flow = engine()
    close, reopen = flow.transitions["close"], flow.transitions["reopen"]
    assert flow.may(leader, close) and flow.may(leader, reopen)
    assert flow.may(city_regulator, reopen) and not flow.may(city_regulator, close)  # approver
    assert not flow.may(county_regulator, close) and not flow.may(county_regulator, reopen)
    assert not flow.may(enterprise_master, close)
    assert not flow.may(None, close)


def test_a_system_step_is_nobody_s(leader, enterprise_master, province):
    """Not even an account holding every role and right: the clock or the platform takes it."""
    everyone = factories.regulator("360000", roles=list(Role), mfa=False)
    expire = Transition(
        "expire", "Expire", {Status.OPEN}, Status.CLOSED, SYSTEM, {"leader"}, "respond"
    )
    flow = Workflow([expire], who=lambda actor, transition, record: True)
    assert not any(flow.may(a, expire) for a in (everyone, leader, enterprise_master, None))
    assert "expire" not in [t.action for t in engine().available(everyone, Status.OPEN)]


def test_available_offers_the_steps_of_the_state_the_account_may_take_in_table_order(
    leader, city_regulator, enterprise_master
):
    flow = engine()
    assert [t.action for t in flow.available(leader, Status.OPEN)] == ["close"]
    assert [t.action for t in flow.available(enterprise_master, Status.OPEN)] == ["answer"]
    assert [t.action for t in flow.available(leader, Status.ANSWERED)] == ["close"]
    assert [t.action for t in flow.available(enterprise_master, Status.ANSWERED)] == []
    assert [t.action for t in flow.available(city_regulator, Status.CLOSED)] == ["reopen"]
    assert flow.available(city_regulator, Status.OPEN) == []


# -- the app's own "who" hook ----------------------------------------------------------------


def test_the_hook_narrows_who_may_among_those_with_the_role_or_right(leader, province, enterprises):
    """E.g. only the members of the record's team: the hook sees actor, step and record."""
    seen = []

    def on_team(actor, transition, record):
        seen.append((actor.pk, transition.action, record))
        return record is not None and actor.pk in record.team

    flow = engine(who=on_team)
    other_leader = factories.regulator("360102", roles=[Role.LEADER], mfa=False)
    record = SimpleNamespace(status=Status.OPEN, team={leader.pk})
    close = flow.transitions["close"]
    assert flow.may(leader, close, record)
    assert not flow.may(other_leader, close, record)
    assert not flow.may(leader, close)  # no record, no team
    assert seen[0] == (leader.pk, "close", record)
    assert [t.action for t in flow.available(leader, Status.OPEN, record)] == ["close"]
    assert flow.available(other_leader, Status.OPEN, record) == []

    # asked for enterprise steps too (e.g. only the inspected enterprise's own accounts)
    member = factories.enterprise_user(enterprises["donghu"])
    assert not flow.may(member, flow.transitions["answer"], record)
    assert flow.may(member, flow.transitions["answer"], SimpleNamespace(team={member.pk}))


def test_the_hook_is_not_asked_when_the_role_or_right_is_missing(leader, enterprise_master):
    asked = []
    flow = engine(who=lambda actor, transition, record: asked.append(transition.action) or True)
    assert not flow.may(enterprise_master, flow.transitions["close"], object())
    assert not flow.may(leader, flow.transitions["answer"], object())
    assert not flow.may(leader, flow.transitions["expire"], object())
    assert asked == []
    assert flow.may(leader, flow.transitions["close"], object()) and asked == ["close"]
