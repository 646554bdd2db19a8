"""Writes on the product register: drugs, decoction pieces, devices, cosmetics."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.core.scoping import get_visible
from yaojian.core.text import pinyin_initials
from yaojian.registry import formats
from yaojian.registry.choices import CosmeticCategory, ProductKind, TimelineKind
from yaojian.registry.models import Enterprise, Product
from yaojian.registry.services.common import require_registry_role, save_changes, save_new
from yaojian.registry.services.timeline import timeline_post

EDITABLE_FIELDS = [
    "name",
    "brand_name",
    "approval_number",
    "approval_valid_until",
    "dosage_form",
    "strength",
    "package_spec",
    "holder",
    "holder_name",
    "manufacturer",
    "manufacturer_name",
    "rx_class",
    "trace_product_code",
    "national_drug_code",
    "botanical_source",
    "origin",
    "processing_method",
    "standard",
    "device_class",
    "udi_di",
    "cosmetic_category",
    "status",
]
# fields every product of a kind must have (beyond the name)
REQUIRED = {
    ProductKind.DRUG: ["approval_number", "dosage_form", "strength", "rx_class"],
    ProductKind.TCM_PIECE: ["botanical_source", "processing_method", "standard"],
    ProductKind.DEVICE: ["approval_number", "device_class"],
    ProductKind.COSMETIC: ["approval_number", "cosmetic_category"],
}


def product_errors(product: Product) -> dict[str, list[str]]:
    """Kind-specific rules; normalises the codes it checks."""
    errors: dict[str, list[str]] = {}

    def check(field: str, validate) -> None:
        value = getattr(product, field)
        if value:
            try:
                setattr(product, field, validate(value))
            except ValidationError as error:
                errors[field] = error.messages

    for field in REQUIRED.get(product.kind, []):
        if not getattr(product, field):
            errors[field] = [_("This field is required for this type of product.")]
    if product.kind == ProductKind.DRUG:
        check("approval_number", formats.validate_drug_approval_number)
    elif product.kind == ProductKind.DEVICE:
        check(
            "approval_number",
            lambda v: formats.validate_device_registration_number(
                v, device_class=product.device_class or None
            ),
        )
    elif product.kind == ProductKind.COSMETIC:
        special = (
            None
            if not product.cosmetic_category
            else product.cosmetic_category == CosmeticCategory.SPECIAL
        )
        check("approval_number", lambda v: formats.validate_cosmetic_number(v, special=special))
    check("trace_product_code", formats.validate_trace_product_code)
    check("national_drug_code", formats.validate_national_drug_code)
    check("udi_di", formats.validate_udi_di)
    if not (product.holder_id or product.holder_name) and product.kind != ProductKind.TCM_PIECE:
        errors["holder"] = [_("Give the holder (an enterprise of the register, or its name).")]
    for field in ("approval_number", "trace_product_code", "national_drug_code", "udi_di"):
        if getattr(product, field) == "":
            setattr(product, field, None)  # unique but optional: empty is "none"
    return errors


def _prepare(product: Product) -> None:
    product.name = product.name.strip()
    product.name_initials = pinyin_initials(product.name)


@audit.audited("registry.product.create")
def product_create(
    *, actor: Any, holder_id: int | None = None, manufacturer_id: int | None = None, **fields: Any
) -> Product:
    require_registry_role(actor, "registry.product.create")
    product = Product(**fields)
    for field, enterprise_id in (("holder", holder_id), ("manufacturer", manufacturer_id)):
        if enterprise_id:
            enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
            if enterprise is None:
                raise ValidationFailed.field(
                    field, _("No enterprise with this id is in the register.")
                )
            setattr(product, field, enterprise)
    _prepare(product)
    save_new(
        product,
        actor=actor,
        action="registry.product.create",
        fields=["kind", *EDITABLE_FIELDS],
        extra_errors=product_errors(product),
    )
    for enterprise, role in (
        (product.holder, gettext_lazy("holder")),
        (product.manufacturer, gettext_lazy("manufacturer")),
    ):
        if enterprise:
            timeline_post(
                source="registry",
                kind=TimelineKind.PRODUCT,
                enterprise=enterprise,
                product=product,
                obj=product,
                title=lambda role=role: (
                    _("%(product)s (%(number)s) registered, as %(role)s")
                    % {"product": product, "number": product.approval_number or "—", "role": role}
                ),
            )
    return product


@audit.audited("registry.product.update")
def product_update(*, actor: Any, product_id: int, note: str = "", **changes: Any) -> Product:
    require_registry_role(actor, "registry.product.update")
    product = get_visible(Product.objects.all(), actor, pk=product_id)
    save_changes(
        product,
        actor=actor,
        action="registry.product.update",
        changes=changes,
        editable=EDITABLE_FIELDS,
        note=note,
        prepare=_prepare_and_check,
    )
    return product


def _prepare_and_check(product: Product) -> dict[str, list[str]]:
    _prepare(product)
    return product_errors(product)
