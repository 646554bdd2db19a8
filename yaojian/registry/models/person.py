"""People the law requires: licensed pharmacists and quality managers, attached to enterprises."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import crypto, masking, scoping
from yaojian.registry.choices import PersonRole, PersonStatus, PharmacistCategory


class Person(models.Model):
    role = models.CharField(_("role"), max_length=24, choices=PersonRole.choices, db_index=True)
    name = models.CharField(_("full name"), max_length=100)
    # Sensitive: kept SM4-encrypted, shown masked; the hash finds the same person again.
    id_number_enc = models.CharField(_("ID number (encrypted)"), max_length=200, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    certificate_number = models.CharField(
        _("registration certificate number"), max_length=40, blank=True, db_index=True
    )
    category = models.CharField(
        _("category"), max_length=14, choices=PharmacistCategory.choices, blank=True
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    registered_until = models.DateField(_("registration valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=PersonStatus.choices,
        default=PersonStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="enterprise__region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="unique_pharmacist_certificate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:person_detail", args=[self.pk])

    def id_number(self) -> str:
        if not self.id_number_enc:
            return ""
        return crypto.sm4_decrypt(
            self.id_number_enc, context=f"person:{self.id_number_hash}".encode()
        )

    @property
    def id_number_masked(self) -> str:
        return masking.mask_id_number(self.id_number())

    @property
    def is_registration_current(self) -> bool:
        return self.registered_until is None or self.registered_until >= timezone.localdate()
