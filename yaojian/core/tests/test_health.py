"""GET /healthz: 200 when the database and the task queue answer, 503 naming what fails."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from yaojian.core import health

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_both_checks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "tasks"}
    assert body["checks"]["database"] == {"status": "ok", "vendor": connection.vendor}
    assert body["checks"]["tasks"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_the_queue_and_the_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from yaojian.core.scheduling import beat
    from yaojian.core.tasks import worker_heartbeat

    tasks = client.get("/healthz").json()["checks"]["tasks"]
    assert tasks["backend"] == "DatabaseBackend"
    assert tasks["queued"] == 0 and tasks["worker_last_seen"] is None

    worker_heartbeat.enqueue()
    worker_heartbeat.enqueue()
    beat("worker")
    tasks = client.get("/healthz").json()["checks"]["tasks"]
    assert tasks["queued"] == 2
    assert 0 <= tasks["oldest_queued_seconds"] < 60
    seen = timezone.datetime.fromisoformat(tasks["worker_last_seen"])
    assert abs((timezone.now() - seen).total_seconds()) < 60


@pytest.mark.parametrize("failing", ["database", "tasks"])
def test_healthz_is_503_and_names_the_failing_check(client, monkeypatch, failing):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, failing, broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"][failing] == {
        "status": "failing",
        "error": "ConnectionError: connection refused",
    }
    (working,) = set(health.CHECKS) - {failing}
    assert body["checks"][working]["status"] == "ok"


def test_healthz_with_a_misconfigured_task_backend_is_503(client, settings):
    settings.TASKS = {"default": {"BACKEND": "no.such.Backend"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["status"] == "failing"
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
