"""National algorithms: SM3 and HMAC-SM3, SM4-GCM field encryption, SM2 signatures.

Expected values come from the standards (GB/T 32905 test vectors), from a generic HMAC
construction (RFC 2104) written here, and from OpenSSL's own SM2 implementation.
"""

from __future__ import annotations

import base64
import pathlib
import random
import re
import shutil
import subprocess

import pytest
from Cryptodome.Util.asn1 import DerBitString, DerObjectId, DerSequence
from cryptography.exceptions import InvalidTag
from hypothesis import given, settings
from hypothesis import strategies as st

from yaojian.core import crypto
from yaojian.core.crypto import Signer, SM2Signer, hmac_sm3, sm3, sm4_decrypt, sm4_encrypt

EXAMPLES = settings(max_examples=100, deadline=None)

# --- SM3 -------------------------------------------------------------------------------------


def test_sm3_of_abc_is_the_gbt_32905_test_vector():
    expected = "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"
    assert sm3(b"abc") == expected.replace(" ", "")


def test_sm3_of_sixty_four_bytes_is_the_second_gbt_32905_test_vector():
    expected = "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"
    assert sm3(b"abcd" * 16) == expected.replace(" ", "")


def rfc2104_hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC from its definition (block size 64 bytes), built on plain SM3."""
    if len(key) > 64:
        key = bytes.fromhex(sm3(key))
    key = key.ljust(64, b"\0")
    inner = bytes.fromhex(sm3(bytes(b ^ 0x36 for b in key) + data))
    return sm3(bytes(b ^ 0x5C for b in key) + inner)


@EXAMPLES
@given(key=st.binary(min_size=1, max_size=100), data=st.binary(max_size=300))
def test_hmac_sm3_agrees_with_the_rfc_2104_construction(key, data):
    mac = hmac_sm3(key, data)
    assert re.fullmatch(r"[0-9a-f]{64}", mac)
    assert mac == rfc2104_hmac_sm3(key, data)


@EXAMPLES
@given(
    key=st.binary(min_size=16, max_size=32),
    other_key=st.binary(min_size=16, max_size=32),
    data=st.binary(max_size=200),
    other_data=st.binary(max_size=200),
)
def test_hmac_sm3_verifies_its_own_mac_and_no_other(key, other_key, data, other_data):
    mac = hmac_sm3(key, data)
    assert crypto.constant_time_equal(hmac_sm3(key, data), mac)
    if other_key != key:
        assert not crypto.constant_time_equal(hmac_sm3(other_key, data), mac)
    if other_data != data:
        assert not crypto.constant_time_equal(hmac_sm3(key, other_data), mac)


# --- SM4-GCM ---------------------------------------------------------------------------------


@pytest.fixture
def fresh_key(settings, tmp_path):
    """A field key of its own (the key is cached per process: clear it before and after)."""
    settings.VAR_DIR = tmp_path
    settings.YAOJIAN_FIELD_KEY = ""
    crypto.field_key.cache_clear()
    yield tmp_path / "field_key"
    crypto.field_key.cache_clear()


@EXAMPLES
@given(text=st.text(), context=st.binary(max_size=40))
def test_sm4_round_trip(text, context):
    token = sm4_encrypt(text, context=context)
    assert token.startswith("sm4gcm:")
    assert sm4_decrypt(token, context=context) == text


@EXAMPLES
@given(text=st.text(min_size=8))  # 8+ bytes: not found in random bytes by chance
def test_sm4_ciphertext_does_not_show_the_plaintext_and_differs_each_time(text):
    first, second = sm4_encrypt(text), sm4_encrypt(text)
    assert first != second  # a fresh nonce every time
    assert text.encode() not in base64.b64decode(first.removeprefix("sm4gcm:"))


@EXAMPLES
@given(text=st.text(), context=st.binary(max_size=20), other=st.binary(max_size=20))
def test_sm4_refuses_another_context(text, context, other):
    token = sm4_encrypt(text, context=context)
    if other != context:
        with pytest.raises(InvalidTag):
            sm4_decrypt(token, context=other)


@EXAMPLES
@given(text=st.text(), data=st.data())
def test_sm4_refuses_a_ciphertext_with_any_flipped_byte(text, data):
    token = sm4_encrypt(text, context=b"ctx")
    raw = bytearray(base64.b64decode(token.removeprefix("sm4gcm:")))
    position = data.draw(st.integers(0, len(raw) - 1), label="position")  # nonce, tag or body
    raw[position] ^= data.draw(st.integers(1, 255), label="flip")
    tampered = "sm4gcm:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(InvalidTag):
        sm4_decrypt(tampered, context=b"ctx")


def test_sm4_with_another_key_cannot_decrypt(settings, fresh_key):
    settings.YAOJIAN_FIELD_KEY = "00112233445566778899aabbccddeeff"
    crypto.field_key.cache_clear()
    token = sm4_encrypt("360102199001011234")
    settings.YAOJIAN_FIELD_KEY = "ffeeddccbbaa99887766554433221100"
    crypto.field_key.cache_clear()
    with pytest.raises(InvalidTag):
        sm4_decrypt(token)


def test_field_key_is_created_once_and_readable_by_the_owner_only(fresh_key):
    key = crypto.field_key()
    assert len(key) == 16
    assert fresh_key.stat().st_mode & 0o777 == 0o600
    token = sm4_encrypt("secret")
    crypto.field_key.cache_clear()  # a restart reads the same key back
    assert crypto.field_key() == key
    assert sm4_decrypt(token) == "secret"


def test_field_key_never_replaces_a_key_that_another_process_just_wrote(fresh_key, monkeypatch):
    """Two processes starting together: the second must not overwrite the first one's key."""
    real_exists = pathlib.Path.exists
    written = {}

    def exists_after_the_other_process_wrote(path):
        if path == fresh_key and not written:
            # the other process wins the race right after our check
            fresh_key.write_text("0123456789abcdef0123456789abcdef")
            written["key"] = True
            return False
        return real_exists(path)

    monkeypatch.setattr(pathlib.Path, "exists", exists_after_the_other_process_wrote)
    key = crypto.field_key()
    monkeypatch.undo()
    assert key == bytes.fromhex("0123456789abcdef0123456789abcdef")
    assert fresh_key.read_text().strip() == "0123456789abcdef0123456789abcdef"


