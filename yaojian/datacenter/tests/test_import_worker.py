"""The import on the real database queue: an acknowledged upload waits for the worker, the
worker checks it, and the commit is written by the worker too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from yaojian.accounts.choices import Role
from yaojian.datacenter.imports import samples, services
from yaojian.datacenter.models import ImportJob
from yaojian.registry.models import Enterprise
from yaojian.testing import factories

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
}


@pytest.fixture
def db_queue(settings, transactional_db, tmp_path):
    settings.TASKS = DB_QUEUE
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_worker_checks_and_commits_an_acknowledged_upload(db_queue):
    factories.create_bureau_tree()
    approver = factories.regulator("360100", roles=[Role.APPROVER])
    rows = samples.enterprise_rows(4, counties=["360102"])
    job = services.import_upload(
        actor=approver,
        register="enterprises",
        file=SimpleUploadedFile("e.csv", samples.file_for("enterprises", rows, fmt="csv")),
    )
    # acknowledged: the file and the job are stored, the check waits in the queue
    job.refresh_from_db()
    assert job.status == "queued"
    assert job.file.storage.exists(job.file.name)
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == "validated" and job.create_rows == 4

    services.import_commit(actor=approver, job_id=job.pk, mode="all")
    assert ImportJob.objects.get(pk=job.pk).status == "committing"
    assert not Enterprise.objects.exists()
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == "committed" and job.created_count == 4
    assert Enterprise.objects.count() == 4
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
