"""One parser for every code a pack, case or pallet may carry.

`parse_code(text)` turns any supported form into a `ParsedCode` whose `canonical` is the same
string for the same physical thing however it was written, or raises `CodeError` with a stable
`code` and a translated message that says which part is wrong and why.

Forms read:

- the Chinese 20-digit drug traceability code (药品追溯码), digits possibly grouped with spaces
  or hyphens; canonical ``urn:yaojian:cn:<20 digits>``;
- GS1 element strings as scanned (FNC1 as ASCII GS, with or without a symbology identifier
  such as ``]d2``), the bracketed form ``(01)…(21)…``, and a bare GTIN-8/12/13/14;
- GS1 Digital Link URIs on any host (numeric AIs, or the old short names ``gtin``/``ser``…);
- EPC URNs: ``urn:epc:id:sgtin|sscc|sgln|grai``, ``urn:epc:class:lgtin``,
  ``urn:epc:idpat:sgtin|sscc|sgln|grai`` and the tag URIs (``urn:epc:tag:sgtin-96:…``);
- MA codes (IDcode UDI, ``MA.156.…``); canonical ``urn:yaojian:ma:<DI>[.S<serial>|.L<lot>]``;
- TCM decoction-piece batch codes ``TCM:<USCC>:<batch>``; canonical
  ``urn:yaojian:tcm:<USCC>:<batch>``.

GS1 canonical forms are Digital Links on id.gs1.org: ``/01/<gtin14>/21/<serial>`` (a pack),
``/01/<gtin14>/10/<lot>`` (a lot), ``/01/<gtin14>`` (a product), ``/00/<sscc>``,
``/414/<gln>[/254/<ext>]``, ``/8003/0<grai><serial>``; values percent-encoded.

A bare 20-digit string is always read as a Chinese code (a GS1 SSCC element string has 20
digits too: scan it with its symbology identifier, or write it as ``(00)…``).
"""

from __future__ import annotations

import re

from biip import ParseError
from biip.symbology import GS1Symbology, SymbologyIdentifier
from django.utils.translation import gettext_lazy as _

from ._base import GS, MAX_INPUT_LENGTH, CodeError, ParsedCode
from .epc import parse_epc_urn, to_epc_urn
from .gs1 import parse_bare_gtin, parse_digital_link, parse_element_string, parse_hri
from .national import CN20_URN, MA_URN, TCM_URN, parse_cn20, parse_ma, parse_tcm

__all__ = ["CodeError", "ParsedCode", "canonical", "parse_code", "to_epc_urn", "try_parse"]

_GROUPED_DIGITS = re.compile(r"[0-9 -]+")
_BARE_GTIN_LENGTHS = (8, 12, 13, 14)
_CN20_URN_LENGTH = len(CN20_URN) + 20
# Full-width forms (what Chinese input methods type) -> ASCII; ideographic space -> space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def parse_code(text: str) -> ParsedCode:
    """Parse any supported code; raise `CodeError` saying exactly why it is not valid."""
    if not isinstance(text, str):
        raise CodeError("type", _("A code must be given as text."))
    if len(text) == _CN20_URN_LENGTH and text.startswith(CN20_URN):
        # the canonical form itself, as EPCIS documents carry every pack: skip the general path
        digits = text[len(CN20_URN) :]
        if digits.isascii() and digits.isdigit():
            return parse_cn20(digits, len(CN20_URN))
    if len(text) > MAX_INPUT_LENGTH:
        raise CodeError(
            "too_long",
            _("This text has %(found)d characters; no code has more than %(limit)d."),
            found=len(text),
            limit=MAX_INPUT_LENGTH,
        )
    text = text.translate(_HALF_WIDTH)
    stripped = text.strip()  # also drops a leading FNC1 (GS) some scanners send
    if not stripped:
        raise CodeError("empty", _("No code was given."))
    return _dispatch(stripped, text.index(stripped), symbology=True)


def canonical(text: str) -> str:
    return parse_code(text).canonical


def try_parse(text: str) -> ParsedCode | None:
    try:
        return parse_code(text)
    except CodeError:
        return None


