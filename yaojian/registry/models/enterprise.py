"""Master data: the enterprises every module links to (products, licences come with #3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import crypto, masking, regions, scoping
from yaojian.core.validators import validate_region_code, validate_uscc
from yaojian.registry.choices import EnterpriseKind, EnterpriseStatus, RiskGrade


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("type"), max_length=30, choices=EnterpriseKind.choices, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    # Sensitive: kept SM4-encrypted; reading it in clear is an audited action.
    legal_representative_id_enc = models.CharField(
        _("legal representative's ID number (encrypted)"), max_length=200, blank=True
    )
    address = models.CharField(_("registered address"), max_length=300)
    region_code = models.CharField(
        _("jurisdiction (division code)"),
        max_length=6,
        db_index=True,
        validators=[validate_region_code],
    )
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.ACTIVE,
        db_index=True,
    )
    risk_grade = models.CharField(
        _("supervision grade"), max_length=1, choices=RiskGrade.choices, default=RiskGrade.B
    )
    headquarters = models.ForeignKey(
        "self",
        verbose_name=_("headquarters"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, blank=True, db_index=True
    )
    # WGS-84 position of the business premises, for "nearest first" in the pharmacy finder
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    verified_at = models.DateTimeField(
        _("verified by the bureau at"),
        null=True,
        blank=True,
        help_text=_("Empty while a self-registered enterprise awaits the bureau's check."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="id")

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["region_code", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:enterprise_detail", args=[self.pk])

    @property
    def region_name(self) -> str:
        """City and county, e.g. 南昌市东湖区 (Donghu District, Nanchang City in English)."""
        return regions.display_path(self.region_code)

    @property
    def legal_representative_masked(self) -> str:
        return masking.mask_name(self.legal_representative)

    def legal_representative_id_number(self) -> str:
        """Decrypt the ID number; callers go through the audited selector, never here."""
        if not self.legal_representative_id_enc:
            return ""
        return crypto.sm4_decrypt(self.legal_representative_id_enc, context=self.uscc.encode())

    @property
    def legal_representative_id_masked(self) -> str:
        return masking.mask_id_number(self.legal_representative_id_number())
