"""Runs left "running" by a worker that stopped are failed with the reason and run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaojian.audit.models import AuditEntry
from yaojian.vigilance.signals import services, tasks
from yaojian.vigilance.signals.choices import RunStatus
from yaojian.vigilance.signals.models import SignalResult, SignalRun
from yaojian.vigilance.signals.tests.conftest import minimal_rows

pytestmark = pytest.mark.django_db


def _running(trigger="manual", *, ago: dt.timedelta) -> SignalRun:
    started = timezone.now() - ago
    return SignalRun.objects.create(
        trigger=trigger,
        status=RunStatus.RUNNING,
        parameters=services.clean_parameters({}),
        created_at=started,
        started_at=started,
    )


@pytest.fixture
def cases(hospital):
    from yaojian.vigilance import services as case_services
    from yaojian.vigilance.tests.factories import case_data

    for i in range(6):
        case_services.case_submit(
            actor=hospital,
            data=case_data(
                drug=["甲药片", "乙药胶囊"][i % 2], pt=["99111001", "99211001"][i % 3 % 2]
            ),
        )


def test_the_nightly_task_fails_stale_runs_and_runs_them_again(
    analyst, cases, django_capture_on_commit_callbacks
):
    stale_manual = _running(ago=dt.timedelta(hours=3))
    stale_nightly = _running("nightly", ago=dt.timedelta(hours=5))
    busy = _running(ago=dt.timedelta(minutes=10))  # a worker is on it right now
    with django_capture_on_commit_callbacks(execute=True):
        tonight = SignalRun.objects.get(pk=tasks.nightly_signal_run.call())
    assert tonight.trigger == "nightly" and tonight.status == RunStatus.DONE, tonight.error
    # the run on demand was failed with the reason, then queued and computed again
    stale_manual.refresh_from_db()
    assert stale_manual.status == RunStatus.DONE, stale_manual.error
    assert stale_manual.result_count >= 1 and stale_manual.error == ""
    assert SignalResult.objects.filter(run=stale_manual).count() == stale_manual.result_count
    recovered = AuditEntry.objects.filter(action="vigilance.signals.run.recover")
    assert {e.object_id for e in recovered} == {str(stale_manual.pk), str(stale_nightly.pk)}
    assert all("Interrupted" in e.detail for e in recovered)
    # the nightly one is replaced by tonight's run: failed, with the reason
    stale_nightly.refresh_from_db()
    assert stale_nightly.status == RunStatus.FAILED
    assert "Interrupted: still running 300 minutes" in stale_nightly.error
    assert stale_nightly.finished_at >= stale_nightly.started_at
    busy.refresh_from_db()
    assert busy.status == RunStatus.RUNNING and busy.error == ""


def test_recovery_bound(analyst, settings, django_capture_on_commit_callbacks):
    settings.YAOJIAN_SIGNAL_RUN_STALE_HOURS = 0.5
    old = _running(ago=dt.timedelta(minutes=40))
    young = _running(ago=dt.timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.recover_stale_runs() == [old]
    assert len(callbacks) == 1  # queued again
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.status, young.status) == (RunStatus.FAILED, RunStatus.RUNNING)
    assert services.stale_after() == dt.timedelta(minutes=30)


def test_a_stale_run_may_be_executed_again_and_a_live_one_not(analyst):
    stale = _running(ago=dt.timedelta(hours=3))
    live = _running(ago=dt.timedelta(minutes=1))
    assert services.run_execute(stale.pk, rows=minimal_rows()).status == RunStatus.DONE
    assert services.run_execute(live.pk, rows=minimal_rows()).status == RunStatus.RUNNING
    assert not SignalResult.objects.filter(run=live).exists()


def test_a_slow_attempt_given_up_meanwhile_stores_nothing(analyst):
    """The worker thought dead finishes after its run was failed (or restarted): dropped."""
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))

    def rows():
        yield from minimal_rows()
        # meanwhile the run was found stale and marked failed
        SignalRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error="Interrupted"
        )

    run = services.run_execute(run.pk, rows=rows())
    # (in one test transaction the other worker's write is rolled back with the attempt)
    assert run.status != RunStatus.DONE
    assert not SignalResult.objects.filter(run=run).exists()
    assert not AuditEntry.objects.filter(
        action="vigilance.signals.run.execute", object_id=str(run.pk)
    ).exists()


# -- runs whose task was lost in the queue -----------------------------------------------------


@pytest.fixture
def database_queue(settings):
    """The production backend: an enqueued task waits in the database (none runs here)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued(trigger="manual", *, ago: dt.timedelta, **fields) -> SignalRun:
    return SignalRun.objects.create(
        trigger=trigger,
        parameters=services.clean_parameters({}),
        created_at=timezone.now() - ago,
        **fields,
    )


