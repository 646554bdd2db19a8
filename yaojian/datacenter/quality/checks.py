"""The data-quality checks, as data: one list that the overview, the drill-down, the export and
the API all read.

A check names a register, a dimension (completeness, validity, duplicates, staleness, a
statutory rule), a severity, and how to find its offending records among a *population* (the
records the check applies to, a Q, which is also the denominator of its share):

* a database check gives a `condition` (a Q): the overview counts its population and
  offenders per division as two conditional counts in its register's one aggregate query,
  the drill-down filters by population and condition;
* a Python check, for what SQL cannot say (a format validator, a normalised name), gives the
  `columns` it reads and a `scan` that receives `(pk, division, *columns)` rows streamed with
  `.iterator()` and yields the `(pk, division)` of the offenders.

Codes are stable: they appear in URLs, exports and the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, Replace, Upper
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yaojian.core import regions
from yaojian.core.validators import validate_uscc
from yaojian.datacenter.quality import normalise
from yaojian.datacenter.quality.registers import ENTERPRISES, LICENCES, PEOPLE, PRODUCTS
from yaojian.registry import formats
from yaojian.registry.choices import (
    FILING_KINDS,
    RETAIL_KINDS,
    CosmeticCategory,
    EnterpriseStatus,
    LicenceKind,
    LicenceStatus,
    PersonRole,
    PersonStatus,
    ProductKind,
    ProductStatus,
)

Row = tuple[Any, ...]
Finding = tuple[int, str | None]


class Dimension:
    COMPLETENESS = "completeness"
    VALIDITY = "validity"
    DUPLICATES = "duplicates"
    STALENESS = "staleness"
    RULE = "rule"

    LABELS = {
        COMPLETENESS: _("Completeness"),
        VALIDITY: _("Validity"),
        DUPLICATES: _("Duplicates"),
        STALENESS: _("Staleness"),
        RULE: _("Statutory rule"),
    }


class Severity:
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    LABELS = {
        HIGH: pgettext_lazy("severity", "High"),
        MEDIUM: pgettext_lazy("severity", "Medium"),
        LOW: pgettext_lazy("severity", "Low"),
    }


@dataclass(frozen=True)
class Check:
    code: str
    register: str
    dimension: str
    severity: str
    label: Promise | str
    description: Promise | str
    # the records the check applies to (a Q on the register), and what it annotates first
    population: Callable[[], Q] = Q
    condition: Callable[[], Q] | None = None
    annotations: Callable[[], dict[str, Any]] = dict
    columns: tuple[str, ...] = ()
    scan: Callable[[Iterable[Row]], Iterable[Finding]] | None = None
    # why one record is a finding (a validator's message, a date); the label when None
    explain: Callable[[Any], str] | None = field(default=None, compare=False)

    @property
    def in_python(self) -> bool:
        return self.condition is None

    @property
    def dimension_label(self) -> Promise:
        return Dimension.LABELS[self.dimension]

    @property
    def severity_label(self) -> Promise:
        return Severity.LABELS[self.severity]

    def detail(self, obj: Any) -> str:
        return str(self.explain(obj) if self.explain else self.label)


def model(name: str):
    """A register model for a subquery that looks beyond the user's scope (a pharmacist in
    post at an enterprise of another county, a product registered twice): it only answers
    whether such a record exists, never lists it."""
    return apps.get_model("registry", name)


def blank(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{name: ""})


def today():
    return timezone.localdate()


def rowwise(test: Callable[..., bool]) -> Callable[[Iterable[Row]], Iterator[Finding]]:
    """A scan that judges each row alone: `test(*columns)` is true for an offender."""

    def scan(rows: Iterable[Row]) -> Iterator[Finding]:
        for pk, division, *values in rows:
            if test(*values):
                yield pk, division

    return scan


def ran_out(date) -> str:
    """ "Ran out 11 days ago" for a date in the past."""
    if not date:
        return ""
    days = (today() - date).days
    return ngettext("Ran out %(days)d day ago", "Ran out %(days)d days ago", days) % {"days": days}


def fails(validate: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The validator's message for a value it refuses, or "" for one it accepts."""
    try:
        validate(*args, **kwargs)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


# --- enterprises -------------------------------------------------------------------------------

# a rough box around each province (latitude, longitude), for coordinates typed wrongly
PROVINCE_BOUNDS = {"36": ((24.4, 30.1), (113.5, 118.5))}
CHINA_BOUNDS = ((18.0, 53.6), (73.5, 135.1))


