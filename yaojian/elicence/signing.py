"""Signing and verifying for electronic licences, with nothing here that needs the database.

Signing goes through `core.crypto.Signer` (SM2Signer today; a certified hardware module can
replace `signer_for`). Verifying needs the public key only: `PublicKey` checks SM2-with-SM3
signatures (GB/T 32918, default user ID 1234567812345678) with gmssl's point arithmetic and
`cryptography`'s SM3, so an offline verifier needs no private key and no database.

gmssl's pure-Python verification costs tens of milliseconds. Signed versions never change, so
a signature that verified once under a public key is remembered (`VerifiedCache`): a
positive result only, keyed by the public key, the SM3 digest of the signed bytes and the
signature. Tampering changes one of the three and misses the cache; a compromised key is
refused before the cache is consulted (its status is read live).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from yaojian.core import sm2fast
from yaojian.core.crypto import SM2_N, Signer, sm3

ALGORITHM = "SM2-with-SM3"
_P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
_A = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
_B = "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
_G = (
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"
)
_DEFAULT_USER_ID = b"1234567812345678"
_PUBLIC_KEY = re.compile(r"(04)?[0-9a-fA-F]{128}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")


def canonical_json(data: Any) -> bytes:
    """The bytes that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _sm3_bytes(data: bytes) -> bytes:
    return bytes.fromhex(sm3(data))


class PublicKey:
    """Verifies SM2-with-SM3 signatures (r‖s, 128 hex digits) under one public key."""

    algorithm = ALGORITHM

    def __init__(self, public_key_hex: str) -> None:
        if not isinstance(public_key_hex, str) or not _PUBLIC_KEY.fullmatch(public_key_hex):
            raise ValueError("An SM2 public key is 128 hex digits (x‖y), optionally after 04.")
        key = public_key_hex.lower()
        key = key[2:] if len(key) == 130 else key
        x, y = int(key[:64], 16), int(key[64:], 16)
        a, b = int(_A, 16), int(_B, 16)
        if not (x < _P and y < _P and (y * y - (x * x * x + a * x + b)) % _P == 0):
            raise ValueError("The public key is not a point on the SM2 curve.")
        self._public = key
        # Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), fixed for the key
        self._z = _sm3_bytes(
            (len(_DEFAULT_USER_ID) * 8).to_bytes(2, "big")
            + _DEFAULT_USER_ID
            + bytes.fromhex(_A + _B + _G + key)
        )

    def public_key(self) -> str:
        return self._public

    def digest(self, data: bytes) -> bytes:
        """e = SM3(Z_A ‖ M), the number that an SM2 signature signs."""
        return _sm3_bytes(self._z + data)

    def verify(self, data: bytes, signature: str) -> bool:
        if not isinstance(signature, str) or not _SIGNATURE.fullmatch(signature):
            return False
        r, s = int(signature[:64], 16), int(signature[64:], 16)
        if not (1 <= r < SM2_N and 1 <= s < SM2_N):
            return False
        # core.sm2fast: the same arithmetic as gmssl, ten times faster (verification is the hot
        # path: anyone may check a licence at any time)
        e = int.from_bytes(self.digest(data), "big")
        return sm2fast.verify_digest(self._public, e, r, s)


@lru_cache(maxsize=256)
def public_key(public_key_hex: str) -> PublicKey:
    return PublicKey(public_key_hex)


class VerifiedCache:
    """A bounded LRU of (public key, SM3 of the signed bytes, signature) that verified."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def verify(self, key: PublicKey, data: bytes, signature: str) -> bool:
        entry = (
            key.public_key(),
            sm3(data),
            signature.lower() if isinstance(signature, str) else "",
        )
        with self._lock:
            if entry in self._entries:
                self._entries.move_to_end(entry)
                self.hits += 1
                return True
            self.misses += 1
        if not key.verify(data, signature):
            return False
        with self._lock:
            self._entries[entry] = None
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


def _cache_size() -> int:
    from yaojian.elicence.conf import setting

    return int(setting("YAOJIAN_ELICENCE_VERIFY_CACHE", "20000"))


verified = VerifiedCache(_cache_size())


def verify(public_key_hex: str, data: bytes, signature: str) -> bool:
    """Check one signature, remembering the ones that verified."""
    try:
        key = public_key(public_key_hex)
    except ValueError:
        return False
    return verified.verify(key, data, signature)


def signer_for(key: Any) -> Signer:
    """The Signer for a SigningKey. The one place to plug a hardware security module in."""
    from yaojian.core.crypto import SM2Signer, sm4_decrypt

    if not key.private_key_enc:
        raise RuntimeError(f"no private key is kept for {key.key_id}")
    private = sm4_decrypt(key.private_key_enc, context=key_context(key.key_id))
    return SM2Signer(private, key.public_key)


def key_context(key_id: str) -> bytes:
    """The associated data binding an encrypted private key to its key id."""
    return f"elicence-signing-key:{key_id}".encode()
