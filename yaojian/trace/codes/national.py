"""Chinese codes: the 20-digit drug traceability code, the MA (IDcode) UDI and TCM batch codes."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

from yaojian.core.validators import normalise_uscc, uscc_is_valid

from ._base import ASCII_DIGITS, CodeError, ParsedCode, check_date, require_digits, show_char

CN20_URN = "urn:yaojian:cn:"
MA_URN = "urn:yaojian:ma:"
TCM_URN = "urn:yaojian:tcm:"

# --- 药品追溯码 ------------------------------------------------------------------------------
# NMPA/T 1002-2019 (药品追溯码编码要求): 20 digits = 7-digit product identifier (药品标识码,
# one product and package level) + 9-digit serial + 4 check digits. The check algorithm is not
# public, so only the structure is verified. Scanners and people group the digits with spaces
# or hyphens, which are dropped.


def parse_cn20(text: str, offset: int = 0) -> ParsedCode:
    if len(text) == 20 and text.isascii() and text.isdigit():
        code = text  # the common case, as machines send it: no grouping to drop
        return ParsedCode(
            scheme="cn20",
            canonical=CN20_URN + code,
            product_key=f"cn:{code[:7]}",
            serial=code[7:16],
            is_instance=True,
            source_form="cn20",
        )
    part = _("the drug traceability code")
    digits = []
    for i, ch in enumerate(text):
        if ch in " -":
            continue
        if ch not in ASCII_DIGITS:
            raise CodeError(
                "characters",
                _("Character %(pos)d (%(char)s) is not allowed in %(part)s: only digits are."),
                position=offset + i,
                char=show_char(ch),
                part=part,
            )
        digits.append(ch)
    code = "".join(digits)
    require_digits(code, part, length=20)
    return ParsedCode(
        scheme="cn20",
        canonical=CN20_URN + code,
        product_key=f"cn:{code[:7]}",
        serial=code[7:16],
        is_instance=True,
        source_form="cn20",
    )


# --- MA code (IDcode, ISO/IEC 15459 issuing agency "MA") -------------------------------------
# Issued by 中关村工信二维码技术研究院 (ZIIOT), one of the UDI issuing agencies NMPA accepts.
# Structure: MA.156.<industry>.<DI parts…> then production-identifier units, each a dot, a
# letter and its data: .L batch, .S serial, .M production date, .D sterilisation batch,
# .V use-by date, .E expiry date (dates as YYMMDD or YYYYMMDD). The DI check character
# algorithm is not public: the structure and character set are verified.

_MA_DATE_UNITS = {
    "M": _("the production date (.M)"),
    "V": _("the use-by date (.V)"),
    "E": _("the expiry date (.E)"),
}
_MA_TEXT_UNITS = {
    "L": _("the batch number (.L)"),
    "S": _("the serial number (.S)"),
    "D": _("the sterilisation batch (.D)"),
}
_MA_DI_PART = re.compile(r"[0-9A-Z]+")
_MA_VALUE = re.compile(r"[0-9A-Za-z-]{1,40}")


def _ma_date(value: str, part: Any) -> datetime.date:
    if len(value) not in (6, 8):
        raise CodeError(
            "length",
            _(
                "Wrong length for %(part)s: found %(found)d digits, expected 6 (YYMMDD) or 8 (YYYYMMDD)."
            ),
            part=part,
            found=len(value),
        )
    require_digits(value, part, offset=None)
    year = 2000 + int(value[:2]) if len(value) == 6 else int(value[:4])
    return check_date(year, int(value[-4:-2]), int(value[-2:]), value, part)


def parse_ma(text: str) -> ParsedCode:
    parts = text.split(".")
    if parts[0].upper() != "MA" or len(parts) < 2 or parts[1] != "156":
        raise CodeError(
            "ma_prefix",
            _("An MA code registered in China starts with MA.156. (found %(found)s)."),
            found=".".join(parts[:2]) + ".",
        )
    if len(parts) < 4 or not parts[2]:
        raise CodeError(
            "ma_structure",
            _(
                "An MA code has the issuer, the country 156, an industry code and the product parts: MA.156.M0.…"
            ),
        )
    di_parts = [p.upper() for p in parts[:3]]
    k = 3
    while k < len(parts) and not (parts[k][:1].upper() in "LSMDVE" and parts[k][:1].isalpha()):
        di_parts.append(parts[k].upper())
        k += 1
    if len(di_parts) == 3:
        raise CodeError(
            "ma_structure",
            _("This MA code has no product identifier after the industry code."),
        )
    for number, part in enumerate(di_parts[2:], start=3):
        if not _MA_DI_PART.fullmatch(part):
            raise CodeError(
                "characters",
                _(
                    "Part %(number)d of the MA code (%(part)s) may contain only digits and capital letters."
                ),
                number=number,
                part=part or "—",
            )
    di = ".".join(di_parts)
    units: dict[str, str] = {}
    for part in parts[k:]:
        letter, value = part[:1].upper(), part[1:]
        name = _MA_DATE_UNITS.get(letter) or _MA_TEXT_UNITS.get(letter)
        if name is None:
            raise CodeError(
                "ma_part",
                _("%(part)s is not an MA production-identifier unit (.L, .S, .M, .D, .V or .E)."),
                part=f".{part}",
            )
        if letter in units:
            raise CodeError("ma_part", _("%(name)s appears twice in the MA code."), name=name)
        if letter in _MA_TEXT_UNITS and not _MA_VALUE.fullmatch(value):
            raise CodeError(
                "characters",
                _("%(name)s must have 1 to 40 letters, digits or hyphens (found %(value)s)."),
                name=name,
                value=value or "—",
            )
        units[letter] = value
    dates = {
        letter: _ma_date(units[letter], _MA_DATE_UNITS[letter])
        for letter in "MVE"
        if letter in units
    }
    serial, batch = units.get("S", ""), units.get("L", "")
    suffix = f".S{serial}" if serial else (f".L{batch}" if batch else "")
    return ParsedCode(
        scheme="udi_ma",
        canonical=MA_URN + di + suffix,
        product_key=f"ma:{di}",
        serial=serial,
        batch=batch,
        expiry=dates.get("E") or dates.get("V"),
        is_instance=bool(serial),
        source_form="ma",
    )


# --- 中药饮片 batch codes (yaojian's own format) -------------------------------------------
# "TCM:" + the processing enterprise's unified social credit code + ":" + batch number
# (1–20 of A–Z, 0–9, "-"; lower case is read as upper case).

_TCM_BATCH = re.compile(r"[A-Z0-9-]{1,20}")


def parse_tcm(text: str, prefix_length: int = 4) -> ParsedCode:
    body = text[prefix_length:]
    credit, sep, batch = body.rpartition(":")
    if not sep:
        raise CodeError(
            "tcm_structure",
            _("A TCM batch code is TCM:<unified social credit code>:<batch number>."),
        )
    code = normalise_uscc(credit)
    part = _("the unified social credit code")
    if len(code) != 18:
        raise CodeError(
            "length",
            _("Wrong length for %(part)s: found %(found)d characters, expected %(expected)d."),
            part=part,
            found=len(code),
            expected=18,
        )
    if not uscc_is_valid(code):
        try:
            expected = stdnum_uscc.calc_check_digit(code)
        except (KeyError, ValueError, IndexError):
            expected = ""
        if expected and uscc_is_valid(code[:17] + expected):
            raise CodeError(
                "uscc_check",
                _(
                    "The check character of %(part)s %(uscc)s is %(found)s; it should be %(expected)s."
                ),
                part=part,
                uscc=code,
                found=code[-1],
                expected=expected,
            )
        raise CodeError(
            "uscc_format",
            _(
                "%(uscc)s is not a unified social credit code: an authority code (1–9, A, N or Y), a type code, a 6-digit division code, then 10 digits or capital letters other than I, O, Z, S and V."
            ),
            uscc=code,
        )
    batch = batch.upper()
    if not _TCM_BATCH.fullmatch(batch):
        raise CodeError(
            "characters" if batch and len(batch) <= 20 else "length",
            _(
                "The batch number of a TCM code has 1 to 20 letters, digits or hyphens (found “%(batch)s”)."
            ),
            batch=batch,
        )
    return ParsedCode(
        scheme="tcm",
        canonical=f"{TCM_URN}{code}:{batch}",
        product_key=f"tcm:{code}",
        batch=batch,
        is_instance=False,
        source_form="tcm",
    )
