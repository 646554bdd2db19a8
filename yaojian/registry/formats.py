"""The official number formats of licences, approvals and codes, each with a reason on failure.

Every validator takes the text as typed, normalises it (full-width characters, spaces) and
returns the canonical form, or raises a ValidationError whose message says what is wrong.
Sources: 药品生产监督管理办法 (2020), 药品经营和使用质量监督管理办法 (2023, 第十九条),
医疗器械经营/生产监督管理办法 (2022), 医疗器械注册与备案管理办法 (2021), 化妆品生产经营监督
管理办法 (2021), 药品注册管理办法 (2020), the national drug code rules (国家药品编码, with
the GB 18937 check digit, ISO 7064 MOD 11,10) and GS1 for UDI-DI.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.iso7064 import mod_11_10

from yaojian.core import regions

# 省级行政区简称 (the first character of most licence numbers)
PROVINCE_ABBREVIATIONS = {
    "11": "京",
    "12": "津",
    "13": "冀",
    "14": "晋",
    "15": "蒙",
    "21": "辽",
    "22": "吉",
    "23": "黑",
    "31": "沪",
    "32": "苏",
    "33": "浙",
    "34": "皖",
    "35": "闽",
    "36": "赣",
    "37": "鲁",
    "41": "豫",
    "42": "鄂",
    "43": "湘",
    "44": "粤",
    "45": "桂",
    "46": "琼",
    "50": "渝",
    "51": "川",
    "52": "贵",
    "53": "云",
    "54": "藏",
    "61": "陕",
    "62": "甘",
    "63": "青",
    "64": "宁",
    "65": "新",
    "71": "台",
    "81": "港",
    "82": "澳",
}
_PROVINCES = "".join(PROVINCE_ABBREVIATIONS.values())
# 设区的市 abbreviations used in device licence numbers in this province
CITY_ABBREVIATIONS = {
    "3601": "洪",
    "3602": "景",
    "3603": "萍",
    "3604": "浔",
    "3605": "渝",
    "3606": "鹰",
    "3607": "虔",
    "3608": "吉",
    "3609": "宜",
    "3610": "抚",
    "3611": "饶",
}
# 药品经营许可证 classification letters: first = kind of business, second = legal person or not
DRUG_TRADING_CLASS = {
    "A": "wholesale",
    "B": "retail_chain_hq",
    "C": "retail_chain_store",
    "D": "retail",
}
DRUG_TRADING_CLASS_LABELS = {
    "wholesale": _("wholesale"),
    "retail_chain_hq": _("retail chain headquarters"),
    "retail_chain_store": _("retail chain store"),
    "retail": _("retail"),
}


def normalise(value: str | None) -> str:
    """Full-width letters and digits to ASCII, spaces removed, letters in capitals."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", "", text).upper()


def _year_ok(year: int) -> bool:
    return 1985 <= year <= dt.date.today().year + 1


def _fail(message, error_code: str, /, **params) -> ValidationError:
    return ValidationError(message, code=error_code, params=params or None)


def _check_year(year_text: str, *, what) -> None:
    if not _year_ok(int(year_text)):
        raise _fail(
            _("%(what)s: %(year)s is not a possible year of issue."),
            "number_year",
            what=what,
            year=year_text,
        )


# --- licences and filings ----------------------------------------------------------------------

_DRUG_MANUFACTURING = re.compile(rf"([{_PROVINCES}])(\d{{4}})(\d{{4}})")
_DRUG_TRADING = re.compile(rf"([{_PROVINCES}])([ABCD])([AB])(\d{{4}})(\d{{5}})")
_DEVICE_TRADING = re.compile(rf"([{_PROVINCES}])(\w)药监械经营(许|备)(\d{{4}})(\d{{4}})号")
_DEVICE_MANUFACTURING = re.compile(rf"([{_PROVINCES}])药监械生产许(\d{{4}})(\d{{4}})号")
_COSMETICS_MANUFACTURING = re.compile(rf"([{_PROVINCES}])妆(\d{{4}})(\d{{4}})")
_ONLINE_SALES = re.compile(rf"\(([{_PROVINCES}])\)网药销备字\[(\d{{4}})\]第(\d{{6}})号")


def validate_drug_manufacturing_number(value: str) -> str:
    """药品生产许可证: province + 4-digit year + 4-digit serial, e.g. 赣20190012."""
    number = normalise(value)
    match = _DRUG_MANUFACTURING.fullmatch(number)
    if not match:
        raise _fail(
            _(
                "A drug manufacturing licence number is the province's abbreviation, a 4-digit year and a 4-digit serial, e.g. 赣20190012."
            ),
            "number_format",
        )
    _check_year(match.group(2), what=_("Drug manufacturing licence"))
    return number