# --- SM2 -------------------------------------------------------------------------------------

N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


@pytest.fixture(scope="module")
def signer() -> SM2Signer:
    return SM2Signer.generate()


@pytest.fixture(scope="module")
def other_signer() -> SM2Signer:
    return SM2Signer.generate()


def test_sm2_signer_meets_the_signer_protocol(signer):
    as_protocol: Signer = signer
    assert as_protocol.algorithm == "SM2-with-SM3"
    assert re.fullmatch(r"[0-9a-f]{128}", signer.public_key())
    signature = as_protocol.sign(b"payload")
    assert re.fullmatch(r"[0-9a-f]{128}", signature)
    assert as_protocol.verify(b"payload", signature) is True


@settings(max_examples=25, deadline=None)
@given(message=st.binary(max_size=200), other=st.binary(max_size=200))
def test_sm2_signature_verifies_for_its_message_only(signer, message, other):
    signature = signer.sign(message)
    assert signer.verify(message, signature)
    if other != message:
        assert not signer.verify(other, signature)


def test_sm2_signature_of_another_key_fails(signer, other_signer):
    assert signer.public_key() != other_signer.public_key()
    signature = other_signer.sign(b"licence 360102")
    assert other_signer.verify(b"licence 360102", signature)
    assert not signer.verify(b"licence 360102", signature)


def test_sm2_signer_rebuilt_from_the_same_private_key_verifies_old_signatures(signer):
    again = SM2Signer(signer._private)
    assert again.public_key() == signer.public_key()
    assert again.verify(b"x", signer.sign(b"x"))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-2],  # too short
        lambda s: s + "00",  # trailing garbage
        lambda s: "",
        lambda s: "zz" + s[2:],  # not hex
        lambda s: f"{0:064x}" + s[64:],  # r = 0
        lambda s: s[:64] + f"{0:064x}",  # s = 0
        lambda s: f"{int(s[:64], 16) + N:064x}"[-64:] + s[64:],  # r + n (if it fits)
        lambda s: s[:64] + f"{N:064x}",  # s = n
    ],
)
def test_sm2_refuses_malformed_or_out_of_range_signatures(signer, mangle):
    signature = signer.sign(b"message")
    mangled = mangle(signature)
    if mangled != signature:
        assert signer.verify(b"message", mangled) is False


