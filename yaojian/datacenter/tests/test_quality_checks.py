"""Every data-quality check finds exactly the records planted for it, and none of a clean world.

The clean world is a register as it should be: a pharmacy with its phone, coordinates, licence
and current pharmacist, a wholesaler with its warehouse, a product of every type with valid
codes. For each check, a planter adds records that fail it (and look-alikes that must not);
the test compares the check's findings with the planted records, record by record.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from stdnum import ean

from yaojian.accounts.choices import Role
from yaojian.datacenter.quality import selectors
from yaojian.datacenter.quality.checks import BY_CODE, CHECKS
from yaojian.registry import formats
from yaojian.registry.models import Enterprise, Person
from yaojian.registry.services.people import id_number_hash
from yaojian.registry.services.products import REQUIRED
from yaojian.testing import factories

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
NEXT_YEAR = TODAY + dt.timedelta(days=365)
NANCHANG = {"latitude": 28.68, "longitude": 115.89}
_serial = itertools.count(1)


def _hash() -> str:
    return id_number_hash(f"quality-test-{next(_serial)}")


def pharmacy(region_code: str = "360102", **fields) -> Enterprise:
    """A pharmacy in business with everything the register wants, and a current pharmacist."""
    fields = {**NANCHANG, **fields}
    enterprise = factories.EnterpriseFactory(region_code=region_code, **fields)
    factories.LicenceFactory(holder=enterprise, kind="drug_retail")
    pharmacist(enterprise)
    return enterprise


def person(enterprise: Enterprise, **fields) -> Person:
    """A person as the register holds them (written directly: the checks must also see
    records that today's services would refuse)."""
    values = {
        "role": "licensed_pharmacist",
        "name": f"测试药师{next(_serial)}",
        "certificate_number": f"ZY0036{next(_serial):08d}",
        "category": "pharmacy",
        "registered_until": NEXT_YEAR,
        "status": "active",
        "id_number_hash": "",
        **fields,
    }
    return Person.objects.create(enterprise=enterprise, **values)


def pharmacist(enterprise: Enterprise, **fields) -> Person:
    return person(enterprise, **{"id_number_hash": _hash(), **fields})


def mah(region_code: str = "360102") -> Enterprise:
    return factories.EnterpriseFactory(kind="mah", region_code=region_code)


def _device_number(device_class: str = "III") -> str:
    digit = {"I": "1", "II": "2", "III": "3"}[device_class]
    return f"国械注准2019{digit}09{next(_serial):04d}"


_NEW = object()


def product(kind: str = "drug", holder=_NEW, **fields):
    """A valid product of `kind`, with every field REQUIRED for it (a new holder unless given)."""
    holder = mah() if holder is _NEW else holder
    defaults = {
        "drug": {},
        "tcm_piece": {
            "approval_number": None,
            "dosage_form": "",
            "strength": "",
            "rx_class": "",
            "botanical_source": "豆科植物甘草 Glycyrrhiza uralensis Fisch. 的干燥根和根茎",
            "processing_method": "蜜炙",
            "standard": "中国药典2020年版一部",
        },
        "device": {
            "approval_number": _device_number(),
            "device_class": "III",
            "dosage_form": "",
            "rx_class": "",
            "udi_di": _udi(),
        },
        "cosmetic": {
            "approval_number": f"国妆特字G2020{next(_serial):04d}",
            "cosmetic_category": "special",
            "dosage_form": "",
            "rx_class": "",
        },
    }[kind]
    return factories.ProductFactory(
        kind=kind, holder=holder, **{"manufacturer": holder, **defaults, **fields}
    )


def _udi(valid: bool = True) -> str:
    body = f"0690{next(_serial):09d}"
    check = ean.calc_check_digit(body)
    return body + (check if valid else str((int(check) + 1) % 10))


@pytest.fixture
def world(province):
    """The clean world; nothing in it is a finding."""
    clean = pharmacy()
    wholesaler = factories.EnterpriseFactory(kind="wholesaler", phone="0791-88000000")
    factories.LicenceFactory(
        holder=wholesaler, kind="drug_wholesale", warehouse_address="南昌市东湖区仓储路1号"
    )
    holder = mah()
    products = [
        product(kind, holder=holder) for kind in ("drug", "tcm_piece", "device", "cosmetic")
    ]
    product(
        "drug",
        holder=holder,
        national_drug_code=formats.national_drug_code("8690000000001"),
        approval_valid_until=NEXT_YEAR,
    )
    closed = factories.EnterpriseFactory(phone="", status="cancelled")  # out of every population
    factories.LicenceFactory(holder=closed, status="cancelled")
    return {"pharmacy": clean, "wholesaler": wholesaler, "mah": holder, "products": products}


@pytest.fixture
def regulator(province):
    return factories.regulator("360000", roles=[Role.ANALYST])


# --- planters: each returns the pks its check must find ----------------------------------------


def plant_phone_missing(world):
    factories.EnterpriseFactory(phone="", status="cancelled")
    return {pharmacy(phone="").pk, factories.EnterpriseFactory(kind="wholesaler", phone="").pk}


def plant_legal_id_missing(world):
    enterprise = pharmacy()
    Enterprise.objects.filter(pk=enterprise.pk).update(legal_representative_id_enc="")
    return {enterprise.pk}


def plant_coordinates_missing(world):
    factories.EnterpriseFactory(kind="wholesaler")  # not a pharmacy: needs none
    factories.EnterpriseFactory(status="suspended")  # not in business
    return {
        pharmacy(latitude=None).pk,
        pharmacy(kind="retail_chain_store", longitude=None).pk,
    }


def plant_uscc_invalid(world):
    good = factories.EnterpriseFactory.build().uscc
    wrong_check = good[:-1] + ("1" if good[-1] != "1" else "2")
    return {
        pharmacy(uscc=wrong_check).pk,
        pharmacy(uscc="91360102MA35X2K7Q").pk,  # 17 characters
        pharmacy(uscc="91360102ma35x2k7qz").pk,  # lower case, wrong check character too
    }


def plant_region_not_current(world):
    # 湾里区 (360105) was abolished in 2019; 360199 never existed
    return {
        pharmacy(region_code=code, name=f"旧区划药房{code}", address=f"南昌市某路{code}号").pk
        for code in ("360105", "360199")
    }


def plant_coordinates_outside(world):
    factories.EnterpriseFactory(latitude=None, longitude=None, kind="wholesaler")
    return {
        pharmacy(latitude=115.89, longitude=28.68).pk,  # swapped
        pharmacy(latitude=39.9, longitude=116.4).pk,  # Beijing
    }


def plant_near_duplicate(world):
    first = pharmacy(name="南昌市东湖区大福药房", address="江西省南昌市东湖区八一大道1号")
    second = pharmacy(name="南昌市东湖区 大福药房有限公司", address="八一大道１号")
    # unrelated: the same name elsewhere, another name at the same address, a cancelled twin
    pharmacy(name="南昌市东湖区大福药房", address="江西省南昌市东湖区阳明路9号")
    pharmacy(name="南昌市东湖区大禾药房", address="江西省南昌市东湖区八一大道1号")
    factories.EnterpriseFactory(
        name="大福药房", address="江西省南昌市东湖区八一大道1号", status="cancelled"
    )
    return {first.pk, second.pk}


def plant_active_without_licence(world):
    ended = factories.EnterpriseFactory(kind="wholesaler")
    factories.LicenceFactory(holder=ended, kind="drug_wholesale", status="cancelled")
    factories.LicenceFactory(holder=ended, kind="device_trading_iii", status="revoked")
    lapsed = factories.EnterpriseFactory(kind="wholesaler")
    factories.LicenceFactory(
        holder=lapsed,
        kind="drug_wholesale",
        valid_from=YESTERDAY.replace(year=YESTERDAY.year - 5),
        valid_until=YESTERDAY,
    )
    # not findings: a suspended licence is not ended; no licence at all is another matter;
    # an enterprise already cancelled
    suspended = factories.EnterpriseFactory(kind="wholesaler")
    factories.LicenceFactory(holder=suspended, kind="drug_wholesale", status="suspended")
    factories.EnterpriseFactory(kind="wholesaler")
    closed = factories.EnterpriseFactory(kind="wholesaler", status="cancelled")
    factories.LicenceFactory(holder=closed, kind="drug_wholesale", status="revoked")
    return {ended.pk, lapsed.pk}


def plant_pharmacy_without_pharmacist(world):
    left = factories.EnterpriseFactory(**NANCHANG)
    pharmacist(left, status="left")
    expired = factories.EnterpriseFactory(kind="retail_chain_store", **NANCHANG)
    pharmacist(expired, registered_until=YESTERDAY)
    nobody = factories.EnterpriseFactory(**NANCHANG)
    manager_only = factories.EnterpriseFactory(**NANCHANG)
    pharmacist(manager_only, role="quality_manager", certificate_number="", category="")
    # not findings
    pharmacist(factories.EnterpriseFactory(**NANCHANG), registered_until=None)
    pharmacist(factories.EnterpriseFactory(**NANCHANG), registered_until=TODAY)
    factories.EnterpriseFactory(kind="wholesaler")
    factories.EnterpriseFactory(status="cancelled")
    factories.EnterpriseFactory(kind="retail_chain_hq")
    return {left.pk, expired.pk, nobody.pk, manager_only.pk}


def plant_validity_missing(world):
    holder = world["pharmacy"]
    found = {
        factories.LicenceFactory(holder=holder, valid_until=None).pk,
        factories.LicenceFactory(holder=holder, valid_from=None).pk,
    }
    factories.LicenceFactory(
        holder=holder, kind="device_trading_ii", valid_from=None, valid_until=None
    )
    factories.LicenceFactory(holder=holder, valid_until=None, status="cancelled")
    return found


def plant_scope_missing(world):
    holder = world["pharmacy"]
    factories.LicenceFactory(holder=holder, kind="online_drug_sales", scope="")
    factories.LicenceFactory(holder=holder, scope="", status="revoked")
    return {factories.LicenceFactory(holder=holder, scope="").pk}


def plant_quality_manager_missing(world):
    holder = world["pharmacy"]
    factories.LicenceFactory(holder=holder, kind="online_drug_sales", quality_manager="")
    return {factories.LicenceFactory(holder=holder, quality_manager="").pk}


def plant_warehouse_missing(world):
    holder = world["wholesaler"]
    factories.LicenceFactory(holder=world["pharmacy"], warehouse_address="")  # retail: none
    return {factories.LicenceFactory(holder=holder, kind="drug_wholesale").pk}


def plant_number_invalid(world):
    holder = world["pharmacy"]
    return {
        factories.LicenceFactory(holder=holder, number="赣DA36010").pk,  # too short
        factories.LicenceFactory(holder=holder, number="赣AA360100099").pk,  # wholesale letter
        factories.LicenceFactory(
            holder=world["wholesaler"], kind="drug_wholesale", number="赣AA3601000991"
        ).pk,
    }


def plant_holder_kind_mismatch(world):
    return {
        factories.LicenceFactory(holder=world["pharmacy"], kind="drug_wholesale").pk,
        factories.LicenceFactory(holder=world["mah"], kind="drug_retail").pk,
    }


def plant_expired_still_valid(world):
    holder = world["pharmacy"]
    factories.LicenceFactory(holder=holder, valid_until=YESTERDAY, status="expired")
    factories.LicenceFactory(holder=holder, valid_until=TODAY)
    return {factories.LicenceFactory(holder=holder, valid_until=YESTERDAY).pk}


def plant_holder_cancelled(world):
    closed = factories.EnterpriseFactory(status="cancelled")
    factories.LicenceFactory(holder=closed, status="cancelled")
    return {factories.LicenceFactory(holder=closed).pk}


def _plant_product_missing(kind: str, field: str):
    def plant(world):
        blank = None if field == "approval_number" else ""
        found = {product(kind, **{field: blank}).pk}
        product(kind, status="cancelled", **{field: blank})
        other = next(k for k in REQUIRED if k != kind and field not in REQUIRED[k])
        product(other, **{field: blank})  # not required for that type
        return found

    return plant


def plant_holder_missing(world):
    product("tcm_piece", holder=None, manufacturer=None, holder_name="")
    product("drug", holder=None, holder_name="外省某药业有限公司")
    return {product("drug", holder=None, holder_name="").pk}


def plant_approval_number_invalid(world):
    product("drug", approval_number=None)  # missing is another check
    return {
        product("drug", approval_number="国药准字X12345678").pk,
        product("device", approval_number=_device_number("III"), device_class="II").pk,
        product("cosmetic", approval_number="国妆特字G2020", cosmetic_category="special").pk,
    }


def plant_national_drug_code_invalid(world):
    good = formats.national_drug_code("8690000000002")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10) if good[-1].isdigit() else good[:-1] + "0"
    return {
        product("drug", national_drug_code=bad).pk,
        product("drug", national_drug_code="8600000000000").pk,
    }


