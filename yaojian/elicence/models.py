"""Electronic licences (电子证照): signing keys per bureau and the signed versions of a licence.

The registry's `Licence` stays the single source of truth. An `ElectronicLicence` is one
signed, immutable version of what the paper licence shows; a change or renewal issues the next
version and supersedes the earlier ones. Whether a licence is valid, suspended, revoked,
cancelled or expired is never stored here: verification reads it live from the registry, so
that the register and its electronic licence can never disagree.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.elicence.choices import KeyStatus

ALGORITHM = "SM2-with-SM3"


class SigningKey(models.Model):
    """A bureau's SM2 key pair. The public half is published; the private half is kept
    SM4-encrypted (bound to the key id) and only ever read to sign."""

    key_id = models.CharField(_("key id"), max_length=20, unique=True)
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="signing_keys",
    )
    algorithm = models.CharField(_("algorithm"), max_length=20, default=ALGORITHM)
    public_key = models.CharField(_("public key (hex x‖y)"), max_length=130)
    # empty when the private key lives in a hardware module
    private_key_enc = models.CharField(_("private key (SM4-encrypted)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=KeyStatus.choices, default=KeyStatus.ACTIVE
    )
    valid_from = models.DateTimeField(_("signs from"), default=timezone.now)
    valid_until = models.DateTimeField(
        _("signs until"),
        null=True,
        blank=True,
        help_text=_("Set when the key is retired; it still verifies what it signed before."),
    )
    compromised_at = models.DateTimeField(_("reported compromised at"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    # the key list is published: everyone may read the public halves
    scope_paths = scoping.ScopePaths(region="bureau__region_code", public=lambda: Q())

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["bureau__region_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau"],
                condition=Q(status="active"),
                name="elicence_one_active_key_per_bureau",
            ),
            models.CheckConstraint(
                name="elicence_key_compromise_dated",
                condition=~Q(status="compromised") | Q(compromised_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.get_status_display()})"

    def signed_within_validity(self, moment) -> bool:
        return self.valid_from <= moment and (
            self.valid_until is None or moment <= self.valid_until
        )


class ElectronicLicence(models.Model):
    """One signed version of a licence: exactly what the paper licence shows, nothing more."""

    licence = models.ForeignKey(
        "registry.Licence",
        verbose_name=_("licence"),
        on_delete=models.PROTECT,
        related_name="electronic_versions",
    )
    number = models.CharField(_("number"), max_length=60, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("signed data"))
    data_hash = models.CharField(_("SM3 hash of the canonical data"), max_length=64)
    signature = models.CharField(_("SM2 signature (r‖s)"), max_length=128)
    key = models.ForeignKey(
        SigningKey,
        verbose_name=_("signing key"),
        on_delete=models.PROTECT,
        to_field="key_id",
        db_column="key_id",
        related_name="signed",
    )
    payload = models.CharField(_("QR payload"), max_length=400)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    reason = models.CharField(_("reason for issue"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to="elicence/", max_length=200, blank=True)

    scope_paths = scoping.ScopePaths(
        region="licence__holder__region_code", enterprise="licence__holder_id"
    )

    class Meta:
        verbose_name = _("electronic licence")
        verbose_name_plural = _("electronic licences")
        ordering = ["number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"], name="elicence_unique_number_version"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(superseded_at__isnull=True),
                name="elicence_one_current_version_per_number",
            ),
        ]
        indexes = [models.Index(fields=["licence", "version"])]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
