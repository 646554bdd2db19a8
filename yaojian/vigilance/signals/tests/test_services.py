"""Runs over the case database and over given rows, signals, the review workflow, scoping."""

from __future__ import annotations

import itertools

import pytest

from yaojian.audit.models import AuditEntry
from yaojian.core.errors import NotFound, PermissionDenied, TransitionNotAllowed, ValidationFailed
from yaojian.testing import factories
from yaojian.vigilance.signals import selectors, services, workflows
from yaojian.vigilance.signals.choices import RunStatus, SignalStatus
from yaojian.vigilance.signals.models import Signal, SignalHistory, SignalResult, SignalRun
from yaojian.vigilance.signals.tests.conftest import minimal_rows
from yaojian.workbench.models import Todo

pytestmark = pytest.mark.django_db


def _run_with_rows(analyst, rows=None, **parameters):
    run = SignalRun.objects.create(
        trigger="manual", parameters=services.clean_parameters(parameters), requested_by=analyst
    )
    return services.run_execute(run.pk, rows=rows if rows is not None else minimal_rows())


def test_run_over_given_rows_stores_results_and_opens_signals(
    analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _run_with_rows(analyst)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.report_count == 68
    assert run.result_count == run.pair_count == SignalResult.objects.filter(run=run).count()
    assert set(run.hyperparameters) >= {"alpha1", "beta1", "alpha2", "beta2", "p", "minimum"}
    assert run.started_at <= run.finished_at
    strong = SignalResult.objects.get(run=run, product="甲药片", event="皮疹")
    assert strong.n == 8 and strong.flag_prr and strong.flag_ror
    assert strong.ic > 0 and strong.ic025 < 0  # too few reports for BCPNN to be sure
    assert strong.flagged
    signal = Signal.objects.get(product="甲药片", event="皮疹")
    assert signal.status == SignalStatus.NEW and signal.last_result == strong
    assert "prr" in signal.methods
    assert SignalHistory.objects.filter(signal=signal, action="detect").count() == 1
    assert run.new_signal_count == Signal.objects.count() >= 1
    todo = Todo.objects.get(kind="signal_new")
    assert todo.role == "analyst" and todo.bureau.region_code == "360000"
    assert "甲药片 / 皮疹" in todo.body
    assert AuditEntry.objects.filter(action="vigilance.signals.run.execute").exists()


def test_a_second_run_updates_signals_and_keeps_their_review(
    analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run_with_rows(analyst)
    signal = Signal.objects.get(product="甲药片", event="皮疹")
    services.signal_transition(actor=analyst, signal_id=signal.pk, action="assess")
    with django_capture_on_commit_callbacks(execute=True):
        second = _run_with_rows(analyst, minimal_rows(strong=10))
    signal.refresh_from_db()
    assert signal.status == SignalStatus.ASSESSING  # review not reset
    assert signal.last_result.run_id == second.pk and signal.last_result.n == 10
    assert second.new_signal_count == 0
    assert Signal.objects.filter(product="甲药片", event="皮疹").count() == 1


def test_thresholds_and_min_count_of_a_run(analyst):
    run = _run_with_rows(analyst, min_count=2, thresholds={"prr_min": 1000})
    assert run.status == RunStatus.DONE
    assert not SignalResult.objects.filter(run=run, n__lt=2).exists()
    # only an infinite PRR (the event is reported with no other product) passes 1000
    assert not SignalResult.objects.filter(run=run, flag_prr=True, prr__isnull=False).exists()
    assert SignalRun.objects.get(pk=run.pk).parameters["thresholds"]["prr_min"] == 1000


def test_a_run_without_cases_fails_clearly(analyst):
    run = _run_with_rows(analyst, rows=[])
    assert run.status == RunStatus.FAILED
    assert "No case report" in run.error
    assert run.finished_at is not None


def test_run_over_database_cases(analyst, hospital, django_capture_on_commit_callbacks):
    """Through the case helper's selector: current versions, suspect drugs, coded PTs."""
    from yaojian.vigilance import services as case_services
    from yaojian.vigilance.tests.factories import case_data

    for i in range(12):
        case_services.case_submit(actor=hospital, data=case_data(drug="甲药片", pt="99111001"))
        case_services.case_submit(
            actor=hospital,
            data=case_data(
                drug=["乙药胶囊", "丙药片", "丁药颗粒"][i % 3],
                pt=["99211001", "99212001", "99211002"][i % 3],
                sex="2",
            ),
        )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(actor=analyst, parameters={"preset": "standard"})
    run.refresh_from_db()  # the immediate task backend ran it on commit
    assert run.status == RunStatus.DONE, run.error
    assert run.report_count == 24
    products = set(SignalResult.objects.filter(run=run).values_list("product", flat=True))
    assert "甲药片" in products and "维生素C片" not in products  # concomitant drugs left out
    from yaojian.vigilance.models import Reaction

    # the event is the preferred term's name as the case stored it
    rash_name = Reaction.objects.filter(pt_code="99111001").values_list("pt_name", flat=True)[0]
    rash = SignalResult.objects.get(run=run, product="甲药片", event=rash_name)
    assert rash.n == 12 and rash.flag_prr


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"preset": "loose"}, "preset"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-05-01", "until": "2026-01-01"}, "until"),
        ({"min_count": 0}, "min_count"),
        ({"thresholds": {"prr_min": "two"}}, "thresholds.prr_min"),
        ({"thresholds": {"n_min": 0}}, "thresholds.n_min"),
        ({"thresholds": {"bogus": 1}}, "thresholds.bogus"),
        ({"stratify": "yes"}, "stratify"),
        ({"ic_method": "magic"}, "ic_method"),
    ],
)
def test_bad_parameters_name_the_field_and_change_nothing(analyst, bad, field):
    with pytest.raises(ValidationFailed) as caught:
        services.run_request(actor=analyst, parameters=bad)
    assert field in caught.value.errors
    assert not SignalRun.objects.exists()
    assert AuditEntry.objects.filter(
        action="vigilance.signals.run.request", outcome="failed"
    ).exists()


