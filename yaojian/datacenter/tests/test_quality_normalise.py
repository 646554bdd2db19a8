"""The keys that make near-identical names and addresses equal (properties, with hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yaojian.core import regions
from yaojian.datacenter.quality.normalise import NAME_SUFFIXES, address_key, name_key

# the characters of trade names (字号) and streets; none of them starts a division's name
# or ends a suffix, so that a core stays a core
CORE = st.text(
    alphabet="福仁和康泰恒瑞禾益寿堂春兴隆万家百姓天济ABCxyz0123456789", min_size=1, max_size=6
)
STREET = st.builds(
    lambda road, number: f"{road}路{number}号",
    st.text(alphabet="八一阳明叠山胜利象山中山北京", min_size=2, max_size=4),
    st.integers(min_value=1, max_value=9999),
)
NOISE = st.sampled_from([" ", "\u3000", "（", "）", "(", ")", "·", "-", "，", ".", "、", "\t"])
SUFFIX = st.sampled_from(NAME_SUFFIXES)
COUNTIES = [r for r in regions.divisions().values() if r.level == regions.COUNTY]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def sprinkle(text: str, noise: list[str], positions: list[int]) -> str:
    chars = list(text)
    for mark, position in zip(noise, positions, strict=False):
        chars.insert(position % (len(chars) + 1), mark)
    return "".join(chars)


@given(st.text(max_size=40))
@settings(max_examples=300)
def test_keys_are_idempotent_on_any_text(text):
    assert name_key(name_key(text)) == name_key(text)
    assert address_key(address_key(text)) == address_key(text)


@given(CORE, st.lists(NOISE, max_size=5), st.lists(st.integers(0, 50), min_size=5, max_size=5))
def test_spaces_and_punctuation_do_not_matter(core, noise, positions):
    name = f"{core}大药房"
    assert name_key(sprinkle(name, noise, positions)) == name_key(name)
    street = f"阳明路{core}号"
    assert address_key(sprinkle(street, noise, positions)) == address_key(street)


@given(CORE)
def test_full_width_letters_and_digits_do_not_matter(core):
    assert name_key(full_width(core) + "药店") == name_key(core + "药店")
    assert address_key(f"八一大道{full_width(core)}号") == address_key(f"八一大道{core}号")
    assert name_key(core.upper()) == name_key(core.lower())


@given(CORE, st.lists(SUFFIX, min_size=1, max_size=3))
def test_legal_form_and_trade_suffixes_do_not_matter(core, suffixes):
    assert name_key(core + "".join(suffixes)) == name_key(core)


@given(CORE, st.sampled_from(COUNTIES))
def test_division_names_at_the_start_do_not_matter(core, county):
    city = regions.get(county.parent_code)
    plain = name_key(core + "大药房")
    assert name_key(f"{county.name}{core}大药房") == plain
    assert name_key(f"{city.name}{county.name}{core}大药房有限公司") == plain
    assert name_key(f"江西{core}大药房连锁有限公司") == plain


@given(STREET, st.sampled_from(COUNTIES))
def test_an_address_with_or_without_its_divisions_is_one_address(street, county):
    city = regions.get(county.parent_code)
    key = address_key(street)
    assert address_key(f"江西省{city.name}{county.name}{street}") == key
    assert address_key(f"中国江西省 {city.name} {county.name} {street}") == key
    assert address_key(f"{county.name}{street}") == key


@given(CORE, CORE, SUFFIX, SUFFIX)
def test_different_trade_names_stay_apart(first, second, suffix_a, suffix_b):
    assume(name_key(first) != name_key(second))
    assert name_key(first + suffix_a) != name_key(second + suffix_b)


@given(STREET, STREET)
def test_different_streets_stay_apart(first, second):
    assume(first != second)
    assert address_key(first) != address_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("南昌市东湖区大福药房", "南昌市东湖区大福药房有限公司"),
        ("江西康宁大药房连锁有限公司", "康宁大药房"),
        ("南昌市东湖区益寿堂药店", "益寿堂 大药房"),
        ("ABC药房", "ａｂｃ 药房"),
    ],
)
def test_known_pairs_are_equal(first, second):
    assert name_key(first) == name_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("南昌市东湖区大福药房", "南昌市东湖区大禾药房"),
        ("江西康宁大药房连锁有限公司八一店", "江西康宁大药房连锁有限公司阳明店"),
        ("大福药房", "大福医药有限公司"),
    ],
)
def test_known_pairs_stay_apart(first, second):
    assert name_key(first) != name_key(second)


@given(st.text(max_size=20))
@settings(max_examples=300)
def test_a_name_with_anything_in_it_keeps_a_key(text):
    """Stripping never leaves nothing of a name: a name that is only a suffix or a division
    (大药房, 南昌市) keeps part of itself, so that empty keys never pair records."""
    assume(any(ch.isalnum() for ch in text))
    assert name_key(text)
    assert address_key(text)


def test_a_name_that_is_only_a_division_or_suffix_is_kept():
    assert name_key("南昌市") == "南昌市"
    assert name_key("") == address_key("") == ""


# --- the credit-code fast path agrees with the validator ---------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ"


@given(st.text(alphabet=USCC_CHARS, min_size=17, max_size=17))
@settings(max_examples=300)
def test_uscc_fast_path_agrees_with_the_validator(first17):
    from django.core.exceptions import ValidationError

    from yaojian.core.validators import validate_uscc
    from yaojian.datacenter.quality.checks import uscc_error

    for check in "0123456789ABCDEFGHJKLMNPQRTUWXY":  # exactly one of them is right
        code = first17 + check
        try:
            validate_uscc(code)
            valid = True
        except ValidationError:
            valid = False
        assert (uscc_error(code) == "") == valid, code
        assert (uscc_error(code.lower()) == "") == valid, code


def test_uscc_fast_path_on_real_codes():
    from yaojian.core.validators import uscc_with_check_character
    from yaojian.datacenter.quality.checks import uscc_error

    code = uscc_with_check_character("92360102" + "MA35X2K7Q")
    assert uscc_error(code) == ""
    assert uscc_error(code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert uscc_error(" " + code.lower()) == ""  # the validator normalises what it reads
    assert uscc_error("")
