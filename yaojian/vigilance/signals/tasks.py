"""Background work of signal detection: a requested run, and the nightly run.

The nightly job registers with the scheduler when this module is imported; the app's
`yaojian/vigilance/tasks.py` imports it (`from yaojian.vigilance.signals.tasks import *`) so
that `scheduling.discover()` finds it.
"""

from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling

__all__ = ["execute_run", "nightly_signal_run"]


@task()
def execute_run(run_id: int) -> str:
    """Compute one queued signal run."""
    from yaojian.vigilance.signals.services import run_execute

    return run_execute(run_id).status


@scheduling.register("vigilance.signals.nightly", every=timedelta(days=1))
@task()
def nightly_signal_run() -> int:
    """Signal detection over every case, once a day; returns the run's id."""
    from yaojian.vigilance.signals.services import run_nightly

    return run_nightly().pk
