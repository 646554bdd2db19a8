"""yaojian.trace.codes: every format, every error code, and the properties that tie them."""

from __future__ import annotations

import datetime

import pytest
from biip.checksums import gs1_standard_check_digit
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from yaojian.trace.codes import CodeError, ParsedCode, canonical, parse_code, to_epc_urn, try_parse

GS = "\x1d"
GTIN = "06901234567892"  # GS1 China prefix 690, check digit 2
GTIN13 = "6901234567892"
GTIN_CASE = "16901234567899"  # indicator 1: the case of 10
SSCC = "369012340000000017"
GLN = "6901234000009"
GRAI = "6901234111118"
USCC = "91360100MA35ABCDE2"
DL = "https://id.gs1.org"
CN20 = "81234567890123456789"


def error_of(text: str) -> CodeError:
    with pytest.raises(CodeError) as info:
        parse_code(text)
    # Every message is readable text that names the reason.
    assert info.value.message
    assert str(info.value) == info.value.message
    return info.value


# --- Chinese 20-digit drug traceability code ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        CN20,
        " 81234567890123456789\n",
        "8123 4567 8901 2345 6789",
        "8123-4567-8901-2345-6789",
        "８１２３４５６７８９０１２３４５６７８９",  # full-width digits from a Chinese IME
        "urn:yaojian:cn:81234567890123456789",
    ],
)
def test_cn20_forms(text):
    parsed = parse_code(text)
    assert parsed == ParsedCode(
        scheme="cn20",
        canonical="urn:yaojian:cn:81234567890123456789",
        product_key="cn:8123456",
        serial="789012345",
        is_instance=True,
        source_form="cn20",
    )


def test_cn20_wrong_length():
    error = error_of("8123456789012345678")
    assert error.code == "length"
    assert error.params["found"] == 19
    assert error.params["expected"] == 20
    assert error_of("8123 4567 8901 2345 67890").params["found"] == 21


def test_cn20_non_digit_position():
    error = error_of("8123456789O123456789")  # letter O typed for a zero
    assert (error.code, error.position) == ("characters", 10)
    assert "11" in error.message
    error = error_of("urn:yaojian:cn:8123456789012345678X")
    assert (error.code, error.position) == ("characters", 34)


# --- GS1 element strings --------------------------------------------------------------------


def test_element_string_with_gs_separators():
    parsed = parse_code(f"01{GTIN}21ABC/1%{GS}17261200{GS}10L1")
    assert parsed.scheme == "sgtin"
    assert parsed.canonical == f"{DL}/01/{GTIN}/21/ABC%2F1%25"
    assert parsed.serial == "ABC/1%"
    assert parsed.batch == "L1"
    assert parsed.expiry == datetime.date(2026, 12, 31)  # day 00: the end of the month
    assert parsed.product_key == f"gtin:{GTIN}"
    assert parsed.gtin == GTIN
    assert parsed.is_instance
    assert parsed.source_form == "element_string"


@pytest.mark.parametrize(
    "text",
    [
        f"]d201{GTIN}17270331{GS}21SN0001{GS}10B2026",
        f"]d2{GS}01{GTIN}17270331{GS}21SN0001{GS}10B2026",
        f"{GS}01{GTIN}17270331{GS}21SN0001{GS}10B2026",
        f"]C101{GTIN}21SN0001{GS}10B2026{GS}17270331",
        f"(01){GTIN}(17)270331(21)SN0001(10)B2026",
        f"(01) {GTIN} (21) SN0001 (10) B2026 (17) 270331",
    ],
)
def test_element_string_forms_agree(text):
    parsed = parse_code(text)
    assert parsed.canonical == f"{DL}/01/{GTIN}/21/SN0001"
    assert (parsed.batch, parsed.expiry) == ("B2026", datetime.date(2027, 3, 31))


def test_gtin_class_and_lot():
    assert parse_code(f"01{GTIN}").scheme == "gtin"
    assert not parse_code(f"01{GTIN}").is_instance
    lot = parse_code(f"(01){GTIN}(10)B2026(17)270331")
    assert (lot.scheme, lot.canonical, lot.is_instance) == (
        "lgtin",
        f"{DL}/01/{GTIN}/10/B2026",
        False,
    )


@pytest.mark.parametrize("text", [GTIN13, GTIN, f"]E0{GTIN13}", "6 901234 567892"])
def test_bare_gtin_from_linear_barcodes(text):
    parsed = parse_code(text)
    assert (parsed.scheme, parsed.canonical, parsed.gtin) == ("gtin", f"{DL}/01/{GTIN}", GTIN)