def validate_drug_trading_number(value: str, *, expected_class: str | None = None) -> str:
    """药品经营许可证: province + 2 letters + 4-digit city code + 5-digit serial, e.g. 赣DA360100123."""
    number = normalise(value)
    match = _DRUG_TRADING.fullmatch(number)
    if not match:
        raise _fail(
            _(
                "A drug trading licence number is the province's abbreviation, two capital letters (A–D, then A or B), the 4-digit city code and a 5-digit serial, e.g. 赣DA360100123."
            ),
            "number_format",
        )
    province, business, _legal, city, _serial = match.groups()
    if expected_class and DRUG_TRADING_CLASS[business] != expected_class:
        letter = next(k for k, v in DRUG_TRADING_CLASS.items() if v == expected_class)
        raise _fail(
            _(
                "The first letter says %(found)s, but this licence is for %(expected)s: it should be %(letter)s."
            ),
            "number_class",
            found=business,
            expected=DRUG_TRADING_CLASS_LABELS[expected_class],
            letter=letter,
        )
    if province == PROVINCE_ABBREVIATIONS.get(city[:2]) and not regions.get(city + "00"):
        raise _fail(_("%(code)s is not a city of this province."), "number_region", code=city)
    return number


def validate_device_trading_number(value: str, *, filing: bool = False) -> str:
    """医疗器械经营许可证 (class III) ××药监械经营许××××××××号, or the class II filing ××药监械经营备…号."""
    number = normalise(value)
    match = _DEVICE_TRADING.fullmatch(number)
    kind = "备" if filing else "许"
    if not match or match.group(3) != kind:
        if filing:
            message = _(
                "A class II device trading filing number looks like 赣洪药监械经营备20230012号: province, city, 药监械经营备, year and serial, 号."
            )
        else:
            message = _(
                "A class III device trading licence number looks like 赣洪药监械经营许20230012号: province, city, 药监械经营许, year and serial, 号."
            )
        raise _fail(message, "number_format")
    _check_year(match.group(4), what=_("Device trading number"))
    return number


def validate_device_manufacturing_number(value: str) -> str:
    """医疗器械生产许可证: 赣药监械生产许20200005号."""
    number = normalise(value)
    match = _DEVICE_MANUFACTURING.fullmatch(number)
    if not match:
        raise _fail(
            _("A device manufacturing licence number looks like 赣药监械生产许20200005号."),
            "number_format",
        )
    _check_year(match.group(2), what=_("Device manufacturing licence"))
    return number


def validate_cosmetics_manufacturing_number(value: str) -> str:
    """化妆品生产许可证: 赣妆20160012."""
    number = normalise(value)
    match = _COSMETICS_MANUFACTURING.fullmatch(number)
    if not match:
        raise _fail(
            _(
                "A cosmetics manufacturing licence number is the province's abbreviation, 妆, a 4-digit year and a 4-digit serial, e.g. 赣妆20160012."
            ),
            "number_format",
        )
    _check_year(match.group(2), what=_("Cosmetics manufacturing licence"))
    return number


def validate_online_sales_number(value: str) -> str:
    """药品网络销售备案 (numbered by this platform): (赣)网药销备字[2025]第000123号."""
    number = (
        normalise(value).replace("〔", "[").replace("〕", "]").replace("（", "(").replace("）", ")")
    )
    match = _ONLINE_SALES.fullmatch(number)
    if not match:
        raise _fail(
            _("An online drug sales filing number looks like (赣)网药销备字[2025]第000123号."),
            "number_format",
        )
    _check_year(match.group(2), what=_("Online sales filing"))
    return number


# --- products ------------------------------------------------------------------------------

_DRUG_APPROVAL = re.compile(r"国药准字([HZSJTFB])([JC]?)(\d{8})")
_DEVICE_REGISTRATION = re.compile(
    rf"(国|[{_PROVINCES}])械注(准|进|许)(\d{{4}})([123])(\d{{2}})(\d{{4}})"
)
_DEVICE_FILING = re.compile(rf"(国|[{_PROVINCES}]\w?)械备(\d{{4}})(\d{{4}})号?")
_COSMETIC_SPECIAL = re.compile(r"国妆特(进)?字([GJ])(\d{8})")
_COSMETIC_ORDINARY = re.compile(
    rf"([{_PROVINCES}])G妆网备字(\d{{4}})(\d{{6}})|国妆网备进字\(([{_PROVINCES}])\)(\d{{4}})(\d{{6}})"
)


def validate_drug_approval_number(value: str) -> str:
    """国药准字 + H/Z/S (chemical, TCM, biological; also J, T, F, B), optional J/C, 8 digits."""
    number = normalise(value)
    if not _DRUG_APPROVAL.fullmatch(number):
        raise _fail(
            _(
                "A drug approval number is 国药准字, a letter (H chemical, Z traditional Chinese, S biological, or J, T, F, B), optionally J or C, and 8 digits, e.g. 国药准字H20203456."
            ),
            "number_format",
        )
    return number


