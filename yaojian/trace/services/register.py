"""The code register: product identifiers and code rules, sites and parties, batches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.registry.models import Product
from yaojian.trace import codes as code_parser
from yaojian.trace.choices import CodeScheme, PackageLevel, SiteKind
from yaojian.trace.models import Batch, CodeRule, Site
from yaojian.trace.services.capture import require_trace_right

SCHEME_OF_PREFIX = {
    "cn": CodeScheme.CN20,
    "gtin": CodeScheme.GTIN,
    "ma": CodeScheme.UDI_MA,
    "tcm": CodeScheme.TCM,
}


def product_key_from(example: str) -> str:
    """The class key of a code given as an example pack code, a GTIN, or a 7-digit identifier."""
    text = (example or "").strip()
    if text.isdigit() and len(text) == 7:
        return f"cn:{text}"
    if text.isdigit() and len(text) in (8, 12, 13, 14):
        text = f"(01){text.zfill(14)}"
    try:
        parsed = code_parser.parse_code(text)
    except code_parser.CodeError as error:
        raise ValidationFailed.field("code", str(error.message), code=error.code) from None
    if not parsed.product_key:
        raise ValidationFailed.field(
            "code", _("This code names no product (it is a case, pallet or location).")
        )
    return parsed.product_key


def code_rule_file(
    *,
    actor: Any,
    product_id: int,
    code: str,
    package_level: int = PackageLevel.UNIT,
    units_per_package: int | None = None,
    package_spec: str = "",
) -> CodeRule:
    """File a product identifier: codes that start with it resolve to this product."""
    enterprise = require_trace_right(actor)
    product = Product.objects.filter(pk=product_id).first()
    if product is None or enterprise.pk not in (product.holder_id, product.manufacturer_id):
        raise ValidationFailed.field(
            "product", _("Choose a product that your enterprise holds or manufactures.")
        )
    key = product_key_from(code)
    existing = CodeRule.objects.filter(product_key=key).first()
    if existing and existing.enterprise_id != enterprise.pk:
        raise ValidationFailed.field(
            "code",
            _("This product identifier is already filed by another enterprise."),
            code="taken",
        )
    if package_level not in PackageLevel.values:
        raise ValidationFailed.field("package_level", _("Choose pack, case or pallet."))
    with transaction.atomic():
        rule, _created = CodeRule.objects.update_or_create(
            product_key=key,
            defaults={
                "enterprise": enterprise,
                "product": product,
                "scheme": SCHEME_OF_PREFIX.get(key.split(":", 1)[0], CodeScheme.GTIN),
                "package_level": package_level,
                "units_per_package": units_per_package,
                "package_spec": package_spec[:200],
                "region_code": enterprise.region_code,
                "active": True,
            },
        )
        audit.record(
            actor=actor, action="trace.code_rule.file", obj=rule, changes={"product_key": key}
        )
    return rule


def site_register(
    *,
    actor: Any,
    identifier: str,
    kind: str = SiteKind.SITE,
    name: str = "",
    address: str = "",
    region_code: str = "",
) -> Site:
    enterprise = require_trace_right(actor)
    identifier = (identifier or "").strip()
    if not identifier or len(identifier) > 200:
        raise ValidationFailed.field(
            "identifier", _("Give the site's GLN, SGLN URN or Digital Link.")
        )
    parsed = code_parser.try_parse(identifier)
    canonical = parsed.canonical if parsed else identifier
    existing = Site.objects.filter(identifier=canonical).first()
    if existing and existing.enterprise_id != enterprise.pk:
        raise ValidationFailed.field(
            "identifier", _("This identifier is registered to another enterprise."), code="taken"
        )
    with transaction.atomic():
        site, _created = Site.objects.update_or_create(
            identifier=canonical,
            defaults={
                "kind": kind,
                "enterprise": enterprise,
                "name": name[:200],
                "address": address[:300],
                "region_code": region_code or enterprise.region_code,
            },
        )
        if identifier != canonical and not Site.objects.filter(identifier=identifier).exists():
            # events name sites as they were written; keep the written form as an alias too
            Site.objects.create(
                identifier=identifier,
                kind=kind,
                enterprise=enterprise,
                name=name[:200],
                address=address[:300],
                region_code=site.region_code,
            )
        audit.record(actor=actor, action="trace.site.register", obj=site)
    return site


def batch_register(
    *,
    actor: Any,
    product_key: str,
    batch_no: str,
    production_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    herb_origin: str = "",
    harvest_date: dt.date | None = None,
    processing: str = "",
    inspection_report: str = "",
) -> Batch:
    """Register a batch (for decoction pieces with its herb source, processing and report)."""
    enterprise = require_trace_right(actor)
    rule = CodeRule.objects.filter(product_key=product_key).select_related("product").first()
    if rule is None or rule.enterprise_id != enterprise.pk:
        raise ValidationFailed.field("product_key", _("File this product identifier first."))
    if not (batch_no or "").strip():
        raise ValidationFailed.field("batch_no", _("Give the batch number."))
    if production_date and expiry_date and expiry_date <= production_date:
        raise ValidationFailed.field(
            "expiry_date", _("The expiry date must come after the production date.")
        )
    with transaction.atomic():
        batch, _created = Batch.objects.update_or_create(
            product_key=product_key,
            batch_no=batch_no.strip()[:40],
            defaults={
                "product": rule.product,
                "holder": enterprise,
                "production_date": production_date,
                "expiry_date": expiry_date,
                "herb_origin": herb_origin[:200],
                "harvest_date": harvest_date,
                "processing": processing[:200],
                "inspection_report": inspection_report[:200],
                "region_code": enterprise.region_code,
            },
        )
        audit.record(actor=actor, action="trace.batch.register", obj=batch)
    return batch
