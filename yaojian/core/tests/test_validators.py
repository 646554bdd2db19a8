"""Validators of Chinese identifiers: each rejects bad input with a message that says why.

GB 32100 (unified social credit code): 2 characters for the registering authority and the
kind of organisation, 6 digits of the division code, 9 characters of the organisation code,
1 check character; the alphabet is the digits and capital letters without I, O, Z, S, V.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from yaojian.core import regions
from yaojian.core.validators import (
    normalise_uscc,
    uscc_with_check_character,
    validate_mobile,
    validate_region_code,
    validate_resident_id,
    validate_uscc,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGITS = "0123456789"
FORBIDDEN_LETTERS = "IOZSV"

# the characters allowed at each of the first 17 positions (GB 32100: authority, type,
# division, organisation code)
POSITION_ALPHABETS = ["123456789ANY", "123456789"] + [DIGITS] * 6 + [ALPHABET] * 9


def first17():
    return st.tuples(*(st.sampled_from(chars) for chars in POSITION_ALPHABETS)).map("".join)


def message(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)


def test_a_published_code_is_valid():
    # the unified social credit code of a real enterprise, as printed on its licence
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    assert validate_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"


@settings(max_examples=200, deadline=None)
@given(body=first17())
def test_any_body_completed_with_its_check_character_is_valid(body):
    code = uscc_with_check_character(body)
    assert len(code) == 18 and code.startswith(body)
    assert code[-1] in ALPHABET
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code  # case does not matter
    assert normalise_uscc(f" {code[:9]}-{code[9:].lower()} ") == code


@settings(max_examples=200, deadline=None)
@given(body=first17(), position=st.integers(0, 17), data=st.data())
def test_changing_any_one_character_breaks_the_check_and_names_the_expected_one(
    body, position, data
):
    code = uscc_with_check_character(body)
    allowed = ALPHABET if position == 17 else POSITION_ALPHABETS[position]
    replacement = data.draw(st.sampled_from([c for c in allowed if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError) as caught:
        validate_uscc(changed)
    error = caught.value
    assert error.code == "uscc_checksum"
    expected = uscc_with_check_character(changed[:17])[-1]
    assert f"it should be {expected}" in message(error)
    if position == 17:
        assert expected == code[17]  # the original character is the one named


@settings(max_examples=100, deadline=None)
@given(body=first17(), cut=st.integers(0, 17), extra=st.text(ALPHABET, min_size=1, max_size=5))
def test_wrong_length_says_how_long_it_is(body, cut, extra):
    code = uscc_with_check_character(body)
    for wrong in (code[:cut], code + extra):
        with pytest.raises(ValidationError) as caught:
            validate_uscc(wrong)
        assert caught.value.code == "uscc_length"
        assert f"this one has {len(wrong)}" in message(caught.value)


@settings(max_examples=100, deadline=None)
@given(
    body=first17(),
    position=st.integers(0, 16),
    bad=st.sampled_from(FORBIDDEN_LETTERS + "#é中_!"),
)
def test_a_character_outside_the_alphabet_is_a_format_error(body, position, bad):
    code = uscc_with_check_character(body)
    changed = code[:position] + bad + code[position + 1 :]
    with pytest.raises(ValidationError) as caught:
        validate_uscc(changed)
    assert caught.value.code == "uscc_format"
    assert "other than I, O, Z, S and V" in message(caught.value)


def test_a_letter_in_the_division_code_is_a_format_error():
    assert validate_uscc(uscc_with_check_character("91360102MA3511111"))
    with pytest.raises(ValidationError) as caught:
        validate_uscc(uscc_with_check_character("913601A2MA3511111"))
    assert caught.value.code == "uscc_format"


def test_authority_codes_with_letters_are_valid():
    """N2…: a village collective economic organisation registered by agriculture (农业)."""
    for first17 in ("N2360102MA3511111", "Y1360102MA3511111", "A1360102MA3511111"):
        code = uscc_with_check_character(first17)
        assert validate_uscc(code) == code


@pytest.mark.parametrize("first17", ["01360102MA3511111", "90360102MA3511111", "B1360102MA3511111"])
def test_unknown_authority_or_type_code_is_a_format_error(first17):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(uscc_with_check_character(first17))
    assert caught.value.code == "uscc_format"


def test_empty_or_missing_codes_are_length_errors():
    for value in ("", None, "   "):
        with pytest.raises(ValidationError) as caught:
            validate_uscc(value)
        assert caught.value.code == "uscc_length"


# --- resident ID --------------------------------------------------------------------------


def resident_id(region: str, birth: dt.date, serial: int) -> str:
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


COUNTY_CODES = sorted(r.code for r in regions.divisions().values() if r.level == regions.COUNTY)
# the current counties all exist since 2020 at the latest (龙南市, 360783)
births = st.dates(min_value=dt.date(2021, 1, 1), max_value=timezone.localdate())


@settings(max_examples=150, deadline=None)
@given(region=st.sampled_from(COUNTY_CODES), birth=births, serial=st.integers(0, 999))
def test_a_resident_id_with_the_right_check_digit_is_valid(region, birth, serial):
    number = resident_id(region, birth, serial)
    assert validate_resident_id(number) == number
    assert validate_resident_id(number.lower()) == number  # a lower-case x check digit


@settings(max_examples=150, deadline=None)
@given(
    region=st.sampled_from(COUNTY_CODES),
    birth=births,
    serial=st.integers(0, 999),
    wrong=st.sampled_from("0123456789X"),
)
def test_a_wrong_check_digit_is_refused(region, birth, serial, wrong):
    number = resident_id(region, birth, serial)
    assume(number[-1] != wrong)
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(number[:-1] + wrong)
    assert caught.value.code == "ric_checksum"
    assert "check character" in message(caught.value)


@pytest.mark.parametrize("date_part", ["19900230", "19901301", "19900001", "20230229"])
def test_an_impossible_birth_date_is_refused(date_part):
    body = f"360102{date_part}123"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(number)
    assert caught.value.code == "ric_component"
    assert "impossible birth date" in message(caught.value)


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)  # in China
    number = resident_id("360102", tomorrow, 123)
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(number)
    assert caught.value.code == "ric_component"


def test_a_region_that_did_not_exist_at_birth_is_refused():
    # Honggutan district (360113) was created in 2019
    assert validate_resident_id(resident_id("360113", dt.date(2020, 5, 1), 1))
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(resident_id("360113", dt.date(1990, 5, 1), 1))
    assert caught.value.code == "ric_component"


@pytest.mark.parametrize("value", ["", "36010219900101123", "3601021990010112345"])
def test_a_resident_id_of_the_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(value)
    assert caught.value.code == "ric_length"
    assert f"this one has {len(value)}" in message(caught.value)


def test_letters_inside_a_resident_id_are_a_format_error():
    with pytest.raises(ValidationError) as caught:
        validate_resident_id("36010219900A011234")
    assert caught.value.code == "ric_format"


# --- mobile numbers -----------------------------------------------------------------------

mobiles = st.tuples(st.sampled_from("3456789"), st.text(DIGITS, min_size=9, max_size=9)).map(
    lambda parts: "1" + parts[0] + parts[1]
)


@settings(max_examples=150, deadline=None)
@given(number=mobiles)
def test_mobile_numbers_are_accepted_with_or_without_separators_and_country_code(number):
    assert validate_mobile(number) == number
    assert validate_mobile(f"{number[:3]} {number[3:7]} {number[7:]}") == number
    assert validate_mobile(f"{number[:3]}-{number[3:7]}-{number[7:]}") == number
    assert validate_mobile(f"+86 {number}") == number


# digits of any script (Unicode category Nd) where a mobile number has its last nine
any_script_mobiles = st.tuples(
    st.sampled_from("3456789"), st.text(st.characters(categories=["Nd"]), min_size=9, max_size=9)
).map(lambda parts: "1" + parts[0] + parts[1])


@settings(max_examples=150, deadline=None)
@given(value=st.text(max_size=16) | any_script_mobiles)
def test_whatever_is_accepted_is_eleven_ascii_digits_of_a_mobile_number(value):
    try:
        number = validate_mobile(value)
    except ValidationError as error:
        assert error.code == "mobile"
        assert "11 digits" in message(error)
    else:
        assert len(number) == 11 and number.isascii() and number.isdigit()
        assert number[0] == "1" and number[1] in "3456789"


@pytest.mark.parametrize(
    "value",
    ["", "12800138000", "1380013800", "138001380001", "0791-86001234", "1380013800O"],
)
def test_non_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        validate_mobile(value)
    assert caught.value.code == "mobile"


def test_non_ascii_digits_are_refused_or_normalised():
    # Full-width digits (as typed with a Chinese input method) become ASCII digits;
    # digits of other scripts are not a phone number.
    assert validate_mobile("１３８００１３８０００") == "13800138000"
    with pytest.raises(ValidationError):
        validate_mobile("13٨٠٠١٣٨٠٠٠")


# --- region codes -------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(code=st.sampled_from(sorted(regions.divisions())))
def test_every_current_division_is_a_valid_region_code(code):
    assert validate_region_code(code) == code


@pytest.mark.parametrize("code", ["360105", "360727", "361121", "350102", "360199", "", "abc"])
def test_abolished_foreign_or_made_up_codes_are_refused(code):
    with pytest.raises(ValidationError) as caught:
        validate_region_code(code)
    assert caught.value.code == "region"
    assert code in message(caught.value)