def _sent(run: SignalRun) -> int:
    """How many execute_run tasks for this run wait in the queue."""
    from django_tasks_db.models import DBTaskResult

    tasks_sent = DBTaskResult.objects.filter(task_path__endswith="signals.tasks.execute_run")
    return sum(1 for t in tasks_sent if t.args_kwargs["args"] == [run.pk])


def _recoveries(run: SignalRun):
    return AuditEntry.objects.filter(
        action="vigilance.signals.run.recover", object_id=str(run.pk)
    ).order_by("seq")


def test_a_run_stale_in_the_queue_is_sent_again_and_a_fresh_one_not(
    analyst, database_queue, django_capture_on_commit_callbacks
):
    stale = _queued(ago=dt.timedelta(minutes=45))
    fresh = _queued(ago=dt.timedelta(minutes=10))
    # a worker took this one: queued long ago, running since a moment
    taken = _running(ago=dt.timedelta(minutes=2))
    SignalRun.objects.filter(pk=taken.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale_queued_runs() == [stale]
    assert (_sent(stale), _sent(fresh), _sent(taken)) == (1, 0, 0)
    stale.refresh_from_db()
    assert stale.status == RunStatus.QUEUED and stale.requeue_count == 1
    assert stale.requeued_at is not None
    [entry] = _recoveries(stale)
    assert entry.outcome == "success" and entry.changes["requeued"] is True
    assert entry.changes["requeues"] == 1 and "queued again (1 of at most 3" in entry.detail
    assert not _recoveries(fresh).exists() and not _recoveries(taken).exists()
    taken.refresh_from_db()
    fresh.refresh_from_db()
    assert (taken.status, fresh.status, fresh.requeue_count) == (RunStatus.RUNNING, "queued", 0)
    # just sent again: not stale again until the delay passed since then
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale_queued_runs() == []
    assert _sent(stale) == 1


def test_after_the_limit_a_queued_run_fails_with_the_reason(
    analyst, settings, database_queue, django_capture_on_commit_callbacks
):
    settings.YAOJIAN_SIGNAL_RUN_QUEUED_STALE_MINUTES = 5
    settings.YAOJIAN_SIGNAL_RUN_MAX_REQUEUES = 2
    run = _queued(ago=dt.timedelta(minutes=6))
    now = timezone.now()
    for attempt in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.requeue_stale_queued_runs(now=now) == [run]
        run.refresh_from_db()
        assert (run.status, run.requeue_count, _sent(run)) == ("queued", attempt, attempt)
        now += dt.timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale_queued_runs(now=now) == [run]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and _sent(run) == 2  # not sent a third time
    assert "after being queued again 2 times; given up" in run.error
    assert run.finished_at >= run.started_at
    entries = list(_recoveries(run))
    assert [e.outcome for e in entries] == ["success", "success", "failed"]
    assert entries[-1].changes == {"status": "queued", "requeued": False, "requeues": 2}
    assert "given up" in entries[-1].detail
    # a failed run is left alone from then on
    now += dt.timedelta(hours=1)
    assert services.requeue_stale_queued_runs(now=now) == []


def test_the_default_delay_and_limit(analyst):
    assert services.queued_stale_after() == dt.timedelta(minutes=30)
    assert services.max_requeues() == 3
    run = _queued(ago=dt.timedelta(hours=2), requeue_count=3)
    assert services.requeue_stale_queued_runs() == [run]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "queued again 3 times" in run.error


def test_a_run_sent_twice_is_computed_once(analyst, database_queue):
    """The lost task turns up after all, beside the one sent again: one computation."""
    run = _queued(ago=dt.timedelta(hours=1))
    services.requeue_stale_queued_runs()
    first = services.run_execute(run.pk, rows=minimal_rows())
    assert first.status == RunStatus.DONE
    results = SignalResult.objects.filter(run=run).count()
    second = services.run_execute(run.pk, rows=minimal_rows(strong=12))
    assert second.status == RunStatus.DONE and second.finished_at == first.finished_at
    assert SignalResult.objects.filter(run=run).count() == results
    executed = AuditEntry.objects.filter(
        action="vigilance.signals.run.execute", object_id=str(run.pk)
    )
    assert executed.count() == 1


def test_the_nightly_task_sends_a_lost_run_again_and_fails_a_lost_nightly_one(
    analyst, cases, django_capture_on_commit_callbacks
):
    lost = _queued(ago=dt.timedelta(hours=1))
    lost_nightly = _queued("nightly", ago=dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        tonight = SignalRun.objects.get(pk=tasks.nightly_signal_run.call())
    assert tonight.status == RunStatus.DONE, tonight.error
    lost.refresh_from_db()
    assert lost.status == RunStatus.DONE and lost.requeue_count == 1, lost.error
    assert SignalResult.objects.filter(run=lost).count() == lost.result_count >= 1
    lost_nightly.refresh_from_db()
    assert lost_nightly.status == RunStatus.FAILED
    assert "replaced by the next nightly run" in lost_nightly.error
    assert [e.outcome for e in _recoveries(lost_nightly)] == ["failed"]