def validate_device_registration_number(value: str, *, device_class: str | None = None) -> str:
    """Class II/III registration 国械注准20193090123 / 赣械注准20202140012, or class I filing 赣洪械备20200001号."""
    number = normalise(value)
    if match := _DEVICE_REGISTRATION.fullmatch(number):
        _check_year(match.group(3), what=_("Device registration"))
        found = {"2": "II", "3": "III", "1": "I"}[match.group(4)]
        if device_class and device_class != found:
            raise _fail(
                _("The number is for a class %(found)s device, not class %(expected)s."),
                "number_class",
                found=found,
                expected=device_class,
            )
        return number
    if match := _DEVICE_FILING.fullmatch(number):
        if device_class and device_class != "I":
            raise _fail(
                _(
                    "A filing number (械备) is for class I devices; class %(expected)s needs a registration number."
                ),
                "number_class",
                expected=device_class,
            )
        _check_year(match.group(2), what=_("Device filing"))
        return number if number.endswith("号") else number + "号"
    raise _fail(
        _(
            "A device number is a registration (国械注准20193090123, 赣械注准20202140012) or a class I filing (赣洪械备20200001号)."
        ),
        "number_format",
    )


def validate_cosmetic_number(value: str, *, special: bool | None = None) -> str:
    """Special cosmetics 国妆特字G20200001 (imported 国妆特进字J…); ordinary 赣G妆网备字2020000123."""
    number = normalise(value).replace("（", "(").replace("）", ")")
    is_special = bool(_COSMETIC_SPECIAL.fullmatch(number))
    is_ordinary = bool(_COSMETIC_ORDINARY.fullmatch(number))
    if not (is_special or is_ordinary):
        raise _fail(
            _(
                "A cosmetic number is a special registration (国妆特字G20200001) or an ordinary filing (赣G妆网备字2020000123)."
            ),
            "number_format",
        )
    if special is True and not is_special:
        raise _fail(
            _("A special cosmetic needs a registration number (国妆特字…), not a filing number."),
            "number_class",
        )
    if special is False and not is_ordinary:
        raise _fail(
            _("An ordinary cosmetic has a filing number (…妆网备字…), not a registration number."),
            "number_class",
        )
    return number


def validate_trace_product_code(value: str) -> str:
    """药品标识码: the first 7 digits of the 20-digit drug traceability code."""
    code = normalise(value)
    if not re.fullmatch(r"[0-9]{7}", code):
        raise _fail(
            _("The product identifier of the traceability code has exactly 7 digits."), "trace_code"
        )
    return code


def validate_national_drug_code(value: str) -> str:
    """国家药品编码本位码: 86 + 9 + 10 digits + the GB 18937 check digit (ISO 7064 MOD 11,10)."""
    code = normalise(value)
    if not re.fullmatch(r"869[0-9]{11}", code):
        raise _fail(
            _("The national drug code has 14 digits and starts with 869."), "drug_code_format"
        )
    expected = mod_11_10.calc_check_digit(code[:13])
    if code[-1] != expected:
        raise _fail(
            _(
                "The check digit (the last one) of the national drug code is wrong: it should be %(expected)s."
            ),
            "drug_code_checksum",
            expected=expected,
        )
    return code


def validate_udi_di(value: str) -> str:
    """A GS1 device identifier (GTIN-14, or GTIN-13/12/8), with its check digit."""
    code = normalise(value)
    if not re.fullmatch(r"[0-9]{8}|[0-9]{12,14}", code):
        raise _fail(_("A UDI-DI (GS1) has 8, 12, 13 or 14 digits."), "udi_format")
    if not ean.is_valid(code):
        raise _fail(
            _("The check digit (the last one) of the UDI-DI is wrong: it should be %(expected)s."),
            "udi_checksum",
            expected=ean.calc_check_digit(code[:-1]),
        )
    return code.zfill(14)


def national_drug_code(body13: str) -> str:
    """Complete 13 digits with their check digit (for demo data and tests)."""
    return body13 + mod_11_10.calc_check_digit(body13)


_NUMBER_START = re.compile(
    rf"(国药准字|国械|国妆|[{_PROVINCES}][A-Z0-9]|\(|.*(药监械|网药销备|妆网备|械备|械注))"
)


def looks_like_number(text: str) -> bool:
    """Whether a search text is (the start of) a code or number rather than a name."""
    text = normalise(text).replace("（", "(")
    return sum(c.isdigit() for c in text) >= 5 or bool(_NUMBER_START.match(text))
