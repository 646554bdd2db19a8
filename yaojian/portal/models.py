"""What the government-service portal publishes (信息公开).

Modules publish through `yaojian.portal.publications`; this table is the single public record
of what was published, when, whether it was on time, and when it stopped being shown.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DRAW_PLAN = "draw_plan", _("Random inspection plan")
    DRAW_RESULT = "draw_result", _("Random inspection draw and results")
    SAMPLING_RESULT = "sampling_result", _("Sampling result")
    PENALTY_DECISION = "penalty_decision", _("Administrative penalty decision")
    RECALL = "recall", _("Recall")


class Status(models.TextChoices):
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Display window ended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed early on application")


class Publication(models.Model):
    """One published item, in Chinese and in English, tied to the record it is about."""

    kind = models.CharField(max_length=24, choices=Kind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    # [[label, value], ...] per language code ("zh-hans", "en")
    fields = models.JSONField(default=dict, blank=True)
    division_code = models.CharField(max_length=12, db_index=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_by = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    display_until = models.DateField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-published_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("kind", "source_type", "source_id"), name="publication_once_per_source"
            )
        ]
        indexes = [models.Index(fields=("kind", "-published_at"), name="publication_kind_date")]

    def __str__(self) -> str:
        return self.title

    def status_on(self, today: dt.date) -> str:
        if self.withdrawn_at:
            return Status.WITHDRAWN
        if self.removed_at:
            return Status.REMOVED
        if self.display_until and self.display_until < today:
            return Status.EXPIRED
        return Status.PUBLISHED

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def text(self, language: str) -> tuple[str, str, list]:
        """Title, summary and fields in `language` (Chinese when English is missing)."""
        english = language.startswith("en")
        title = (self.title_en if english else "") or self.title
        summary = (self.summary_en if english else "") or self.summary
        rows = self.fields.get("en" if english else "zh-hans") or self.fields.get("zh-hans", [])
        return title, summary, rows
