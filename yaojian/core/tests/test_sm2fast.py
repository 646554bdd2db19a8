"""The fast SM2 verifier agrees with gmssl on every signature, valid or not."""

from __future__ import annotations

from gmssl import sm2
from hypothesis import given, settings
from hypothesis import strategies as st

from yaojian.core import sm2fast
from yaojian.core.crypto import SM2Signer, sm3

SIGNER = SM2Signer.generate()
OTHER = SM2Signer.generate()


def digest(data: bytes) -> int:
    # any 256-bit number is a valid digest for the arithmetic; SM3 of the data is realistic
    return int(sm3(data), 16)


def sign_digest(signer: SM2Signer, e: int) -> tuple[int, int]:
    implementation = sm2.CryptSM2(private_key=signer._private, public_key=signer.public_key())
    signature = implementation.sign(
        e.to_bytes(32, "big"), f"{0x1234567890ABCDEF1234567890ABCDEF:064x}"
    )
    return int(signature[:64], 16), int(signature[64:], 16)


@settings(max_examples=25, deadline=None)
@given(data=st.binary(min_size=0, max_size=200))
def test_agrees_with_gmssl_on_valid_signatures(data):
    e = digest(data)
    r, s = sign_digest(SIGNER, e)
    assert sm2fast.verify_digest(SIGNER.public_key(), e, r, s)
    implementation = sm2.CryptSM2(private_key=None, public_key=SIGNER.public_key())
    implementation.public_key = SIGNER.public_key()
    assert implementation.verify(f"{r:064x}{s:064x}", e.to_bytes(32, "big"))


@settings(max_examples=25, deadline=None)
@given(
    data=st.binary(max_size=64),
    flip=st.integers(0, 255),
    which=st.sampled_from(["e", "r", "s", "key"]),
)
def test_any_change_fails(data, flip, which):
    e = digest(data)
    r, s = sign_digest(SIGNER, e)
    key = SIGNER.public_key()
    if which == "e":
        e ^= 1 << flip
    elif which == "r":
        r ^= 1 << flip
    elif which == "s":
        s ^= 1 << flip
    else:
        key = OTHER.public_key()
    assert not sm2fast.verify_digest(key, e, r, s)


def test_out_of_range_values_and_bad_keys_fail():
    e = digest(b"x")
    r, s = sign_digest(SIGNER, e)
    assert not sm2fast.verify_digest(SIGNER.public_key(), e, 0, s)
    assert not sm2fast.verify_digest(SIGNER.public_key(), e, r, sm2fast.N)
    assert not sm2fast.verify_digest("00" * 64, e, r, s)  # not on the curve
    assert not sm2fast.verify_digest(SIGNER.public_key(), e, sm2fast.N - s, s)  # r + s = n
