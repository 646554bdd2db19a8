"""The error, the result type and the small checks every code format shares."""

from __future__ import annotations

import calendar
import datetime
from typing import Any, NamedTuple

from biip.checksums import gs1_standard_check_digit
from django.utils.translation import gettext_lazy as _

MAX_INPUT_LENGTH = 512
GS = "\x1d"  # ASCII group separator: what scanners send for FNC1
ASCII_DIGITS = frozenset("0123456789")
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
AI82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)


class CodeError(ValueError):
    """Why a string is not a valid code.

    `code` is stable (API clients switch on it); `message` is translated when read, in the
    active language; `position` is the 0-based index in the text given to `parse_code` of the
    offending character, when there is one (the message shows it 1-based).
    """

    def __init__(
        self, code: str, message: Any, *, position: int | None = None, **params: Any
    ) -> None:
        self.code = code
        self.template = message
        self.position = position
        if position is not None:
            params.setdefault("pos", position + 1)
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.template) % self.params

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"CodeError({self.code!r}, position={self.position!r}, params={self.params!r})"


class ParsedCode(NamedTuple):
    """What a code says, immutable. A named tuple rather than a frozen dataclass: a capture
    parses every code it stores, and building (or unpickling) a frozen dataclass cost
    several times as much as building a tuple."""

    scheme: str  # cn20 | sgtin | lgtin | gtin | sscc | sgln | grai | udi_ma | tcm
    canonical: str  # one identifier for the same physical thing, whatever the written form
    product_key: str  # cn:<7 digits> | gtin:<14> | ma:<DI> | tcm:<uscc> | grai:<13> | ""
    serial: str = ""
    batch: str = ""
    expiry: datetime.date | None = None
    gtin: str = ""
    is_instance: bool = True
    source_form: str = ""  # cn20 | element_string | digital_link | epc_urn | ma | tcm


def show_char(ch: str) -> str:
    """A character as a message can show it: quoted if printable, else its code point."""
    if ch.isprintable() and not ch.isspace():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


def require_digits(value: str, part: Any, *, offset: int | None = 0, length: int | None = None):
    """Digits only (ASCII), then the length: the first thing wrong is what is reported."""
    for i, ch in enumerate(value):
        if ch not in ASCII_DIGITS:
            raise CodeError(
                "characters",
                _("Character %(pos)d (%(char)s) is not allowed in %(part)s: only digits are."),
                position=None if offset is None else offset + i,
                char=show_char(ch),
                part=part,
                **({"pos": i + 1} if offset is None else {}),
            )
    if length is not None and len(value) != length:
        raise CodeError(
            "length",
            _("Wrong length for %(part)s: found %(found)d digits, expected %(expected)d."),
            part=part,
            found=len(value),
            expected=length,
        )


def require_check_digit(value: str, key: str, part: Any, *, offset: int | None = 0) -> None:
    """GS1 mod-10 check digit of an all-digit key; `key` names the error (gtin, sscc, gln…)."""
    expected = str(gs1_standard_check_digit(value[:-1]))
    found = value[-1]
    if found != expected:
        raise CodeError(
            f"{key}_check_digit",
            _("The check digit of %(part)s is %(found)s; it should be %(expected)s."),
            position=None if offset is None else offset + len(value) - 1,
            part=part,
            found=found,
            expected=expected,
        )


def gs1_check_digit(payload: str) -> str:
    return str(gs1_standard_check_digit(payload))


def require_charset(
    value: str,
    allowed: frozenset[str],
    part: Any,
    *,
    offset: int | None = 0,
    max_length: int | None = None,
    hint: Any = None,
) -> None:
    for i, ch in enumerate(value):
        if ch not in allowed:
            raise CodeError(
                "characters",
                _("Character %(pos)d (%(char)s) is not allowed in %(part)s. %(hint)s"),
                position=None if offset is None else offset + i,
                char=show_char(ch),
                part=part,
                hint=hint or "",
                **({"pos": i + 1} if offset is None else {}),
            )
    if not value or (max_length is not None and len(value) > max_length):
        raise CodeError(
            "length",
            _("Wrong length for %(part)s: found %(found)d characters, expected 1 to %(max)d."),
            part=part,
            found=len(value),
            max=max_length or 0,
        )


def _gs1_century(two_digit_year: int, today: datetime.date | None = None) -> int:
    """GS1 General Specifications 7.12: a year from 49 years back to 50 years ahead."""
    year = (today or datetime.date.today()).year
    century, current = year - year % 100, year % 100
    if 51 <= two_digit_year - current <= 99:
        return century - 100
    if -99 <= two_digit_year - current <= -50:
        return century + 100
    return century


def check_date(year: int, month: int, day: int, text: str, part: Any) -> datetime.date:
    """A calendar date, or a "date" error that says which of its fields is impossible."""
    if not 1 <= month <= 12:
        raise CodeError(
            "date",
            _("%(value)s in %(part)s is not a date: there is no month %(month)02d."),
            value=text,
            part=part,
            month=month,
        )
    last = calendar.monthrange(year, month)[1] if year >= 1 else 0
    if not 1 <= day <= last:
        raise CodeError(
            "date",
            _("%(value)s in %(part)s is not a date: %(year)d-%(month)02d has no day %(day)02d."),
            value=text,
            part=part,
            year=year,
            month=month,
            day=day,
        )
    return datetime.date(year, month, day)


def check_yymmdd(value: str, part: Any, *, offset: int | None = 0) -> datetime.date:
    """A GS1 YYMMDD date; day 00 means the last day of the month."""
    require_digits(value, part, offset=offset, length=6)
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    year = _gs1_century(yy) + yy
    if dd == 0 and 1 <= mm <= 12:
        dd = calendar.monthrange(year, mm)[1]
    return check_date(year, mm, dd, value, part)
