"""GS1 element strings (DataMatrix scans and the parenthesised form) and Digital Link URIs.

biip finds the application identifiers (its table of AIs with their formats), computes the
mod-10 check digits and reads the AI 11/17 dates; this module walks the message itself so that
it can say where and why a string is wrong, and turns the elements into one `ParsedCode`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ._base import (
    AI82,
    GS,
    CodeError,
    ParsedCode,
    check_yymmdd,
    require_charset,
    require_check_digit,
    require_digits,
)

CANONICAL_HOST = "https://id.gs1.org"
# GS1 keys yaojian traces, in the order a message is searched for them.
PRIMARY_KEYS = ("01", "00", "414", "8003")
# Key qualifiers allowed in a Digital Link path after each key, in this order.
QUALIFIERS = {"01": ("22", "10", "21", "235"), "00": (), "414": ("254", "7040"), "8003": ()}
# Other GS1 Digital Link primary keys: recognised so that the error says "not traced here".
OTHER_KEYS = frozenset(
    ("8006", "8013", "8010", "415", "417", "8017", "8018", "255", "253", "401", "402", "8004")
)
# Convenience short names of GS1 Digital Link 1.1 (still found in older symbols).
SHORT_NAMES = {
    "gtin": "01",
    "cpv": "22",
    "lot": "10",
    "ser": "21",
    "exp": "17",
    "sscc": "00",
    "gln": "414",
    "glnx": "254",
    "grai": "8003",
}

AI82_HINT = _("Use letters, digits and the GS1 punctuation !\"%&'()*+,-./:;<=>?_ only.")

_PART_NAMES = {
    "00": _("the SSCC (AI 00)"),
    "01": _("the GTIN (AI 01)"),
    "02": _("the GTIN of the contents (AI 02)"),
    "10": _("the batch/lot number (AI 10)"),
    "11": _("the production date (AI 11)"),
    "15": _("the best-before date (AI 15)"),
    "17": _("the expiry date (AI 17)"),
    "21": _("the serial number (AI 21)"),
    "254": _("the GLN extension (AI 254)"),
    "414": _("the GLN (AI 414)"),
    "8003": _("the GRAI (AI 8003)"),
}
_DATE_AIS = frozenset(("11", "12", "13", "15", "16", "17"))

Element = tuple[str, str, int | None]  # AI, value, position of the value in the input


def part_name(ai: str) -> Any:
    return _PART_NAMES.get(ai) or format_lazy(_("the value of AI ({ai})"), ai=ai)


def ai_definition(ai: str) -> GS1ApplicationIdentifier | None:
    try:
        definition = GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        return None
    return definition if definition.ai == ai else None


def _unknown_ai(ai: str, position: int | None = None) -> CodeError:
    return CodeError(
        "unknown_ai",
        _("(%(ai)s) is not a GS1 application identifier."),
        position=position,
        ai=ai,
    )


def encode(value: str) -> str:
    """Percent-encode a value for a Digital Link path segment (all but A–Z a–z 0–9 - . _ ~)."""
    return quote(value, safe="")


def digital_link(*pairs: tuple[str, str]) -> str:
    return CANONICAL_HOST + "".join(f"/{ai}/{encode(value)}" for ai, value in pairs)


# --- one element -------------------------------------------------------------------------


def check_element(ai: str, value: str, position: int | None) -> Any:
    """Validate one AI's value; return its date for date AIs, else None."""
    definition = ai_definition(ai)
    if definition is None:
        raise _unknown_ai(ai, None if position is None else position - len(ai))
    part = part_name(ai)
    if ai in ("01", "02"):
        require_digits(value, part, offset=position, length=14)
        require_check_digit(value, "gtin", part, offset=position)
    elif ai == "00":
        require_digits(value, part, offset=position, length=18)
        require_check_digit(value, "sscc", part, offset=position)
    elif len(ai) == 3 and ai.startswith("41"):
        require_digits(value, part, offset=position, length=13)
        require_check_digit(value, "gln", part, offset=position)
    elif ai == "8003":
        _check_grai(value, position)
    elif ai in _DATE_AIS:
        check_yymmdd(value, part, offset=position)
        # biip resolves the century and day 00 (last day of the month) the GS1 way.
        return GS1ElementString.parse(ai + value).date
    elif ai == "21" and not value:
        raise CodeError(
            "serial_missing",
            _("The serial number (AI 21) is empty: an individual pack needs one."),
            position=position,
        )
    elif (m := re.fullmatch(r"N\d\+X\.\.(\d+)", definition.format)) is not None:
        require_charset(
            value, AI82, part, offset=position, max_length=int(m.group(1)), hint=AI82_HINT
        )
    elif not re.fullmatch(definition.pattern, ai + value):
        raise CodeError(
            "ai_value",
            _("%(value)s is not a valid value for AI (%(ai)s), whose format is %(format)s."),
            position=position,
            value=value,
            ai=ai,
            format=definition.format,
        )
    return None


