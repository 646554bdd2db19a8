"""Verification with the public key alone agrees with core.crypto's SM2Signer."""

from __future__ import annotations

import pytest

from yaojian.core.crypto import SM2_N, SM2Signer
from yaojian.core.errors import Conflict
from yaojian.elicence import services, signing

MESSAGE = "药品经营许可证 赣DA360100001".encode()


@pytest.fixture(scope="module")
def signer():
    return SM2Signer.generate()


def test_signatures_of_the_signer_verify_with_the_public_key_only(signer):
    for message in (MESSAGE, b"", b"x" * 2000):
        signature = signer.sign(message)
        key = signing.PublicKey(signer.public_key())
        assert key.verify(message, signature) and signer.verify(message, signature)
        assert signing.PublicKey("04" + signer.public_key()).verify(message, signature)


def test_any_change_fails(signer):
    signature = signer.sign(MESSAGE)
    key = signing.PublicKey(signer.public_key())
    assert not key.verify(MESSAGE + b" ", signature)
    assert not key.verify(MESSAGE, signature[:-1] + ("0" if signature[-1] != "0" else "1"))
    assert not signing.PublicKey(SM2Signer.generate().public_key()).verify(MESSAGE, signature)


@pytest.mark.parametrize(
    "signature",
    ["", "zz" * 64, "0" * 128, f"{SM2_N:064x}" + "1" * 64, "1" * 127, 12, None],
)
def test_malformed_signatures_fail_without_raising(signer, signature):
    assert not signing.PublicKey(signer.public_key()).verify(MESSAGE, signature)


@pytest.mark.parametrize("public", ["", "04", "00" * 64, "g" * 128, "1" * 128])
def test_a_public_key_must_be_a_point_on_the_curve(public):
    with pytest.raises(ValueError):
        signing.PublicKey(public)
    assert not signing.verify(public, MESSAGE, "1" * 128)


def test_the_cache_remembers_only_signatures_that_verified(signer):
    cache = signing.VerifiedCache(size=2)
    key = signing.PublicKey(signer.public_key())
    good = signer.sign(MESSAGE)
    assert not cache.verify(key, MESSAGE, "1" * 128)
    assert cache.verify(key, MESSAGE, good) and cache.misses == 2
    assert cache.verify(key, MESSAGE, good) and cache.hits == 1
    assert not cache.verify(key, MESSAGE + b"!", good)  # another message: no hit
    for extra in (b"a", b"b"):
        cache.verify(key, extra, signer.sign(extra))
    assert len(cache._entries) == 2  # bounded: the oldest went


def test_canonical_json_is_stable():
    assert signing.canonical_json({"b": 1, "a": "赣"}) == '{"a":"赣","b":1}'.encode()


def test_a_bureau_has_one_active_key(security_admin, province):
    key = services.key_create(actor=security_admin, bureau=province["360400"])
    assert key.key_id == "360400-01"
    with pytest.raises(Conflict):
        services.key_create(actor=security_admin, bureau=province["360400"])