def _bounds():
    from django.conf import settings

    return PROVINCE_BOUNDS.get(settings.YAOJIAN_PROVINCE_CODE[:2], CHINA_BOUNDS)


# GB 32100-2015: the check character of a unified social credit code
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_CANONICAL = re.compile(r"[1-9ANY][1-9][0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{10}")


def uscc_error(code: str) -> str:
    """`validate_uscc`'s message for a code it refuses, "" for one it accepts.

    A code stored as it should be (18 canonical characters, right check character) is
    accepted without the validator, which normalises first and is slow at province scale;
    every other code gets the validator's verdict. The tests hold both to the same answers.
    """
    if _USCC_CANONICAL.fullmatch(code or ""):
        total = sum(
            _USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True)
        )
        if code[17] == _USCC_ALPHABET[(31 - total) % 31]:
            return ""
    return fails(validate_uscc, code)


def not_cancelled() -> Q:
    return ~Q(status=EnterpriseStatus.CANCELLED)


def pharmacies_in_business() -> Q:
    return Q(kind__in=RETAIL_KINDS, status=EnterpriseStatus.ACTIVE)


def scan_near_duplicates(rows: Iterable[Row]) -> Iterator[Finding]:
    """Enterprises whose name keys are equal at one address key, each group together.

    Addresses are keyed first and only the names that share an address are keyed as well;
    what is kept per enterprise is its pk, division and name, never a model instance.
    """
    at_address: dict[str, list[tuple[int, str | None, str]]] = {}
    for pk, division, name, address in rows:
        if key := normalise.address_key(address):
            at_address.setdefault(key, []).append((pk, division, name))
    for members in at_address.values():
        if len(members) < 2:
            continue
        by_name: dict[str, list[Finding]] = {}
        for pk, division, name in members:
            if key := normalise.name_key(name):
                by_name.setdefault(key, []).append((pk, division))
        for group in by_name.values():
            if len(group) > 1:
                yield from group


def _live_licences():
    return (
        model("Licence")
        .objects.filter(
            holder=OuterRef("pk"),
            status__in=[LicenceStatus.VALID, LicenceStatus.SUSPENDED],
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today()))
    )


def _no_current_pharmacist() -> Q:
    from yaojian.registry import rules

    return ~Q(Exists(rules.current_pharmacists().filter(enterprise=OuterRef("pk"))))


def _outside_bounds() -> Q:
    (south, north), (west, east) = _bounds()
    return Q(latitude__isnull=False, longitude__isnull=False) & (
        Q(latitude__lt=south)
        | Q(latitude__gt=north)
        | Q(longitude__lt=west)
        | Q(longitude__gt=east)
    )


