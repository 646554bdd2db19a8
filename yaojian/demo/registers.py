"""The registers of the demo province: licences, products and people of its enterprises.

Pure like `generator.py` (no database): the same seed and the same day give the same rows.
Dates are relative to `today`, so that a demo loaded on any day has licences running out
within 90 days, a few already past their validity but still marked valid, and pharmacies
without a registered pharmacist: deliberate findings for the data-quality pages.

Its random stream is its own (`registers:<seed>`): the enterprises, names and accounts that
`ProvinceGenerator` draws stay exactly what they were before the registers existed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stdnum import ean

from yaojian.core import regions
from yaojian.demo import catalogue, names
from yaojian.demo.generator import EnterpriseRow, ProvinceGenerator
from yaojian.registry.choices import (
    CosmeticCategory,
    DeviceClass,
    EnterpriseKind,
    LicenceKind,
    LicenceStatus,
    PersonRole,
    PersonStatus,
    PharmacistCategory,
    ProductKind,
    ProductStatus,
)
from yaojian.registry.formats import CITY_ABBREVIATIONS, national_drug_code

E, K = EnterpriseKind, LicenceKind
PROVINCE_CODE = "360000"
RETAIL = (E.RETAIL_PHARMACY, E.RETAIL_CHAIN_STORE)
# enterprises whose quality manager (质量负责人) is on the register
QUALITY_MANAGED = (
    E.WHOLESALER,
    E.RETAIL_CHAIN_HQ,
    E.DRUG_MANUFACTURER,
    E.MAH,
    E.DEVICE_MANUFACTURER,
    E.COSMETICS_MANUFACTURER,
)
# GSP: the quality manager of a drug trader is a licensed pharmacist
PHARMACIST_QUALITY_MANAGERS = (E.WHOLESALER, E.RETAIL_CHAIN_HQ)
# licences a city bureau issues (retail, device trading); the province issues the others
CITY_ISSUED = (
    K.DRUG_RETAIL,
    K.DRUG_RETAIL_CHAIN_STORE,
    K.DEVICE_TRADING_III,
    K.DEVICE_TRADING_II,
)
# the earliest year of a number in each format (the rules that introduced it)
FIRST_YEAR = {
    K.DRUG_MANUFACTURING: 2005,
    K.DEVICE_TRADING_III: 2014,
    K.DEVICE_TRADING_II: 2014,
    K.DEVICE_MANUFACTURING: 2014,
    K.COSMETICS_MANUFACTURING: 2016,
    K.ONLINE_DRUG_SALES: 2023,
}
# shares of the deliberate findings (see the module's docstring)
STALE_SHARE = 0.012  # past valid_until, still marked valid
PHARMACIST_MISSING_SHARE = 0.03
PHARMACIST_EXPIRED_SHARE = 0.01


@dataclass
class LicenceRow:
    kind: str
    number: str
    holder_uscc: str
    scope: str
    registered_address: str
    legal_representative: str
    principal: str
    quality_manager: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    issuing_region: str  # division code of the issuing bureau
    warehouse_address: str = ""


@dataclass
class ProductRow:
    kind: str
    name: str
    holder_uscc: str | None
    holder_name: str
    manufacturer_uscc: str | None
    manufacturer_name: str
    approval_number: str | None = None
    approval_valid_until: dt.date | None = None
    dosage_form: str = ""
    strength: str = ""
    package_spec: str = ""
    rx_class: str = ""
    trace_product_code: str | None = None
    national_drug_code: str | None = None
    botanical_source: str = ""
    origin: str = ""
    processing_method: str = ""
    standard: str = ""
    device_class: str = ""
    udi_di: str | None = None
    cosmetic_category: str = ""
    brand_name: str = ""
    status: str = ProductStatus.VALID


@dataclass
class PersonRow:
    role: str
    name: str
    id_number: str
    enterprise_uscc: str
    certificate_number: str = ""
    category: str = ""
    registered_on: dt.date | None = None  # start of the current registration (5 years)
    registered_until: dt.date | None = None
    status: str = PersonStatus.ACTIVE


@dataclass
class Registers:
    licences: list[LicenceRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class RegisterGenerator(ProvinceGenerator):
    """Licences, products and people for a list of enterprise rows."""

    def __init__(self, seed: int = 2026, today: dt.date | None = None) -> None:
        super().__init__(seed)
        self.random = random.Random(f"registers:{seed}")
        self.today = today or dt.date.today()
        self.serials: dict[tuple, int] = {}
        self.used: set[str] = set()  # every code handed out (numbers, IDs, certificates)
        self.cosmetic_units: dict[str, str] = {}  # product name -> production unit

    # --- helpers ----------------------------------------------------------------------------
    def chance(self, share: float) -> bool:
        return self.random.random() < share

    def serial(self, *key: object, start: int = 200, step: int = 3, limit: int = 9999) -> int:
        """The next serial number of a register: increasing with gaps, like real ones."""
        value = self.serials.get(key)
        value = (
            self.random.randint(1, start) if value is None else value + self.random.randint(1, step)
        )
        if value > limit:
            raise OverflowError(f"serials of {key} ran out at this scale")
        self.serials[key] = value
        return value

    def unique(self, make) -> str:
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.random.randint(0, max(0, (end - start).days)))

    def person(self, enterprise: EnterpriseRow, role: str) -> PersonRow:
        return PersonRow(
            role=role,
            name=self.person_name(),
            id_number=self.unique(self.resident_id),
            enterprise_uscc=enterprise.uscc,
        )

    def warehouse(self, enterprise: EnterpriseRow) -> str:
        code = enterprise.region_code
        park = self.random.choice(names.PARKS)
        road = self.random.choice(names.ROADS)
        return (
            f"{regions.full_name(code)}{park}{road}{self.random.randrange(1, 400)}号"
            f"{self.random.randrange(1, 12)}栋"
        )

    # --- people -----------------------------------------------------------------------------
    def pharmacist(
        self, enterprise: EnterpriseRow, *, expired: bool = False, left: bool = False
    ) -> PersonRow:
        person = self.person(enterprise, PersonRole.LICENSED_PHARMACIST)
        if expired or left:
            until = self.today - dt.timedelta(days=self.random.randint(15, 400))
        else:
            until = self.today + dt.timedelta(days=self.random.randint(20, 5 * 365 - 1))
        person.registered_until = until
        person.registered_on = years_before(until, 5) + dt.timedelta(days=1)
        person.category = self.random.choices(
            (PharmacistCategory.PHARMACY, PharmacistCategory.TCM_PHARMACY, PharmacistCategory.BOTH),
            weights=(60, 25, 15),
        )[0]
        year = person.registered_on.year % 100
        person.certificate_number = (
            f"ZY0036{year:02d}{self.serial('ZY', start=50, step=2, limit=999999):06d}"
        )
        if left:
            person.status = PersonStatus.LEFT
        return person

    def people_of(self, enterprise: EnterpriseRow) -> list[PersonRow]:
        people: list[PersonRow] = []
        if enterprise.kind in RETAIL:
            draw = self.random.random()
            if draw < PHARMACIST_MISSING_SHARE:
                if self.chance(0.5):  # a former pharmacist left and none replaced them
                    people.append(self.pharmacist(enterprise, left=True))
            elif draw < PHARMACIST_MISSING_SHARE + PHARMACIST_EXPIRED_SHARE:
                people.append(self.pharmacist(enterprise, expired=True))
            else:
                people.append(self.pharmacist(enterprise))
                if self.chance(0.15):
                    people.append(self.pharmacist(enterprise))
        elif enterprise.kind in QUALITY_MANAGED:
            if enterprise.kind in PHARMACIST_QUALITY_MANAGERS:
                manager = self.pharmacist(enterprise)
                manager.role = PersonRole.QUALITY_MANAGER
            else:
                manager = self.person(enterprise, PersonRole.QUALITY_MANAGER)
            people.append(manager)
        return people

    # --- licences ---------------------------------------------------------------------------
    def licence(
        self,
        enterprise: EnterpriseRow,
        kind: str,
        scope: str,
        *,
        quality_manager: str,
        principal: str,
        warehouse: bool = False,
    ) -> LicenceRow:
        filing = kind in (K.DEVICE_TRADING_II, K.ONLINE_DRUG_SALES)
        first_year = FIRST_YEAR.get(kind, 2002)
        status = LicenceStatus.VALID
        if filing:  # a filing (备案凭证) does not run out
            issued = self.day_between(dt.date(first_year, 1, 1), self.today - dt.timedelta(days=7))
            valid_from, valid_until = issued, None
            number_year = issued.year
            if self.chance(0.01):
                status = LicenceStatus.CANCELLED
        else:
            if self.chance(STALE_SHARE):
                valid_until = self.today - dt.timedelta(days=self.random.randint(1, 240))
            else:
                valid_until = self.today + dt.timedelta(days=self.random.randint(0, 5 * 365 - 1))
                draw = self.random.random()
                if draw < 0.02:
                    status = LicenceStatus.SUSPENDED
                elif draw < 0.035:
                    status = LicenceStatus.CANCELLED
                elif draw < 0.038:
                    status = LicenceStatus.REVOKED
            valid_from = years_before(valid_until, 5) + dt.timedelta(days=1)
            issued = valid_from
            # the number keeps the year it was first issued through renewals (换证)
            renewals = self.random.choice((0, 0, 1, 1, 2, 3))
            number_year = max(first_year, valid_from.year - 5 * renewals)
        city = enterprise.region_code[:4]
        return LicenceRow(
            kind=kind,
            number=self.licence_number(kind, enterprise, number_year),
            holder_uscc=enterprise.uscc,
            scope=scope,
            registered_address=enterprise.address,
            warehouse_address=self.warehouse(enterprise) if warehouse else "",
            legal_representative=enterprise.legal_representative,
            principal=principal,
            quality_manager=quality_manager,
            issued_on=issued,
            valid_from=valid_from,
            valid_until=valid_until,
            status=status,
            issuing_region=city + "00" if self.city_issues(kind, enterprise) else PROVINCE_CODE,
        )

    @staticmethod
    def city_issues(kind: str, enterprise: EnterpriseRow) -> bool:
        """Retail and device trading are licensed (or filed) by the city bureau; a pharmacy's
        online sales filing too; manufacturing and wholesale by the province."""
        if kind == K.ONLINE_DRUG_SALES:
            return enterprise.kind in (*RETAIL, E.RETAIL_CHAIN_HQ)
        return kind in CITY_ISSUED

    def licence_number(self, kind: str, enterprise: EnterpriseRow, year: int) -> str:
        city = enterprise.region_code[:4]
        abbreviation = CITY_ABBREVIATIONS[city]
        if kind == K.DRUG_MANUFACTURING:
            return f"赣{year}{self.serial(kind, year, start=30, step=2):04d}"
        if kind in (
            K.DRUG_WHOLESALE,
            K.DRUG_RETAIL_CHAIN_HQ,
            K.DRUG_RETAIL_CHAIN_STORE,
            K.DRUG_RETAIL,
        ):
            business = {
                K.DRUG_WHOLESALE: "A",
                K.DRUG_RETAIL_CHAIN_HQ: "B",
                K.DRUG_RETAIL_CHAIN_STORE: "C",
                K.DRUG_RETAIL: "D",
            }[kind]
            # A: a legal person; B: not one (chain stores are branches, 个体工商户 are not)
            legal = "B" if kind == K.DRUG_RETAIL_CHAIN_STORE or enterprise.uscc[:2] == "92" else "A"
            serial = self.serial(kind, city, start=300, step=4, limit=99999)
            return f"赣{business}{legal}{city}{serial:05d}"
        if kind == K.DEVICE_TRADING_III:
            return (
                f"赣{abbreviation}药监械经营许{year}{self.serial(kind, city, year, step=2):04d}号"
            )
        if kind == K.DEVICE_TRADING_II:
            return (
                f"赣{abbreviation}药监械经营备{year}{self.serial(kind, city, year, step=2):04d}号"
            )
        if kind == K.DEVICE_MANUFACTURING:
            return f"赣药监械生产许{year}{self.serial(kind, year, start=30, step=2):04d}号"
        if kind == K.COSMETICS_MANUFACTURING:
            return f"赣妆{year}{self.serial(kind, year, start=30, step=2):04d}"
        if kind == K.ONLINE_DRUG_SALES:
            serial = self.serial(kind, year, start=20, step=2, limit=999999)
            return f"(赣)网药销备字[{year}]第{serial:06d}号"
        raise ValueError(kind)

    def licences_of(
        self, enterprise: EnterpriseRow, people: list[PersonRow], products: list[ProductRow]
    ) -> list[LicenceRow]:
        kind = enterprise.kind
        current = [
            p
            for p in people
            if p.status == PersonStatus.ACTIVE
            and (p.registered_until is None or p.registered_until >= self.today)
        ]
        quality_manager = current[0].name if current else self.person_name()
        principal = (
            enterprise.legal_representative
            if kind == E.RETAIL_PHARMACY and self.chance(0.6)
            else self.person_name()
        )

        def make(licence_kind: str, scope: str, *, warehouse: bool = False) -> LicenceRow:
            return self.licence(
                enterprise,
                licence_kind,
                scope,
                quality_manager=quality_manager,
                principal=principal,
                warehouse=warehouse,
            )

        licences: list[LicenceRow] = []
        if kind in RETAIL:
            licence_kind = K.DRUG_RETAIL if kind == E.RETAIL_PHARMACY else K.DRUG_RETAIL_CHAIN_STORE
            scope = self.random.choices(
                (catalogue.RETAIL_SCOPE, catalogue.RETAIL_SCOPE_FULL, catalogue.RETAIL_SCOPE_OTC_B),
                weights=(70, 25, 5),
            )[0]
            main = make(licence_kind, scope)
            licences.append(main)
            if self.chance(0.05):  # moved premises: the old licence was cancelled (注销)
                licences.append(self.relocated(enterprise, main))
            if self.chance(0.9):
                licences.append(make(K.DEVICE_TRADING_II, self.device_scope("II", pharmacy=True)))
            if self.chance(0.08 if kind == E.RETAIL_PHARMACY else 0.05):  # e.g. contact lenses
                licences.append(
                    make(K.DEVICE_TRADING_III, catalogue.device_scope("第三类医疗器械", ["16"]))
                )
            if kind == E.RETAIL_PHARMACY and self.chance(0.08):
                licences.append(make(K.ONLINE_DRUG_SALES, catalogue.ONLINE_SCOPES[0]))
        elif kind == E.RETAIL_CHAIN_HQ:
            licences.append(make(K.DRUG_RETAIL_CHAIN_HQ, catalogue.CHAIN_SCOPE, warehouse=True))
            if self.chance(0.9):
                licences.append(make(K.DEVICE_TRADING_II, self.device_scope("II", pharmacy=True)))
            if self.chance(0.5):
                licences.append(make(K.DEVICE_TRADING_III, self.device_scope("III")))
            if self.chance(0.4):
                licences.append(
                    make(K.ONLINE_DRUG_SALES, self.random.choice(catalogue.ONLINE_SCOPES[:2]))
                )
        elif kind == E.WHOLESALER:
            extras = [x for x in catalogue.WHOLESALE_EXTRAS if self.chance(0.2)]
            scope = "、".join([catalogue.WHOLESALE_SCOPE, *extras])
            licences.append(make(K.DRUG_WHOLESALE, scope, warehouse=True))
            if self.chance(0.6):
                licences.append(
                    make(K.DEVICE_TRADING_III, self.device_scope("III"), warehouse=True)
                )
            if self.chance(0.5):
                licences.append(make(K.DEVICE_TRADING_II, self.device_scope("II")))
            if self.chance(0.1):
                licences.append(make(K.ONLINE_DRUG_SALES, catalogue.ONLINE_SCOPES[2]))
        elif kind in (E.DRUG_MANUFACTURER, E.MAH):
            licences.append(
                make(K.DRUG_MANUFACTURING, self.manufacturing_scope(enterprise, products))
            )
            if self.chance(0.05 if kind == E.DRUG_MANUFACTURER else 0.1):
                licences.append(make(K.ONLINE_DRUG_SALES, catalogue.ONLINE_SCOPES[2]))
        elif kind == E.DEVICE_DISTRIBUTOR:
            draw = self.random.random()
            if draw < 0.75:
                licences.append(
                    make(K.DEVICE_TRADING_III, self.device_scope("III"), warehouse=True)
                )
            if draw >= 0.55:
                licences.append(make(K.DEVICE_TRADING_II, self.device_scope("II")))
        elif kind == E.DEVICE_MANUFACTURER:
            codes = sorted(
                {p.approval_number[9:11] for p in products if p.device_class == DeviceClass.II}
            )
            licences.append(
                make(K.DEVICE_MANUFACTURING, catalogue.device_scope("第二类医疗器械", codes))
            )
        elif kind == E.COSMETICS_MANUFACTURER:
            units = dict.fromkeys(self.cosmetic_units[p.name] for p in products)
            licences.append(make(K.COSMETICS_MANUFACTURING, "；".join(units)))
        elif kind == E.ONLINE_PLATFORM and self.chance(0.8):
            licences.append(make(K.ONLINE_DRUG_SALES, catalogue.PLATFORM_SCOPE))
        return licences

    def relocated(self, enterprise: EnterpriseRow, current: LicenceRow) -> LicenceRow:
        """The licence at the former premises, cancelled when the new one was issued."""
        until = current.valid_from + dt.timedelta(days=self.random.randint(100, 1400))
        valid_from = years_before(until, 5) + dt.timedelta(days=1)
        old = LicenceRow(
            **{
                **current.__dict__,
                "number": self.licence_number(current.kind, enterprise, valid_from.year),
                "registered_address": self.address(enterprise.region_code),
                "issued_on": valid_from,
                "valid_from": valid_from,
                "valid_until": until,
                "status": LicenceStatus.CANCELLED,
            }
        )
        return old

    def device_scope(self, device_class: str, *, pharmacy: bool = False) -> str:
        if device_class == "III":
            codes = catalogue.DEVICE_III_CATEGORIES
            label = "第三类医疗器械"
        else:
            codes = (
                catalogue.PHARMACY_DEVICE_II_CATEGORIES
                if pharmacy
                else catalogue.DEVICE_II_CATEGORIES
            )
            label = "第二类医疗器械（不含体外诊断试剂）" if pharmacy else "第二类医疗器械"
        chosen = sorted(self.random.sample(codes, self.random.randint(2, min(6, len(codes)))))
        return catalogue.device_scope(label, chosen)

    def manufacturing_scope(self, enterprise: EnterpriseRow, products: list[ProductRow]) -> str:
        forms = dict.fromkeys(
            self.licence_forms[p.name] for p in products if p.kind == ProductKind.DRUG
        )
        if enterprise.kind == E.MAH:
            contractors = dict.fromkeys(p.manufacturer_name for p in products)
            return f"委托生产：{'、'.join(forms)}（受托方：{'、'.join(contractors)}）"
        parts = list(forms)
        if any(p.kind == ProductKind.TCM_PIECE for p in products):
            parts.append(catalogue.PIECE_PROCESSES)
        return "、".join(parts)

    # --- products ---------------------------------------------------------------------------
    licence_forms = {drug.name: drug.licence_form for drug in catalogue.DRUGS}

    def drug_approval(self, letter: str) -> str:
        def make() -> str:
            if self.chance(0.65):  # numbers of the 2002 national re-numbering: 36 = Jiangxi
                return f"国药准字{letter}3602{self.random.randrange(0, 10000):04d}"
            year = self.random.randint(3, self.today.year % 100 - 1)
            return f"国药准字{letter}20{year:02d}{self.random.randrange(1, 10000):04d}"

        return self.unique(make)

    def drugs_of(
        self, enterprise: EnterpriseRow, manufacturers: list[EnterpriseRow]
    ) -> list[ProductRow]:
        if enterprise.kind == E.MAH:
            count = self.random.randint(4, 14)
            if manufacturers and self.chance(0.9):
                contractor = self.random.choice(manufacturers)
                maker_uscc, maker_name = contractor.uscc, contractor.name
            else:  # made by a contract manufacturer in another province
                brand = self.random.choice(names.BRANDS)
                maker_uscc = None
                maker_name = f"{self.random.choice(names.OTHER_PROVINCES)}{brand}制药有限公司"
        else:
            count = self.random.randint(6, 16)
            maker_uscc, maker_name = enterprise.uscc, enterprise.name
        choices = [(drug, strength) for drug in catalogue.DRUGS for strength in drug.strengths]
        holder_code = int(self.unique(lambda: f"{self.random.randrange(10000, 99999)}"))
        products = []
        for index, (drug, strength) in enumerate(self.random.sample(choices, count)):
            status = ProductStatus.VALID
            until = self.today + dt.timedelta(days=self.random.randint(30, 5 * 365))
            if self.chance(0.01):
                status = ProductStatus.CANCELLED
                until = self.today - dt.timedelta(days=self.random.randint(30, 900))
            products.append(
                ProductRow(
                    kind=ProductKind.DRUG,
                    name=drug.name,
                    holder_uscc=enterprise.uscc,
                    holder_name=enterprise.name,
                    manufacturer_uscc=maker_uscc,
                    manufacturer_name=maker_name,
                    approval_number=self.drug_approval(drug.letter),
                    approval_valid_until=until,
                    dosage_form=drug.dosage_form,
                    strength=strength,
                    package_spec=drug.package.format(s=strength),
                    rx_class=drug.rx_class,
                    trace_product_code=self.unique(
                        lambda: f"{self.random.randrange(8100000, 8999999)}"
                    ),
                    national_drug_code=national_drug_code(f"869{holder_code:05d}{index + 1:05d}"),
                    status=status,
                )
            )
        return products

    def pieces_of(self, enterprise: EnterpriseRow) -> list[ProductRow]:
        count = min(len(catalogue.PIECES), self.random.randint(15, 35))
        return [
            ProductRow(
                kind=ProductKind.TCM_PIECE,
                name=piece.name,
                holder_uscc=enterprise.uscc,
                holder_name=enterprise.name,
                manufacturer_uscc=enterprise.uscc,
                manufacturer_name=enterprise.name,
                dosage_form="饮片",
                package_spec=self.random.choice(catalogue.PIECE_PACKAGES),
                botanical_source=piece.source,
                origin=self.random.choice(piece.origins),
                processing_method=piece.processing,
                standard=self.random.choices(catalogue.PIECE_STANDARDS, weights=(80, 20))[0],
            )
            for piece in self.random.sample(catalogue.PIECES, count)
        ]

    def devices_of(self, enterprise: EnterpriseRow) -> list[ProductRow]:
        devices = self.random.sample(catalogue.DEVICES, self.random.randint(3, 9))
        if not any(d.device_class == "II" for d in devices):  # a licence needs a class II product
            devices[0] = self.random.choice(
                [d for d in catalogue.DEVICES if d.device_class == "II"]
            )
        company = self.unique(lambda: f"69{self.random.randrange(0, 10**7):07d}")
        city = CITY_ABBREVIATIONS[enterprise.region_code[:4]]
        products = []
        for index, device in enumerate(devices):
            year = self.random.randint(2015, self.today.year)
            if device.device_class == "II":
                serial = self.serial("device-II", year, start=20, step=2)
                number = f"赣械注准{year}2{device.category}{serial:04d}"
                until = self.today + dt.timedelta(days=self.random.randint(30, 5 * 365))
            else:
                number = f"赣{city}械备{year}{self.serial('device-I', city, year, step=2):04d}号"
                until = None
            body = f"0{company}{index + 1:03d}"
            products.append(
                ProductRow(
                    kind=ProductKind.DEVICE,
                    name=device.name,
                    holder_uscc=enterprise.uscc,
                    holder_name=enterprise.name,
                    manufacturer_uscc=enterprise.uscc,
                    manufacturer_name=enterprise.name,
                    approval_number=number,
                    approval_valid_until=until,
                    strength=self.random.choice(device.models),
                    package_spec=device.package,
                    device_class=device.device_class,
                    udi_di=body + ean.calc_check_digit(body),
                )
            )
        return products

    def cosmetics_of(self, enterprise: EnterpriseRow) -> list[ProductRow]:
        brand = enterprise.name.removeprefix("江西").split("生物")[0]
        ordinary = [c for c in catalogue.COSMETICS if not c.special]
        special = [c for c in catalogue.COSMETICS if c.special]
        chosen = self.random.sample(ordinary, self.random.randint(3, 8))
        if self.chance(0.25):  # a few makers also have a special cosmetic (国妆特字)
            chosen += self.random.sample(special, self.random.randint(1, 2))
        products = []
        for cosmetic in chosen:
            name = f"{brand}{cosmetic.name}"
            self.cosmetic_units[name] = cosmetic.unit
            year = self.random.randint(2021, self.today.year)
            if cosmetic.special:
                number = f"国妆特字G{year}{self.serial('cosmetic-special', year, step=2):04d}"
                until = self.today + dt.timedelta(days=self.random.randint(30, 5 * 365))
            else:
                serial = self.serial("cosmetic", year, start=100, step=3, limit=999999)
                number = f"赣G妆网备字{year}{serial:06d}"
                until = None
            products.append(
                ProductRow(
                    kind=ProductKind.COSMETIC,
                    name=name,
                    brand_name=brand,
                    holder_uscc=enterprise.uscc,
                    holder_name=enterprise.name,
                    manufacturer_uscc=enterprise.uscc,
                    manufacturer_name=enterprise.name,
                    approval_number=number,
                    approval_valid_until=until,
                    strength=self.random.choice(cosmetic.sizes),
                    package_spec="1瓶/盒" if "ml" in cosmetic.sizes[0] else "1支/盒",
                    cosmetic_category=CosmeticCategory.SPECIAL
                    if cosmetic.special
                    else CosmeticCategory.ORDINARY,
                )
            )
        return products

    def products_of(
        self, enterprise: EnterpriseRow, manufacturers: list[EnterpriseRow], piece_makers: set[str]
    ) -> list[ProductRow]:
        kind = enterprise.kind
        if kind in (E.DRUG_MANUFACTURER, E.MAH):
            products = self.drugs_of(enterprise, manufacturers)
            if enterprise.uscc in piece_makers:
                products += self.pieces_of(enterprise)
            return products
        if kind == E.DEVICE_MANUFACTURER:
            return self.devices_of(enterprise)
        if kind == E.COSMETICS_MANUFACTURER:
            return self.cosmetics_of(enterprise)
        return []

    # --- everything -------------------------------------------------------------------------
    def registers(self, enterprises: list[EnterpriseRow]) -> Registers:
        manufacturers = [e for e in enterprises if e.kind == E.DRUG_MANUFACTURER]
        # about a quarter of the drug manufacturers also process decoction pieces
        piece_makers = {e.uscc for e in manufacturers if self.chance(0.25)}
        if manufacturers and not piece_makers:
            piece_makers.add(manufacturers[0].uscc)
        result = Registers()
        for enterprise in enterprises:
            products = self.products_of(enterprise, manufacturers, piece_makers)
            people = self.people_of(enterprise)
            result.products += products
            result.people += people
            result.licences += self.licences_of(enterprise, people, products)
        return result
