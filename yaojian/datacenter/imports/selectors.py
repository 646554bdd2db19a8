"""Reads of the bulk import, scoped to the user's bureau jurisdiction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yaojian.core.errors import NotFound
from yaojian.core.forms import paginate
from yaojian.core.scoping import get_visible, restrict
from yaojian.datacenter.imports import columns, progress
from yaojian.datacenter.models import (
    ImportJob,
    ImportRegister,
    ImportRow,
    ImportStatus,
    RowOutcome,
)

STALLED_AFTER = dt.timedelta(minutes=30)


def jobs_for(user: Any) -> QuerySet[ImportJob]:
    return restrict(ImportJob.objects.select_related("created_by", "committed_by"), user)


def job_list(user: Any, *, register: str = "", status: str = "") -> QuerySet[ImportJob]:
    jobs = jobs_for(user)
    if register in ImportRegister.values:
        jobs = jobs.filter(register=register)
    if status in ImportStatus.values:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-pk")


def job_get(user: Any, job_id: Any) -> ImportJob:
    if not getattr(user, "is_authenticated", False) or not user.is_regulator:
        raise NotFound()
    return get_visible(jobs_for(user), user, pk=job_id)


def job_rows(job: ImportJob, *, outcome: str = "") -> QuerySet[ImportRow]:
    """The rows of a job the caller has already read through `job_get`."""
    rows = job.rows.all()
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("number")


def preview_page(request: Any, job: ImportJob, *, outcome: str = "", per_page: int = 50):
    """A page of the preview; each row carries a short summary (its key columns)."""
    page = paginate(request, job_rows(job, outcome=outcome), per_page=per_page)
    spec = columns.REGISTERS[job.register]
    positions = [
        (index, header)
        for key in spec.summary
        for index, (header, mapped) in enumerate(job.columns)
        if mapped == key
    ]
    for row in page.object_list:
        row.summary = [
            (header, row.cells[index])
            for index, header in positions
            if index < len(row.cells) and row.cells[index]
        ]
    return page


def job_is_stalled(job: ImportJob, now: dt.datetime | None = None) -> bool:
    """A step that has shown no sign of life for STALLED_AFTER: its worker probably died."""
    if not job.is_running:
        return False
    now = now or timezone.now()
    started = job.commit_requested_at if job.status == ImportStatus.COMMITTING else None
    moments = [m for m in (started, job.created_at, progress.last_reported(job.pk)) if m]
    return now - max(moments) > STALLED_AFTER


def job_progress(job: ImportJob) -> dict[str, Any]:
    """What the progress bar shows: the step, its phase and how far it is."""
    state = progress.read(job.pk) or {}
    return {
        "running": job.is_running,
        "stalled": job_is_stalled(job),
        "phase": state.get("phase", ""),
        "done": state.get("done", 0),
        "total": state.get("total", 0),
        "percent": progress.percent(job.pk) if job.is_running else 100,
    }