def plant_udi_di_invalid(world):
    product("device", udi_di=None)
    return {product("device", udi_di=_udi(valid=False)).pk, product("device", udi_di="123").pk}


def plant_trace_code_invalid(world):
    return {
        product("drug", trace_product_code="8123").pk,
        product("drug", trace_product_code="81A2345").pk,
    }


def plant_product_duplicate(world):
    holder = world["mah"]
    first = product("drug", holder=holder, name="布洛芬缓释胶囊", strength="0.3g")
    second = product("drug", holder=holder, name="布洛芬缓释胶囊", strength="0.3g")
    product("drug", holder=holder, name="布洛芬缓释胶囊", strength="0.4g")
    product("drug", name="布洛芬缓释胶囊", strength="0.3g")  # another holder
    product("drug", holder=holder, name="布洛芬缓释胶囊", strength="0.3g", dosage_form="片剂")
    # cancelled twins are not duplicates of anything
    product("drug", holder=holder, name="对乙酰氨基酚片", strength="0.5g", status="cancelled")
    product("drug", holder=holder, name="对乙酰氨基酚片", strength="0.5g")
    outside = [
        product("drug", holder=None, holder_name="外省某药业有限公司", name="维生素C片")
        for _ in range(2)
    ]
    product("drug", holder=None, holder_name="外省另一药业有限公司", name="维生素C片")
    return {first.pk, second.pk, *(p.pk for p in outside)}


