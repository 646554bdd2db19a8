"""The demo province's registers: valid numbers, valid products, people, places and findings."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict
from functools import cache

import pytest
from django.db.models import Q
from django.test import Client
from stdnum.cn import ric

from yaojian.accounts.models import User
from yaojian.core import regions
from yaojian.demo import loader, names
from yaojian.demo.generator import ProvinceGenerator, county_seat
from yaojian.demo.registers import RegisterGenerator, Registers
from yaojian.registry import formats
from yaojian.registry.choices import (
    FILING_KINDS,
    RETAIL_KINDS,
    EnterpriseKind,
    LicenceKind,
    LicenceStatus,
    PersonRole,
    PersonStatus,
    ProductKind,
)
from yaojian.registry.models import Enterprise, Licence, Person, Product, TimelineEvent
from yaojian.registry.services.licences import holder_errors, validate_number
from yaojian.registry.services.people import id_number_hash, person_errors
from yaojian.registry.services.products import product_errors

TODAY = dt.date(2026, 11, 20)


@cache
def province(seed: int = 2026, count: int = 1500) -> tuple[list, Registers]:
    rows = list(ProvinceGenerator(seed).enterprises(count))
    return rows, RegisterGenerator(seed, today=TODAY).registers(rows)


def _as_dicts(registers: Registers) -> list[list[dict]]:
    return [
        [asdict(row) for row in rows]
        for rows in (registers.licences, registers.products, registers.people)
    ]


def test_same_seed_same_registers_other_seed_other_registers():
    rows = list(ProvinceGenerator(4).enterprises(400))
    first = RegisterGenerator(4, today=TODAY).registers(rows)
    again = RegisterGenerator(4, today=TODAY).registers(list(ProvinceGenerator(4).enterprises(400)))
    assert _as_dicts(first) == _as_dicts(again)
    other = RegisterGenerator(5, today=TODAY).registers(rows)
    assert _as_dicts(first) != _as_dicts(other)
    assert all(first.licences) and all(first.products) and all(first.people)


def test_the_registers_did_not_change_the_enterprises_of_a_seed():
    """Registers and positions draw from their own streams: names and codes stay as they were."""
    rows = [asdict(row) for row in ProvinceGenerator(11).enterprises(50)]
    assert rows[0]["name"] and rows[0]["latitude"]
    generator = ProvinceGenerator(11)
    assert [asdict(r) for r in generator.enterprises(50)] == rows


def test_every_licence_number_is_valid_unique_and_held_by_an_allowed_kind():
    rows, registers = province()
    kinds = {row.uscc: row.kind for row in rows}
    numbers = [licence.number for licence in registers.licences]
    assert len(set(numbers)) == len(numbers)
    for licence in registers.licences:
        assert validate_number(licence.kind, licence.number) == licence.number
        holder = Enterprise(kind=kinds[licence.holder_uscc])
        assert holder_errors(licence.kind, holder) == [], licence
        assert licence.scope and licence.registered_address and licence.legal_representative
        assert licence.principal and licence.quality_manager
        if licence.valid_until:
            assert licence.valid_from <= licence.valid_until
            assert licence.issued_on <= TODAY
    assert set(Counter(licence.kind for licence in registers.licences)) == set(LicenceKind)


def test_enterprises_hold_the_licences_their_kind_needs():
    rows, registers = province()
    held: dict[str, set[str]] = {}
    for licence in registers.licences:
        held.setdefault(licence.holder_uscc, set()).add(licence.kind)
    needs = {
        EnterpriseKind.RETAIL_PHARMACY: LicenceKind.DRUG_RETAIL,
        EnterpriseKind.RETAIL_CHAIN_STORE: LicenceKind.DRUG_RETAIL_CHAIN_STORE,
        EnterpriseKind.RETAIL_CHAIN_HQ: LicenceKind.DRUG_RETAIL_CHAIN_HQ,
        EnterpriseKind.WHOLESALER: LicenceKind.DRUG_WHOLESALE,
        EnterpriseKind.DRUG_MANUFACTURER: LicenceKind.DRUG_MANUFACTURING,
        EnterpriseKind.MAH: LicenceKind.DRUG_MANUFACTURING,
        EnterpriseKind.DEVICE_MANUFACTURER: LicenceKind.DEVICE_MANUFACTURING,
        EnterpriseKind.COSMETICS_MANUFACTURER: LicenceKind.COSMETICS_MANUFACTURING,
    }
    for row in rows:
        if row.kind in needs:
            assert needs[row.kind] in held.get(row.uscc, set()), row
        if row.kind == EnterpriseKind.DEVICE_DISTRIBUTOR:
            assert held[row.uscc] & {LicenceKind.DEVICE_TRADING_III, LicenceKind.DEVICE_TRADING_II}
        if row.kind == EnterpriseKind.MEDICAL_INSTITUTION:
            assert row.uscc not in held
    pharmacies = [row for row in rows if row.kind in RETAIL_KINDS]
    with_device_filing = [
        row for row in pharmacies if LicenceKind.DEVICE_TRADING_II in held[row.uscc]
    ]
    assert len(with_device_filing) > len(pharmacies) * 0.7
    wholesale = [
        licence for licence in registers.licences if licence.kind == LicenceKind.DRUG_WHOLESALE
    ]
    assert all(licence.warehouse_address for licence in wholesale)


def test_licence_dates_and_statuses_hold_the_deliberate_findings():
    _rows, registers = province()
    licences = [licence for licence in registers.licences if licence.kind not in FILING_KINDS]
    stale = [
        licence
        for licence in licences
        if licence.status == LicenceStatus.VALID and licence.valid_until < TODAY
    ]
    expiring = [
        licence
        for licence in licences
        if licence.status == LicenceStatus.VALID
        and TODAY <= licence.valid_until <= TODAY + dt.timedelta(days=90)
    ]
    assert 0.004 < len(stale) / len(licences) < 0.025
    assert 0.02 < len(expiring) / len(licences) < 0.09
    statuses = Counter(licence.status for licence in licences)
    assert statuses[LicenceStatus.VALID] > 0.9 * len(licences)
    assert statuses[LicenceStatus.SUSPENDED] and statuses[LicenceStatus.CANCELLED]
    filings = [licence for licence in registers.licences if licence.kind in FILING_KINDS]
    assert filings and all(licence.valid_until is None for licence in filings)
    issued = Counter(licence.issued_on.year for licence in licences)
    assert len(issued) >= 5  # a spread of issue years


def test_every_product_passes_the_registers_rules_and_codes_are_unique():
    _rows, registers = province()
    products = registers.products
    kinds = Counter(product.kind for product in products)
    assert set(kinds) == set(ProductKind)
    for row in products:
        fields = {k: v for k, v in asdict(row).items() if not k.endswith("_uscc")}
        product = Product(**fields)
        assert product_errors(product) == {}, row
        if row.kind == ProductKind.DRUG:
            assert row.approval_number.startswith("国药准字")
            assert formats.validate_national_drug_code(row.national_drug_code)
            assert len(row.trace_product_code) == 7
        elif row.kind == ProductKind.TCM_PIECE:
            assert row.botanical_source and row.origin and row.processing_method
            assert row.standard.startswith("《")
        elif row.kind == ProductKind.DEVICE:
            assert row.device_class in ("I", "II") and len(row.udi_di) == 14
            if row.device_class == "II":
                assert row.approval_number.startswith("赣械注准")
            else:
                assert "械备" in row.approval_number
        else:
            assert "妆" in row.approval_number
    for code in ("approval_number", "trace_product_code", "national_drug_code", "udi_di"):
        values = [getattr(p, code) for p in products if getattr(p, code)]
        assert len(values) == len(set(values)), code
    # drugs of marketing-authorisation holders are made by contract manufacturers
    rows, _ = province()
    mahs = {row.uscc for row in rows if row.kind == EnterpriseKind.MAH}
    contracted = [p for p in products if p.holder_uscc in mahs]
    assert contracted and all(p.manufacturer_uscc != p.holder_uscc for p in contracted)


def test_drug_manufacturing_scopes_name_what_the_enterprise_makes():
    _rows, registers = province()
    forms = {}
    for product in registers.products:
        if product.kind == ProductKind.DRUG and product.manufacturer_uscc == product.holder_uscc:
            forms.setdefault(product.holder_uscc, set()).add(product.dosage_form)
    for licence in registers.licences:
        if licence.kind == LicenceKind.DRUG_MANUFACTURING and licence.holder_uscc in forms:
            assert any(form.rstrip("剂") in licence.scope for form in forms[licence.holder_uscc])


def test_people_are_valid_and_the_pharmacist_findings_exist():
    rows, registers = province()
    people = registers.people
    certificates = [p.certificate_number for p in people if p.certificate_number]
    assert len(certificates) == len(set(certificates))
    assert len({p.id_number for p in people}) == len(people)
    skip = ("id_number", "enterprise_uscc", "registered_on")
    for row in people:
        assert ric.is_valid(row.id_number)
        person = Person(**{k: v for k, v in asdict(row).items() if k not in skip})
        assert person_errors(person) == {}, row
    current: dict[str, int] = Counter()
    expired: set[str] = set()
    for row in people:
        if row.role == PersonRole.LICENSED_PHARMACIST and row.status == PersonStatus.ACTIVE:
            if row.registered_until >= TODAY:
                current[row.enterprise_uscc] += 1
            else:
                expired.add(row.enterprise_uscc)
    pharmacies = [row.uscc for row in rows if row.kind in RETAIL_KINDS]
    lacking = [uscc for uscc in pharmacies if not current[uscc]]
    assert 0.02 < len(lacking) / len(pharmacies) < 0.07  # about 3% none, 1% expired
    assert 0.003 < len(expired & set(lacking)) / len(pharmacies) < 0.025
    managed = {row.uscc for row in rows if row.kind == EnterpriseKind.WHOLESALER}
    managers = {p.enterprise_uscc for p in people if p.role == PersonRole.QUALITY_MANAGER}
    assert managed <= managers


def test_enterprises_lie_near_their_city_and_cluster_by_county():
    rows, _ = province()
    by_county: dict[str, list] = {}
    for row in rows:
        latitude, longitude = names.CITY_CENTRES[row.region_code[:4]]
        assert abs(row.latitude - latitude) <= 0.4, row
        assert abs(row.longitude - longitude) <= 0.4, row
        by_county.setdefault(row.region_code, []).append(row)
    for code, members in by_county.items():
        seat = county_seat(code)
        for row in members:
            assert abs(row.latitude - seat[0]) <= 0.0401, row
            assert abs(row.longitude - seat[1]) <= 0.0401, row
    assert county_seat("360102") != county_seat("360103")
    assert county_seat("360121") == county_seat("360121")  # the same in every demo


# --- loaded -------------------------------------------------------------------------------


@pytest.fixture
def loaded(db):
    return loader.load(seed=3, scale="tiny")


def test_load_writes_the_generated_registers(loaded):
    from yaojian.licensing.models import Application

    by_hall = Application.objects.exclude(
        licence=None
    ).count()  # the filing approved during the demo
    assert loaded.licences + by_hall == Licence.objects.count() > loaded.enterprises
    assert loaded.products == Product.objects.count() > 0
    # the bureau records one pharmacist for a self-registered pharmacy during the demo's own work
    assert loaded.people + 1 == Person.objects.count() > 1
    demo_events = TimelineEvent.objects.filter(kind__in=("licence", "person"), source="registry")
    # the demo's own work through the hall posts a few more: the issued filing, the new pharmacist
    from yaojian.licensing.models import Application

    issued = [
        str(pk)
        for pk in Application.objects.exclude(licence=None).values_list("licence_id", flat=True)
    ]
    by_hall = demo_events.filter(
        Q(object_type="registry.licence", object_id__in=issued)
        | Q(kind="person", enterprise__accounts__username__startswith="ent-")
    )
    assert (
        loaded.timeline == demo_events.exclude(object_type="").exclude(pk__in=by_hall).count() > 0
    )
    for enterprise in Enterprise.objects.all():
        latitude, longitude = names.CITY_CENTRES[enterprise.region_code[:4]]
        assert abs(enterprise.latitude - latitude) <= 0.4, enterprise
        assert abs(enterprise.longitude - longitude) <= 0.4, enterprise
    for licence in Licence.objects.select_related("holder", "issuing_bureau"):
        assert validate_number(licence.kind, licence.number) == licence.number
        assert holder_errors(licence.kind, licence.holder) == []
        if licence.kind in (LicenceKind.DRUG_RETAIL, LicenceKind.DRUG_RETAIL_CHAIN_STORE):
            assert licence.issuing_bureau.region_code == licence.holder.region_code[:4] + "00"
        if licence.kind in (LicenceKind.DRUG_MANUFACTURING, LicenceKind.DRUG_WHOLESALE):
            assert licence.issuing_bureau.region_code == "360000"
    for product in Product.objects.all():
        assert product_errors(product) == {}
    person = Person.objects.exclude(id_number_enc="").first()
    number = person.id_number()
    assert ric.is_valid(number) and person.id_number_hash == id_number_hash(number)


def test_the_demo_chains_file_has_licences_people_and_a_timeline(loaded, settings):
    chain = Enterprise.objects.get(name=loader.DEMO_CHAIN)
    assert chain.licences.filter(kind=LicenceKind.DRUG_RETAIL_CHAIN_HQ).count() == 1
    assert chain.people.filter(role=PersonRole.QUALITY_MANAGER).exists()
    assert chain.timeline.filter(kind="licence").exists()
    stores = chain.branches.all()
    assert all(store.licences.exists() for store in stores)
    assert TimelineEvent.objects.filter(enterprise__in=stores, kind="person").exists()
    event = chain.timeline.filter(kind="licence").first()
    licence = Licence.objects.get(pk=event.object_id)
    assert event.object_type == "registry.licence" and licence.number in event.title
    assert event.occurred_at.date() == licence.issued_on
    settings.YAOJIAN_REQUIRE_MFA = False  # as `yaojian demo` runs (YAOJIAN_DEMO=1)
    read = _the_file_reads_in_each_language(chain)
    read |= _the_file_reads_in_each_language(stores.order_by("pk").first())
    assert read == {"licence", "person"}


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # ideographs, CJK punctuation
WORD = re.compile(r"[A-Za-z]{2,}")


def _the_file_reads_in_each_language(enterprise) -> set[str]:
    """The demo's facts on a file read in the reader's language, in the page's API as it shows
    them; only the proper names (licence numbers, people's names) stay as they are.
    Returns the kinds of fact read."""
    names = [
        *enterprise.licences.values_list("number", flat=True),
        *enterprise.people.values_list("name", flat=True),
        *enterprise.people.exclude(certificate_number="").values_list(
            "certificate_number", flat=True
        ),
    ]

    def wording(text: str) -> str:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, "")
        return text

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="county"))
    url = f"/api/v1/registry/enterprises/{enterprise.pk}/file"
    seen = set()
    for kind in ("licence", "person"):
        english, chinese = (
            client.get(url, {"kind": kind}, HTTP_ACCEPT_LANGUAGE=language).json()["timeline"]
            for language in ("en", "zh-hans")
        )
        assert [e["id"] for e in english] == [e["id"] for e in chinese]
        events = {e.pk: e for e in TimelineEvent.objects.filter(pk__in=[e["id"] for e in english])}
        for en, zh in zip(english, chinese, strict=True):
            if events[en["id"]].object_type == "":
                continue  # a status change: not the demo loader's
            seen.add(kind)
            assert any(name in en["title"] for name in names), en  # the fact names its record
            for text in filter(None, (en["title"], en["summary"])):
                assert not CJK.search(wording(text)), text
            for text in filter(None, (zh["title"], zh["summary"])):
                assert CJK.search(wording(text)) and not WORD.search(wording(text)), text
            # the plain columns keep the default language, for search and e-mail
            assert (events[en["id"]].title, events[en["id"]].summary) == (
                zh["title"],
                zh["summary"],
            )
    return seen


def test_demo_scale_loads_the_findings_and_the_accounts_still_work(db, settings):
    settings.YAOJIAN_REQUIRE_MFA = False  # as `yaojian demo` runs (YAOJIAN_DEMO=1)
    report = loader.load(seed=2026, scale="demo")
    assert report.enterprises > 1500 and report.licences > 2000 and report.products > 800
    today = dt.date.today()
    pharmacies = Enterprise.objects.filter(kind__in=RETAIL_KINDS, verified_at__isnull=False)
    with_current = pharmacies.filter(
        people__role=PersonRole.LICENSED_PHARMACIST,
        people__status=PersonStatus.ACTIVE,
        people__registered_until__gte=today,
    ).distinct()
    lacking = pharmacies.count() - with_current.count()
    assert 0.02 < lacking / pharmacies.count() < 0.07
    stale = Licence.objects.filter(status=LicenceStatus.VALID, valid_until__lt=today).count()
    assert 0.004 < stale / Licence.objects.exclude(kind__in=FILING_KINDS).count() < 0.025
    for username in ("province", "city", "county"):
        client = Client(HTTP_HOST="127.0.0.1")
        user = User.objects.get(username=username)
        client.force_login(user)
        chain = Enterprise.objects.get(name=loader.DEMO_CHAIN)
        assert client.get(f"/workbench/registry/enterprises/{chain.pk}/").status_code == 200
        assert client.get("/workbench/registry/enterprises/?q=kn").status_code == 200
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="enterprise", password=loader.demo_password())
    assert client.get("/my/").status_code == 200


def test_every_city_and_county_of_the_demo_is_placed():
    for code, region in regions.divisions().items():
        if region.level != regions.PROVINCE:
            latitude, longitude = county_seat(code)
            assert 24.4 < latitude < 30.2 and 113.5 < longitude < 118.6, region