ENTERPRISE_CHECKS = [
    Check(
        code="enterprise.phone_missing",
        register=ENTERPRISES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.LOW,
        label=_("No contact phone"),
        description=_("Enterprises not cancelled whose contact phone is empty."),
        population=not_cancelled,
        condition=lambda: blank("phone"),
    ),
    Check(
        code="enterprise.legal_id_missing",
        register=ENTERPRISES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.MEDIUM,
        label=_("No ID number of the legal representative"),
        description=_(
            "Enterprises not cancelled whose legal representative's ID number is not recorded."
        ),
        population=not_cancelled,
        condition=lambda: blank("legal_representative_id_enc"),
    ),
    Check(
        code="enterprise.coordinates_missing",
        register=ENTERPRISES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.LOW,
        label=_("Pharmacy without coordinates"),
        description=_(
            "Retail pharmacies in business without a position: the public pharmacy finder "
            "cannot list them nearest first."
        ),
        population=pharmacies_in_business,
        condition=lambda: Q(latitude__isnull=True) | Q(longitude__isnull=True),
    ),
    Check(
        code="enterprise.uscc_invalid",
        register=ENTERPRISES,
        dimension=Dimension.VALIDITY,
        severity=Severity.HIGH,
        label=_("Invalid unified social credit code"),
        description=_("The credit code fails today's check (structure or check character)."),
        columns=("uscc",),
        scan=rowwise(lambda uscc: bool(uscc_error(uscc))),
        explain=lambda e: uscc_error(e.uscc),
    ),
    Check(
        code="enterprise.region_not_current",
        register=ENTERPRISES,
        dimension=Dimension.VALIDITY,
        severity=Severity.HIGH,
        label=_("Division code no longer current"),
        description=_(
            "The enterprise's division code is not a current division of the province "
            "(abolished or merged since it was entered)."
        ),
        condition=lambda: ~Q(region_code__in=list(regions.divisions())),
        explain=lambda e: gettext("%(code)s is not a current division.") % {"code": e.region_code},
    ),
    Check(
        code="enterprise.coordinates_outside",
        register=ENTERPRISES,
        dimension=Dimension.VALIDITY,
        severity=Severity.MEDIUM,
        label=_("Coordinates outside the province"),
        description=_(
            "The recorded position lies outside the province (latitude and longitude swapped "
            "or mistyped)."
        ),
        condition=_outside_bounds,
        explain=lambda e: (
            gettext("latitude %(latitude)s, longitude %(longitude)s")
            % {"latitude": e.latitude, "longitude": e.longitude}
        ),
    ),
    Check(
        code="enterprise.near_duplicate",
        register=ENTERPRISES,
        dimension=Dimension.DUPLICATES,
        severity=Severity.MEDIUM,
        label=_("Probable duplicate (same name and address)"),
        description=_(
            "Enterprises not cancelled whose names are the same once spaces, punctuation, "
            "division names and suffixes such as 有限公司 or 大药房 are left out, at the same "
            "address. The credit code itself cannot repeat: the register refuses it."
        ),
        population=not_cancelled,
        columns=("name", "address"),
        scan=scan_near_duplicates,
        explain=lambda e: (
            gettext("Name “%(name)s” at address “%(address)s”, as another record")
            % {"name": normalise.name_key(e.name), "address": normalise.address_key(e.address)}
        ),
    ),
    Check(
        code="enterprise.active_without_licence",
        register=ENTERPRISES,
        dimension=Dimension.STALENESS,
        severity=Severity.HIGH,
        label=_("In business, but every licence ended"),
        description=_(
            "Enterprises marked in business whose every licence is cancelled, revoked or expired."
        ),
        population=lambda: Q(status=EnterpriseStatus.ACTIVE),
        condition=lambda: (
            Q(Exists(model("Licence").objects.filter(holder=OuterRef("pk"))))
            & ~Q(Exists(_live_licences()))
        ),
    ),
    Check(
        code="enterprise.pharmacy_without_pharmacist",
        register=ENTERPRISES,
        dimension=Dimension.RULE,
        severity=Severity.HIGH,
        label=_("Pharmacy without a licensed pharmacist"),
        description=_(
            "Retail pharmacies in business without a licensed pharmacist in post whose "
            "registration is current (药品经营和使用质量监督管理办法)."
        ),
        population=pharmacies_in_business,
        condition=_no_current_pharmacist,
    ),
]


# --- licences ----------------------------------------------------------------------------------


def valid_licences() -> Q:
    return Q(status=LicenceStatus.VALID)


def _number_error(kind: str, number: str) -> str:
    from yaojian.registry.services.licences import validate_number

    return fails(validate_number, kind, number)


def _holder_errors(kind: str, holder: Any) -> list[str]:
    from yaojian.registry.services.licences import holder_errors

    return holder_errors(kind, holder)


def _holder_kind_mismatch() -> Q:
    from yaojian.registry.services.licences import HOLDER_KINDS

    condition = Q()
    for kind, holder_kinds in HOLDER_KINDS.items():
        condition |= Q(kind=kind) & ~Q(holder__kind__in=sorted(holder_kinds))
    return condition


WAREHOUSE_KINDS = [LicenceKind.DRUG_WHOLESALE, LicenceKind.DRUG_RETAIL_CHAIN_HQ]