def plant_approval_expired(world):
    product("drug", approval_valid_until=YESTERDAY, status="expired")
    product("drug", approval_valid_until=TODAY)
    return {product("drug", approval_valid_until=YESTERDAY).pk}


def plant_certificate_missing(world):
    pharmacist(world["pharmacy"], certificate_number="", status="left")
    pharmacist(world["pharmacy"], role="quality_manager", certificate_number="")
    return {pharmacist(world["pharmacy"], certificate_number="").pk}


def plant_registration_until_missing(world):
    pharmacist(world["pharmacy"], registered_until=None, status="left")
    return {pharmacist(world["pharmacy"], registered_until=None).pk}


def plant_category_missing(world):
    pharmacist(world["pharmacy"], role="quality_manager", category="")
    return {pharmacist(world["pharmacy"], category="").pk}


def plant_id_number_missing(world):
    person(world["pharmacy"], status="left")
    return {person(world["pharmacy"]).pk}


def plant_registered_elsewhere(world):
    here, there = world["pharmacy"], pharmacy(region_code="360402")
    same = _hash()
    by_hash = {
        pharmacist(here, id_number_hash=same).pk,
        pharmacist(there, id_number_hash=same).pk,
    }
    by_certificate = {
        pharmacist(here, certificate_number="ZY00369990001").pk,
        pharmacist(there, certificate_number="zy0036 9990001").pk,
    }
    # not findings: one of the two left; twice at the same enterprise
    gone = _hash()
    pharmacist(here, id_number_hash=gone)
    pharmacist(there, id_number_hash=gone, status="left")
    twice = _hash()
    pharmacist(here, id_number_hash=twice)
    pharmacist(here, id_number_hash=twice)
    return by_hash | by_certificate


