"""EPC pure-identity URNs (GS1 Tag Data Standard) to and from GS1 keys.

No library converts these, so it is done here: the URN splits a key at the GS1 company prefix
and leaves out the check digit, which is computed back when the key is rebuilt.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from ._base import AI82, CodeError, ParsedCode, gs1_check_digit, require_digits
from .gs1 import AI82_HINT, check_element, grai_code, gtin_code, sgln_code, sscc_code

# TDS "GS3A3" component: characters written as they are, and the escapes of the others.
_URN_LITERAL = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!'()*+,-.:;=_"
)
_URN_ESCAPES = {"22": '"', "25": "%", "26": "&", "2F": "/", "3C": "<", "3E": ">", "3F": "?"}
_URN_ESCAPE_OF = {char: f"%{code}" for code, char in _URN_ESCAPES.items()}

_EPC_URN = re.compile(r"(?i:urn:epc:(id|class|idpat|tag):([a-z0-9-]+)):(.*)", re.DOTALL)
# (kind, type) -> scheme; tag URIs are the same identities after their filter value.
_TYPES = {
    ("id", "sgtin"): "sgtin",
    ("idpat", "sgtin"): "sgtin",
    ("class", "lgtin"): "lgtin",
    ("id", "sscc"): "sscc",
    ("idpat", "sscc"): "sscc",
    ("id", "sgln"): "sgln",
    ("idpat", "sgln"): "sgln",
    ("id", "grai"): "grai",
    ("idpat", "grai"): "grai",
}
_TAG_TYPES = {
    "sgtin-96": "sgtin",
    "sgtin-198": "sgtin",
    "sscc-96": "sscc",
    "sgln-96": "sgln",
    "sgln-195": "sgln",
    "grai-96": "grai",
    "grai-170": "grai",
}
# scheme -> (digits in company prefix + reference, number of dot-separated parts)
_SHAPE = {"sgtin": (13, 3), "lgtin": (13, 3), "sscc": (17, 2), "sgln": (12, 3), "grai": (12, 3)}


def urn_escape(value: str) -> str:
    return "".join(_URN_ESCAPE_OF.get(ch, ch) for ch in value)


def urn_unescape(value: str, part: Any) -> str:
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "%":
            char = _URN_ESCAPES.get(value[i + 1 : i + 3].upper())
            if char is None:
                raise CodeError(
                    "urn_escape",
                    _(
                        "%(escape)s in %(part)s is not an EPC URN escape; only %%22, %%25, %%26, %%2F, %%3C, %%3E and %%3F are."
                    ),
                    escape=value[i : i + 3],
                    part=part,
                )
            out.append(char)
            i += 3
            continue
        if ch not in _URN_LITERAL:
            raise CodeError(
                "characters",
                _("Character %(pos)d (%(char)s) is not allowed in %(part)s. %(hint)s"),
                char=f"“{ch}”" if ch.isprintable() else f"U+{ord(ch):04X}",
                pos=i + 1,
                part=part,
                hint=_(
                    'In an EPC URN, write " % & / < > ? as %22 %25 %26 %2F %3C %3E %3F; other characters outside the GS1 set are not allowed.'
                )
                if ch in AI82
                else AI82_HINT,
            )
        out.append(ch)
        i += 1
    return "".join(out)


def _syntax(message: Any, **params: Any) -> CodeError:
    return CodeError("urn_syntax", message, **params)


def parse_epc_urn(text: str) -> ParsedCode:
    match = _EPC_URN.fullmatch(text)
    if match is None:
        raise _syntax(_("An EPC URN has the form urn:epc:id:<type>:<parts>."))
    kind, epc_type, body = match.group(1).lower(), match.group(2).lower(), match.group(3)
    if kind == "tag":
        scheme = _TAG_TYPES.get(epc_type)
        # A tag URI starts with the filter value, which is not part of the identity.
        filter_value, _dot, body = body.partition(".")
        if scheme and not (filter_value.isdecimal() and filter_value.isascii()):
            raise _syntax(_("An EPC tag URI starts with a numeric filter value."))
        kind = "id"
    else:
        scheme = _TYPES.get((kind, epc_type))
    if scheme is None:
        raise CodeError(
            "unknown_urn_type",
            _(
                "urn:epc:%(kind)s:%(type)s is not an EPC type yaojian traces (sgtin, lgtin, sscc, sgln, grai)."
            ),
            kind=kind,
            type=epc_type,
        )
    total, count = _SHAPE[scheme]
    parts = body.split(".", count - 1)
    if len(parts) != count:
        raise _syntax(
            _(
                "urn:epc:%(kind)s:%(type)s needs %(count)d parts separated by dots; found %(found)d."
            ),
            kind=kind,
            type=epc_type,
            count=count,
            found=len(parts),
        )
    prefix, reference = parts[0], parts[1]
    if kind == "idpat" and reference == "*":
        raise _syntax(
            _("This EPC pattern matches a whole company prefix; it names no single product.")
        )
    require_digits(prefix, _("the company prefix"), offset=None)
    if not 6 <= len(prefix) <= 12:
        raise CodeError(
            "company_prefix_length",
            _("A GS1 company prefix has 6 to 12 digits; this one has %(found)d."),
            found=len(prefix),
        )
    require_digits(reference, _("the reference after the company prefix"), offset=None)
    if len(prefix) + len(reference) != total:
        raise CodeError(
            "length",
            _(
                "The company prefix and the reference after it have %(found)d digits together; a %(scheme)s URN needs %(expected)d."
            ),
            found=len(prefix) + len(reference),
            scheme=scheme.upper(),
            expected=total,
        )
    last = parts[2] if count == 3 else ""
    wildcard = kind == "idpat" and last == "*"
    if scheme in ("sgtin", "lgtin"):
        body13 = reference[0] + prefix + reference[1:]
        gtin = body13 + gs1_check_digit(body13)
        if wildcard:
            return gtin_code(gtin, source_form="epc_urn")
        if scheme == "lgtin":
            lot = urn_unescape(last, _("the lot"))
            check_element("10", lot, None)
            return gtin_code(gtin, batch=lot, source_form="epc_urn")
        serial = urn_unescape(last, _("the serial number"))
        if not serial:
            raise CodeError(
                "serial_missing",
                _(
                    "This SGTIN has no serial number after the last dot: an individual pack needs one."
                ),
            )
        check_element("21", serial, None)
        return gtin_code(gtin, serial=serial, source_form="epc_urn")
    if scheme == "sscc":
        body17 = reference[0] + prefix + reference[1:]
        return sscc_code(body17 + gs1_check_digit(body17), "epc_urn")
    body12 = prefix + reference
    key13 = body12 + gs1_check_digit(body12)
    if scheme == "sgln":
        extension = "" if wildcard else urn_unescape(last, _("the GLN extension"))
        if not extension:
            raise _syntax(_("An SGLN URN ends with the GLN extension; write 0 for none."))
        if extension != "0":
            check_element("254", extension, None)
        return sgln_code(key13, extension, "epc_urn")
    if wildcard:
        return grai_code(key13, "", "epc_urn")
    serial = urn_unescape(last, _("the serial number"))
    if not serial:
        raise CodeError(
            "serial_missing",
            _("This GRAI has no serial number after the last dot: an individual asset needs one."),
        )
    check_element("8003", f"0{key13}{serial}", None)
    return grai_code(key13, serial, "epc_urn")


def _key_from_canonical(parsed: ParsedCode, ai: str) -> str:
    segments = parsed.canonical.split("/")
    return segments[segments.index(ai) + 1]


def to_epc_urn(parsed: ParsedCode, company_prefix_length: int) -> str:
    """The EPC pure-identity URN (or class/pattern URN) of a GS1 key.

    The length of the GS1 company prefix cannot be read from a key, so the caller gives it
    (from the GEPIR lookup or the company's licence).
    """
    if parsed.scheme not in ("sgtin", "lgtin", "gtin", "sscc", "sgln", "grai"):
        raise CodeError(
            "not_gs1",
            _("Only GS1 keys have EPC URNs; this is a %(scheme)s code."),
            scheme=parsed.scheme,
        )
    size = company_prefix_length
    if isinstance(size, bool) or not isinstance(size, int) or not 6 <= size <= 12:
        raise CodeError(
            "company_prefix_length",
            _("A GS1 company prefix has 6 to 12 digits; %(found)s was given."),
            found=size,
        )
    if parsed.scheme in ("sgtin", "lgtin", "gtin"):
        gtin = parsed.gtin
        prefix, reference = gtin[1 : 1 + size], gtin[0] + gtin[1 + size : 13]
        if parsed.scheme == "sgtin":
            return f"urn:epc:id:sgtin:{prefix}.{reference}.{urn_escape(parsed.serial)}"
        if parsed.scheme == "lgtin":
            return f"urn:epc:class:lgtin:{prefix}.{reference}.{urn_escape(parsed.batch)}"
        return f"urn:epc:idpat:sgtin:{prefix}.{reference}.*"
    if parsed.scheme == "sscc":
        sscc = _key_from_canonical(parsed, "00")
        return f"urn:epc:id:sscc:{sscc[1 : 1 + size]}.{sscc[0]}{sscc[1 + size : 17]}"
    if parsed.scheme == "sgln":
        gln = _key_from_canonical(parsed, "414")
        return f"urn:epc:id:sgln:{gln[:size]}.{gln[size:12]}.{urn_escape(parsed.serial or '0')}"
    grai = parsed.product_key.removeprefix("grai:")
    if not parsed.serial:
        return f"urn:epc:idpat:grai:{grai[:size]}.{grai[size:12]}.*"
    return f"urn:epc:id:grai:{grai[:size]}.{grai[size:12]}.{urn_escape(parsed.serial)}"
