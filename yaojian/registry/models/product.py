"""Products: drugs, TCM decoction pieces, medical devices and cosmetics in one register."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.registry.choices import (
    CosmeticCategory,
    DeviceClass,
    ProductKind,
    ProductStatus,
    RxClass,
)


class Product(models.Model):
    kind = models.CharField(_("type"), max_length=12, choices=ProductKind.choices, db_index=True)
    name = models.CharField(_("name (generic name)"), max_length=200, db_index=True)
    brand_name = models.CharField(_("brand name"), max_length=200, blank=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, blank=True, db_index=True
    )
    # 国药准字…, 国械注准… / 赣械注准… / 械备…, 国妆特字… / 妆网备字…; empty for decoction pieces
    approval_number = models.CharField(
        _("approval, registration or filing number"),
        max_length=60,
        null=True,
        blank=True,
        unique=True,
    )
    approval_valid_until = models.DateField(_("approval valid until"), null=True, blank=True)
    dosage_form = models.CharField(_("dosage form"), max_length=60, blank=True)
    strength = models.CharField(_("strength (规格)"), max_length=120, blank=True)
    package_spec = models.CharField(_("package specification"), max_length=200, blank=True)
    holder = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("marketing-authorisation holder / registrant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products_held",
    )
    holder_name = models.CharField(_("holder's name"), max_length=200, blank=True)
    manufacturer = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("manufacturer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products_made",
    )
    manufacturer_name = models.CharField(_("manufacturer's name"), max_length=200, blank=True)
    rx_class = models.CharField(
        _("prescription class"), max_length=6, choices=RxClass.choices, blank=True
    )
    trace_product_code = models.CharField(
        _("traceability product identifier"), max_length=7, null=True, blank=True, unique=True
    )
    national_drug_code = models.CharField(
        _("national drug code (本位码)"), max_length=14, null=True, blank=True, unique=True
    )
    # decoction pieces (中药饮片)
    botanical_source = models.CharField(_("botanical source"), max_length=200, blank=True)
    origin = models.CharField(_("place of origin"), max_length=100, blank=True)
    processing_method = models.CharField(_("processing method (炮制)"), max_length=100, blank=True)
    standard = models.CharField(_("quality standard"), max_length=200, blank=True)
    # devices
    device_class = models.CharField(
        _("device class"), max_length=3, choices=DeviceClass.choices, blank=True
    )
    udi_di = models.CharField(_("UDI-DI"), max_length=14, null=True, blank=True, unique=True)
    # cosmetics
    cosmetic_category = models.CharField(
        _("cosmetic category"), max_length=10, choices=CosmeticCategory.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProductStatus.choices,
        default=ProductStatus.VALID,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    # The catalogue is read by every regulator of the province; an enterprise sees what it
    # holds or makes.
    scope_paths = scoping.ScopePaths(
        enterprise=("holder_id", "manufacturer_id"), province_wide=True
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.name} {self.strength}".strip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:product_detail", args=[self.pk])

    @property
    def holder_display(self) -> str:
        return self.holder.name if self.holder_id else self.holder_name

    @property
    def manufacturer_display(self) -> str:
        return self.manufacturer.name if self.manufacturer_id else self.manufacturer_name
