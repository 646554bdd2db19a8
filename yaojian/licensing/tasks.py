from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("licensing.accept_overdue", every=timedelta(hours=1))
@task()
def accept_overdue() -> int:
    """Applications unanswered for 5 working days count as accepted (行政许可法 第三十二条)."""
    from yaojian.licensing.services import accept_overdue as run

    return run()


@scheduling.register("licensing.clocks", every=timedelta(hours=6))
@task()
def refresh_clocks() -> int:
    """Recompute deadlines and warn before the statutory limit runs out."""
    from yaojian.licensing.services import clocks_refresh

    return clocks_refresh()
