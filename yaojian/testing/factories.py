"""Factories for tests: real models, valid codes, the real bureau tree."""

from __future__ import annotations

import itertools

import factory
import pyotp
from django.utils import timezone

from yaojian.accounts.choices import UserKind
from yaojian.accounts.models import ALL_ENTERPRISE_RIGHTS, Bureau, RoleAssignment, User
from yaojian.core import crypto, regions
from yaojian.core.text import pinyin_initials
from yaojian.demo.generator import ProvinceGenerator
from yaojian.demo.loader import bureau_names
from yaojian.registry.choices import EnterpriseKind
from yaojian.registry.models import Enterprise

PASSWORD = "Test-Password-2026"
_generator = ProvinceGenerator(seed=7)
_serial = itertools.count(1)


def create_bureau_tree() -> dict[str, Bureau]:
    """The province's 112 bureaus with their real division codes."""
    bureaus: dict[str, Bureau] = {}
    for region in regions.divisions().values():
        name, name_en = bureau_names(region)
        bureaus[region.code] = Bureau.objects.create(
            region_code=region.code,
            name=name,
            name_en=name_en,
            level=region.level,
            parent=bureaus.get(region.parent_code) if region.parent_code else None,
        )
    return bureaus


def bureau(code: str) -> Bureau:
    return Bureau.objects.get(region_code=code)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    kind = EnterpriseKind.RETAIL_PHARMACY
    region_code = "360102"
    name = factory.LazyAttribute(
        lambda o: f"测试{next(_serial)}号{regions.get(o.region_code).name}大药房"
    )
    uscc = factory.LazyAttribute(lambda o: _generator.uscc(o.region_code))
    legal_representative = factory.LazyFunction(_generator.person_name)
    address = factory.LazyAttribute(
        lambda o: f"{regions.full_name(o.region_code)}人民路{next(_serial)}号"
    )
    phone = "0791-86001234"
    verified_at = factory.LazyFunction(timezone.now)
    name_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))

    @factory.post_generation
    def legal_id(obj, create, extracted, **kwargs):
        number = extracted or _generator.resident_id()
        obj.legal_representative_id_enc = crypto.sm4_encrypt(number, context=obj.uscc.encode())
        if create:
            obj.save(update_fields=["legal_representative_id_enc"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyFunction(_generator.person_name)
    kind = UserKind.PUBLIC
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


def regulator(code: str = "360102", roles=(), *, mfa: bool = True, **fields) -> User:
    """A regulator of the bureau `code`; enrolled in TOTP unless mfa=False (see `totp_for`)."""
    user = UserFactory(kind=UserKind.REGULATOR, bureau=bureau(code), **fields)
    if mfa:
        enrol_totp(user)
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in roles)
    return user


def enrol_totp(user: User) -> str:
    secret = pyotp.random_base32()
    user.mfa_secret = crypto.sm4_encrypt(secret, context=f"mfa:{user.pk}".encode())
    user.mfa_enabled_at = timezone.now()
    user.save(update_fields=["mfa_secret", "mfa_enabled_at"])
    return secret


def totp_for(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(crypto.sm4_decrypt(user.mfa_secret, context=f"mfa:{user.pk}".encode()))


def enterprise_user(
    enterprise: Enterprise | None = None, *, master: bool = True, rights=None, **fields
) -> User:
    enterprise = enterprise or EnterpriseFactory()
    return UserFactory(
        kind=UserKind.ENTERPRISE,
        enterprise=enterprise,
        is_enterprise_master=master,
        enterprise_rights=list(rights if rights is not None else ALL_ENTERPRISE_RIGHTS),
        **fields,
    )


# --- licences, products, people ---------------------------------------------------------------

_licence_serial = itertools.count(1)


def licence_number(kind: str, region_code: str = "360102", year: int = 2023) -> str:
    """A valid number in the official format of each kind (unique within a test run)."""
    from yaojian.registry.formats import CITY_ABBREVIATIONS

    serial = next(_licence_serial)
    city = CITY_ABBREVIATIONS.get(region_code[:4], "洪")
    return {
        "drug_manufacturing": f"赣{year}{serial:04d}",
        "drug_wholesale": f"赣AA{region_code[:4]}{serial:05d}",
        "drug_retail_chain_hq": f"赣BA{region_code[:4]}{serial:05d}",
        "drug_retail_chain_store": f"赣CB{region_code[:4]}{serial:05d}",
        "drug_retail": f"赣DA{region_code[:4]}{serial:05d}",
        "device_trading_iii": f"赣{city}药监械经营许{year}{serial:04d}号",
        "device_trading_ii": f"赣{city}药监械经营备{year}{serial:04d}号",
        "device_manufacturing": f"赣药监械生产许{year}{serial:04d}号",
        "cosmetics_manufacturing": f"赣妆{year}{serial:04d}",
        "online_drug_sales": f"(赣)网药销备字[{year}]第{serial:06d}号",
    }[kind]


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Licence"

    holder = factory.SubFactory(EnterpriseFactory)
    kind = "drug_retail"
    number = factory.LazyAttribute(lambda o: licence_number(o.kind, o.holder.region_code))
    scope = "处方药、甲类非处方药、乙类非处方药：中成药、化学药制剂、抗生素制剂"
    registered_address = factory.LazyAttribute(lambda o: o.holder.address)
    legal_representative = factory.LazyAttribute(lambda o: o.holder.legal_representative)
    principal = factory.LazyFunction(_generator.person_name)
    quality_manager = factory.LazyFunction(_generator.person_name)
    issued_on = factory.LazyFunction(
        lambda: timezone.localdate().replace(year=timezone.localdate().year - 1)
    )
    valid_from = factory.LazyAttribute(lambda o: o.issued_on)
    valid_until = factory.LazyAttribute(lambda o: o.issued_on.replace(year=o.issued_on.year + 5))
    status = "valid"


_product_serial = itertools.count(1000)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Product"

    kind = "drug"
    name = factory.Sequence(lambda n: f"阿莫西林胶囊{n}")
    name_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))
    approval_number = factory.LazyFunction(lambda: f"国药准字H2020{next(_product_serial):04d}")
    dosage_form = "胶囊剂"
    strength = "0.25g"
    package_spec = "0.25g×24粒/盒"
    rx_class = "rx"
    holder = factory.SubFactory(EnterpriseFactory, kind="mah")
    manufacturer = factory.SelfAttribute("holder")
    trace_product_code = factory.LazyFunction(lambda: f"81{next(_product_serial):05d}")
    status = "valid"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Person"
        skip_postgeneration_save = True

    role = "licensed_pharmacist"
    name = factory.LazyFunction(_generator.person_name)
    certificate_number = factory.Sequence(lambda n: f"ZY0036{n:08d}")
    category = "pharmacy"
    enterprise = factory.SubFactory(EnterpriseFactory)
    registered_until = factory.LazyFunction(
        lambda: timezone.localdate().replace(year=timezone.localdate().year + 3)
    )
    status = "active"

    @factory.post_generation
    def id_number(obj, create, extracted, **kwargs):
        from yaojian.registry.services.people import store_id_number

        store_id_number(obj, extracted or _generator.resident_id())
        if create:
            obj.save(update_fields=["id_number_enc", "id_number_hash"])
