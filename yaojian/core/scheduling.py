"""Periodic jobs: apps register them in their `tasks.py`; `yaojian scheduler` enqueues them.

The scheduler only enqueues; the worker runs. A job's last enqueue time is kept in the
database under a row lock, so two schedulers (or a restart) never enqueue one run twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django-tasks Task
    every: timedelta


_registry: dict[str, PeriodicJob] = {}


def register(name: str, *, every: timedelta):
    """Decorator for a task: `@register("audit.verify", every=timedelta(days=1))`."""

    def decorate(task):
        _registry[name] = PeriodicJob(name=name, task=task, every=every)
        return task

    return decorate


def discover() -> dict[str, PeriodicJob]:
    for config in apps.get_app_configs():
        if config.name.startswith("yaojian."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.tasks":
                    raise
    return dict(_registry)


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in discover().values():
        try:
            if _enqueue_if_due(job, now):
                enqueued.append(job.name)
                logger.info("enqueued periodic job %s", job.name)
        except Exception:
            # one job that cannot be enqueued must not stop the others (nor the scheduler);
            # it stays due and is tried again at the next check
            logger.exception("could not enqueue periodic job %s", job.name)
    return enqueued


def _enqueue_if_due(job: PeriodicJob, now: datetime) -> bool:
    from yaojian.core.models import ScheduledRun

    with transaction.atomic():
        run, _created = ScheduledRun.objects.select_for_update().get_or_create(name=job.name)
        if run.last_enqueued_at and run.last_enqueued_at + job.every > now:
            return False
        result = job.task.enqueue()
        run.last_enqueued_at = now
        run.last_result_id = str(result.id)
        run.save(update_fields=["last_enqueued_at", "last_result_id"])
        return True


def beat(kind: str) -> None:
    from yaojian.core.models import Heartbeat

    Heartbeat.objects.update_or_create(kind=kind, defaults={"seen_at": timezone.now()})
