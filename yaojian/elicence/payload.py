"""The QR payload of an electronic licence, and its offline check (no database needed).

    YJL1.<base64url(compact JSON array)>.<base64url(SM2 signature r‖s, 64 bytes)>

The array is [number, version, credit code, valid until (YYYYMMDD or ""), key id, the first
16 hex digits of the SM3 hash of the signed licence data]. The signature covers exactly the
decoded bytes of the array, with the key named in it. Base64url is unpadded and must be in
canonical form (re-encoding gives the same text), so that every change of a character is a
change of the signed bytes or of the signature.

The QR code carries the payload inside a link to the platform's verification page, so that a
phone camera opens it; `extract` accepts that link or the bare payload.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

PREFIX = "YJL1"
HASH_PREFIX_LENGTH = 16
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class PayloadError(ValueError):
    """The text is not a well-formed payload (reason in English for logs and the CLI)."""


@dataclass(frozen=True)
class Claims:
    """What a payload states, once its form has been checked (not yet its signature)."""

    number: str
    version: int
    credit_code: str
    valid_until: dt.date | None
    key_id: str
    hash_prefix: str
    signed_bytes: bytes
    signature: str  # hex r‖s

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "version": self.version,
            "credit_code": self.credit_code,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "key_id": self.key_id,
            "hash_prefix": self.hash_prefix,
        }


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not _B64URL.fullmatch(text):
        raise PayloadError("not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise PayloadError("not base64url") from error
    if _b64encode(raw) != text:
        raise PayloadError("base64url not in canonical form")
    return raw


def claim_bytes(
    *,
    number: str,
    version: int,
    credit_code: str,
    valid_until: str | None,
    key_id: str,
    data_hash: str,
) -> bytes:
    """The signed bytes: a compact JSON array (valid_until given as ISO date or None)."""
    until = (valid_until or "").replace("-", "")
    fields = [number, version, credit_code, until, key_id, data_hash[:HASH_PREFIX_LENGTH]]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def encode(signed_bytes: bytes, signature_hex: str) -> str:
    return f"{PREFIX}.{_b64encode(signed_bytes)}.{_b64encode(bytes.fromhex(signature_hex))}"


def looks_like_payload(text: str) -> bool:
    return text.startswith(PREFIX + ".")


def extract(text: str) -> str | None:
    """The payload inside a QR link (any host: the platform's address may change), or the
    bare payload itself; None when the text carries no payload."""
    text = (text or "").strip()
    if looks_like_payload(text):
        return text
    if not re.match(r"https?://", text, re.IGNORECASE):
        return None
    parts = urlsplit(text)
    candidates = [unquote(segment) for segment in parts.path.split("/")]
    candidates += [value for _name, value in parse_qsl(parts.query)]
    for candidate in candidates:
        if looks_like_payload(candidate.strip()):
            return candidate.strip()
    return None


def decode(payload: str) -> Claims:
    """Check the payload's form and read its claims; PayloadError if it is malformed."""
    if not isinstance(payload, str) or len(payload) > 1000:
        raise PayloadError("not a payload")
    parts = payload.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise PayloadError(f"not a {PREFIX} payload")
    signed, signature = _b64decode(parts[1]), _b64decode(parts[2])
    if len(signature) != 64:
        raise PayloadError("the signature is not 64 bytes")
    try:
        fields = json.loads(signed.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError("the claims are not JSON") from error
    if not (
        isinstance(fields, list)
        and len(fields) == 6
        and all(isinstance(f, str) for i, f in enumerate(fields) if i != 1)
        and isinstance(fields[1], int)
        and not isinstance(fields[1], bool)
        and fields[1] >= 1
    ):
        raise PayloadError("the claims are not [number, version, code, until, key, hash]")
    number, version, credit_code, until, key_id, hash_prefix = fields
    if any(ord(c) < 0x20 for f in (number, credit_code, until, key_id) for c in f):
        raise PayloadError("the claims hold control characters")
    if not (0 < len(number) <= 60 and len(credit_code) <= 18 and 0 < len(key_id) <= 20):
        raise PayloadError("a claim is too long")
    valid_until = None
    if until:
        try:
            valid_until = dt.datetime.strptime(until, "%Y%m%d").date()
        except ValueError as error:
            raise PayloadError("valid-until is not a date") from error
    if not re.fullmatch(f"[0-9a-f]{{{HASH_PREFIX_LENGTH}}}", hash_prefix):
        raise PayloadError("the hash prefix is not hexadecimal")
    return Claims(
        number=number,
        version=version,
        credit_code=credit_code,
        valid_until=valid_until,
        key_id=key_id,
        hash_prefix=hash_prefix,
        signed_bytes=signed,
        signature=signature.hex(),
    )


# --- offline verification against a published key file --------------------------------------

KEY_FILE_FORMAT = "yaojian-elicence-keys/1"


@dataclass(frozen=True)
class OfflineResult:
    verdict: str  # one of choices.Verdict's values
    reason: str
    claims: Claims | None = None
    key: dict | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "valid"


def load_key_file(document: Any) -> dict[str, dict]:
    """The keys of a published key file, by key id; ValueError if it is not one."""
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        raise ValueError(f"not a key file (format {KEY_FILE_FORMAT!r} expected)")
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise ValueError("the key file lists no keys")
    by_id = {}
    for key in keys:
        if not (isinstance(key, dict) and isinstance(key.get("key_id"), str)):
            raise ValueError("a key in the file has no key_id")
        if not isinstance(key.get("public_key"), str):
            raise ValueError(f"key {key['key_id']} has no public_key")
        by_id[key["key_id"]] = key
    return by_id


def verify_offline(text: str, keys: dict[str, dict], today: dt.date | None = None) -> OfflineResult:
    """Verify a payload (or QR link) with published keys only: signature, key, validity date.

    Offline, suspension, revocation and newer versions cannot be known: a valid answer means
    "signed by the bureau and within its validity", and says so.
    """
    from yaojian.elicence import signing

    payload = extract(text)
    if payload is None:
        return OfflineResult("unknown", "this is not the code or link of an electronic licence")
    try:
        claims = decode(payload)
    except PayloadError as error:
        return OfflineResult("altered", f"the code is damaged or altered: {error}")
    key = keys.get(claims.key_id)
    if key is None:
        return OfflineResult("altered", f"unknown signing key {claims.key_id}", claims)
    if key.get("algorithm", signing.ALGORITHM) != signing.ALGORITHM:
        return OfflineResult("altered", f"key {claims.key_id} is not an SM2 key", claims, key)
    if key.get("status") == "compromised":
        return OfflineResult(
            "altered",
            f"signing key {claims.key_id} was reported compromised "
            f"on {key.get('compromised_at') or '?'}: its signatures are not trusted",
            claims,
            key,
        )
    if not signing.verify(key["public_key"], claims.signed_bytes, claims.signature):
        return OfflineResult(
            "altered", "the signature does not match: altered or forged", claims, key
        )
    today = today or dt.date.today()
    if claims.valid_until and claims.valid_until < today:
        return OfflineResult(
            "expired", f"authentic, but expired on {claims.valid_until.isoformat()}", claims, key
        )
    return OfflineResult(
        "valid",
        "authentic: signed by the bureau's key and within its validity "
        "(suspension, revocation or a newer version can only be checked online)",
        claims,
        key,
    )