LICENCE_CHECKS = [
    Check(
        code="licence.validity_missing",
        register=LICENCES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.MEDIUM,
        label=_("No validity dates"),
        description=_("Valid licences (filings excepted) without a start or an end of validity."),
        population=lambda: valid_licences() & ~Q(kind__in=FILING_KINDS),
        condition=lambda: Q(valid_from__isnull=True) | Q(valid_until__isnull=True),
    ),
    Check(
        code="licence.scope_missing",
        register=LICENCES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.MEDIUM,
        label=_("No scope"),
        description=_("Valid licences without their scope (经营范围 / 生产范围)."),
        population=lambda: valid_licences() & ~Q(kind=LicenceKind.ONLINE_DRUG_SALES),
        condition=lambda: blank("scope"),
    ),
    Check(
        code="licence.quality_manager_missing",
        register=LICENCES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.MEDIUM,
        label=_("No quality manager"),
        description=_("Valid licences that do not name the quality manager (质量负责人)."),
        population=lambda: valid_licences() & ~Q(kind=LicenceKind.ONLINE_DRUG_SALES),
        condition=lambda: blank("quality_manager"),
    ),
    Check(
        code="licence.warehouse_missing",
        register=LICENCES,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.LOW,
        label=_("No warehouse address"),
        description=_(
            "Valid wholesale and retail-chain headquarters drug trading licences without a "
            "warehouse address."
        ),
        population=lambda: valid_licences() & Q(kind__in=WAREHOUSE_KINDS),
        condition=lambda: blank("warehouse_address"),
    ),
    Check(
        code="licence.number_invalid",
        register=LICENCES,
        dimension=Dimension.VALIDITY,
        severity=Severity.HIGH,
        label=_("Number not in the official format"),
        description=_("The licence number fails today's format rule for its type."),
        columns=("kind", "number"),
        scan=rowwise(lambda kind, number: bool(_number_error(kind, number))),
        explain=lambda lic: _number_error(lic.kind, lic.number),
    ),
    Check(
        code="licence.holder_kind_mismatch",
        register=LICENCES,
        dimension=Dimension.VALIDITY,
        severity=Severity.MEDIUM,
        label=_("Holder of the wrong type"),
        description=_("The holder's type of enterprise may not hold this type of licence."),
        condition=_holder_kind_mismatch,
        explain=lambda lic: " ".join(_holder_errors(lic.kind, lic.holder)),
    ),
    Check(
        code="licence.expired_still_valid",
        register=LICENCES,
        dimension=Dimension.STALENESS,
        severity=Severity.HIGH,
        label=_("Expired but marked valid"),
        description=_("Licences past their end of validity still marked valid."),
        population=valid_licences,
        condition=lambda: Q(valid_until__lt=today()),
        explain=lambda lic: ran_out(lic.valid_until),
    ),
    Check(
        code="licence.holder_cancelled",
        register=LICENCES,
        dimension=Dimension.STALENESS,
        severity=Severity.MEDIUM,
        label=_("Valid licence of a cancelled enterprise"),
        description=_("Licences marked valid whose holder is cancelled."),
        population=valid_licences,
        condition=lambda: Q(holder__status=EnterpriseStatus.CANCELLED),
    ),
]


# --- products ----------------------------------------------------------------------------------


def valid_products() -> Q:
    return Q(status=ProductStatus.VALID)


def _field_label(name: str) -> str:
    return str(model("Product")._meta.get_field(name).verbose_name)


def _missing_label(kind: str, name: str) -> str:
    return gettext("%(kind)s: no %(field)s") % {
        "kind": ProductKind(kind).label,
        "field": _field_label(name),
    }


def _missing_description(kind: str, name: str) -> str:
    return gettext("Valid products of this type whose %(field)s is empty.") % {
        "field": _field_label(name)
    }


_lazy_str = lazy(lambda function, *args: function(*args), str)


def _required() -> dict[str, list[str]]:
    from yaojian.registry.services.products import REQUIRED

    return REQUIRED


def _completeness_of_product(kind: str, name: str) -> Check:
    return Check(
        code=f"product.{kind}.{name}_missing",
        register=PRODUCTS,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.HIGH if name == "approval_number" else Severity.LOW,
        label=_lazy_str(_missing_label, kind, name),
        description=_lazy_str(_missing_description, kind, name),
        population=lambda kind=kind: valid_products() & Q(kind=kind),
        condition=lambda name=name: blank(name),
    )


def _approval_error(kind: str, number: str, device_class: str, cosmetic_category: str) -> str:
    """What today's rule for the product's type says about its number (as `product_errors`)."""
    if kind == ProductKind.DRUG:
        return fails(formats.validate_drug_approval_number, number)
    if kind == ProductKind.DEVICE:
        return fails(
            formats.validate_device_registration_number, number, device_class=device_class or None
        )
    if kind == ProductKind.COSMETIC:
        special = (cosmetic_category == CosmeticCategory.SPECIAL) if cosmetic_category else None
        return fails(formats.validate_cosmetic_number, number, special=special)
    return ""  # decoction pieces have no number to check