def plant_registration_expired(world):
    pharmacist(world["pharmacy"], registered_until=YESTERDAY, status="left")
    pharmacist(world["pharmacy"], registered_until=TODAY)
    return {pharmacist(world["pharmacy"], registered_until=YESTERDAY).pk}


def plant_person_enterprise_cancelled(world):
    closed = factories.EnterpriseFactory(status="cancelled")
    pharmacist(closed, status="left")
    return {
        pharmacist(closed).pk,
        person(closed, role="quality_manager", certificate_number="", category="").pk,
    }


PLANTERS = {
    "enterprise.phone_missing": plant_phone_missing,
    "enterprise.legal_id_missing": plant_legal_id_missing,
    "enterprise.coordinates_missing": plant_coordinates_missing,
    "enterprise.uscc_invalid": plant_uscc_invalid,
    "enterprise.region_not_current": plant_region_not_current,
    "enterprise.coordinates_outside": plant_coordinates_outside,
    "enterprise.near_duplicate": plant_near_duplicate,
    "enterprise.active_without_licence": plant_active_without_licence,
    "enterprise.pharmacy_without_pharmacist": plant_pharmacy_without_pharmacist,
    "licence.validity_missing": plant_validity_missing,
    "licence.scope_missing": plant_scope_missing,
    "licence.quality_manager_missing": plant_quality_manager_missing,
    "licence.warehouse_missing": plant_warehouse_missing,
    "licence.number_invalid": plant_number_invalid,
    "licence.holder_kind_mismatch": plant_holder_kind_mismatch,
    "licence.expired_still_valid": plant_expired_still_valid,
    "licence.holder_cancelled": plant_holder_cancelled,
    **{
        f"product.{kind}.{field}_missing": _plant_product_missing(kind, field)
        for kind, fields in REQUIRED.items()
        for field in fields
    },
    "product.holder_missing": plant_holder_missing,
    "product.approval_number_invalid": plant_approval_number_invalid,
    "product.national_drug_code_invalid": plant_national_drug_code_invalid,
    "product.udi_di_invalid": plant_udi_di_invalid,
    "product.trace_code_invalid": plant_trace_code_invalid,
    "product.duplicate": plant_product_duplicate,
    "product.approval_expired_still_valid": plant_approval_expired,
    "person.certificate_missing": plant_certificate_missing,
    "person.registration_until_missing": plant_registration_until_missing,
    "person.category_missing": plant_category_missing,
    "person.id_number_missing": plant_id_number_missing,
    "person.registered_elsewhere": plant_registered_elsewhere,
    "person.registration_expired": plant_registration_expired,
    "person.enterprise_cancelled": plant_person_enterprise_cancelled,
}


