"""National cryptographic algorithms: SM3 (hash, HMAC), SM4-GCM (field encryption), SM2.

SM3 and SM4 come from `cryptography`; SM2 signatures sit behind `Signer` so that a certified
hardware module can replace the software implementation (gmssl) without touching callers.
"""

from __future__ import annotations

import base64
import contextlib
import hmac as std_hmac
import os
import re
import secrets
from functools import cache
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3(key: bytes, data: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def constant_time_equal(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a.encode(), b.encode())


@cache
def field_key() -> bytes:
    """The SM4 key for encrypted fields: YAOJIAN_FIELD_KEY, or one kept under var/."""
    if settings.YAOJIAN_FIELD_KEY:
        return bytes.fromhex(settings.YAOJIAN_FIELD_KEY)
    path = settings.VAR_DIR / "field_key"
    if not path.exists():
        _create_key_file(path)
    return bytes.fromhex(path.read_text().strip())


def _create_key_file(path: Path) -> None:
    """Write a new key readable by the owner only, never replacing one that exists.

    Two processes starting together must end up with the same key: each writes a complete
    temporary file and links it into place; link() fails if the other process was first.
    Data encrypted under a key that was then overwritten could never be read again.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(16))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def sm4_encrypt(plaintext: str, *, context: bytes = b"") -> str:
    """SM4-GCM with a random 96-bit nonce; `context` is bound as associated data."""
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(field_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context)
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return "sm4gcm:" + base64.b64encode(nonce + encryptor.tag + body).decode()


def sm4_decrypt(token: str, *, context: bytes = b"") -> str:
    raw = base64.b64decode(token.removeprefix("sm4gcm:"))
    nonce, tag, body = raw[:12], raw[12:28], raw[28:]
    decryptor = Cipher(algorithms.SM4(field_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context)
    return (decryptor.update(body) + decryptor.finalize()).decode()


class Signer(Protocol):
    algorithm: str

    def public_key(self) -> str: ...

    def sign(self, data: bytes) -> str: ...

    def verify(self, data: bytes, signature: str) -> bool: ...


# the order n of the SM2 curve's base point (GB/T 32918.5)
SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
_SM2_SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")


class SM2Signer:
    """SM2 signatures with SM3 digest (GB/T 32918) in software, through gmssl.

    Keys are hex: the private key d (64 digits, 1 <= d <= n-2), the public key x||y (128
    digits, an optional leading "04" is accepted). Signatures are r||s (128 hex digits), the
    form OpenSSL and GmSSL produce after DER decoding, with the default user ID
    1234567812345678.

    gmssl needs care: its sign_with_sm3() draws the nonce from `random` (predictable, and a
    known nonce reveals the private key), its constructor strips every leading "0" and "4"
    from the public key (str.lstrip), and its verify() neither checks the signature's length
    nor that r and s lie in [1, n-1].
    """

    algorithm = "SM2-with-SM3"

    def __init__(self, private_key_hex: str, public_key_hex: str | None = None) -> None:
        from gmssl import sm2

        d = int(private_key_hex, 16)
        if not 1 <= d <= SM2_N - 2:
            raise ValueError("An SM2 private key is a number from 1 to n-2.")
        self._private = f"{d:064x}"
        derived = sm2.CryptSM2(private_key=self._private, public_key="")._kg(
            d, sm2.default_ecc_table["g"]
        )
        if public_key_hex is not None:
            given = public_key_hex.lower()
            if len(given) == 130 and given.startswith("04"):
                given = given[2:]
            if given != derived:
                raise ValueError("The public key does not belong to the private key.")
        self._public = derived
        self._impl = sm2.CryptSM2(private_key=self._private, public_key=derived)
        self._impl.public_key = derived  # undo gmssl's lstrip("04") of the key

    @classmethod
    def generate(cls) -> SM2Signer:
        return cls(f"{secrets.randbelow(SM2_N - 2) + 1:064x}")

    def public_key(self) -> str:
        return self._public

    def sign(self, data: bytes) -> str:
        while True:
            nonce = f"{secrets.randbelow(SM2_N - 1) + 1:064x}"
            signature = self._impl.sign_with_sm3(data, nonce)
            if signature:  # None when r = 0, r + k = n or s = 0: draw another nonce
                return signature

    def verify(self, data: bytes, signature: str) -> bool:
        if not isinstance(signature, str) or not _SM2_SIGNATURE.fullmatch(signature):
            return False
        r, s = int(signature[:64], 16), int(signature[64:], 16)
        if not (1 <= r < SM2_N and 1 <= s < SM2_N):
            return False
        try:
            return bool(self._impl.verify_with_sm3(signature, data))
        except Exception:  # a signature that is no point arithmetic can handle
            return False
