"""Verification against the real database: authentic, superseded, tampered, keys, live status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from yaojian.elicence import payload, selectors, services, signing
from yaojian.elicence.choices import KeyStatus
from yaojian.elicence.models import ElectronicLicence, SigningKey
from yaojian.registry import services as registry


@pytest.fixture(autouse=True)
def _english():
    """The reasons are read in English here (the catalogue gives them in Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def issued(approver, licence):
    return services.issue(actor=approver, licence=licence, reason="新办")


def test_a_fresh_licence_verifies_as_valid_by_number_and_by_qr_code(issued):
    by_number = selectors.verify_number(issued.number)
    by_payload = selectors.verify_payload(issued.payload)
    for result in (by_number, by_payload):
        assert result.verdict == "valid", result.reason
        assert result.signature_verified and result.key_id == "360100-01"
        assert result.fields["number"] == issued.number and result.version == 1
    assert by_number.input_kind == "number" and by_payload.input_kind == "payload"


def test_a_number_typed_with_full_width_letters_and_spaces_is_found(issued):
    typed = " ".join(issued.number).replace("D", "Ｄ").replace("A", "Ａ")
    assert selectors.verify_number(typed).verdict == "valid"


def test_a_link_from_the_qr_code_is_verified_too(issued):
    link = services.verify_url(issued)
    assert link.startswith("https://yaojian.example.gov.cn/elicence/v/YJL1.")
    assert selectors.verify_payload(link, input_kind="url").verdict == "valid"
    assert selectors.verify_input(link).result.verdict == "valid"


def test_the_old_version_says_superseded_and_points_at_the_new_one(approver, licence, issued):
    registry.licence_update(actor=approver, licence_id=licence.pk, principal="李负责", note="变更")
    second = services.issue(actor=approver, licence=licence, reason="变更企业负责人")

    old = selectors.verify_payload(issued.payload)
    assert old.verdict == "superseded"
    assert (old.version, old.current_version, old.current_payload) == (1, 2, second.payload)
    assert old.fields["principal"] != "李负责"  # what version 1 said, authenticated
    assert selectors.verify_number(licence.number).version == 2
    assert selectors.verify_payload(second.payload).verdict == "valid"


@pytest.mark.parametrize(
    "change",
    [
        {"holder": "假冒大药房"},
        {"scope": "处方药、甲类非处方药、乙类非处方药、第二类精神药品"},
        {"valid_until": "2099-12-31"},
    ],
)
def test_tampering_with_the_stored_data_is_detected(issued, change):
    ElectronicLicence.objects.filter(pk=issued.pk).update(data={**issued.data, **change})
    assert selectors.verify_number(issued.number).verdict == "altered"
    assert selectors.verify_payload(issued.payload).verdict == "altered"


def test_tampering_with_data_and_hash_together_fails_the_signature(issued):
    forged = {**issued.data, "holder": "假冒大药房"}
    ElectronicLicence.objects.filter(pk=issued.pk).update(
        data=forged, data_hash=signing.sm3(signing.canonical_json(forged))
    )
    result = selectors.verify_number(issued.number)
    assert result.verdict == "altered" and "signature" in result.reason.lower()
    assert result.fields is None  # an altered licence shows nothing of itself


def test_tampering_with_the_stored_signature_is_detected(issued):
    flipped = ("0" if issued.signature[10] != "0" else "1").join(
        (issued.signature[:10], issued.signature[11:])
    )
    ElectronicLicence.objects.filter(pk=issued.pk).update(signature=flipped)
    assert selectors.verify_number(issued.number).verdict == "altered"


def test_swapping_the_public_key_is_detected(issued):
    other = signing.public_key(services.SM2Signer.generate().public_key())
    SigningKey.objects.filter(pk=issued.key.pk).update(public_key=other.public_key())
    assert selectors.verify_number(issued.number).verdict == "altered"


def _forge(claims_bytes: bytes, issued) -> str:
    """A payload with changed claims, re-signed by someone without the bureau's key."""
    return payload.encode(claims_bytes, services.SM2Signer.generate().sign(claims_bytes))


def test_tampering_with_the_payload_fields_is_detected(issued):
    claims = payload.decode(issued.payload)
    changed = claims.signed_bytes.replace(claims.credit_code.encode(), b"91360000000000000X")
    tampered = f"YJL1.{payload._b64encode(changed)}.{issued.payload.split('.')[2]}"
    assert selectors.verify_payload(tampered).verdict == "altered"
    assert selectors.verify_payload(_forge(changed, issued)).verdict == "altered"
    later = claims.signed_bytes.replace(claims.valid_until.strftime("%Y%m%d").encode(), b"20991231")
    assert selectors.verify_payload(_forge(later, issued)).verdict == "altered"


def test_a_payload_signed_by_the_bureau_but_not_matching_the_record_is_altered(issued):
    """Claims signed with the real key (a stolen key, say) must still match the record."""
    claims = payload.decode(issued.payload)
    wrong = payload.claim_bytes(
        number=claims.number,
        version=1,
        credit_code=claims.credit_code,
        valid_until="2099-12-31",
        key_id=claims.key_id,
        data_hash=issued.data_hash,
    )
    signed = payload.encode(wrong, signing.signer_for(issued.key).sign(wrong))
    result = selectors.verify_payload(signed)
    assert result.verdict == "altered" and "does not match" in result.reason


def test_tampering_with_the_payload_signature_is_detected(issued):
    head, body, signature = issued.payload.split(".")
    raw = bytearray(payload._b64decode(signature))
    raw[0] ^= 1
    assert (
        selectors.verify_payload(f"{head}.{body}.{payload._b64encode(bytes(raw))}").verdict
        == "altered"
    )


def test_a_retired_key_still_verifies_what_it_signed(approver, licence, issued, province):
    new = services.key_rotate(actor=services.SYSTEM, bureau=province["360100"], reason="年度轮换")
    old = SigningKey.objects.get(key_id=issued.key_id)
    assert old.status == KeyStatus.RETIRED and old.valid_until is not None
    assert new.key_id == "360100-02" and new.status == KeyStatus.ACTIVE
    assert selectors.verify_number(issued.number).verdict == "valid"
    assert selectors.verify_payload(issued.payload).verdict == "valid"
    later = services.issue(actor=approver, licence=licence, reason="变更")
    assert later.key_id == "360100-02"
    assert selectors.verify_payload(later.payload).verdict == "valid"


def test_a_compromised_key_fails_its_signatures_with_a_clear_reason(issued, province):
    assert selectors.verify_number(issued.number).verdict == "valid"  # now in the cache
    services.key_compromise(actor=services.SYSTEM, key_id=issued.key_id, reason="私钥泄露")

    for result in (
        selectors.verify_number(issued.number),
        selectors.verify_payload(issued.payload),
    ):
        assert result.verdict == "altered"
        assert "compromised" in result.reason and issued.key_id in result.reason
    replacement = SigningKey.objects.get(bureau=province["360100"], status="active")
    assert replacement.key_id == "360100-02"


def test_reissue_after_a_compromise_gives_a_verifiable_new_version(issued):
    services.key_compromise(actor=services.SYSTEM, key_id=issued.key_id, reason="私钥泄露")
    assert services.reissue_signed_with(actor=services.SYSTEM, key_id=issued.key_id) == 1
    result = selectors.verify_number(issued.number)
    assert (result.verdict, result.version, result.key_id) == ("valid", 2, "360100-02")


def test_a_version_dated_outside_its_keys_signing_period_is_altered(issued):
    ElectronicLicence.objects.filter(pk=issued.pk).update(
        issued_at=issued.key.valid_from - dt.timedelta(days=1)
    )
    assert selectors.verify_number(issued.number).verdict == "altered"


@pytest.mark.parametrize(
    ("status", "verdict"),
    [("suspended", "suspended"), ("revoked", "revoked"), ("cancelled", "cancelled")],
)
def test_registry_status_changes_show_without_reissuing(approver, licence, issued, status, verdict):
    registry.licence_set_status(
        actor=approver, licence_id=licence.pk, status=status, reason="赣药监罚〔2026〕7号"
    )
    assert selectors.verify_number(licence.number).verdict == verdict
    assert selectors.verify_payload(issued.payload).verdict == verdict
    registry.licence_set_status(
        actor=approver, licence_id=licence.pk, status="valid", reason="恢复"
    )
    assert selectors.verify_number(licence.number).verdict == "valid"
    assert ElectronicLicence.objects.count() == 1  # nothing was reissued


def test_expiry_by_the_validity_date_shows_without_reissuing(licence, issued):
    licence.valid_until = timezone.localdate() - dt.timedelta(days=1)
    licence.valid_from = licence.valid_until - dt.timedelta(days=365 * 5)
    licence.save(update_fields=["valid_until", "valid_from"])
    result = selectors.verify_payload(issued.payload)
    assert result.verdict == "expired" and str(licence.valid_until) in result.reason


def test_unknown_numbers_and_codes(issued):
    assert selectors.verify_number("赣DA3601999999").verdict == "unknown"
    assert selectors.verify_payload("hello").verdict == "unknown"
    assert selectors.verify_payload("YJL1.garbage.more").verdict == "altered"


def test_an_unknown_key_is_reported(issued):
    claims = payload.decode(issued.payload)
    renamed = claims.signed_bytes.replace(b"360100-01", b"360100-99")
    result = selectors.verify_payload(_forge(renamed, issued))
    assert result.verdict == "altered" and "360100-99" in result.reason


def test_the_verification_cache_holds_only_what_verified(issued):
    signing.verified.clear()
    selectors.verify_number(issued.number)
    misses = signing.verified.misses
    selectors.verify_number(issued.number)
    assert signing.verified.misses == misses and signing.verified.hits >= 1
    ElectronicLicence.objects.filter(pk=issued.pk).update(signature="0" * 128)
    assert selectors.verify_number(issued.number).verdict == "altered"


def test_verification_needs_few_queries(issued, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        selectors.verify_number(issued.number)
    with django_assert_max_num_queries(2):
        selectors.verify_payload(issued.payload)