def test_sscc_gln_grai_element_strings():
    assert parse_code(f"(00){SSCC}").canonical == f"{DL}/00/{SSCC}"
    assert parse_code(f"]C100{SSCC}").scheme == "sscc"
    assert parse_code(f"(00){SSCC}").product_key == ""
    sgln = parse_code(f"414{GLN}254DOCK-3")
    assert (sgln.scheme, sgln.canonical, sgln.product_key) == (
        "sgln",
        f"{DL}/414/{GLN}/254/DOCK-3",
        "",
    )
    assert parse_code(f"(414){GLN}(254)0").canonical == f"{DL}/414/{GLN}"
    grai = parse_code(f"(8003)0{GRAI}PAL01")
    assert (grai.scheme, grai.canonical, grai.serial) == (
        "grai",
        f"{DL}/8003/0{GRAI}PAL01",
        "PAL01",
    )
    assert grai.product_key == f"grai:{GRAI}"
    assert not parse_code(f"(8003)0{GRAI}").is_instance


# --- GS1 Digital Link -----------------------------------------------------------------------


def test_digital_link_example_from_the_brief():
    parsed = parse_code("https://id.gs1.org/01/09521234543213/21/ABC?17=261231&10=L1")
    assert parsed.canonical == "https://id.gs1.org/01/09521234543213/21/ABC"
    assert (parsed.serial, parsed.batch) == ("ABC", "L1")
    assert parsed.expiry == datetime.date(2026, 12, 31)
    assert parsed.source_form == "digital_link"


@pytest.mark.parametrize(
    "text",
    [
        f"https://yaojian.example.cn/trace/01/{GTIN}/10/B1/21/X%2F1?utm_source=box",
        f"http://ID.example.com/01/{GTIN13}/21/X%2F1/",
        f"https://example.com/gtin/{GTIN}/ser/X%2F1?exp=270331",
        f"{DL}/01/{GTIN}/21/X%2f1",
    ],
)
def test_digital_link_any_host_and_padding(text):
    assert canonical(text) == f"{DL}/01/{GTIN}/21/X%2F1"


def test_digital_link_other_keys():
    assert canonical(f"https://example.com/00/{SSCC}?02={GTIN}&37=10") == f"{DL}/00/{SSCC}"
    assert canonical(f"https://example.com/414/{GLN}/254/7") == f"{DL}/414/{GLN}/254/7"


# --- EPC URNs ------------------------------------------------------------------------------


def test_sgtin_urn_with_escapes():
    parsed = parse_code("urn:epc:id:sgtin:6901234.056789.A%2FB%25%3F")
    assert parsed.gtin == GTIN
    assert parsed.serial == "A/B%?"
    assert parsed.canonical == f"{DL}/01/{GTIN}/21/A%2FB%25%3F"
    assert parsed.source_form == "epc_urn"
    assert to_epc_urn(parsed, 7) == "urn:epc:id:sgtin:6901234.056789.A%2FB%25%3F"


def test_epc_urn_kinds():
    case = parse_code("urn:epc:id:sgtin:690123.1456789.77")
    assert case.gtin == GTIN_CASE
    lot = parse_code("urn:epc:class:lgtin:690123.0456789.B2026")
    assert (lot.scheme, lot.canonical, lot.is_instance) == (
        "lgtin",
        f"{DL}/01/{GTIN}/10/B2026",
        False,
    )
    cls = parse_code("urn:epc:idpat:sgtin:690123.0456789.*")
    assert (cls.scheme, cls.canonical, cls.is_instance) == ("gtin", f"{DL}/01/{GTIN}", False)
    assert canonical("urn:epc:id:sscc:6901234.3000000001") == f"{DL}/00/{SSCC}"
    assert canonical("URN:EPC:ID:SGLN:6901234.00000.0") == f"{DL}/414/{GLN}"
    assert canonical("urn:epc:id:sgln:6901234.00000.DOCK-3") == f"{DL}/414/{GLN}/254/DOCK-3"
    assert canonical("urn:epc:id:grai:6901234.11111.PAL01") == f"{DL}/8003/0{GRAI}PAL01"
    assert canonical("urn:epc:tag:sgtin-96:3.690123.0456789.12") == f"{DL}/01/{GTIN}/21/12"


