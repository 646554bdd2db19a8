"""Licences and filings: each with its number in the official format and its full history."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.registry.choices import FILING_KINDS, LicenceKind, LicenceStatus
from yaojian.registry.scopes import display_scope


class Licence(models.Model):
    kind = models.CharField(_("type"), max_length=30, choices=LicenceKind.choices, db_index=True)
    number = models.CharField(_("number"), max_length=60, unique=True)
    holder = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    scope = models.TextField(_("scope (经营范围 / 生产范围)"), blank=True)
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    warehouse_address = models.CharField(_("warehouse address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    principal = models.CharField(_("person in charge (企业负责人)"), max_length=100, blank=True)
    quality_manager = models.CharField(
        _("quality manager (质量负责人)"), max_length=100, blank=True
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=LicenceStatus.choices,
        default=LicenceStatus.VALID,
        db_index=True,
    )
    issuing_bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences_issued",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="holder__region_code", enterprise="holder_id")

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["kind", "number"]
        indexes = [
            models.Index(fields=["holder", "kind"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="licence_valid_period_in_order",
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:licence_detail", args=[self.pk])

    @property
    def display_scope(self) -> str:
        """The scope in the reader's language (it is stored, and printed, in Chinese)."""
        return display_scope(self.scope)

    @property
    def is_filing(self) -> bool:
        return self.kind in FILING_KINDS

    @property
    def is_stale(self) -> bool:
        """Past its validity but still marked valid: a data-quality finding."""
        return bool(
            self.status == LicenceStatus.VALID
            and self.valid_until
            and self.valid_until < timezone.localdate()
        )

    @property
    def effective_status(self) -> str:
        return LicenceStatus.EXPIRED if self.is_stale else self.status

    def days_left(self, today: dt.date | None = None) -> int | None:
        if not self.valid_until:
            return None
        return (self.valid_until - (today or timezone.localdate())).days
