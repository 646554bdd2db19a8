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