def _check_grai(value: str, position: int | None) -> None:
    part = part_name("8003")
    if not value.startswith("0"):
        raise CodeError(
            "ai_value",
            _("%(part)s must start with the digit 0."),
            position=position,
            part=part,
        )
    grai = value[1:14]
    require_digits(grai, part, offset=None if position is None else position + 1, length=13)
    require_check_digit(grai, "grai", part, offset=None if position is None else position + 1)
    serial = value[14:]
    if serial:
        require_charset(
            serial,
            AI82,
            part,
            offset=None if position is None else position + 14,
            max_length=16,
            hint=AI82_HINT,
        )


# --- element strings ---------------------------------------------------------------------


def _fixed_length(definition: GS1ApplicationIdentifier) -> int:
    # AIs without a separator all have formats such as N2+N14 or N4+N6.
    return int(definition.format.rsplit("+N", 1)[1])


def split_element_string(data: str, offset: int) -> list[Element]:
    """Split an unbracketed message at its AIs; FNC1 arrives as GS (0x1D)."""
    elements: list[Element] = []
    i = 0
    while i < len(data):
        if data[i] == GS:
            i += 1
            continue
        try:
            definition = GS1ApplicationIdentifier.extract(data[i:])
        except ParseError:
            raise CodeError(
                "unknown_ai",
                _("No GS1 application identifier starts at character %(pos)d (%(text)s…)."),
                position=offset + i,
                text=data[i : i + 4],
            ) from None
        start = i + len(definition.ai)
        if definition.separator_required:
            end = data.find(GS, start)
            end = len(data) if end < 0 else end
        else:
            end = min(len(data), start + _fixed_length(definition))
        elements.append((definition.ai, data[start:end], offset + start))
        i = end
    return elements


_HRI_AI = re.compile(r"\((\d{2,4})\)")


def split_hri(text: str) -> list[Element]:
    """Split "(01)…(21)…": whitespace is dropped (no AI value may contain it)."""
    compact = "".join(text.split())
    pieces = _HRI_AI.split(compact)
    if pieces[0] or len(pieces) < 3:
        raise CodeError(
            "unknown_format",
            _(
                "A bracketed GS1 code starts with an application identifier in brackets, such as (01)."
            ),
        )
    return [(pieces[k], pieces[k + 1], None) for k in range(1, len(pieces), 2)]


# --- Digital Link ------------------------------------------------------------------------


def _path_error(message: Any, **params: Any) -> CodeError:
    return CodeError("digital_link_path", message, **params)


def split_digital_link(text: str) -> list[Element]:
    try:
        url = urlsplit(text)
    except ValueError:
        raise CodeError(
            "digital_link_syntax", _("This GS1 Digital Link is not a well-formed URI.")
        ) from None
    if url.scheme.lower() not in ("http", "https") or not url.netloc:
        raise CodeError(
            "digital_link_syntax",
            _("A GS1 Digital Link starts with https:// and a host name."),
        )
    segments = url.path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()
    keys = [SHORT_NAMES.get(s, s) for s in segments]
    start = next((k for k, key in enumerate(keys) if key in PRIMARY_KEYS), None)
    if start is None:
        other = next((key for key in keys if key in OTHER_KEYS), None)
        if other:
            raise _path_error(
                _("The GS1 key (%(ai)s) in this Digital Link is not one yaojian traces."), ai=other
            )
        raise _path_error(
            _(
                "The path of this GS1 Digital Link has no GTIN (01), SSCC (00), GLN (414) or GRAI (8003)."
            )
        )
    pairs = segments[start:]
    if len(pairs) % 2:
        if keys[-1] == "21":
            raise CodeError(
                "serial_missing",
                _("The serial number (AI 21) is empty: an individual pack needs one."),
            )
        raise _path_error(
            _("The path of a GS1 Digital Link alternates AIs and values; (%(ai)s) has no value."),
            ai=keys[-1],
        )
    primary = keys[start]
    allowed = list(QUALIFIERS[primary])
    elements: list[Element] = []
    for k in range(0, len(pairs), 2):
        ai = SHORT_NAMES.get(pairs[k], pairs[k])
        if k:
            if ai not in allowed:
                raise _path_error(
                    _(
                        "(%(ai)s) cannot follow in the path of a GS1 Digital Link for (%(key)s); allowed after it, in order: %(allowed)s."
                    ),
                    ai=ai,
                    key=primary,
                    allowed=", ".join(allowed) or "—",
                )
            allowed = allowed[allowed.index(ai) + 1 :]
        value = unquote(pairs[k + 1])
        if ai == "01" and len(value) in (8, 12, 13) and value.isdecimal():
            value = value.zfill(14)  # a Digital Link may carry GTIN-8/12/13 unpadded
        if not value:
            if ai == "21":
                raise CodeError(
                    "serial_missing",
                    _("The serial number (AI 21) is empty: an individual pack needs one."),
                )
            raise _path_error(_("(%(ai)s) has an empty value in the path."), ai=ai)
        elements.append((ai, value, None))
    for item in url.query.split("&") if url.query else ():
        key, _sep, raw = item.partition("=")
        key = SHORT_NAMES.get(key, key)
        if key.isdecimal() and key.isascii():
            if ai_definition(key) is None:
                raise _unknown_ai(key)
            elements.append((key, unquote(raw), None))
        # Other query parameters (tracking, language…) are not part of the identifier.
    return elements