def test_sm2_nonce_does_not_come_from_the_predictable_random_module(signer):
    """A nonce known to an attacker reveals the private key: it must come from `secrets`."""
    random.seed(2026)
    first = signer.sign(b"same message")
    random.seed(2026)
    second = signer.sign(b"same message")
    assert first != second


def test_sm2_key_whose_public_key_starts_with_04_still_works():
    # private key 11 has the public key 04b3cb10…: gmssl strips a leading "04" as if it
    # were the uncompressed-point prefix, which broke one key in 256
    signer = SM2Signer(f"{11:064x}")
    assert signer.public_key().startswith("04")
    assert len(signer.public_key()) == 128
    assert signer.verify(b"x", signer.sign(b"x"))


def test_sm2_refuses_a_public_key_that_does_not_belong_to_the_private_key(signer, other_signer):
    assert SM2Signer(signer._private, signer.public_key()).public_key() == signer.public_key()
    assert SM2Signer(signer._private, "04" + signer.public_key()).verify(b"y", signer.sign(b"y"))
    with pytest.raises(ValueError):
        SM2Signer(signer._private, other_signer.public_key())


@pytest.mark.parametrize("private", ["0" * 64, f"{N:064x}", f"{N - 1:064x}"])
def test_sm2_refuses_private_keys_outside_the_valid_range(private):
    with pytest.raises(ValueError):
        SM2Signer(private)


# --- interoperability with OpenSSL's SM2 ------------------------------------------------------

openssl = shutil.which("openssl")


def _openssl_has_sm2() -> bool:
    if not openssl:
        return False
    result = subprocess.run(
        [openssl, "list", "-public-key-algorithms"], capture_output=True, text=True, check=False
    )
    return "SM2" in result.stdout


needs_openssl = pytest.mark.skipif(not _openssl_has_sm2(), reason="OpenSSL without SM2")
SM2_OPTS = ["-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]


def public_key_pem(public_hex: str) -> bytes:
    algorithm = DerSequence(
        [DerObjectId("1.2.840.10045.2.1").encode(), DerObjectId("1.2.156.10197.1.301").encode()]
    )
    info = DerSequence(
        [algorithm.encode(), DerBitString(bytes.fromhex("04" + public_hex)).encode()]
    ).encode()
    body = base64.encodebytes(info).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n".encode()


def run_openssl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([openssl, *args], capture_output=True, text=True, check=False)


@needs_openssl
@pytest.mark.parametrize("private", [None, f"{11:064x}"])
def test_openssl_verifies_our_sm2_signatures(tmp_path, private):
    signer = SM2Signer(private) if private else SM2Signer.generate()
    message = "药品经营许可证 赣AA7910001".encode()
    signature = signer.sign(message)
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    (tmp_path / "pub.pem").write_bytes(public_key_pem(signer.public_key()))
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(DerSequence([r, s]).encode())
    args = ["pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), *SM2_OPTS]
    result = run_openssl(*args, "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig"))
    assert "Signature Verified Successfully" in result.stdout, result.stdout + result.stderr
    # and OpenSSL refuses it for another message
    (tmp_path / "msg").write_bytes(message + b"!")
    result = run_openssl(*args, "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig"))
    assert "Signature Verified Successfully" not in result.stdout


@needs_openssl
def test_we_verify_openssl_sm2_signatures_and_derive_its_public_key(tmp_path):
    key = tmp_path / "key.pem"
    assert run_openssl("genpkey", "-algorithm", "SM2", "-out", str(key)).returncode == 0
    text = run_openssl("pkey", "-in", str(key), "-text", "-noout").stdout

    def hex_of(pattern: str) -> str:
        return re.sub(r"[\s:]", "", re.search(pattern, text, re.S).group(1))

    private = hex_of(r"priv:(.*?)pub:")[-64:].rjust(64, "0")
    public = hex_of(r"pub:(.*?)ASN1")
    signer = SM2Signer(private)
    assert "04" + signer.public_key() == public
    message = b"EPCIS event 2026-11-23"
    (tmp_path / "msg").write_bytes(message)
    result = run_openssl(
        "pkeyutl", "-sign", "-inkey", str(key), *SM2_OPTS,
        "-in", str(tmp_path / "msg"), "-out", str(tmp_path / "sig"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    der = DerSequence()
    der.decode((tmp_path / "sig").read_bytes())
    signature = f"{der[0]:064x}{der[1]:064x}"
    assert signer.verify(message, signature)
    assert not signer.verify(message + b"x", signature)
