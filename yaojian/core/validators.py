"""Validators for Chinese identifiers, each raising a ValidationError that says why.

python-stdnum does the arithmetic (GB 32100 for the unified social credit code, GB 11643 for
the resident ID); this module turns its exceptions into messages a user can act on.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from yaojian.core import regions

_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d would accept any script


def normalise_uscc(value: str) -> str:
    return uscc.compact(value or "").upper()


# GB 32100-2015: registering authority (1 机构编制 … 9 工商, A 中央军委改革和编制办公室,
# N 农业, Y 其他), organisation type, 6-digit division, 9-character organisation code, check.
# python-stdnum insists on digits for the first 8, which refuses real codes such as the
# N2… of rural collective economic organisations; the structure is checked here instead.
_USCC_STRUCTURE = re.compile(r"[1-9ANY][1-9][0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{10}")


def validate_uscc(value: str) -> str:
    """Validate a unified social credit code (统一社会信用代码, GB 32100-2015)."""
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(code)},
        )
    if not _USCC_STRUCTURE.fullmatch(code):
        raise ValidationError(
            _(
                "A unified social credit code is an authority code (1–9, A, N or Y), a type "
                "code (1–9), a 6-digit division code, then 10 digits or capital letters other "
                "than I, O, Z, S and V."
            ),
            code="uscc_format",
        )
    expected = uscc.calc_check_digit(code)
    if code[-1] != expected:
        raise ValidationError(
            _("The check character (the last one) is wrong: it should be %(expected)s."),
            code="uscc_checksum",
            params={"expected": expected},
        )
    return code


def uscc_is_valid(value: str) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True


def uscc_with_check_character(first17: str) -> str:
    """Complete 17 characters with their GB 32100 check character."""
    return first17 + uscc.calc_check_digit(first17 + "0")


def validate_resident_id(value: str) -> str:
    """Validate an 18-character resident identity number (居民身份证号码, GB 11643)."""
    number = ric.compact(value or "").upper()
    try:
        ric.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(n)d."),
            code="ric_length",
            params={"n": len(number)},
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check character of the ID number is wrong."), code="ric_checksum"
        ) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("The ID number holds an impossible birth date or region."), code="ric_component"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("This is not a valid resident ID number."), code="ric_format"
        ) from None
    if ric.get_birth_date(number) > timezone.localdate():  # born in the future
        raise ValidationError(
            _("The ID number holds an impossible birth date or region."), code="ric_component"
        )
    return number


def validate_mobile(value: str) -> str:
    # NFKC turns full-width digits and signs (１３８, ＋８６, typed with Chinese input
    # methods) into ASCII ones
    phone = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _MOBILE.fullmatch(phone):
        raise ValidationError(
            _("A mainland mobile number has 11 digits and starts with 13 to 19."), code="mobile"
        )
    return phone


def validate_region_code(value: str) -> str:
    if not regions.get(value):
        raise ValidationError(
            _("%(code)s is not a current administrative division of this province."),
            code="region",
            params={"code": value},
        )
    return value
