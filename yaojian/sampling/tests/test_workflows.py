"""The transition tables, exhaustively, and who may take each step."""

from __future__ import annotations

import itertools

import pytest

from yaojian.accounts.choices import Role
from yaojian.core.errors import TransitionNotAllowed
from yaojian.sampling import workflows
from yaojian.sampling.choices import PlanStatus, TaskStatus
from yaojian.sampling.tests import factories as sf
from yaojian.testing import factories

TASK_TABLE = {
    "record_sample": {"planned"},
    "send": {"sampled"},
    "receive": {"sent"},
    "enter_result": {"received"},
    "serve": {"tested"},
    "request_retest": {"served"},
    "enter_retest": {"retest_requested"},
    "close": {"served", "retested"},
    "close_by_clock": {"served"},
    "cancel": {"planned"},
}
PLAN_TABLE = {
    "submit": {"draft"},
    "approve": {"submitted"},
    "return": {"submitted"},
    "close": {"approved"},
}


@pytest.mark.parametrize(
    ("action", "status"), list(itertools.product(TASK_TABLE, TaskStatus.values))
)
def test_every_task_transition_from_every_status(action, status):
    if status in TASK_TABLE[action]:
        assert workflows.check_task(action, status).action == action
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.check_task(action, status)


@pytest.mark.parametrize(
    ("action", "status"), list(itertools.product(PLAN_TABLE, PlanStatus.values))
)
def test_every_plan_transition_from_every_status(action, status):
    if status in PLAN_TABLE[action]:
        assert workflows.check_plan(action, status).action == action
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.check_plan(action, status)


def test_the_tables_hold_no_other_transition():
    assert set(workflows.TASK_TRANSITIONS) == set(TASK_TABLE)
    assert set(workflows.PLAN_TRANSITIONS) == set(PLAN_TABLE)


def test_unknown_action_is_refused():
    with pytest.raises(TransitionNotAllowed):
        workflows.check_task("approve_everything", "planned")


@pytest.mark.django_db
def test_who_may_take_each_step(task, samplers, analyst, county_regulator, enterprise_master):
    t = workflows.TASK_TRANSITIONS
    outsider_inspector = factories.regulator("360102", roles=[Role.INSPECTOR])
    other_lab_analyst = factories.regulator("360100", roles=[Role.ANALYST])
    # the samplers named on the task, and only they, record the sampling
    assert workflows.may(samplers[0], t["record_sample"], task)
    assert workflows.may(samplers[1], t["record_sample"], task)
    assert not workflows.may(outsider_inspector, t["record_sample"], task)
    assert not workflows.may(enterprise_master, t["record_sample"], task)
    # the laboratory's bureau, analysts or reviewers
    assert workflows.may(analyst, t["receive"], task)
    assert workflows.may(analyst, t["enter_result"], task)
    assert not workflows.may(other_lab_analyst, t["enter_result"], task)
    assert not workflows.may(county_regulator, t["enter_result"], task)
    # the enterprise with the right to answer regulators
    assert workflows.may(enterprise_master, t["request_retest"], task)
    viewer = factories.enterprise_user(enterprise_master.enterprise, master=False, rights=["view"])
    assert not workflows.may(viewer, t["request_retest"], task)
    assert not workflows.may(county_regulator, t["request_retest"], task)
    # regulators by role; nobody takes the system's step
    assert workflows.may(county_regulator, t["serve"], task)
    assert not workflows.may(analyst, t["serve"], task)
    assert not workflows.may(county_regulator, t["close_by_clock"], task)
    assert not workflows.may(None, t["serve"], task)


@pytest.mark.django_db
def test_the_retest_laboratory_enters_the_retest(
    task, samplers, analyst, county_regulator, province
):
    other = sf.lab("360100", "南昌市食品药品检验所")
    task.retest_lab = other
    nanchang_analyst = factories.regulator("360100", roles=[Role.REVIEWER])
    assert workflows.may(nanchang_analyst, workflows.TASK_TRANSITIONS["enter_retest"], task)
    assert not workflows.may(analyst, workflows.TASK_TRANSITIONS["enter_retest"], task)