def test_every_check_has_a_planter():
    assert set(PLANTERS) == set(BY_CODE)


def test_checks_are_well_formed():
    for check in CHECKS:
        assert check.code.split(".")[0] in {"enterprise", "licence", "product", "person"}
        assert (check.condition is None) == (check.scan is not None), check.code
        assert str(check.label) and str(check.description) and str(check.dimension_label)


def test_a_clean_world_has_no_findings(world, regulator):
    report = selectors.overview(regulator)
    assert {code: r.total_found for code, r in report.results.items() if r.total_found} == {}
    # and every check did look at something of the clean world where it has a population
    assert report.results["enterprise.pharmacy_without_pharmacist"].total_checked == 1
    assert report.results["licence.warehouse_missing"].total_checked == 1
    assert report.results["product.device.device_class_missing"].total_checked == 1


@pytest.mark.parametrize("code", sorted(PLANTERS))
def test_check_finds_exactly_the_planted_records(code, world, regulator):
    planted = PLANTERS[code](world)
    assert planted, "a planter plants at least one offender"
    found = selectors.findings(regulator, code)
    assert {obj.pk for obj in found.iterator()} == planted
    assert found.count() == len(planted)
    report = selectors.overview(regulator)
    assert report.results[code].total_found == len(planted)
    # each planted record is counted once, in one row
    assert sum(report.results[code].found.values()) == len(planted)