# field -> (the columns its rule reads, the rule)
CODE_RULES: dict[str, tuple[tuple[str, ...], Callable[..., str]]] = {
    "approval_number": (
        ("kind", "approval_number", "device_class", "cosmetic_category"),
        _approval_error,
    ),
    "national_drug_code": (
        ("national_drug_code",),
        lambda code: fails(formats.validate_national_drug_code, code),
    ),
    "udi_di": (("udi_di",), lambda code: fails(formats.validate_udi_di, code)),
    "trace_product_code": (
        ("trace_product_code",),
        lambda code: fails(formats.validate_trace_product_code, code),
    ),
}


def _code_check(name: str, code: str, label: Promise, description: Promise, severity: str):
    columns, rule = CODE_RULES[name]
    return Check(
        code=code,
        register=PRODUCTS,
        dimension=Dimension.VALIDITY,
        severity=severity,
        label=label,
        description=description,
        population=lambda: ~blank(name),
        columns=columns,
        scan=rowwise(lambda *values: bool(rule(*values))),
        explain=lambda p: rule(*(getattr(p, c) for c in columns)),
    )


def _product_key():
    """Type, name, strength, dosage form and holder (the enterprise of the register, or the
    holder's name when it is not one) as one value, to group products by."""
    separator = Value("\x1f")
    holder = Coalesce(Cast("holder_id", CharField()), Concat(Value("~"), "holder_name"))
    return Concat(
        "kind",
        separator,
        "name",
        separator,
        "strength",
        separator,
        "dosage_form",
        separator,
        holder,
        output_field=CharField(),
    )


def _same_product() -> Q:
    """Another product not cancelled has the same key: grouped once, then looked up per
    product (a correlated lookup per product was quadratic among products without a holder
    in the register)."""
    repeated = (
        model("Product")
        .objects.exclude(status=ProductStatus.CANCELLED)
        .annotate(key=_product_key())
        .order_by()
        .values("key")
        .annotate(products=Count("pk"))
        .filter(GreaterThan(F("products"), 1))
        .values("key")
    )
    return Q(product_key__in=repeated)


PRODUCT_CHECKS = [
    *[
        _completeness_of_product(kind, name)
        for kind in ProductKind.values
        for name in _required().get(kind, [])
    ],
    Check(
        code="product.holder_missing",
        register=PRODUCTS,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.MEDIUM,
        label=_("No holder"),
        description=_(
            "Valid products (decoction pieces excepted) that name no holder, neither an "
            "enterprise of the register nor a name."
        ),
        population=lambda: valid_products() & ~Q(kind=ProductKind.TCM_PIECE),
        condition=lambda: Q(holder__isnull=True) & blank("holder_name"),
    ),
    _code_check(
        "approval_number",
        "product.approval_number_invalid",
        _("Invalid approval, registration or filing number"),
        _(
            "The number fails today's format rule for the product's type (国药准字…, "
            "械注准/械备…, 国妆特字/妆网备字…)."
        ),
        Severity.HIGH,
    ),
    _code_check(
        "national_drug_code",
        "product.national_drug_code_invalid",
        _("Invalid national drug code"),
        _("The national drug code (本位码) has the wrong form or check digit."),
        Severity.MEDIUM,
    ),
    _code_check(
        "udi_di",
        "product.udi_di_invalid",
        _("Invalid UDI-DI"),
        _("The device identifier (UDI-DI) has the wrong length or check digit."),
        Severity.MEDIUM,
    ),
    _code_check(
        "trace_product_code",
        "product.trace_code_invalid",
        _("Invalid traceability product identifier"),
        _("The product identifier of the traceability code is not 7 digits."),
        Severity.MEDIUM,
    ),
    Check(
        code="product.duplicate",
        register=PRODUCTS,
        dimension=Dimension.DUPLICATES,
        severity=Severity.MEDIUM,
        label=_("Probable duplicate product"),
        description=_(
            "Products not cancelled with the same type, name, strength, dosage form and holder "
            "as another."
        ),
        population=lambda: ~Q(status=ProductStatus.CANCELLED),
        annotations=lambda: {"product_key": _product_key()},
        condition=_same_product,
    ),
    Check(
        code="product.approval_expired_still_valid",
        register=PRODUCTS,
        dimension=Dimension.STALENESS,
        severity=Severity.HIGH,
        label=_("Approval expired but marked valid"),
        description=_("Products whose approval ran out but that are still marked valid."),
        population=valid_products,
        condition=lambda: Q(approval_valid_until__lt=today()),
        explain=lambda p: ran_out(p.approval_valid_until),
    ),
]


