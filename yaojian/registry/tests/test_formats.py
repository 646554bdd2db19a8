"""The official number formats: valid numbers pass in canonical form, each mistake says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean
from stdnum.iso7064 import mod_11_10

from yaojian.registry import formats
from yaojian.registry.choices import LicenceKind
from yaojian.registry.services.licences import validate_number

YEARS = st.integers(1990, dt.date.today().year)
SERIAL4 = st.integers(0, 9999).map(lambda n: f"{n:04d}")
CITIES = st.sampled_from(sorted(formats.CITY_ABBREVIATIONS))
PROVINCES = st.sampled_from(sorted(formats.PROVINCE_ABBREVIATIONS.values()))


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


@settings(max_examples=80)
@given(province=PROVINCES, year=YEARS, serial=SERIAL4)
def test_drug_manufacturing_numbers(province, year, serial):
    number = f"{province}{year}{serial}"
    assert formats.validate_drug_manufacturing_number(f" {number} ") == number


@settings(max_examples=80)
@given(
    city=CITIES,
    kind=st.sampled_from(sorted(formats.DRUG_TRADING_CLASS)),
    legal=st.sampled_from("AB"),
    serial=st.integers(0, 99999),
)
def test_drug_trading_numbers_and_their_class_letter(city, kind, legal, serial):
    number = f"赣{kind}{legal}{city}{serial:05d}"
    expected = formats.DRUG_TRADING_CLASS[kind]
    assert formats.validate_drug_trading_number(number, expected_class=expected) == number
    other = next(v for v in formats.DRUG_TRADING_CLASS.values() if v != expected)
    with pytest.raises(ValidationError) as caught:
        formats.validate_drug_trading_number(number, expected_class=other)
    assert codes(caught.value) == {"number_class"}


def test_drug_trading_number_with_an_unknown_city_of_this_province():
    with pytest.raises(ValidationError) as caught:
        formats.validate_drug_trading_number("赣DA369900001")
    assert codes(caught.value) == {"number_region"}


@settings(max_examples=60)
@given(
    city=st.sampled_from(sorted(formats.CITY_ABBREVIATIONS.values())),
    year=YEARS,
    serial=SERIAL4,
    filing=st.booleans(),
)
def test_device_trading_numbers(city, year, serial, filing):
    word = "备" if filing else "许"
    number = f"赣{city}药监械经营{word}{year}{serial}号"
    assert formats.validate_device_trading_number(number, filing=filing) == number
    with pytest.raises(ValidationError):
        formats.validate_device_trading_number(number, filing=not filing)


def test_full_width_and_spaces_are_normalised():
    assert (
        formats.validate_cosmetics_manufacturing_number("赣妆 ２０１６００１２") == "赣妆20160012"
    )
    assert (
        formats.validate_online_sales_number("（赣）网药销备字〔2025〕第000123号")
        == "(赣)网药销备字[2025]第000123号"
    )
    assert formats.validate_drug_approval_number("国药准字h20203456") == "国药准字H20203456"


def test_impossible_years_are_refused():
    next_years = dt.date.today().year + 5
    with pytest.raises(ValidationError) as caught:
        formats.validate_drug_manufacturing_number(f"赣{next_years}0001")
    assert codes(caught.value) == {"number_year"}


@pytest.mark.parametrize("number", ["赣2019001", "20190012", "赣X20190012", "苏妆20160012", ""])
def test_wrong_drug_manufacturing_numbers(number):
    with pytest.raises(ValidationError) as caught:
        formats.validate_drug_manufacturing_number(number)
    assert codes(caught.value) == {"number_format"}


@pytest.mark.parametrize(
    ("number", "device_class", "ok"),
    [
        ("国械注准20193090123", "III", True),
        ("赣械注准20202140012", "II", True),
        ("国械注进20173460015", "III", True),
        ("赣洪械备20200001号", "I", True),
        ("赣洪械备20200001", "I", True),
        ("国械注准20193090123", "II", False),
        ("赣洪械备20200001号", "II", False),
        ("国械注准2019309012", "III", False),
    ],
)
def test_device_registration_numbers(number, device_class, ok):
    if ok:
        assert formats.validate_device_registration_number(number, device_class=device_class)
    else:
        with pytest.raises(ValidationError):
            formats.validate_device_registration_number(number, device_class=device_class)


@pytest.mark.parametrize(
    ("number", "special", "ok"),
    [
        ("国妆特字G20200001", True, True),
        ("国妆特进字J20190012", True, True),
        ("赣G妆网备字2020000123", False, True),
        ("国妆网备进字（赣）2021000456", False, True),
        ("赣G妆网备字2020000123", True, False),
        ("国妆特字G20200001", False, False),
        ("妆网备字2020000123", None, False),
    ],
)
def test_cosmetic_numbers(number, special, ok):
    if ok:
        assert formats.validate_cosmetic_number(number, special=special)
    else:
        with pytest.raises(ValidationError):
            formats.validate_cosmetic_number(number, special=special)


@settings(max_examples=150)
@given(
    body=st.text(alphabet="0123456789", min_size=10, max_size=10),
    position=st.integers(3, 13),
    digit=st.sampled_from("0123456789"),
)
def test_national_drug_code_check_digit(body, position, digit):
    # ISO 7064 MOD 11,10 detects every single-digit error
    code = formats.national_drug_code("869" + body)
    assert formats.validate_national_drug_code(code) == code
    changed = code[:position] + digit + code[position + 1 :]
    if changed != code:
        with pytest.raises(ValidationError) as caught:
            formats.validate_national_drug_code(changed)
        assert codes(caught.value) == {"drug_code_checksum"}
        expected = mod_11_10.calc_check_digit(changed[:13])
        with translation.override("en"):
            assert f"should be {expected}" in caught.value.messages[0]


@settings(max_examples=100)
@given(body=st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_udi_di_gs1_check_digit(body):
    code = body + ean.calc_check_digit(body)
    assert formats.validate_udi_di(code) == code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as caught:
        formats.validate_udi_di(wrong)
    assert codes(caught.value) == {"udi_checksum"}
    with translation.override("en"):
        assert f"should be {code[-1]}" in caught.value.messages[0]


@pytest.mark.parametrize("kind", [k.value for k in LicenceKind])
def test_every_licence_kind_has_a_format(kind):
    from yaojian.testing.factories import licence_number

    number = licence_number(kind)
    assert validate_number(kind, number) == formats.normalise(number).replace("（", "(").replace(
        "）", ")"
    )
    with pytest.raises(ValidationError):
        validate_number(kind, "X" + number)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("赣DA3601", True),
        ("国药准字H2020", True),
        ("91360102", True),
        ("赣洪药监械经营", True),
        ("(赣)网药", True),
        ("赣江医药", False),
        ("康宁", False),
        ("dfyf", False),
        ("9136", False),
    ],
)
def test_search_tells_numbers_from_names(text, number):
    assert formats.looks_like_number(text) is number
