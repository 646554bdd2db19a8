"""The statutory rules: the re-test window, the 7-day risk decision, no charge for samples,
publication after the window, the recall trigger, role guards. Refusals change nothing and
are audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core import clock
from yaojian.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from yaojian.portal import publications
from yaojian.sampling import services
from yaojian.sampling.choices import Conclusion, Measure, TaskStatus
from yaojian.sampling.models import Plan, RiskControl, SampleRecord, Task
from yaojian.sampling.tests import factories as sf
from yaojian.testing import factories
from yaojian.workbench.models import Todo

pytestmark = pytest.mark.django_db


def refused(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).exclude(outcome="success").latest("seq")


# --- the clock -------------------------------------------------------------------------------


def test_the_retest_window_is_seven_working_days_from_the_day_after_service():
    # served on Friday 6 March 2026: Mon 9 … Fri 13, Mon 16, Tue 17
    assert services.retest_deadline(dt.date(2026, 3, 6)) == dt.date(2026, 3, 17)
    # served before the National Day holiday: the holiday does not count
    served = dt.date(2026, 9, 30)
    assert services.retest_deadline(served) == clock.add_days(served, 7, kind=clock.WORKING)
    assert services.retest_deadline(served) > served + dt.timedelta(days=9)


def test_the_risk_decision_is_due_seven_calendar_days_later_moved_off_a_weekend():
    assert services.risk_deadline(dt.date(2026, 3, 2)) == dt.date(2026, 3, 9)  # Monday
    # 7 days after Saturday 7 March is Saturday 14 March: the last day moves to Monday 16
    assert services.risk_deadline(dt.date(2026, 3, 7)) == dt.date(2026, 3, 16)


# --- the re-test window -------------------------------------------------------------------------


@pytest.fixture
def served(task, samplers, analyst, county_regulator):
    return sf.to_served(task, samplers[0], analyst, county_regulator)


def _first_working_day_after(day: dt.date) -> dt.date:
    return clock.add_days(day, 1, kind=clock.WORKING)


def test_a_retest_inside_the_window_is_recorded(served, enterprise_master, lab):
    today = _first_working_day_after(served.served_on)
    services.retest_request(
        actor=enterprise_master, task_id=served.pk, reason="对溶出度结果有异议", today=today
    )
    task = Task.objects.get(pk=served.pk)
    assert task.status == TaskStatus.RETEST_REQUESTED
    assert task.retest_lab == lab and task.retest_reason == "对溶出度结果有异议"
    assert Todo.objects.filter(kind="sampling.retest", object_id=str(task.pk)).exists()
    assert task.events.filter(action="request_retest").exists()


def test_a_retest_on_the_last_day_is_still_in_time(served, enterprise_master):
    services.retest_request(
        actor=enterprise_master, task_id=served.pk, reason="复检", today=served.retest_deadline
    )
    assert Task.objects.get(pk=served.pk).status == TaskStatus.RETEST_REQUESTED


def test_a_retest_after_the_window_is_refused_changes_nothing_and_is_audited(
    served, enterprise_master
):
    late = served.retest_deadline + dt.timedelta(days=1)
    with pytest.raises(Conflict) as caught:
        services.retest_request(
            actor=enterprise_master, task_id=served.pk, reason="复检", today=late
        )
    assert caught.value.code == "retest_window_closed"
    assert str(served.retest_deadline) in str(caught.value.detail)
    task = Task.objects.get(pk=served.pk)
    assert task.status == TaskStatus.SERVED and task.retest_requested_at is None
    assert not task.events.filter(action="request_retest").exists()
    assert "retest_window_closed" in refused("sampling.task.request_retest").detail


def test_a_retest_needs_a_reason_and_the_right_to_respond(served, enterprise_master):
    with pytest.raises(ValidationFailed) as caught:
        services.retest_request(actor=enterprise_master, task_id=served.pk, reason="  ")
    assert "reason" in caught.value.errors
    viewer = factories.enterprise_user(served.enterprise, master=False, rights=["view"])
    with pytest.raises(PermissionDenied):
        services.retest_request(actor=viewer, task_id=served.pk, reason="复检")
    other = factories.enterprise_user(factories.EnterpriseFactory(region_code="360102"))
    with pytest.raises(NotFound):
        services.retest_request(actor=other, task_id=served.pk, reason="复检")
    assert Task.objects.get(pk=served.pk).status == TaskStatus.SERVED


def test_a_conforming_result_cannot_be_retested(
    task, samplers, analyst, county_regulator, enterprise_master
):
    task = sf.to_served(task, samplers[0], analyst, county_regulator, items=sf.PASSING)
    with pytest.raises(Conflict) as caught:
        services.retest_request(actor=enterprise_master, task_id=task.pk, reason="复检")
    assert caught.value.code == "nothing_to_retest"


def test_a_conforming_retest_replaces_the_first_result_and_lifts_the_risk_control(
    served, enterprise_master, analyst, county_regulator
):
    services.retest_request(actor=enterprise_master, task_id=served.pk, reason="复检")
    services.result_enter(
        actor=analyst,
        task_id=served.pk,
        report_number="FJ2026001",
        tested_on=timezone.localdate(),
        items=sf.PASSING,
    )
    task = Task.objects.get(pk=served.pk)
    assert task.status == TaskStatus.RETESTED and task.conclusion == Conclusion.CONFORMING
    assert "replaces" in task.events.get(action="enter_retest").note
    control = RiskControl.objects.get(task=task)
    assert control.measure == Measure.NONE_NEEDED and control.decided_on
    # the re-test has concluded: close and publish at once
    services.task_close(actor=county_regulator, task_id=task.pk)
    publication = publications.for_source(publications.Kind.SAMPLING_RESULT, task)
    assert publication is not None
    assert "FJ2026001" in str(publication.fields)  # the re-test's report is the one published
    # in both of the portal's languages
    assert publication.title_en.startswith(f"Sampling result: {task.product_name}")
    assert task.product_name in publication.title and not publication.title.startswith("Sampling")
    assert (
        publication.fields["en"][0][0] == "Product"
        and publication.fields["zh-hans"][0][0] != "Product"
    )


def test_a_non_conforming_retest_confirms_the_first(served, enterprise_master, analyst):
    services.retest_request(actor=enterprise_master, task_id=served.pk, reason="复检")
    services.result_enter(
        actor=analyst,
        task_id=served.pk,
        report_number="FJ2026002",
        tested_on=timezone.localdate(),
        items=sf.FAILING,
    )
    task = Task.objects.get(pk=served.pk)
    assert task.conclusion == Conclusion.NON_CONFORMING
    assert "confirms" in task.events.get(action="enter_retest").note


# --- publication after the window ----------------------------------------------------------------


def test_closing_inside_the_window_is_refused_and_nothing_is_published(served, county_regulator):
    with pytest.raises(Conflict) as caught:
        services.task_close(actor=county_regulator, task_id=served.pk)
    assert caught.value.code == "retest_window_open"
    assert Task.objects.get(pk=served.pk).status == TaskStatus.SERVED
    assert publications.for_source(publications.Kind.SAMPLING_RESULT, served) is None


def test_the_clock_closes_and_publishes_once_the_window_has_ended(served):
    assert services.close_expired(today=served.retest_deadline) == 0
    assert services.close_expired(today=served.retest_deadline + dt.timedelta(days=1)) == 1
    task = Task.objects.get(pk=served.pk)
    assert task.status == TaskStatus.CLOSED
    assert task.events.get(action="close_by_clock").actor_name == "system"
    publication = publications.for_source(publications.Kind.SAMPLING_RESULT, task)
    assert publication is not None and publication.enterprise == task.enterprise
    text = str(publication.fields)
    assert task.batch_no in text and "溶出度" in text and task.enterprise.name in text
    assert publication.division_code == task.region_code
    # a final failure is a clue for a penalty case at the enterprise's bureau
    from yaojian.enforcement.models import CaseSource

    [clue] = CaseSource.objects.filter(kind="sampling", ref=task.number)
    assert clue.enterprise == task.enterprise and "溶出度" in clue.summary


def test_a_conforming_result_is_closed_and_published_at_once(
    task, samplers, analyst, county_regulator
):
    from yaojian.enforcement.models import CaseSource

    task = sf.to_served(task, samplers[0], analyst, county_regulator, items=sf.PASSING)
    services.task_close(actor=county_regulator, task_id=task.pk)
    assert publications.for_source(publications.Kind.SAMPLING_RESULT, task) is not None
    assert not CaseSource.objects.filter(ref=task.number).exists()


# --- risk control ---------------------------------------------------------------------------------


def test_risk_control_is_due_in_seven_days_and_overdue_after(served, county_leader):
    control = RiskControl.objects.get(task=served)
    assert control.due_on == services.risk_deadline(control.opened_on)
    assert not control.overdue(control.due_on)
    assert control.overdue(control.due_on + dt.timedelta(days=1))
    services.risk_decide(
        actor=county_leader, task_id=served.pk, measure=Measure.SEIZURE, note="查封库存120盒"
    )
    control.refresh_from_db()
    assert control.measure == Measure.SEIZURE and not control.overdue(dt.date(2100, 1, 1))
    assert not Todo.objects.filter(kind="sampling.risk_control", status="open").exists()
    with pytest.raises(Conflict):
        services.risk_decide(actor=county_leader, task_id=served.pk, measure="seizure", note="x")


def test_risk_decisions_need_the_role_and_the_jurisdiction(served, county_regulator, province):
    with pytest.raises(PermissionDenied):  # inspector/reviewer
        services.risk_decide(actor=county_regulator, task_id=served.pk, measure="seizure", note="x")
    stranger = factories.regulator("360402", roles=[Role.APPROVER])
    with pytest.raises(NotFound):
        services.risk_decide(actor=stranger, task_id=served.pk, measure="seizure", note="x")
    assert RiskControl.objects.get(task=served).measure == ""


def test_a_recall_goes_through_traceability_when_the_batch_is_known(served, county_leader):
    from yaojian.trace.models import Batch, Recall

    Batch.objects.create(
        product=served.product,
        product_key=served.product.trace_product_code,
        batch_no=served.batch_no,
        holder=served.enterprise,
        region_code=served.region_code,
    )
    control = services.risk_recall(
        actor=county_leader, task_id=served.pk, level="II", reason="溶出度不符合规定"
    )
    recall = Recall.objects.get(pk=control.recall_id)
    assert control.recall_number == recall.number and control.measure == Measure.RECALL
    assert list(recall.batches.values_list("batch_no", flat=True)) == [served.batch_no]


def test_a_recall_of_a_batch_unknown_to_traceability_is_refused_clearly(served, county_leader):
    from yaojian.trace.models import Recall

    with pytest.raises(ValidationFailed) as caught:
        services.risk_recall(actor=county_leader, task_id=served.pk, level="II", reason="x")
    assert caught.value.code == "batch_not_traced"
    assert "not known to traceability" in caught.value.errors["batch"][0]
    assert not Recall.objects.exists()
    assert RiskControl.objects.get(task=served).measure == ""


# --- no charge: samples are bought ----------------------------------------------------------------


def test_a_record_without_payment_is_refused(task, samplers):
    with pytest.raises(ValidationFailed) as caught:
        sf.record(task, samplers[0], price_paid=Decimal("0"))
    assert "price_paid" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        sf.record(task, samplers[0], payment_reference="")
    assert "payment_reference" in caught.value.errors
    assert not SampleRecord.objects.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.PLANNED
    assert refused("sampling.task.record_sample")


def test_charging_the_enterprise_a_fee_is_refused(task, samplers):
    with pytest.raises(ValidationFailed) as caught:
        sf.record(task, samplers[0], fees_charged="50")
    assert "第一百条" in caught.value.errors["fees_charged"][0]
    assert not SampleRecord.objects.exists()


def test_the_enterprise_signs_or_its_refusal_is_noted(task, samplers):
    with pytest.raises(ValidationFailed) as caught:
        sf.record(task, samplers[0], enterprise_acknowledged=False)
    assert "enterprise_acknowledged" in caught.value.errors
    sample = sf.record(
        task, samplers[0], enterprise_acknowledged=False, enterprise_remarks="负责人拒绝签字"
    )
    assert sample.enterprise_remarks == "负责人拒绝签字"


def test_seal_numbers_are_required_and_unique(task, samplers):
    with pytest.raises(ValidationFailed) as caught:
        sf.record(task, samplers[0], sealed_ids=["F1", "F1"])
    assert "sealed_ids" in caught.value.errors


# --- role guards on the path -----------------------------------------------------------------------


def test_only_named_samplers_record_and_only_the_lab_receives(
    task, samplers, analyst, county_regulator
):
    outsider = factories.regulator("360102", roles=[Role.INSPECTOR])
    with pytest.raises(PermissionDenied):
        sf.record(task, outsider)
    assert refused("sampling.task.record_sample")
    sf.record(task, samplers[1])
    services.task_send(actor=samplers[0], task_id=task.pk, place="东湖区局", received_by="专人")
    with pytest.raises(PermissionDenied):
        services.task_receive(
            actor=county_regulator, task_id=task.pk, place="x", handed_by="y", seals_intact=True
        )
    with pytest.raises(ValidationFailed):
        services.task_receive(
            actor=analyst, task_id=task.pk, place="x", handed_by="y", seals_intact=False
        )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SENT
    with pytest.raises(TransitionNotAllowed):
        services.task_send(actor=samplers[0], task_id=task.pk, place="x", received_by="y")


def test_results_need_items_and_a_unique_report_number(task, samplers, analyst):
    sf.to_received(task, samplers[0], analyst)
    with pytest.raises(ValidationFailed):
        services.result_enter(
            actor=analyst,
            task_id=task.pk,
            report_number="R1",
            tested_on=timezone.localdate(),
            items=[],
        )
    with pytest.raises(ValidationFailed) as caught:
        services.result_enter(
            actor=analyst,
            task_id=task.pk,
            report_number="R1",
            tested_on=timezone.localdate(),
            items=[{"item": "含量", "standard": "药典", "value": "99%"}],
        )
    assert "items" in caught.value.errors
    with pytest.raises(ValidationFailed):
        services.result_enter(
            actor=analyst,
            task_id=task.pk,
            report_number="R1",
            tested_on=timezone.localdate() + dt.timedelta(days=1),
            items=sf.PASSING,
        )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.RECEIVED


def test_custody_after_testing(task, samplers, analyst, county_regulator):
    sf.to_tested(task, samplers[0], analyst)
    services.custody_record(
        actor=analyst, task_id=task.pk, stage="retained", place="留样室", handed_by="检验员"
    )
    with pytest.raises(ValidationFailed):
        services.custody_record(
            actor=analyst, task_id=task.pk, stage="retained", place="留样室", handed_by="检验员"
        )
    with pytest.raises(PermissionDenied):
        services.custody_record(
            actor=county_regulator, task_id=task.pk, stage="returned", place="x", handed_by="y"
        )


def test_cancel_needs_a_reason_and_only_before_sampling(task, county_regulator, samplers):
    with pytest.raises(ValidationFailed):
        services.task_cancel(actor=county_regulator, task_id=task.pk, reason="")
    services.task_cancel(actor=county_regulator, task_id=task.pk, reason="企业已停业")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CANCELLED
    with pytest.raises(TransitionNotAllowed):
        sf.record(task, samplers[0])


# --- plans and task creation ------------------------------------------------------------------------


def test_plan_approval_path_and_guards(province_regulator, county_leader):
    plan = services.plan_create(
        actor=province_regulator,
        year=timezone.localdate().year,
        title="计划",
        lines=[{"category": "chemical", "risk": "high", "target": 5}],
    )
    assert plan.status == "draft" and plan.region_code == "360000"
    services.plan_transition(actor=province_regulator, plan_id=plan.pk, action="submit")
    # a county may read its province's plan but not approve it
    with pytest.raises(NotFound):
        services.plan_transition(actor=county_leader, plan_id=plan.pk, action="approve")
    with pytest.raises(ValidationFailed):
        services.plan_transition(actor=province_regulator, plan_id=plan.pk, action="return")
    services.plan_transition(
        actor=province_regulator, plan_id=plan.pk, action="return", note="补充化妆品"
    )
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert list(plan.events.values_list("action", flat=True)) == ["submit", "return"]
    with pytest.raises(TransitionNotAllowed):
        services.plan_transition(actor=province_regulator, plan_id=plan.pk, action="approve")


def test_plan_input_is_checked(province_regulator, county_regulator):
    year = timezone.localdate().year
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(actor=province_regulator, year=year, title="x", lines=[])
    assert "lines" in caught.value.errors
    with pytest.raises(ValidationFailed):
        services.plan_create(
            actor=province_regulator,
            year=year,
            title="x",
            lines=[{"category": "chemical", "risk": "high", "target": 1}] * 2,
        )
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(
            actor=province_regulator,
            year=1999,
            title="x",
            lines=[{"category": "chemical", "risk": "high", "target": 1}],
        )
    assert "year" in caught.value.errors
    inspector_only = factories.regulator("360102", roles=[Role.INSPECTOR])
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=inspector_only,
            year=year,
            title="x",
            lines=[{"category": "chemical", "risk": "high", "target": 1}],
        )
    assert not Plan.objects.exists()


def test_a_task_needs_an_approved_plan_two_samplers_and_a_target(
    province_regulator, county_regulator, enterprises, samplers, lab, plan
):
    draft = services.plan_create(
        actor=province_regulator,
        year=plan.year,
        title="草案",
        lines=[{"category": "chemical", "risk": "high", "target": 1}],
    )
    with pytest.raises(ValidationFailed) as caught:
        sf.new_task(county_regulator, draft, enterprises["donghu"], samplers, lab)
    assert "plan" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        sf.new_task(county_regulator, plan, enterprises["donghu"], samplers[:1], lab)
    assert "samplers" in caught.value.errors
    far = factories.regulator("360402", roles=[Role.INSPECTOR])
    with pytest.raises(ValidationFailed):
        sf.new_task(county_regulator, plan, enterprises["donghu"], [samplers[0], far], lab)
    with pytest.raises(ValidationFailed) as caught:
        sf.new_task(county_regulator, plan, enterprises["donghu"], samplers, lab, risk="low")
    assert "risk" in caught.value.errors
    # an enterprise outside the actor's county is not found
    with pytest.raises(NotFound):
        sf.new_task(county_regulator, plan, enterprises["lianxi"], samplers, lab)
    assert not Task.objects.exists()
