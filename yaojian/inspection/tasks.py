from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("inspection.rectifications_overdue", every=timedelta(hours=12))
@task()
def rectifications_overdue() -> int:
    """Remind the inspection lead of every rectification past its deadline."""
    from yaojian.inspection.services import rectifications_overdue_remind

    return rectifications_overdue_remind()
