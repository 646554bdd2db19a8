"""The province's administrative divisions (GB/T 2260) and jurisdiction arithmetic.

Expected facts come from the world, not from the code: Jiangxi has 11 prefecture-level
cities and 100 county-level divisions; Honggutan district was created and Wanli district
abolished in 2019; Longnan county became a city in 2020; Shangrao county became Guangxin
district in 2019.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import numdb

from yaojian.core import regions

DIVISIONS = regions.divisions()
CITIES = [r for r in DIVISIONS.values() if r.level == regions.CITY]
COUNTIES = [r for r in DIVISIONS.values() if r.level == regions.COUNTY]


def stdnum_names(code: str) -> str:
    """The raw entry of python-stdnum's table for a code (all names with their years)."""
    return " ".join(
        props.get("county", "") for _part, props in numdb.get("cn/loc").info(code) if props
    )


def test_the_province_has_eleven_cities_and_a_hundred_county_level_divisions():
    assert DIVISIONS["360000"].name == "江西省"
    assert DIVISIONS["360000"].level == regions.PROVINCE
    assert len(CITIES) == 11
    assert len(COUNTIES) == 100
    assert {c.name for c in CITIES} == {
        "南昌市", "景德镇市", "萍乡市", "九江市", "新余市", "鹰潭市",
        "赣州市", "吉安市", "宜春市", "抚州市", "上饶市",
    }  # fmt: skip


def test_every_division_comes_from_stdnum_and_lies_inside_the_province():
    for code, region in DIVISIONS.items():
        assert re.fullmatch(r"36\d{4}", code)
        assert region.code == code
        assert region.name in stdnum_names(code)


def test_every_county_has_a_current_city_as_parent():
    for county in COUNTIES:
        parent = DIVISIONS.get(county.parent_code)
        assert parent is not None and parent.level == regions.CITY, county
        assert DIVISIONS[parent.parent_code].level == regions.PROVINCE
    assert DIVISIONS["360000"].parent_code is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("360113", "红谷滩区"),  # created 2019 from parts of Xinjian district
        ("360783", "龙南市"),  # county-level city since 2020
        ("361104", "广信区"),  # former Shangrao county, since 2019
        ("360402", "濂溪区"),  # renamed from 庐山区 in 2016
        ("360483", "庐山市"),  # former Xingzi county
        ("361128", "鄱阳县"),  # renamed from 波阳县 in 2003
    ],
)
def test_known_current_divisions_are_present_with_their_current_names(code, name):
    assert regions.get(code) is not None
    assert regions.get(code).name == name


@pytest.mark.parametrize(
    ("code", "former_name"),
    [
        ("360105", "湾里区"),  # abolished 2019
        ("360727", "龙南县"),  # became 龙南市 (360783) in 2020
        ("361121", "上饶县"),  # became 广信区 (361104) in 2019
    ],
)
def test_abolished_divisions_are_absent(code, former_name):
    assert former_name in stdnum_names(code)  # stdnum still knows the historic code
    assert regions.get(code) is None
    assert former_name not in {r.name for r in DIVISIONS.values()}


def test_placeholders_such_as_city_districts_are_not_divisions():
    names = {r.name for r in DIVISIONS.values()}
    assert not names & {"市辖区", "市区", "郊区"}


def test_children_of_a_city_are_its_counties():
    nanchang = {r.name for r in regions.children("360100")}
    assert {"东湖区", "西湖区", "红谷滩区", "南昌县"} <= nanchang
    assert "湾里区" not in nanchang
    assert len(regions.children_of_province()) == 11
    assert sum(len(regions.children(c.code)) for c in CITIES) == 100


# --- jurisdiction ------------------------------------------------------------------------


def test_province_range_covers_every_division_and_nothing_of_other_provinces():
    low, high = regions.jurisdiction_range("360000")
    assert all(low <= code <= high for code in DIVISIONS)
    for outside in ("350102", "370102", "110101", "440305"):
        assert not regions.contains("360000", outside)


