"""Keys that make near-identical enterprise names and addresses equal.

"南昌市东湖区大福药房" and "南昌市东湖区 大福药房有限公司" name the same shop; "江西省南昌市
东湖区八一大道318号" and "八一大道３１８号" are the same address. A key keeps what tells
businesses apart and drops what does not: full-width forms, case, spaces and punctuation, the
legal-form suffixes (有限公司, 股份有限公司…) and trade words (大药房, 药店…) at the end of a
name, and the names of the province's divisions at the start of a name or an address.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.conf import settings

from yaojian.core import regions

# longest first, so that 股份有限公司 goes before 有限公司 and 大药房 before 药房
NAME_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
    "连锁",
    "大药房",
    "药房",
    "药店",
)
COUNTRY_PREFIXES = ("中华人民共和国", "中国")
_MAX_PASSES = 12
_NOT_ALNUM = re.compile(r"[\W_]+")  # spaces, punctuation, symbols, marks, control characters


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _plain(text: str) -> str:
    """NFKC, case-folded, letters and digits only."""
    return _nfkc(_NOT_ALNUM.sub("", _nfkc(text).casefold()))


def _alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@cache
def _patterns(province_code: str) -> tuple[re.Pattern, re.Pattern]:
    """(prefixes at the start, suffixes at the end), longest alternatives first, each as many
    as follow one another (江西省南昌市东湖区…, …大药房连锁有限公司), never the whole text."""
    divisions = regions.divisions(province_code)
    names = {region.name for region in divisions.values()}
    province = divisions.get(province_code)
    if province and province.name.endswith("省"):
        names.add(province.name[:-1])  # 江西 in 江西康宁医药有限公司
    prefixes = {_plain(name) for name in (*names, *COUNTRY_PREFIXES)} - {""}
    return (
        re.compile(f"(?:{_alternation(prefixes).pattern})+(?=.)", re.S),
        re.compile(f"(?<=.)(?:{_alternation(NAME_SUFFIXES).pattern})+\\Z", re.S),
    )


def _strip_prefix(text: str, prefix: re.Pattern) -> str:
    match = prefix.match(text)
    return text[match.end() :] if match else text


def _strip_suffix(text: str, suffix: re.Pattern) -> str:
    match = suffix.search(text)
    return text[: match.start()] if match else text


def _fixpoint(text: str, step) -> str:
    for _ in range(_MAX_PASSES):
        following = step(text)
        if following == text:
            return text
        text = following
    return text


def name_key(name: str | None) -> str:
    """The comparable core of an enterprise name: 南昌市东湖区大福药房有限公司 -> 大福."""
    prefix, suffix = _patterns(settings.YAOJIAN_PROVINCE_CODE)
    return _fixpoint(
        name or "", lambda text: _strip_suffix(_strip_prefix(_plain(text), prefix), suffix)
    )


def address_key(address: str | None) -> str:
    """The comparable part of an address: 江西省南昌市东湖区八一大道318号 -> 八一大道318号."""
    prefix, _suffix = _patterns(settings.YAOJIAN_PROVINCE_CODE)
    return _fixpoint(address or "", lambda text: _strip_prefix(_plain(text), prefix))
