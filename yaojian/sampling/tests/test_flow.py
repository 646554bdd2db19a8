"""The whole path of a sample through the services, with history, custody and files."""

from __future__ import annotations

import pytest

from yaojian.registry.models import TimelineEvent
from yaojian.sampling.choices import Conclusion, Stage, TaskStatus
from yaojian.sampling.models import RiskControl, Task
from yaojian.sampling.tests import factories as sf
from yaojian.workbench.models import Todo

pytestmark = pytest.mark.django_db


def test_a_non_conforming_sample_from_plan_to_served(task, samplers, analyst, county_regulator):
    assert task.status == TaskStatus.PLANNED
    assert Todo.objects.filter(kind="sampling.sample", object_id=str(task.pk)).count() == 2
    task = sf.to_served(task, samplers[0], analyst, county_regulator)
    assert task.status == TaskStatus.SERVED
    assert task.conclusion == Conclusion.NON_CONFORMING
    assert task.retest_deadline is not None
    stages = list(task.sample.handovers.values_list("stage", flat=True))
    assert stages == [Stage.SAMPLED, Stage.SEALED, Stage.SENT, Stage.RECEIVED, Stage.TESTED]
    actions = list(task.events.values_list("action", flat=True))
    assert actions == ["create", "record_sample", "send", "receive", "enter_result", "serve"]
    control = RiskControl.objects.get(task=task)
    assert control.measure == "" and control.due_on > control.opened_on
    assert Todo.objects.filter(kind="sampling.risk_control", status="open").exists()
    events = TimelineEvent.objects.filter(enterprise=task.enterprise, source="sampling")
    assert events.count() >= 2
    assert TimelineEvent.objects.filter(product=task.product, source="sampling").exists()


def test_a_conforming_sample_opens_no_risk_control_and_has_no_retest_window(
    task, samplers, analyst, county_regulator
):
    task = sf.to_served(task, samplers[0], analyst, county_regulator, items=sf.PASSING)
    assert task.conclusion == Conclusion.CONFORMING
    assert task.retest_deadline is None
    assert not RiskControl.objects.filter(task=task).exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SERVED