def test_to_epc_urn_every_gs1_scheme():
    assert to_epc_urn(parse_code(f"{DL}/01/{GTIN}/21/7"), 7) == "urn:epc:id:sgtin:6901234.056789.7"
    assert (
        to_epc_urn(parse_code(f"{DL}/01/{GTIN}/10/L1"), 6)
        == "urn:epc:class:lgtin:690123.0456789.L1"
    )
    assert to_epc_urn(parse_code(GTIN), 12) == "urn:epc:idpat:sgtin:690123456789.0.*"
    assert to_epc_urn(parse_code(f"(00){SSCC}"), 7) == "urn:epc:id:sscc:6901234.3000000001"
    assert to_epc_urn(parse_code(f"(414){GLN}"), 7) == "urn:epc:id:sgln:6901234.00000.0"
    assert to_epc_urn(parse_code(f"(8003)0{GRAI}P1"), 7) == "urn:epc:id:grai:6901234.11111.P1"
    assert to_epc_urn(parse_code(f"(8003)0{GRAI}"), 7) == "urn:epc:idpat:grai:6901234.11111.*"
    with pytest.raises(CodeError) as info:
        to_epc_urn(parse_code(CN20), 7)
    assert info.value.code == "not_gs1"
    with pytest.raises(CodeError) as info:
        to_epc_urn(parse_code(GTIN), 13)
    assert info.value.code == "company_prefix_length"


# --- MA codes and TCM batch codes ------------------------------------------------------------


def test_ma_code():
    parsed = parse_code("ma.156.m0.100001.1234567.S123.L99.M20250101.E20271231")
    assert parsed.scheme == "udi_ma"
    assert parsed.canonical == "urn:yaojian:ma:MA.156.M0.100001.1234567.S123"
    assert parsed.product_key == "ma:MA.156.M0.100001.1234567"
    assert (parsed.serial, parsed.batch) == ("123", "99")
    assert parsed.expiry == datetime.date(2027, 12, 31)
    assert parsed.is_instance
    lot = parse_code("MA.156.M0.100001.1234567.L99.V271231")
    assert (lot.canonical, lot.is_instance) == (
        "urn:yaojian:ma:MA.156.M0.100001.1234567.L99",
        False,
    )
    assert lot.expiry == datetime.date(2027, 12, 31)


def test_tcm_code():
    parsed = parse_code(f"TCM:{USCC}:YP20260301-01")
    assert parsed == ParsedCode(
        scheme="tcm",
        canonical=f"urn:yaojian:tcm:{USCC}:YP20260301-01",
        product_key=f"tcm:{USCC}",
        batch="YP20260301-01",
        is_instance=False,
        source_form="tcm",
    )
    assert canonical(f"tcm:{USCC.lower()}:yp20260301-01") == parsed.canonical