# -- the review workflow ---------------------------------------------------------------------

STATUSES = list(SignalStatus.values)


def _signal(status=SignalStatus.NEW, **fields):
    return Signal.objects.create(product="甲药片", event="皮疹", status=status, **fields)


@pytest.mark.parametrize(
    "action,status", list(itertools.product(list(workflows.TRANSITIONS), STATUSES))
)
def test_transition_table_exhaustively(analyst, action, status):
    signal = _signal(status=status, action="referral" if status == SignalStatus.ACTIONED else "")
    kwargs = {"note": "理由充分", "action_kind": "label_change"}
    if workflows.allowed(action, status):
        services.signal_transition(actor=analyst, signal_id=signal.pk, action=action, **kwargs)
        signal.refresh_from_db()
        assert signal.status == workflows.TRANSITIONS[action].target
        history = SignalHistory.objects.get(signal=signal)
        assert (history.from_status, history.to_status, history.actor) == (
            status,
            signal.status,
            analyst,
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            services.signal_transition(actor=analyst, signal_id=signal.pk, action=action, **kwargs)
        signal.refresh_from_db()
        assert signal.status == status
        assert not SignalHistory.objects.filter(signal=signal).exists()


def test_the_whole_path_with_guards(analyst, django_capture_on_commit_callbacks):
    holder = factories.EnterpriseFactory(kind="mah", region_code="360102")
    product = factories.ProductFactory(name="甲药片", holder=holder, manufacturer=holder)
    signal = _signal(product_ref=product)
    services.signal_transition(actor=analyst, signal_id=signal.pk, action="assess")
    with pytest.raises(ValidationFailed) as caught:
        services.signal_transition(actor=analyst, signal_id=signal.pk, action="validate", note="  ")
    assert "note" in caught.value.errors
    with django_capture_on_commit_callbacks(execute=True):
        services.signal_transition(
            actor=analyst, signal_id=signal.pk, action="validate", note="病例因果关系明确"
        )
    from yaojian.registry.models import TimelineEvent

    event = TimelineEvent.objects.get(product=product, kind="signal")
    assert "皮疹" in event.title and "病例因果关系明确" in event.summary
    with pytest.raises(ValidationFailed) as caught:
        services.signal_transition(actor=analyst, signal_id=signal.pk, action="take_action")
    assert "action" in caught.value.errors
    signal = services.signal_transition(
        actor=analyst, signal_id=signal.pk, action="take_action", action_kind="risk_communication"
    )
    assert signal.status == SignalStatus.ACTIONED and signal.action == "risk_communication"
    assert [h.action for h in signal.history.order_by("id")] == [
        "assess",
        "validate",
        "take_action",
    ]
    with pytest.raises(ValidationFailed):
        services.signal_transition(actor=analyst, signal_id=signal.pk, action="nonsense")


# -- scoping ---------------------------------------------------------------------------------


def test_who_may_see_and_act(analyst, leader, city_analyst, county_regulator, enterprises):
    signal = _signal()
    assert selectors.signal_get(analyst, signal.pk) == signal
    assert selectors.signal_get(leader, signal.pk) == signal  # leaders read
    with pytest.raises(PermissionDenied):
        services.signal_transition(actor=leader, signal_id=signal.pk, action="assess")
    for regulator in (city_analyst, county_regulator):
        with pytest.raises(PermissionDenied):
            selectors.signal_list(regulator)
        with pytest.raises(PermissionDenied):
            services.run_request(actor=regulator, parameters={})
    enterprise_user = factories.enterprise_user(enterprises["donghu"], master=True)
    for outsider in (enterprise_user, None):
        with pytest.raises(NotFound):
            selectors.signal_get(outsider, signal.pk)
    with pytest.raises(NotFound):
        selectors.signal_get(analyst, signal.pk + 999)
    assert AuditEntry.objects.filter(
        action="vigilance.signals.run.request", outcome="denied"
    ).exists()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.NEW


def test_nightly_task_is_registered_and_runs(analyst):
    from yaojian.core import scheduling
    from yaojian.vigilance.signals import tasks

    assert scheduling._registry["vigilance.signals.nightly"].task is tasks.nightly_signal_run
    run = SignalRun.objects.get(pk=tasks.nightly_signal_run.call())
    assert run.trigger == "nightly"
    assert run.status == RunStatus.FAILED  # no cases in an empty database: said clearly