def test_city_range_covers_exactly_its_counties():
    inside = {code for code in DIVISIONS if regions.contains("360100", code)}
    assert inside == {"360100", *(r.code for r in regions.children("360100"))}


def test_county_range_is_the_county_itself():
    assert regions.jurisdiction_range("360102") == ("360102", "360102")
    assert {code for code in DIVISIONS if regions.contains("360102", code)} == {"360102"}


def test_a_county_never_contains_its_city_or_province():
    for county in COUNTIES:
        assert not regions.contains(county.code, county.parent_code)
        assert not regions.contains(county.code, "360000")


@settings(max_examples=150, deadline=None)
@given(county=st.sampled_from(COUNTIES), other_city=st.sampled_from(CITIES))
def test_a_county_lies_inside_its_city_and_province_and_no_other_city(county, other_city):
    assert regions.contains(county.code, county.code)
    assert regions.contains(county.parent_code, county.code)
    assert regions.contains("360000", county.code)
    if other_city.code != county.parent_code:
        assert not regions.contains(other_city.code, county.code)
        low, high = regions.jurisdiction_range(other_city.code)
        assert not low <= county.code <= high


@settings(max_examples=100, deadline=None)
@given(a=st.sampled_from(CITIES), b=st.sampled_from(CITIES))
def test_city_ranges_do_not_overlap(a, b):
    if a.code != b.code:
        low_a, high_a = regions.jurisdiction_range(a.code)
        low_b, high_b = regions.jurisdiction_range(b.code)
        assert high_a < low_b or high_b < low_a


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "full"),
    [
        ("360000", "江西省"),
        ("360100", "江西省南昌市"),
        ("360102", "江西省南昌市东湖区"),
        ("360783", "江西省赣州市龙南市"),
        ("361104", "江西省上饶市广信区"),
    ],
)
def test_full_name_is_province_city_county(code, full):
    assert regions.full_name(code) == full


def test_full_name_of_every_county_starts_with_province_and_city_and_ends_with_county():
    for county in COUNTIES:
        city = DIVISIONS[county.parent_code]
        assert regions.full_name(county.code) == "江西省" + city.name + county.name


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("江西省", "Jiangxi Province"),
        ("南昌市", "Nanchang City"),
        ("红谷滩区", "Honggutan District"),
        ("景德镇市", "Jingdezhen City"),
        ("铅山县", "Yanshan County"),  # 铅 reads yán in this place name
        ("都昌县", "Duchang County"),  # 都 reads dū in place names
        ("宁都县", "Ningdu County"),
        ("于都县", "Yudu County"),
        ("吉安市", "Ji'an City"),  # an apostrophe separates syllables that start with a, o, e
        ("德安县", "De'an County"),
        ("万安县", "Wan'an County"),
        ("靖安县", "Jing'an County"),
        ("高安市", "Gao'an City"),
        ("乐安县", "Le'an County"),
        ("新干县", "Xingan County"),  # no apostrophe before g
        ("安远县", "Anyuan County"),  # nor at the start of a name
    ],
)
def test_english_name_follows_official_romanisation(name, english):
    assert regions.english_name(name) == english


def test_every_english_name_is_romanised_and_keeps_the_kind_of_division():
    words = {"省": "Province", "市": "City", "区": "District", "县": "County"}
    for region in DIVISIONS.values():
        english = region.name_en
        assert re.fullmatch(r"[A-Z][a-z']+ [A-Z][a-z]+", english), english
        assert english.endswith(words[region.name[-1]]), (region.name, english)
        assert "''" not in english and not english.split()[0].endswith("'")


def test_display_name_follows_the_active_language():
    from django.utils import translation

    region = regions.get("360113")
    with translation.override("en"):
        assert region.display_name == "Honggutan District"
        assert regions.name("360113") == "Honggutan District"
    with translation.override("zh-hans"):
        assert region.display_name == "红谷滩区"
    assert regions.name("999999") == "999999"
