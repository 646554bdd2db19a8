"""Masking of personal data: what each masker keeps, and that what it hides never shows."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from yaojian.core import masking, regions
from yaojian.core.masking import (
    MASK,
    mask,
    mask_address,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
)

COUNTY_CODES = sorted(r.code for r in regions.divisions().values() if r.level == regions.COUNTY)
EXAMPLES = settings(max_examples=100, deadline=None)

# text without the mask character, so that what the output shows can be traced to the input
plain = st.text(st.characters(blacklist_characters=MASK, blacklist_categories=["Cs"]))


@pytest.mark.parametrize("masker", list(masking.MASKERS.values()))
@pytest.mark.parametrize("empty", [None, ""])
def test_every_masker_turns_nothing_into_an_empty_string(masker, empty):
    assert masker(empty) == ""


def test_mask_dispatches_on_the_kind_of_data():
    assert mask("phone", "13812345678") == mask_phone("13812345678")
    assert mask("id_number", "360102199001011234") == mask_id_number("360102199001011234")
    with pytest.raises(KeyError):
        mask("passport", "E12345678")


# --- resident ID numbers -------------------------------------------------------------------


@EXAMPLES
@given(
    region=st.sampled_from(COUNTY_CODES),
    birth=st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31)),
    serial=st.integers(0, 999),
)
def test_an_id_number_keeps_region_and_last_four_and_never_shows_the_birth_date(
    region, birth, serial
):
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    number = body + ric.calc_check_digit(body + "0")
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked.startswith(region) and masked.endswith(number[-4:])
    assert f"{birth:%Y%m%d}" not in masked
    assert masked[6:14] == MASK * 8


@EXAMPLES
@given(value=plain.filter(lambda v: len(v) > 10))
def test_a_long_id_number_hides_everything_between_the_first_six_and_the_last_four(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:]
    assert set(masked[6:-4]) == {MASK}


@EXAMPLES
@given(value=plain.filter(lambda v: 0 < len(v) <= 10))
def test_a_short_id_number_is_fully_masked(value):
    assert mask_id_number(value) == MASK * len(value)


# --- phone numbers -------------------------------------------------------------------------


@EXAMPLES
@given(number=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_number_shows_only_its_first_three_and_last_four_digits(number):
    masked = mask_phone(number)
    assert masked == number[:3] + MASK * 4 + number[-4:]


@EXAMPLES
@given(value=plain.filter(bool))
def test_a_phone_number_keeps_its_length_and_always_hides_something(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    assert MASK in masked
    hidden = [i for i, c in enumerate(masked) if c == MASK]
    shown = [i for i, c in enumerate(masked) if c != MASK]
    # what is shown is the input at the same place: a prefix and a suffix, never the middle
    assert all(masked[i] == value[i] for i in shown)
    if shown and hidden:
        assert all(i < hidden[0] or i > hidden[-1] for i in shown)
        assert hidden == list(range(hidden[0], hidden[-1] + 1))


@EXAMPLES
@given(value=plain.filter(lambda v: 0 < len(v) <= 7))
def test_a_short_phone_number_is_fully_masked(value):
    # with three digits in front and four behind kept, nothing would be left to hide
    assert mask_phone(value) == MASK * len(value)


def test_a_landline_with_area_code_keeps_the_area_code_prefix_and_the_last_four():
    assert mask_phone("0791-86001234") == "079******1234"


# --- names ---------------------------------------------------------------------------------

chinese_name = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2)
latin_part = st.text(string.ascii_letters, min_size=1, max_size=12)


@EXAMPLES
@given(name=chinese_name)
def test_a_chinese_name_keeps_the_surname_character_only(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0]
    assert masked[1:] == MASK * (len(name) - 1)


def test_a_single_character_is_followed_by_a_mask():
    assert mask_name("张") == "张" + MASK


@EXAMPLES
@given(parts=st.lists(latin_part, min_size=2, max_size=4))
def test_a_name_in_several_words_keeps_the_first_letter_of_each(parts):
    name = " ".join(parts)
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked.split(" ") == [p[0] + MASK * (len(p) - 1) for p in parts]


@EXAMPLES
@given(name=plain.filter(lambda v: v.strip()))
def test_a_masked_name_shows_no_character_but_the_initials(name):
    masked = mask_name(name)
    initials = {part[0] for part in name.split()} | {name[0]}
    assert set(masked) <= initials | {MASK, " "}


# --- e-mail addresses ----------------------------------------------------------------------

local_part = st.text(string.ascii_lowercase + string.digits + "._", min_size=1, max_size=20)
domain_part = st.from_regex(r"[a-z0-9]{1,10}\.(com|cn|org|gov\.cn)", fullmatch=True)


@EXAMPLES
@given(local=local_part, domain=domain_part)
def test_an_email_keeps_the_first_character_and_the_domain(local, domain):
    masked = mask_email(f"{local}@{domain}")
    masked_local, masked_domain = masked.split("@")
    assert masked_domain == domain
    assert masked_local[0] == local[0]
    assert set(masked_local[1:]) == {MASK}
    if len(local) > 1:
        assert len(masked) == len(local) + 1 + len(domain)


def test_an_email_without_at_sign_is_masked_like_a_name():
    assert mask_email("zhangsan") == mask_name("zhangsan")


# --- addresses -----------------------------------------------------------------------------

street = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1).map(
    lambda s: s + "路"
) | st.from_regex(r"[人民八一大道中山北京西]{2,6}路[0-9]{1,4}号", fullmatch=True)


@EXAMPLES
@given(code=st.sampled_from(COUNTY_CODES), street=street)
def test_an_address_keeps_the_administrative_part_and_hides_street_and_number(code, street):
    administrative = regions.full_name(code)
    masked = mask_address(administrative + street)
    assert masked == administrative + MASK * 4  # the length of the rest is hidden too


@EXAMPLES
@given(code=st.sampled_from(COUNTY_CODES), street=street)
def test_an_address_without_the_province_keeps_city_and_county(code, street):
    county = regions.get(code)
    city = regions.get(county.parent_code)
    assert mask_address(city.name + county.name + street) == city.name + county.name + MASK * 4
    assert mask_address(county.name + street) == county.name + MASK * 4


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("人民路1号", MASK * 4),  # short and without divisions: nothing is shown
        ("八一大道357号财富广场A座", MASK * 4),
        ("江西省南昌市红谷滩区丰和中大道1号", "江西省南昌市红谷滩区" + MASK * 4),
        ("江西省九江市共青城市茶山街道", "江西省九江市共青城市" + MASK * 4),
        ("北京市朝阳区建国路88号", "北京市朝阳区" + MASK * 4),
        ("广东省深圳市南山区科技园", "广东省深圳市南山区" + MASK * 4),
        ("江西省", "江西省" + MASK * 4),
    ],
)
def test_examples_of_masked_addresses(address, masked):
    assert mask_address(address) == masked


@EXAMPLES
@given(value=plain.filter(bool))
def test_a_masked_address_is_a_prefix_of_the_address_and_hides_at_least_something(value):
    masked = mask_address(value)
    assert masked.endswith(MASK * 4)
    kept = masked.removesuffix(MASK * 4)
    assert value.startswith(kept)
    # only whole division names are kept, never part of a word or of the street
    assert kept == "" or kept[-1] in "省市区县州旗盟"
