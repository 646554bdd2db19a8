from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling


@task()
def run_capture(job_id: str) -> str:
    """Validate and store the events of one acknowledged capture."""
    from yaojian.trace.services.capture import capture_run

    return capture_run(job_id).status


@scheduling.register("trace.resume_captures", every=timedelta(minutes=5))
@task()
def resume_captures() -> int:
    """Captures acknowledged before a crash are run again (a finished job is left alone)."""
    from yaojian.trace.services.capture import capture_run, pending_jobs

    jobs = pending_jobs()
    for job_id in jobs:
        capture_run(job_id)
    return len(jobs)
