"""The QR payload: its form, its length, and that any change of one character is detected."""

from __future__ import annotations

import base64
import string

import pytest
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yaojian.core.crypto import SM2Signer
from yaojian.elicence import payload, selectors, services, signing
from yaojian.registry.choices import LicenceKind
from yaojian.testing import factories

B64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"  # value order


def _sample(signer: SM2Signer, **changes) -> str:
    fields = {
        "number": "赣DA360100001",
        "version": 3,
        "credit_code": "91360102MA35L2K71X",
        "valid_until": "2030-06-30",
        "key_id": "360100-01",
        "data_hash": "a" * 64,
        **changes,
    }
    claims = payload.claim_bytes(**fields)
    return payload.encode(claims, signer.sign(claims))


def test_a_payload_round_trips():
    signer = SM2Signer.generate()
    text = _sample(signer)
    claims = payload.decode(text)
    assert claims.as_dict() == {
        "number": "赣DA360100001",
        "version": 3,
        "credit_code": "91360102MA35L2K71X",
        "valid_until": "2030-06-30",
        "key_id": "360100-01",
        "hash_prefix": "a" * 16,
    }
    assert signing.PublicKey(signer.public_key()).verify(claims.signed_bytes, claims.signature)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "YJL1",
        "YJL1..",
        "YJL2.e30.AAAA",
        "yjl1.e30.AAAA",
        "YJL1.W10.AAAA",  # [] and a short signature
        "YJL1.e30=." + "A" * 86,  # padding is not allowed
        "YJL1.e3+." + "A" * 86,  # the standard alphabet is not base64url
    ],
)
def test_malformed_payloads_are_refused(text):
    with pytest.raises(payload.PayloadError):
        payload.decode(text)


def test_only_the_canonical_base64url_form_is_accepted():
    text = _sample(SM2Signer.generate())
    head, body, signature = text.split(".")
    # 64 bytes make 86 characters whose last one carries 4 unused bits: changing its lowest
    # bit changes no byte, and a lenient decoder would take both for the same signature
    twin = signature[:-1] + B64URL[B64URL.index(signature[-1]) ^ 1]
    assert base64.urlsafe_b64decode(twin + "==") == base64.urlsafe_b64decode(signature + "==")
    with pytest.raises(payload.PayloadError):
        payload.decode(f"{head}.{body}.{twin}")


def test_the_payload_is_found_in_a_link_or_on_its_own():
    text = _sample(SM2Signer.generate())
    assert payload.extract(text) == text
    assert payload.extract(f"https://yaojian.example.gov.cn/elicence/v/{text}") == text
    assert payload.extract(f"http://10.0.0.8:8000/verify/?code={text}") == text
    assert payload.extract("https://example.com/other") is None
    assert payload.extract("赣DA360100001") is None


def test_the_qr_payload_stays_short_for_every_kind_of_licence(approver, enterprises, province):
    """The longest numbers (online sales filings, device licences) included: under 250
    characters, under 300 with the platform's address, a QR code of version 13 at most."""
    for kind in LicenceKind.values:
        licence = factories.LicenceFactory(
            kind=kind, holder=enterprises["donghu"], issuing_bureau=province["360100"]
        )
        elicence = services.issue(actor=approver, licence=licence, reason="新办")
        link = services.verify_url(elicence)
        assert len(elicence.payload) < 250, (kind, len(elicence.payload))
        assert len(link) < 300, (kind, len(link))
        assert segno.make(link, error="m").version <= 13


@pytest.fixture
def issued(approver, licence):
    return services.issue(actor=approver, licence=licence, reason="新办")


def _mutations():
    alphabet = st.sampled_from(B64URL + ".=+/ 0赣")
    return st.one_of(
        st.tuples(st.just("replace"), st.integers(min_value=0), alphabet),
        st.tuples(st.just("delete"), st.integers(min_value=0), st.just("")),
        st.tuples(st.just("insert"), st.integers(min_value=0), alphabet),
    )


def _apply(text: str, mutation) -> str:
    how, index, char = mutation
    index %= len(text)
    if how == "replace":
        if text[index] == char:
            char = "A" if char != "A" else "B"
        return text[:index] + char + text[index + 1 :]
    if how == "delete":
        return text[:index] + text[index + 1 :]
    return text[:index] + char + text[index:]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutation=_mutations())
def test_any_single_character_change_of_a_payload_is_detected(issued, mutation):
    changed = _apply(issued.payload, mutation)
    assert changed != issued.payload
    assert selectors.verify_payload(changed).verdict in {"altered", "unknown"}
    assert selectors.verify_input(changed).result.verdict in {"altered", "unknown"}
    keys = payload.load_key_file(selectors.published_keys())
    assert not payload.verify_offline(changed, keys).ok
    assert payload.verify_offline(issued.payload, keys).ok