# --- every error code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("  \t ", "empty"),
        ("x" * 513, "too_long"),
        ("hello", "unknown_format"),
        ("]!1ABC", "unknown_format"),
        ("]d2", "empty"),
        ("]E0123", "length"),
        (f"01{GTIN[:-1]}3", "gtin_check_digit"),
        (f"(00){SSCC[:-1]}8", "sscc_check_digit"),
        (f"(414){GLN[:-1]}1", "gln_check_digit"),
        (f"(8003)0{GRAI[:-1]}0X", "grai_check_digit"),
        (f"01{GTIN}{GS}2399", "unknown_ai"),
        (f"(01){GTIN}(23)X", "unknown_ai"),
        (f"{DL}/01/{GTIN}?999999=1", "unknown_ai"),
        ("(17)261231(10)L1", "ai_missing"),
        (f"(01){GTIN}(21)A(21)B", "ai_conflict"),
        (f"(01){GTIN}(00){SSCC}", "ai_conflict"),
        (f"(01){GTIN}(17)261331", "date"),
        (f"(01){GTIN}(17)270230", "date"),
        (f"(01){GTIN}(11)2612", "length"),
        (f"(01){GTIN}(21)ABC{'D' * 20}", "length"),
        (f"(01){GTIN}(10)AB CD#", "characters"),
        (f"(01){GTIN}(37)ABC", "ai_value"),
        (f"01{GTIN}21{GS}10L1", "serial_missing"),
        (f"{DL}/01/{GTIN}/21/", "serial_missing"),
        ("urn:epc:id:sgtin:690123.0456789.", "serial_missing"),
        ("urn:epc:id:giai:690123.1", "unknown_urn_type"),
        ("urn:isbn:9787111111111", "unknown_urn_type"),
        ("urn:epc:id:sgtin:690123", "urn_syntax"),
        ("urn:epc:idpat:sgtin:690123.*.*", "urn_syntax"),
        ("urn:epc:id:sgtin:690123.0456789.A%2G", "urn_escape"),
        ("urn:epc:id:sgtin:690123.0456789.A/B", "characters"),
        ("urn:epc:id:sgtin:69012.04567890.1", "company_prefix_length"),
        ("urn:epc:id:sgtin:690123.045678.1", "length"),
        ("urn:epc:id:sgtin:690123.04567X9.1", "characters"),
        (f"{DL}/foo/bar", "digital_link_path"),
        (f"{DL}/01/{GTIN}/17/261231", "digital_link_path"),
        (f"{DL}/8004/69012340001", "digital_link_path"),
        ("ftp://id.gs1.org/01/06901234567892", "unknown_format"),
        ("https:///01/06901234567892", "digital_link_syntax"),
        ("https://[bad/01/06901234567892", "digital_link_syntax"),
        (f"TCM:{USCC[:-1]}3:B1", "uscc_check"),
        ("TCM:91360100MA35ABCDI2:B1", "uscc_format"),
        ("TCM:9136010:B1", "length"),
        (f"TCM:{USCC}:B_1", "characters"),
        (f"TCM:{USCC}:{'B' * 21}", "length"),
        (f"TCM:{USCC}", "tcm_structure"),
        ("MA.840.M0.100001.1234567", "ma_prefix"),
        ("MA.156.M0", "ma_structure"),
        ("MA.156.M0.S12", "ma_structure"),
        ("MA.156.M0.100001.12_4567", "characters"),
        ("MA.156.M0.100001.1234567.S1.X12", "ma_part"),
        ("MA.156.M0.100001.1234567.S1.S2", "ma_part"),
        ("MA.156.M0.100001.1234567.E20271331", "date"),
        ("MA.156.M0.100001.1234567.E2027123", "length"),
    ],
)
def test_error_codes(text, code):
    assert error_of(text).code == code


def test_error_details():
    with translation.override("en"):
        _check_error_details()


def _check_error_details():
    error = error_of(f"01{GTIN[:-1]}3")
    assert error.params["found"] == "3"
    assert error.params["expected"] == "2"
    assert error.position == 15
    assert error.message == "The check digit of the GTIN (AI 01) is 3; it should be 2."
    error = error_of(f"(01){GTIN}(17)261331")
    assert "month 13" in error.message
    error = error_of(f"01{GTIN[:5]}X{GTIN[6:]}")
    assert (error.code, error.position) == ("characters", 7)
    error = error_of("x" * 10_000)
    assert error.params == {"found": 10_000, "limit": 512}
    error = error_of(f"TCM:{USCC[:-1]}3:B1")
    assert (error.params["found"], error.params["expected"]) == ("3", "2")


def test_non_text_and_try_parse():
    with pytest.raises(CodeError) as info:
        parse_code(None)  # type: ignore[arg-type]
    assert info.value.code == "type"
    assert try_parse("nonsense") is None
    assert try_parse(GTIN) == parse_code(GTIN)


def test_canonical_forms_parse_to_themselves():
    for text in [
        f"{DL}/01/{GTIN}/21/A%2FB",
        f"{DL}/01/{GTIN}/10/L1",
        f"{DL}/01/{GTIN}",
        f"{DL}/00/{SSCC}",
        f"{DL}/414/{GLN}/254/X",
        f"{DL}/8003/0{GRAI}P1",
        f"urn:yaojian:cn:{CN20}",
        "urn:yaojian:ma:MA.156.M0.100001.1234567.S123",
        f"urn:yaojian:tcm:{USCC}:YP1",
    ]:
        assert canonical(text) == text


# --- properties -----------------------------------------------------------------------------

AI82_CHARS = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
serials = st.text(alphabet=AI82_CHARS, min_size=1, max_size=20)


@st.composite
def gtins(draw) -> str:
    """A GTIN-14 with its check digit, from a GTIN-13 (indicator 0) or a GTIN-14 body."""
    body = draw(st.from_regex(r"[0-9]{12}|[0-9]{13}", fullmatch=True))
    body = body.zfill(13)
    return body + str(gs1_standard_check_digit(body))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(gtin=gtins(), serial=serials, prefix_length=st.integers(min_value=6, max_value=12))
