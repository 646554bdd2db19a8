"""Background work end to end on the real database queue: enqueue, `yaojian worker`, result."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from yaojian.core import scheduling
from yaojian.core.models import Heartbeat
from yaojian.testing import factories
from yaojian.workbench import services

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
}


@pytest.fixture
def db_queue(settings, transactional_db):
    """The real database queue (django-tasks resets its backends when TASKS changes).

    Transactional: the worker closes its database connection between tasks, as it should.
    """
    settings.TASKS = DB_QUEUE


def test_scheduled_heartbeat_is_run_by_the_worker(db_queue):
    enqueued = scheduling.run_due_jobs()
    assert "core.worker_heartbeat" in enqueued
    assert DBTaskResult.objects.filter(status="READY").count() == len(enqueued)
    call_command("worker", "--batch", verbosity=0)
    assert Heartbeat.objects.filter(kind="worker").exists()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    failed = list(
        DBTaskResult.objects.filter(status="FAILED").values_list("task_path", "traceback")
    )
    assert not failed, failed


def test_email_of_a_message_is_sent_by_the_worker(
    db_queue, django_capture_on_commit_callbacks, mailoutbox
):
    factories.create_bureau_tree()
    user = factories.regulator("360102", email="li@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.notify(user, source="test", subject="整改通知")
    assert not mailoutbox  # queued, not sent in the request
    call_command("worker", "--batch", verbosity=0)
    assert len(mailoutbox) == 1 and mailoutbox[0].subject.endswith("整改通知")
    assert mailoutbox[0].to == ["li@example.cn"]
    message.refresh_from_db()
    assert message.emailed_at is not None


def test_healthz_reports_queued_work_and_the_worker(client, db_queue):
    scheduling.run_due_jobs()
    before = client.get("/healthz").json()["checks"]["tasks"]
    assert before["queued"] >= 1 and before["worker_last_seen"] is None
    call_command("worker", "--batch", verbosity=0)
    after = client.get("/healthz").json()["checks"]["tasks"]
    assert after["queued"] == 0 and after["worker_last_seen"] is not None
