from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("sampling.close_expired", every=timedelta(hours=6))
@task()
def close_expired() -> int:
    """Close and publish results whose re-test window (7 working days) ended unused."""
    from yaojian.sampling.services import close_expired as run

    return run()
