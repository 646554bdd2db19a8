from datetime import timedelta

from django.core.management import call_command
from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("core.worker_heartbeat", every=timedelta(minutes=1))
@task()
def worker_heartbeat() -> None:
    """Run by the worker, so /healthz can tell when the worker last ran anything."""
    scheduling.beat("worker")


@scheduling.register("core.clear_sessions", every=timedelta(hours=1))
@task()
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@scheduling.register("core.prune_task_results", every=timedelta(days=1))
@task()
def prune_task_results() -> None:
    call_command("prune_db_task_results", min_age_days=30, verbosity=0)


@scheduling.register("core.holiday_reminders", every=timedelta(days=1))
@task()
def holiday_reminders() -> list[int]:
    """From 1 December, remind the system administrators (once per year) to enter next year's
    holidays when chinese_calendar does not know them and no override does."""
    from yaojian.core.services import holiday_reminders as remind

    return remind()


@scheduling.register("core.planner_statistics", every=timedelta(hours=6))
@task()
def planner_statistics() -> list[str]:
    """Re-analyse SQLite tables that have outgrown their statistics (see core.dbstats)."""
    from yaojian.core.dbstats import refresh_statistics

    return refresh_statistics()
