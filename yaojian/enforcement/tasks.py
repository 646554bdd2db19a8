from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("enforcement.clocks", every=timedelta(hours=6))
@task()
def refresh_clocks() -> int:
    """Deadlines of paused cases, and reminders before and after the 90 days run out."""
    from yaojian.enforcement.services.reminders import clocks_refresh

    return clocks_refresh()
