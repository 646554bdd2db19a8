"""Administrative divisions (GB/T 2260) of the province, from python-stdnum's region table.

stdnum keeps every code with the years it was valid ("[1983-2019]湾里区"); a division is
current when its last range is open-ended. The table is checked in the tests against changes
we know of (红谷滩区 created 2019, 湾里区 abolished 2019, 龙南市 since 2020).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from pypinyin import lazy_pinyin
from stdnum import numdb

from yaojian.core.texts import chinese_or_english, reads_chinese

PROVINCE, CITY, COUNTY = "province", "city", "county"
_PLACEHOLDERS = frozenset({"市辖区", "市区", "郊区"})  # groupings in the table, not divisions

_RANGE = re.compile(r"^\[(\d*)-(\d*)\](.+)$")
_SUFFIXES = [  # longest first: the English name drops the Chinese suffix and adds a word
    ("自治县", "Autonomous County"),
    ("地区", "Prefecture"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str

    @property
    def parent_code(self) -> str | None:
        if self.level == PROVINCE:
            return None
        if self.level == CITY:
            return self.code[:2] + "0000"
        return self.code[:4] + "00"

    @property
    def name_en(self) -> str:
        return english_name(self.name)

    @property
    def display_name(self) -> str:
        return chinese_or_english(self.name, self.name_en)


def english_name(name: str) -> str:
    for suffix, word in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{_romanise(name[: -len(suffix)])} {word}"
    return _romanise(name)


# characters that place names read otherwise than pypinyin's everyday reading
_PLACE_READINGS = {"都": "du"}  # 宁都 Ningdu, 于都 Yudu, 都昌 Duchang (not dou)


def _romanise(text: str) -> str:
    """Hanyu Pinyin as official place names write it: 吉安 -> Ji'an, 宁都 -> Ningdu.

    An apostrophe separates a syllable that starts with a, o or e from the one before it
    (GB/T 16159, GB/T 17693.1), so that Ji'an is not read as Jian.
    """
    syllables = lazy_pinyin(text)
    if len(syllables) == len(text):  # one syllable per character
        syllables = [_PLACE_READINGS.get(char, s) for char, s in zip(text, syllables, strict=True)]
    word = ""
    for syllable in syllables:
        if word and word[-1].isalpha() and syllable[:1] in ("a", "o", "e"):
            word += "'"
        word += syllable
    return word.capitalize()


def _current_name(raw: str) -> str | None:
    """The name valid today, or None for a code no longer in use."""
    last = raw.split(",")[-1]
    match = _RANGE.match(last)
    if not match:
        return last  # valid throughout
    _start, end, name = match.groups()
    return None if end else name


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return CITY
    return COUNTY


@cache
def divisions(province_code: str | None = None) -> dict[str, Region]:
    """Current divisions of a province by code: the province, its cities and counties."""
    province_code = province_code or settings.YAOJIAN_PROVINCE_CODE
    prefix = province_code[:2]
    result: dict[str, Region] = {}
    for code_suffix, props in _entries_under(prefix):
        code = prefix + code_suffix
        name = _current_name(props.get("county", ""))
        if not name or name in _PLACEHOLDERS:
            continue
        result[code] = Region(code=code, name=name, level=level_of(code))
    # a city whose every county was abolished (a former 地区) is not current either
    cities_with_counties = {c[:4] for c, r in result.items() if r.level == COUNTY}
    return {
        code: region
        for code, region in sorted(result.items())
        if region.level != CITY or code[:4] in cities_with_counties
    }


def _entries_under(prefix: str) -> list[tuple[str, dict]]:
    """(4-digit suffix, properties) of every entry stdnum lists under a province prefix.

    numdb nodes are (length, low, high, properties, children); region codes are single
    values, so low == high.
    """
    for _length, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        if low == prefix:
            return [(child[1], child[3]) for child in children]
    return []


@cache
def national_division_names() -> dict[str, frozenset[str]]:
    """Current names of every division of China by level (for recognising addresses)."""
    names: dict[str, set[str]] = {PROVINCE: set(), CITY: set(), COUNTY: set()}
    for _length, prefix, _high, _props, children in numdb.get("cn/loc").prefixes:
        for _child_length, code_suffix, _child_high, props, _grandchildren in children:
            name = _current_name(props.get("county", ""))
            if name and len(name) > 1 and name not in _PLACEHOLDERS:
                names[level_of(prefix + code_suffix)].add(name)
    return {level: frozenset(level_names) for level, level_names in names.items()}


def get(code: str) -> Region | None:
    return divisions().get(code)


def name(code: str) -> str:
    region = get(code)
    return region.display_name if region else code


def children(code: str) -> list[Region]:
    return [r for r in divisions().values() if r.parent_code == code]


def children_of_province() -> list[Region]:
    return [r for r in divisions().values() if r.level == CITY]


def jurisdiction_range(code: str) -> tuple[str, str]:
    """The inclusive range of 6-digit codes inside a division.

    A range, not a LIKE prefix, so that PostgreSQL can use a plain b-tree index.
    """
    level = level_of(code)
    keep = {PROVINCE: 2, CITY: 4, COUNTY: 6}[level]
    prefix = code[:keep]
    return prefix + "0" * (6 - keep), prefix + "9" * (6 - keep)


def contains(outer: str, inner: str) -> bool:
    low, high = jurisdiction_range(outer)
    return low <= inner <= high


def full_name(code: str) -> str:
    """'江西省南昌市东湖区' for a county code: the form used in addresses."""
    parts = []
    for candidate in (code[:2] + "0000", code[:4] + "00", code):
        region = get(candidate)
        if region and (not parts or parts[-1] != region.name):
            parts.append(region.name)
    return "".join(dict.fromkeys(parts))


def display_path(code: str) -> str:
    """The city and county of a code in the user's language: 南昌市东湖区 / Donghu District, Nanchang City."""
    region = get(code)
    if region is None:
        return code
    city = get(code[:4] + "00") if region.level == COUNTY else None
    if not reads_chinese():
        return f"{region.name_en}, {city.name_en}" if city else region.name_en
    return (
        f"{city.name}{region.name}"
        if city and not region.name.startswith(city.name)
        else region.name
    )