def _dispatch(text: str, offset: int, *, symbology: bool) -> ParsedCode:
    lower = text[:20].lower()
    if lower.startswith(CN20_URN):
        return parse_cn20(text[len(CN20_URN) :], offset + len(CN20_URN))
    if lower.startswith(MA_URN):
        return parse_ma(text[len(MA_URN) :])
    if lower.startswith(TCM_URN):
        return parse_tcm(text, len(TCM_URN))
    if lower.startswith("urn:epc:"):
        return parse_epc_urn(text)
    if lower.startswith("urn:"):
        raise CodeError(
            "unknown_urn_type",
            _("%(urn)s… is not a kind of URN yaojian reads (urn:epc:… or urn:yaojian:…)."),
            urn=":".join(text.split(":")[:3])[:40],
        )
    if lower.startswith(("http://", "https://")):
        return parse_digital_link(text)
    if lower.startswith("tcm:"):
        return parse_tcm(text)
    if lower.startswith("ma."):
        return parse_ma(text)
    if text.startswith("]") and symbology:
        return _with_symbology(text, offset)
    if text.startswith("("):
        return parse_hri(text)
    if text[0] in "0123456789":
        return _numeric(text, offset)
    raise CodeError(
        "unknown_format",
        _(
            "This is not a code yaojian reads: not a drug traceability code, GS1 code, Digital Link, EPC URN, MA code or TCM batch code."
        ),
    )


def _with_symbology(text: str, offset: int) -> ParsedCode:
    """Symbology identifiers (ISO/IEC 15424) that scanners put before the data: ]d2, ]C1, ]Q3…"""
    try:
        identifier = SymbologyIdentifier.extract(text)
    except (ParseError, ValueError, IndexError):
        raise CodeError(
            "unknown_format",
            _("%(prefix)s is not a barcode symbology identifier."),
            prefix=text[:3],
        ) from None
    rest = text[len(identifier) :].lstrip(GS)
    offset += len(text) - len(rest)
    if not rest:
        raise CodeError("empty", _("The barcode holds no data after its symbology identifier."))
    if identifier.gs1_symbology in GS1Symbology.with_gs1_messages():
        return parse_element_string(rest, offset)
    if identifier.gs1_symbology in GS1Symbology.with_gtin():
        return parse_bare_gtin(rest, offset)
    return _dispatch(rest, offset, symbology=False)


def _numeric(text: str, offset: int) -> ParsedCode:
    grouped = _GROUPED_DIGITS.fullmatch(text) is not None
    compact = text.replace(" ", "").replace("-", "")
    if grouped:
        if len(compact) == 20:
            return parse_cn20(text, offset)
        if len(compact) in _BARE_GTIN_LENGTHS:
            return parse_bare_gtin(compact, offset if compact == text else 0)
        if compact != text:
            # Grouped digits are written by people: a CN code; unless the text is a valid GS1
            # element string whose data holds hyphens (a serial "-5" after AI 21).
            try:
                return parse_element_string(text, offset)
            except CodeError:
                return parse_cn20(text, offset)
    try:
        return parse_element_string(text, offset)
    except CodeError as error:
        # Not GS1 from the first character on: report it as the 20-digit code it resembles.
        if (
            error.code == "unknown_ai"
            and error.position == offset
            and (grouped or len(compact) == 20)
        ):
            return parse_cn20(text, offset)
        if error.code == "unknown_ai" and error.position == offset:
            raise CodeError(
                "unknown_format",
                _(
                    "This is not a code yaojian reads: not a drug traceability code, GS1 code, Digital Link, EPC URN, MA code or TCM batch code."
                ),
            ) from None
        raise


_CODE_LIKE = re.compile(
    r"^(\(\d{2,4}\)|\][dCQe][0-9]|urn:epc:|urn:yaojian:|MA\.|TCM:|\d{8,20}$)", re.IGNORECASE
)


def looks_like_code(text: str) -> bool:
    """Whether a pasted text is meant as a traceability code (valid or not): pages route it to
    the code check so that a mistyped code gets the parser's reason, not a licence lookup."""
    text = (text or "").strip()
    return bool(try_parse(text) or "\x1d" in text or _CODE_LIKE.match(text))