# --- elements -> ParsedCode ----------------------------------------------------------------


def build(elements: list[Element], source_form: str) -> ParsedCode:
    values: dict[str, str] = {}
    dates: dict[str, Any] = {}
    for ai, value, position in elements:
        date = check_element(ai, value, position)
        if ai in values and values[ai] != value:
            raise CodeError(
                "ai_conflict",
                _("(%(ai)s) appears twice with different values: %(first)s and %(second)s."),
                ai=ai,
                first=values[ai],
                second=value,
            )
        values[ai] = value
        if date is not None:
            dates[ai] = date
    keys = [key for key in PRIMARY_KEYS if key in values]
    if not keys:
        raise CodeError(
            "ai_missing",
            _("This GS1 code has no GTIN (01), SSCC (00), GLN (414) or GRAI (8003)."),
        )
    if len(keys) > 1:
        raise CodeError(
            "ai_conflict",
            _("This GS1 code has more than one key: %(keys)s; it identifies one thing only."),
            keys=", ".join(f"({k})" for k in keys),
        )
    key = keys[0]
    if key == "01":
        return gtin_code(
            values["01"],
            serial=values.get("21", ""),
            batch=values.get("10", ""),
            expiry=dates.get("17"),
            source_form=source_form,
        )
    if key == "00":
        return sscc_code(values["00"], source_form)
    if key == "414":
        return sgln_code(values["414"], values.get("254", ""), source_form)
    return grai_code(values["8003"][1:14], values["8003"][14:], source_form)


def gtin_code(
    gtin: str, *, serial: str = "", batch: str = "", expiry: Any = None, source_form: str
) -> ParsedCode:
    if serial:
        scheme, canonical = "sgtin", digital_link(("01", gtin), ("21", serial))
    elif batch:
        scheme, canonical = "lgtin", digital_link(("01", gtin), ("10", batch))
    else:
        scheme, canonical = "gtin", digital_link(("01", gtin))
    return ParsedCode(
        scheme=scheme,
        canonical=canonical,
        product_key=f"gtin:{gtin}",
        serial=serial,
        batch=batch,
        expiry=expiry,
        gtin=gtin,
        is_instance=bool(serial),
        source_form=source_form,
    )


def sscc_code(sscc: str, source_form: str) -> ParsedCode:
    return ParsedCode(
        scheme="sscc",
        canonical=digital_link(("00", sscc)),
        product_key="",
        source_form=source_form,
    )


def sgln_code(gln: str, extension: str, source_form: str) -> ParsedCode:
    extension = "" if extension == "0" else extension
    pairs = [("414", gln)] + ([("254", extension)] if extension else [])
    return ParsedCode(
        scheme="sgln",
        canonical=digital_link(*pairs),
        product_key="",
        serial=extension,
        source_form=source_form,
    )


def grai_code(grai: str, serial: str, source_form: str) -> ParsedCode:
    return ParsedCode(
        scheme="grai",
        canonical=digital_link(("8003", f"0{grai}{serial}")),
        product_key=f"grai:{grai}",
        serial=serial,
        is_instance=bool(serial),
        source_form=source_form,
    )


def parse_element_string(data: str, offset: int = 0) -> ParsedCode:
    return build(split_element_string(data, offset), "element_string")


def parse_hri(text: str) -> ParsedCode:
    return build(split_hri(text), "element_string")


def parse_digital_link(text: str) -> ParsedCode:
    return build(split_digital_link(text), "digital_link")


def parse_bare_gtin(digits: str, offset: int = 0) -> ParsedCode:
    """GTIN-8/12/13/14 as a linear barcode (EAN-13, ITF-14…) gives it: the product class."""
    part = _("the GTIN")
    require_digits(digits, part, offset=offset)
    if len(digits) not in (8, 12, 13, 14):
        raise CodeError(
            "length",
            _("Wrong length for %(part)s: found %(found)d digits, expected 8, 12, 13 or 14."),
            part=part,
            found=len(digits),
        )
    require_check_digit(digits, "gtin", part, offset=offset)
    return gtin_code(digits.zfill(14), source_form="element_string")
