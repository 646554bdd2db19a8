"""The data centre's own records: bulk imports of the registers (jobs and their checked rows)."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping


class ImportRegister(models.TextChoices):
    ENTERPRISES = "enterprises", _("Enterprises")
    LICENCES = "licences", _("Licences and filings")
    PRODUCTS = "products", _("Products")
    PEOPLE = "people", _("Licensed pharmacists and quality managers")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    COMMITTING = "committing", _("Writing to the register")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING = frozenset({ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.COMMITTING})


class CommitMode(models.TextChoices):
    VALID_ROWS = "valid", _("All valid rows (rows with errors are skipped)")
    ALL_OR_NOTHING = "all", _("All or nothing (refused if any row has an error)")


class RowOutcome(models.TextChoices):
    CREATE = "create", _("New")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("No change")
    ERROR = "error", _("Error")


def _upload_to(job: ImportJob, filename: str) -> str:
    """Stored under a random name: the user's file name is kept in the job, never in a path."""
    suffix = PurePath(filename).suffix.lower()
    suffix = suffix if suffix in (".xlsx", ".csv") else ""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One uploaded file: checked in the background, previewed, then committed once.

    The file is kept under MEDIA_ROOT and the job in the database from the moment the upload
    is acknowledged, so that a crash of the worker loses nothing: the job can be run again.
    """

    register = models.CharField(_("register"), max_length=12, choices=ImportRegister.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
        db_index=True,
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file_format = models.CharField(_("format"), max_length=4)  # xlsx or csv
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    # [[header as in the file, column key or ""], …] in the file's order
    columns = models.JSONField(_("columns"), default=list, blank=True)
    language = models.CharField(_("language of the messages"), max_length=10, default="zh-hans")
    # the uploader's bureau: who may see the job
    region_code = models.CharField(_("bureau (division code)"), max_length=6, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    create_rows = models.PositiveIntegerField(_("new records"), default=0)
    update_rows = models.PositiveIntegerField(_("updated records"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("unchanged records"), default=0)
    commit_mode = models.CharField(
        _("commit"), max_length=5, choices=CommitMode.choices, blank=True
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commit_requested_at = models.DateTimeField(_("commit requested at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error = models.TextField(_("reason"), blank=True)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region_code", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_register_display()} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows

    @property
    def can_commit(self) -> bool:
        return self.status == ImportStatus.VALIDATED and self.valid_rows > 0


class ImportRow(models.Model):
    """One row of the file as it was read, with what the check found."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))  # the row's number in the spreadsheet
    cells = models.JSONField(_("cells"), default=list)  # text of every cell, in the file's order
    outcome = models.CharField(_("result"), max_length=10, choices=RowOutcome.choices)
    # [{"column": header, "field": key, "message": text}, …]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # {header: [before, after]} for updates
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="import_row_once_per_job")
        ]
        indexes = [models.Index(fields=["job", "outcome", "number"])]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.number}"