# --- people ------------------------------------------------------------------------------------


def pharmacists_in_post() -> Q:
    return Q(role=PersonRole.LICENSED_PHARMACIST, status=PersonStatus.ACTIVE)


def _certificate_key():
    return Upper(Replace(F("certificate_number"), Value(" "), Value("")))


def _keys_at_several_enterprises(expression) -> QuerySet:
    """Keys (ID-number hash, certificate number) of pharmacists in post at more than one
    enterprise of the province."""
    return (
        model("Person")
        .objects.filter(pharmacists_in_post())
        .annotate(key=expression)
        .exclude(key="")
        .order_by()
        .values("key")
        .annotate(enterprises=Count("enterprise_id", distinct=True))
        .filter(GreaterThan(F("enterprises"), 1))
        .values("key")
    )


def _registered_elsewhere() -> Q:
    return Q(id_number_hash__in=_keys_at_several_enterprises(F("id_number_hash"))) | Q(
        certificate_key__in=_keys_at_several_enterprises(_certificate_key())
    )


PEOPLE_CHECKS = [
    Check(
        code="person.certificate_missing",
        register=PEOPLE,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.HIGH,
        label=_("No certificate number"),
        description=_("Licensed pharmacists in post without a registration certificate number."),
        population=pharmacists_in_post,
        condition=lambda: blank("certificate_number"),
    ),
    Check(
        code="person.registration_until_missing",
        register=PEOPLE,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.MEDIUM,
        label=_("No end of registration"),
        description=_("Licensed pharmacists in post whose registration has no end date."),
        population=pharmacists_in_post,
        condition=lambda: Q(registered_until__isnull=True),
    ),
    Check(
        code="person.category_missing",
        register=PEOPLE,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.LOW,
        label=_("No category"),
        description=_("Licensed pharmacists in post without their category (药学, 中药学)."),
        population=pharmacists_in_post,
        condition=lambda: blank("category"),
    ),
    Check(
        code="person.id_number_missing",
        register=PEOPLE,
        dimension=Dimension.COMPLETENESS,
        severity=Severity.LOW,
        label=_("No ID number"),
        description=_(
            "Licensed pharmacists in post without an ID number: a registration at a second "
            "enterprise cannot be recognised."
        ),
        population=pharmacists_in_post,
        condition=lambda: blank("id_number_hash"),
    ),
    Check(
        code="person.registered_elsewhere",
        register=PEOPLE,
        dimension=Dimension.DUPLICATES,
        severity=Severity.HIGH,
        label=_("Pharmacist in post at two enterprises"),
        description=_(
            "The same pharmacist (same ID number or certificate number) is in post at another "
            "enterprise of the province at the same time (挂证)."
        ),
        population=pharmacists_in_post,
        annotations=lambda: {"certificate_key": _certificate_key()},
        condition=_registered_elsewhere,
    ),
    Check(
        code="person.registration_expired",
        register=PEOPLE,
        dimension=Dimension.STALENESS,
        severity=Severity.HIGH,
        label=_("Registration expired, still in post"),
        description=_("Licensed pharmacists in post whose registration has run out."),
        population=pharmacists_in_post,
        condition=lambda: Q(registered_until__lt=today()),
        explain=lambda p: ran_out(p.registered_until),
    ),
    Check(
        code="person.enterprise_cancelled",
        register=PEOPLE,
        dimension=Dimension.STALENESS,
        severity=Severity.LOW,
        label=_("In post at a cancelled enterprise"),
        description=_("People marked in post whose enterprise is cancelled."),
        population=lambda: Q(status=PersonStatus.ACTIVE),
        condition=lambda: Q(enterprise__status=EnterpriseStatus.CANCELLED),
    ),
]

CHECKS: list[Check] = [*ENTERPRISE_CHECKS, *LICENCE_CHECKS, *PRODUCT_CHECKS, *PEOPLE_CHECKS]
BY_CODE: dict[str, Check] = {check.code: check for check in CHECKS}
assert len(BY_CODE) == len(CHECKS), "check codes must be unique"


def checks_of(register: str) -> list[Check]:
    return [check for check in CHECKS if check.register == register]