def test_every_form_of_a_pack_has_one_canonical(gtin, serial, prefix_length):
    from urllib.parse import quote

    element_string = f"01{gtin}21{serial}{GS}17261231"
    expected = parse_code(element_string).canonical
    assert expected == f"{DL}/01/{gtin}/21/{quote(serial, safe='')}"
    digital_link = f"https://example.cn/01/{gtin}/21/{quote(serial, safe='')}?17=261231"
    epc = to_epc_urn(parse_code(element_string), prefix_length)
    assert epc.startswith(f"urn:epc:id:sgtin:{gtin[1 : 1 + prefix_length]}.")
    for text in (f"]d2{element_string}", digital_link, epc):
        assert parse_code(text).canonical == expected
        assert parse_code(text).serial == serial
    # A bracketed serial that itself looks like "(NN)" cannot be told from an AI.
    if "(" not in serial:
        assert parse_code(f"(01){gtin}(21){serial}(17)261231").canonical == expected


@given(gtin=gtins(), delta=st.integers(min_value=1, max_value=9), serial=serials)
def test_a_changed_check_digit_is_refused(gtin, delta, serial):
    wrong = gtin[:-1] + str((int(gtin[-1]) + delta) % 10)
    # Element strings carry their symbology identifier: without it, 20 bare digits are read
    # as a Chinese traceability code (the same digits can be both).
    for text in (wrong, f"]d201{wrong}", f"]d201{wrong}21{serial}", f"{DL}/01/{wrong}"):
        assert error_of(text).code == "gtin_check_digit"


@settings(max_examples=500)
@given(text=st.text(max_size=80))
def test_arbitrary_text_raises_only_code_errors(text):
    try:
        parse_code(text)
    except CodeError as error:
        assert error.code
        assert error.message


alnum = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=20)
almost_codes = st.one_of(
    st.builds(lambda g, s: f"01{g}21{s}", gtins(), serials),
    st.builds(lambda g, s, t: f"01{g}10{s}{GS}21{t}", gtins(), serials, st.text(max_size=5)),
    st.builds(lambda s: f"{DL}/01/{GTIN}/" + s, st.text(max_size=40)),
    st.builds(lambda s: "urn:epc:id:sgtin:690123.0456789." + s, st.text(max_size=30)),
    st.builds(lambda s: "urn:epc:class:lgtin:690123.0456789." + s, st.text(max_size=30)),
    st.builds(lambda s: "MA.156.M0.100001." + s, st.text(alphabet="0123456789.LSEVM", max_size=30)),
    st.builds(lambda s: f"TCM:{USCC}:" + s, alnum),
    st.builds(lambda s: "8" + s, st.text(alphabet="0123456789 -", min_size=19, max_size=30)),
    st.text(max_size=60),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=almost_codes)
def test_canonical_is_idempotent(text):
    parsed = try_parse(text)
    assume(parsed is not None)
    again = parse_code(parsed.canonical)
    assert again.canonical == parsed.canonical
    assert (again.scheme, again.product_key, again.serial) == (
        parsed.scheme,
        parsed.product_key,
        parsed.serial,
    )


@given(gtin=gtins(), serial=serials)
def test_canonical_of_generated_codes_is_idempotent(gtin, serial):
    for text in (f"01{gtin}21{serial}", f"01{gtin}10{serial}", f"01{gtin}"):
        parsed = parse_code(text)
        assert parse_code(parsed.canonical) == parse_code(parsed.canonical)
        assert canonical(parsed.canonical) == parsed.canonical


def test_an_element_string_whose_serial_holds_hyphens_is_gs1_not_a_grouped_cn_code():
    # "21-5" looks like digits grouped by a person; the valid GTIN says it is GS1
    parsed = parse_code("010690123456789221-5")
    assert parsed.canonical == "https://id.gs1.org/01/06901234567892/21/-5"
    # digits grouped by a person are still the 20-digit code, and a wrong length says so
    assert parse_code("81234-56000-00000-70000").canonical.startswith("urn:yaojian:cn:")
    with pytest.raises(CodeError) as wrong:
        parse_code("81234-56000-00000-7000")
    assert wrong.value.code == "length"


@given(digits=st.text(alphabet="0123456789", min_size=20, max_size=20))
def test_the_canonical_cn_urn_fast_path_agrees_with_the_general_path(digits):
    from yaojian.trace.codes import _dispatch

    text = f"urn:yaojian:cn:{digits}"
    assert parse_code(text) == _dispatch(text, 0, symbology=True)
