"""Deterministic demo data: the same seed gives the same province, byte for byte.

Everything here is pure (no database): names, valid unified social credit codes, valid
resident ID numbers, addresses inside the right counties. `loader.py` writes it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from stdnum import numdb
from stdnum.cn import ric

from yaojian.core import regions
from yaojian.core.validators import uscc_with_check_character
from yaojian.demo import names
from yaojian.registry.choices import EnterpriseKind, RiskGrade

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 characters
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Share of each kind among the province's supervised entities.
KIND_WEIGHTS = (
    (EnterpriseKind.RETAIL_PHARMACY, 34),
    (EnterpriseKind.RETAIL_CHAIN_STORE, 26),
    (EnterpriseKind.MEDICAL_INSTITUTION, 16),
    (EnterpriseKind.DEVICE_DISTRIBUTOR, 11),
    (EnterpriseKind.WHOLESALER, 5),
    (EnterpriseKind.DRUG_MANUFACTURER, 3),
    (EnterpriseKind.DEVICE_MANUFACTURER, 2),
    (EnterpriseKind.MAH, 1),
    (EnterpriseKind.COSMETICS_MANUFACTURER, 1),
    (EnterpriseKind.ONLINE_PLATFORM, 1),
)
# Provincial capital and big cities hold more enterprises.
CITY_WEIGHTS = {
    "3601": 22,
    "3602": 5,
    "3603": 6,
    "3604": 11,
    "3605": 4,
    "3606": 4,
    "3607": 17,
    "3608": 9,
    "3609": 10,
    "3610": 7,
    "3611": 12,
}
SCALES = {"tiny": 120, "demo": 1500, "province": 25000}


@dataclass
class EnterpriseRow:
    name: str
    uscc: str
    kind: str
    legal_representative: str
    legal_representative_id: str
    address: str
    region_code: str
    phone: str
    risk_grade: str
    chain_key: str | None = None  # stores point at their headquarters by this key
    latitude: float | None = None  # WGS-84, near the county's seat
    longitude: float | None = None


class ProvinceGenerator:
    def __init__(self, seed: int = 2026) -> None:
        self.random = random.Random(seed)
        # positions draw from their own stream, so that adding them changed no name or code
        self.places = random.Random(f"places:{seed}")
        self.used_uscc: set[str] = set()
        self.used_names: set[str] = set()
        self.counties = [r for r in regions.divisions().values() if r.level == regions.COUNTY]

    # --- people -------------------------------------------------------------------------
    def person_name(self) -> str:
        given = "".join(
            self.random.choice(names.GIVEN) for _ in range(self.random.choice((1, 2, 2)))
        )
        return self.random.choice(names.SURNAMES) + given

    def resident_id(self) -> str:
        """A valid ID number of someone born in the province between 1958 and 1998.

        Its first six digits are a division that existed in the birth year (older people carry
        the codes of former prefectures), which is what python-stdnum checks.
        """
        while True:
            birth = dt.date(1958, 1, 1) + dt.timedelta(days=self.random.randrange(0, 365 * 40))
            place = self.random.choice(_PROVINCE_CODES)
            body = f"{place}{birth:%Y%m%d}{self.random.randrange(0, 1000):03d}"
            if _born_there(place, birth.year):  # what ric.is_valid checks, cached
                return body + ric.calc_check_digit(body + "0")

    def mobile(self) -> str:
        return self.random.choice(
            ("138", "139", "135", "137", "150", "158", "187", "189", "199")
        ) + (f"{self.random.randrange(0, 10**8):08d}")

    def landline(self, region_code: str) -> str:
        return f"{names.AREA_CODES.get(region_code[:4], '0791')}-{self.random.randrange(8000000, 8999999)}"

    # --- places ---------------------------------------------------------------------------
    def county(self) -> regions.Region:
        cities = list(names.AREA_CODES)
        city = self.random.choices(cities, weights=[CITY_WEIGHTS[c] for c in cities])[0]
        return self.random.choice([c for c in self.counties if c.code.startswith(city)])

    def address(self, region_code: str) -> str:
        base = regions.full_name(region_code)
        if self.random.random() < 0.18:
            town = self.random.choice(names.TOWNS) + self.random.choice(names.TOWN_SUFFIXES)
            return f"{base}{town}{self.random.choice(names.ROADS)}{self.random.randrange(1, 300)}号"
        return f"{base}{self.random.choice(names.ROADS)}{self.random.randrange(1, 1200)}号"

    def position(self, region_code: str) -> tuple[float, float]:
        """WGS-84 latitude and longitude of premises in the county: its seat plus a few km."""
        latitude, longitude = county_seat(region_code)
        north = max(-0.04, min(0.04, self.places.gauss(0, 0.012)))
        east = max(-0.04, min(0.04, self.places.gauss(0, 0.012)))
        return round(latitude + north, 6), round(longitude + east, 6)

    # --- codes ----------------------------------------------------------------------------
    def uscc(self, region_code: str, authority: str = "91") -> str:
        while True:
            body = "".join(
                self.random.choice(ORG_CODE_ALPHABET[:10] + "ABCDEFGHJKLMN") for _ in range(8)
            )
            org = body + _org_code_check(body)
            code = uscc_with_check_character(f"{authority}{region_code}{org}")
            if code not in self.used_uscc:
                self.used_uscc.add(code)
                return code

    # --- enterprises ----------------------------------------------------------------------
    def enterprise(self, kind: str, county: regions.Region | None = None) -> EnterpriseRow:
        county = county or self.county()
        city = regions.get(county.code[:4] + "00")
        city_short = city.name.removesuffix("市")
        county_short = county.name[:-1] if len(county.name) > 2 else county.name
        brand = self.random.choice(names.BRANDS)
        authority = "91"
        for _attempt in range(20):
            if kind == EnterpriseKind.RETAIL_PHARMACY:
                name = self.random.choice(
                    (
                        f"{city_short}市{county.name}{brand}药店",
                        f"{county_short}{brand}大药房",
                        f"{county.name}{brand}堂药店",
                    )
                )
                authority = "92" if self.random.random() < 0.5 else "91"
            elif kind == EnterpriseKind.RETAIL_CHAIN_HQ:
                name = f"江西{brand}大药房连锁有限公司"
            elif kind == EnterpriseKind.WHOLESALER:
                name = self.random.choice(
                    (f"江西{brand}医药有限公司", f"{city_short}{brand}医药有限公司")
                )
            elif kind == EnterpriseKind.DRUG_MANUFACTURER:
                name = self.random.choice(
                    (f"江西{brand}药业有限公司", f"{city_short}{brand}制药有限公司")
                )
            elif kind == EnterpriseKind.MAH:
                name = f"江西{brand}医药科技有限公司"
            elif kind == EnterpriseKind.MEDICAL_INSTITUTION:
                choice = self.random.random()
                if choice < 0.25:
                    name = (
                        f"{county.name}{self.random.choice(('人民医院', '中医院', '妇幼保健院'))}"
                    )
                    authority = "12"
                elif choice < 0.5:
                    name = f"{county.name}{self.random.choice(names.TOWNS)}{self.random.choice(names.TOWN_SUFFIXES)}卫生院"
                    authority = "12"
                else:
                    name = (
                        f"{county_short}{brand}{self.random.choice(('诊所', '门诊部', '口腔诊所'))}"
                    )
                    authority = "52"
            elif kind == EnterpriseKind.DEVICE_DISTRIBUTOR:
                name = f"{city_short}{brand}医疗器械有限公司"
            elif kind == EnterpriseKind.DEVICE_MANUFACTURER:
                name = f"江西{brand}医疗器械科技有限公司"
            elif kind == EnterpriseKind.COSMETICS_MANUFACTURER:
                name = f"江西{brand}生物科技有限公司"
            else:
                name = f"江西{brand}网络科技有限公司"
            if name not in self.used_names:
                break
            brand = self.random.choice(names.BRANDS)[0] + self.random.choice(names.BRANDS)[-1]
        self.used_names.add(name)
        latitude, longitude = self.position(county.code)
        return EnterpriseRow(
            name=name,
            uscc=self.uscc(county.code, authority),
            kind=kind,
            legal_representative=self.person_name(),
            legal_representative_id=self.resident_id(),
            address=self.address(county.code),
            region_code=county.code,
            phone=self.landline(county.code) if self.random.random() < 0.6 else self.mobile(),
            risk_grade=self.random.choices([g.value for g in RiskGrade], weights=(30, 50, 15, 5))[
                0
            ],
            latitude=latitude,
            longitude=longitude,
        )

    def chain(
        self, brand_name: str, hq_county: regions.Region, stores: list[regions.Region]
    ) -> list[EnterpriseRow]:
        """A retail chain: its headquarters and one store per given county."""
        hq = self.enterprise(EnterpriseKind.RETAIL_CHAIN_HQ, hq_county)
        hq.name = brand_name
        self.used_names.add(brand_name)
        hq.chain_key = brand_name
        rows = [hq]
        for county in stores:
            store = self.enterprise(EnterpriseKind.RETAIL_CHAIN_STORE, county)
            road = store.address.removeprefix(regions.full_name(county.code))
            store.name = f"{brand_name}{county.name}{road[:3].rstrip('0123456789号')}店"
            if store.name in self.used_names:
                store.name = f"{store.name[:-1]}{self.random.randrange(2, 99)}店"
            self.used_names.add(store.name)
            store.chain_key = brand_name
            rows.append(store)
        return rows

    def enterprises(self, count: int) -> Iterator[EnterpriseRow]:
        kinds = [k for k, _ in KIND_WEIGHTS]
        weights = [w for _, w in KIND_WEIGHTS]
        chains: list[str] = []
        for _ in range(count):
            kind = self.random.choices(kinds, weights=weights)[0]
            if kind == EnterpriseKind.RETAIL_CHAIN_STORE:
                if not chains or (len(chains) < count // 150 + 2 and self.random.random() < 0.05):
                    hq = self.enterprise(EnterpriseKind.RETAIL_CHAIN_HQ)
                    hq.chain_key = hq.name
                    chains.append(hq.name)
                    yield hq
                    continue
                chain = self.random.choice(chains)
                store = self.enterprise(kind)
                county = regions.get(store.region_code)
                store.name = f"{chain}{county.name}{self.random.choice(names.BRANDS)}店"
                if store.name in self.used_names:
                    store.name = f"{store.name[:-1]}{self.random.randrange(2, 999)}店"
                self.used_names.add(store.name)
                store.chain_key = chain
                yield store
            else:
                yield self.enterprise(kind)


@cache
def county_seat(region_code: str) -> tuple[float, float]:
    """Approximate position of a county's seat: its city's centre and an offset that is the
    same in every demo (a county's enterprises cluster), small for a city's districts."""
    city_latitude, city_longitude = names.CITY_CENTRES[region_code[:4]]
    if region_code.endswith("00"):
        return city_latitude, city_longitude
    place = random.Random(f"county-seat:{region_code}")
    urban = regions.get(region_code) is not None and regions.get(region_code).name.endswith("区")
    low, high = (0.02, 0.15) if urban else (0.12, 0.35)
    return (
        city_latitude + place.choice((-1, 1)) * place.uniform(low, high),
        city_longitude + place.choice((-1, 1)) * place.uniform(low, high),
    )


def _all_codes_of_province(prefix: str = "36") -> list[str]:
    """Every county-level code stdnum knows under the province, current and former."""
    for _length, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        if low == prefix:
            return [prefix + child[1] for child in children if not child[1].endswith("00")]
    return []


_PROVINCE_CODES = _all_codes_of_province()


@cache
def _born_there(place: str, year: int) -> bool:
    """Whether python-stdnum accepts an ID number of someone born in `place` in `year`: the
    only part of its check that a generated number (real date, computed check digit) can
    fail. The same test as `ric.get_birth_place`, on the region table read once per place."""
    counties = _place_names(place)
    if counties is None:
        return False
    for county in counties.split(","):
        if not county.startswith("["):
            return True
        start, end = county[1:].split("]")[0].split("-")
        if (start and year < int(start)) or (end and year > int(end)):
            continue
        return True
    return False


@cache
def _place_names(place: str) -> str | None:
    info = {k: v for _part, props in numdb.get("cn/loc").info(place) for k, v in props.items()}
    return info.get("county") if info else None


def _org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code."""
    values = [ORG_CODE_ALPHABET.index(c) if c.isdigit() else ord(c) - 55 for c in body]
    remainder = 11 - sum(v * w for v, w in zip(values, ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))
