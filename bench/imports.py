"""Bulk import benchmark: 25,000 enterprises from an Excel workbook, checked and committed.

The baseline is what openpyxl alone takes to read the same workbook (read-only mode, every
cell): the floor under any import of that file. Everything runs in one transaction that is
rolled back at the end, so the database is left as it was.
"""

from __future__ import annotations

import io
import shutil
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from bench.timing import row
from yaojian.accounts.models import User
from yaojian.datacenter.imports import samples, services
from yaojian.datacenter.models import ImportJob
from yaojian.registry.services import bulk

ENTERPRISES = 25_000


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _rate(label: str, count: int, seconds: float) -> None:
    print(f"  {label:<58} {count / seconds:10.0f}")


def import_enterprises(count: int = ENTERPRISES) -> None:
    """Check and commit `count` new enterprises from an .xlsx, then the same file again."""
    from django.conf import settings

    actor = User.objects.get(username="province")  # an approver of the province bureau
    rows, seconds = _timed(lambda: samples.enterprise_rows(count, seed=4242))
    data = samples.file_for("enterprises", rows)
    print(
        f"  built {count} enterprise rows ({len(data) / 1e6:.1f} MB xlsx) in {seconds:.1f} s "
        "(not timed below)"
    )

    def read_only():
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        for _cells in workbook.worksheets[0].iter_rows(values_only=True):
            pass

    _none, baseline = _timed(read_only)
    row("openpyxl reads the workbook (baseline)", baseline, unit="s")

    media = settings.MEDIA_ROOT / "imports"
    had_media = media.exists()
    with transaction.atomic():
        first = _run(actor, data, baseline, "first import")
        assert (first.created_count, first.updated_count) == (count, 0), first.error
        again = _run(actor, data, baseline, "same file again")
        assert (again.created_count, again.updated_count) == (0, 0), again.error
        print(
            f"  {'re-import: created / updated / unchanged':<58} "
            f"{again.created_count} / {again.updated_count} / {again.unchanged_count}"
        )
        transaction.set_rollback(True)
    if not had_media:
        shutil.rmtree(media, ignore_errors=True)


def _run(actor, data: bytes, baseline: float, label: str) -> ImportJob:
    job, upload = _timed(
        lambda: services.import_upload(
            actor=actor,
            register="enterprises",
            file=SimpleUploadedFile("enterprises.xlsx", data),
            language="zh-hans",
        )
    )
    _none, check = _timed(lambda: services.import_validate(job.pk))
    job.refresh_from_db()
    assert job.status == "validated", job.error
    services.import_commit(actor=actor, job_id=job.pk, mode="all")
    writes = []
    apply = bulk.apply

    def timed_apply(*args, **kwargs):  # the part of the commit that holds the write lock
        result, seconds = _timed(lambda: apply(*args, **kwargs))
        writes.append(seconds)
        return result

    bulk.apply = timed_apply
    try:
        _none, commit = _timed(lambda: services.import_apply(job.pk))
    finally:
        bulk.apply = apply
    job.refresh_from_db()
    assert job.status == "committed", job.error
    total = upload + check + commit
    rows = job.total_rows
    row(f"{label}: upload (type, header, store the file)", upload, baseline, unit="s")
    row(f"{label}: check ({rows} rows: read, validate, preview)", check, baseline, unit="s")
    row(f"{label}: commit (check again, write, history)", commit, baseline, unit="s")
    row(f"{label}: of which writing, under the write lock", sum(writes), baseline, unit="s")
    row(f"{label}: total", total, baseline, unit="s")
    _rate(f"{label}: rows per second, upload to commit", rows, total)
    return job


BENCHMARKS = {"import_enterprises": import_enterprises}
