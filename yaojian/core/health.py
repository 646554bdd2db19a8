"""Checks behind GET /healthz."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def check_tasks() -> dict:
    from django_tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    from yaojian.core.models import Heartbeat

    backend = task_backends["default"]  # raises if the backend is misconfigured
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    worker = Heartbeat.objects.filter(kind="worker").values_list("seen_at", flat=True).first()
    return {
        "status": "ok",
        "backend": type(backend).__name__,
        "queued": ready.count(),
        "oldest_queued_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
        "worker_last_seen": worker.isoformat() if worker else None,
    }


CHECKS = {"database": check_database, "tasks": check_tasks}


def run_checks() -> tuple[bool, dict]:
    results: dict = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:
            healthy = False
            results[name] = {"status": "failing", "error": f"{type(error).__name__}: {error}"}
    return healthy, results