# --- the statutory rule, through the services a bureau uses ----------------------------------


def _pharmacy_findings(user) -> set[int]:
    return {e.pk for e in selectors.findings(user, "enterprise.pharmacy_without_pharmacist")}


def test_pharmacist_rule_follows_the_register(province):
    """A pharmacy whose pharmacist leaves, or whose pharmacist's registration runs out, becomes
    a finding; taking on a current pharmacist clears it."""
    from yaojian.registry import services

    bureau = factories.regulator("360102", roles=[Role.APPROVER])
    staffed, leaving, lapsing = (factories.EnterpriseFactory(**NANCHANG) for _ in range(3))
    people = {
        enterprise.pk: services.person_create(
            actor=bureau,
            enterprise_id=enterprise.pk,
            role="licensed_pharmacist",
            name=f"药师{enterprise.pk}",
            certificate_number=f"ZY0036{enterprise.pk:08d}",
            category="pharmacy",
            registered_until=NEXT_YEAR,
            id_number=factories._generator.resident_id(),
        )
        for enterprise in (staffed, leaving, lapsing)
    }
    assert _pharmacy_findings(bureau) == set()

    services.person_update(actor=bureau, person_id=people[leaving.pk].pk, status="left")
    Person.objects.filter(pk=people[lapsing.pk].pk).update(registered_until=YESTERDAY)
    assert _pharmacy_findings(bureau) == {leaving.pk, lapsing.pk}

    services.person_create(
        actor=bureau,
        enterprise_id=leaving.pk,
        role="licensed_pharmacist",
        name="新药师",
        certificate_number="ZY0036NEW00001",
        category="tcm_pharmacy",
        registered_until=NEXT_YEAR,
    )
    assert _pharmacy_findings(bureau) == {lapsing.pk}
    # the same rule as the enterprise file's (registry.rules), not a second definition
    from yaojian.registry import rules
    from yaojian.registry.selectors import enterprises_for

    assert set(
        rules.pharmacies_lacking_pharmacist(enterprises_for(bureau)).values_list("pk", flat=True)
    ) == {lapsing.pk}


# --- why a record is a finding -------------------------------------------------------------------


def test_findings_say_why(world, regulator):
    from django.utils import translation

    expired = factories.LicenceFactory(holder=world["pharmacy"], valid_until=YESTERDAY)
    good = factories.EnterpriseFactory.build().uscc
    broken = pharmacy(uscc=good[:-1] + ("1" if good[-1] != "1" else "2"))
    wrong_number = factories.LicenceFactory(holder=world["pharmacy"], number="赣DA36010")
    with translation.override("en"):
        details = {
            code: {
                obj.pk: BY_CODE[code].detail(obj)
                for obj in selectors.findings(regulator, code).iterator()
            }
            for code in (
                "licence.expired_still_valid",
                "enterprise.uscc_invalid",
                "licence.number_invalid",
            )
        }
    assert details["licence.expired_still_valid"] == {expired.pk: "Ran out 1 day ago"}
    assert "check character" in details["enterprise.uscc_invalid"][broken.pk]
    assert "drug trading licence number" in details["licence.number_invalid"][wrong_number.pk]


# --- cost: queries do not grow with the registers ------------------------------------------


def _queries_of_overview(user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        selectors.overview(user)
    return len(captured.captured_queries)


def test_the_overview_queries_do_not_grow_with_the_records(world, regulator):
    """One aggregate query per register and one streamed query per Python check, however
    many records there are (no query per record, no query per check and division)."""
    few = _queries_of_overview(regulator)
    for region_code in ("360102", "360103", "360402", "360521"):
        for _ in range(6):
            enterprise = pharmacy(region_code=region_code, phone="")
            factories.LicenceFactory(holder=enterprise, valid_until=YESTERDAY)
            product("drug", holder=enterprise, trace_product_code=None)
    assert _queries_of_overview(regulator) == few
    python_checks = sum(1 for check in CHECKS if check.in_python)
    assert few <= 4 + python_checks * 4  # on PostgreSQL a scan also sets its cursor's plan
