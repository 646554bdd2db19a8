"""Background work of the bulk import: checking a file, and committing it."""

from django_tasks import task


@task()
def validate_import(job_id: int) -> None:
    from yaojian.datacenter.imports import services

    services.import_validate(job_id)


@task()
def commit_import(job_id: int) -> None:
    from yaojian.datacenter.imports import services

    services.import_apply(job_id)
