"""The single timeline of an enterprise's and a product's file, into which every module posts."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.core.texts import in_reader_language
from yaojian.registry.choices import Severity, TimelineKind


class TimelineEvent(models.Model):
    """One fact in a file: what happened, when, which module says so, and where to read more.

    Modules post through `registry.services.timeline_post`; an event names the enterprise, the
    product, or both. Posting the same fact twice (same source object and kind) is a no-op.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="timeline",
    )
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="timeline",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices, db_index=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.INFO
    )
    # the default language's text; `*_i18n` keep the text in each language (see core/texts.py),
    # so that each reader of a file reads its facts in their own language, whoever posted them
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    title_i18n = models.JSONField(_("title in each language"), default=dict, blank=True)
    summary_i18n = models.JSONField(_("summary in each language"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    source = models.CharField(_("module"), max_length=40)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # the enterprise's division when there is one; product-only events are province-wide
    region_code = models.CharField(_("division code"), max_length=6, blank=True, db_index=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "-occurred_at"]),
            models.Index(fields=["product", "-occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="timeline_event_names_a_file",
                condition=models.Q(enterprise__isnull=False) | models.Q(product__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "enterprise", "product"],
                condition=~models.Q(object_id=""),
                name="timeline_event_once_per_object",
            ),
        ]

    def __str__(self) -> str:
        return self.title_text

    title_text = in_reader_language("title")

    summary_text = in_reader_language("summary")
