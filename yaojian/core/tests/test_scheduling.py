"""Periodic jobs: the scheduler enqueues a job once per interval, never twice."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from yaojian.core import scheduling
from yaojian.core.models import Heartbeat, ScheduledRun

JOB = "test.tick"


@task()
def tick() -> None:
    """A job that does nothing; the tests count how often it is enqueued."""


@pytest.fixture
def database_queue(settings):
    """The production backend: enqueued tasks wait in the database for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def only_test_job(monkeypatch):
    """A registry holding one hourly job (the apps' real jobs are imported first)."""
    scheduling.discover()
    monkeypatch.setattr(scheduling, "_registry", {})
    scheduling.register(JOB, every=timedelta(hours=1))(tick)


def enqueued_ticks() -> int:
    return DBTaskResult.objects.filter(task_path__endswith=".tick").count()


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_then_again_after_its_interval(database_queue, only_test_job):
    start = timezone.now()
    assert scheduling.run_due_jobs(now=start) == [JOB]
    assert enqueued_ticks() == 1
    run = ScheduledRun.objects.get(name=JOB)
    assert run.last_enqueued_at == start
    assert run.last_result_id == str(DBTaskResult.objects.get().id)

    for later in (start, start + timedelta(minutes=1), start + timedelta(minutes=59, seconds=59)):
        assert scheduling.run_due_jobs(now=later) == []
    assert enqueued_ticks() == 1

    assert scheduling.run_due_jobs(now=start + timedelta(hours=1)) == [JOB]
    assert enqueued_ticks() == 2
    assert scheduling.run_due_jobs(now=start + timedelta(hours=1, minutes=30)) == []
    assert scheduling.run_due_jobs(now=start + timedelta(hours=5)) == [JOB]
    assert enqueued_ticks() == 3


@pytest.mark.django_db
def test_a_restarted_scheduler_does_not_enqueue_again(database_queue, only_test_job):
    """The last run is kept in the database, not in the process."""
    start = timezone.now()
    scheduling.run_due_jobs(now=start)
    ScheduledRun.objects.get(name=JOB)  # what a new process would find
    assert scheduling.run_due_jobs(now=start + timedelta(minutes=10)) == []
    assert enqueued_ticks() == 1


@pytest.mark.django_db
def test_every_app_registers_its_periodic_jobs():
    jobs = scheduling.discover()
    assert {"core.worker_heartbeat", "core.clear_sessions", "audit.verify_chain"} <= set(jobs)
    assert jobs["audit.verify_chain"].every == timedelta(days=1)
    for job in jobs.values():
        assert job.every > timedelta(0)
        assert callable(job.task.enqueue)


@pytest.mark.django_db
def test_scheduler_list_prints_every_job_with_its_interval():
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    jobs = scheduling.discover()
    assert len(lines) == len(jobs)
    for name, job in jobs.items():
        (line,) = [line for line in lines if line.split()[0] == name]
        assert line.endswith(f"every {job.every}")
    assert not DBTaskResult.objects.exists() and not ScheduledRun.objects.exists()


@pytest.mark.django_db
def test_scheduler_once_enqueues_what_is_due_beats_and_exits(database_queue, only_test_job):
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert out.getvalue().splitlines() == [f"enqueued {JOB}"]
    assert enqueued_ticks() == 1
    beat = Heartbeat.objects.get(kind="scheduler")
    assert timezone.now() - beat.seen_at < timedelta(minutes=1)

    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert out.getvalue() == ""  # nothing due an instant later
    assert enqueued_ticks() == 1


@pytest.mark.django_db
def test_the_worker_heartbeat_job_records_that_the_worker_ran():
    from yaojian.core.tasks import worker_heartbeat

    assert not Heartbeat.objects.filter(kind="worker").exists()
    worker_heartbeat.enqueue()  # the tests' immediate backend runs it at once
    assert Heartbeat.objects.filter(kind="worker").exists()


class UnreachableQueue:
    """Stands for a job whose queue cannot be reached (a broker down, a bad configuration)."""

    def enqueue(self):
        raise ConnectionError("queue unreachable")


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others(
    database_queue, monkeypatch, caplog
):
    scheduling.discover()
    monkeypatch.setattr(scheduling, "_registry", {})
    scheduling.register("test.broken", every=timedelta(hours=1))(UnreachableQueue())  # first
    scheduling.register(JOB, every=timedelta(hours=1))(tick)
    start = timezone.now()
    with caplog.at_level("ERROR", logger="yaojian.core.scheduling"):
        assert scheduling.run_due_jobs(now=start) == [JOB]
    assert enqueued_ticks() == 1
    assert "test.broken" in caplog.text
    # the broken job is tried again next time: it was not marked as enqueued
    assert not ScheduledRun.objects.filter(name="test.broken", last_enqueued_at__isnull=False)
    with caplog.at_level("ERROR", logger="yaojian.core.scheduling"):
        caplog.clear()
        assert scheduling.run_due_jobs(now=start + timedelta(minutes=1)) == []
    assert "test.broken" in caplog.text  # tried again, not skipped as done
