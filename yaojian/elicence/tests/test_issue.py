"""Issue: version 1, then versions that supersede; exactly the paper licence's data, signed."""

from __future__ import annotations

import datetime as dt

import pytest

from yaojian.audit.models import AuditEntry
from yaojian.core.crypto import sm3, sm4_decrypt
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.elicence import paper, services, signing
from yaojian.elicence.choices import KeyStatus
from yaojian.elicence.models import ElectronicLicence, SigningKey
from yaojian.registry import services as registry
from yaojian.testing import factories


def test_issue_creates_version_one_signed_by_the_issuing_bureau(approver, licence):
    elicence = services.issue(actor=approver, licence=licence, reason="新办")

    assert (elicence.number, elicence.version, elicence.superseded_at) == (licence.number, 1, None)
    key = SigningKey.objects.get()
    assert key.bureau.region_code == "360100" and key.key_id == "360100-01"
    assert key.status == KeyStatus.ACTIVE and key.algorithm == "SM2-with-SM3"
    canonical = signing.canonical_json(elicence.data)
    assert elicence.data_hash == sm3(canonical)
    assert signing.PublicKey(key.public_key).verify(canonical, elicence.signature)
    assert elicence.issued_by == approver and elicence.reason == "新办"


def test_the_signed_data_is_exactly_what_the_paper_licence_shows(approver, licence):
    holder = licence.holder
    elicence = services.issue(actor=approver, licence=licence, reason="新办")

    assert elicence.data == {
        "format": "yaojian-elicence/1",
        "kind": "drug_retail",
        "title": "药品经营许可证",
        "number": licence.number,
        "version": 1,
        "holder": holder.name,
        "credit_code": holder.uscc,
        "legal_representative": licence.legal_representative,
        "principal": licence.principal,
        "quality_manager": licence.quality_manager,
        "registered_address": licence.registered_address,
        "warehouse_address": "南昌市东湖区八一大道1号仓库",
        "mode": "零售",
        "scope": licence.scope,
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat(),
        "issuer": "南昌市市场监督管理局",
        "issuer_code": "360100",
        "issue_date": licence.issued_on.isoformat(),
    }
    assert set(elicence.data) <= paper.FIELD_KEYS
    stored = str(ElectronicLicence.objects.values_list("data", flat=True).get())
    assert holder.legal_representative_id_number() not in stored
    assert holder.phone not in stored


def test_a_change_issues_version_two_and_supersedes_version_one(approver, licence):
    first = services.issue(actor=approver, licence=licence, reason="新办")
    registry.licence_update(
        actor=approver, licence_id=licence.pk, quality_manager="王质量", note="变更质量负责人"
    )
    second = services.issue(actor=approver, licence=licence, reason="变更质量负责人")

    first.refresh_from_db()
    assert second.version == 2 and second.superseded_at is None
    assert first.superseded_at == second.issued_at
    assert second.data["quality_manager"] == "王质量" and second.data["version"] == 2
    assert first.data["quality_manager"] != "王质量"  # the old version is never rewritten
    assert ElectronicLicence.objects.filter(number=licence.number).count() == 2


def test_issue_is_audited_with_the_version_and_key(approver, licence):
    elicence = services.issue(actor=approver, licence=licence, reason="新办")
    entry = AuditEntry.objects.get(action="elicence.issue")
    assert entry.actor_id == approver.pk and entry.object_id == str(elicence.pk)
    assert entry.changes["after"]["version"] == 1
    assert entry.changes["after"]["key_id"] == "360100-01"
    assert AuditEntry.objects.filter(action="elicence.key.create", outcome="success").count() == 1


def test_the_private_key_is_kept_encrypted_and_bound_to_its_key_id(approver, licence):
    services.issue(actor=approver, licence=licence, reason="新办")
    key = SigningKey.objects.get()
    assert key.private_key_enc.startswith("sm4gcm:")
    private = sm4_decrypt(key.private_key_enc, context=signing.key_context(key.key_id))
    assert private not in key.private_key_enc
    with pytest.raises(Exception):  # noqa: B017 - any failure of the authenticated decryption
        sm4_decrypt(key.private_key_enc, context=signing.key_context("360100-02"))


def test_only_regulators_in_whose_jurisdiction_the_licence_lies_issue(
    licence, enterprise_master, other_county_regulator
):
    with pytest.raises(PermissionDenied):
        services.issue(actor=enterprise_master, licence=licence, reason="新办")
    with pytest.raises(NotFound):
        services.issue(actor=other_county_regulator, licence=licence, reason="新办")
    assert not ElectronicLicence.objects.exists()
    assert AuditEntry.objects.filter(action="elicence.issue", outcome="denied").exists()


def test_the_system_actor_issues_for_automatic_approvals(licence):
    elicence = services.issue(actor=services.SYSTEM, licence=licence, reason="秒批")
    assert elicence.version == 1 and elicence.issued_by is None
    assert AuditEntry.objects.get(action="elicence.issue").actor_username == "system"


def test_a_bureau_automaton_issues_inside_its_jurisdiction(enterprises, province):
    """秒批: the licensing workflow approves by rule, as the handling bureau's automaton."""
    from yaojian.accounts.principal import BureauAutomaton

    automaton = BureauAutomaton(province["360102"])
    licence = factories.LicenceFactory(holder=enterprises["donghu"])
    elicence = services.issue(actor=automaton, licence=licence, reason="秒批")
    assert elicence.data["issuer_code"] == "360102" and elicence.issued_by is None
    assert AuditEntry.objects.get(action="elicence.issue").actor_username == "system:360102"
    with pytest.raises(NotFound):
        services.issue(
            actor=automaton,
            licence=factories.LicenceFactory(holder=enterprises["lianxi"]),
            reason="秒批",
        )


def test_a_reason_is_required_and_a_revoked_licence_gets_no_new_version(approver, licence):
    with pytest.raises(ValidationFailed):
        services.issue(actor=approver, licence=licence, reason="  ")
    registry.licence_set_status(
        actor=approver, licence_id=licence.pk, status="revoked", reason="赣药监罚〔2026〕1号"
    )
    with pytest.raises(ValidationFailed):
        services.issue(actor=approver, licence=licence, reason="变更")
    assert not ElectronicLicence.objects.exists()


def test_without_an_issuing_bureau_the_actors_bureau_signs(approver, enterprises):
    licence = factories.LicenceFactory(holder=enterprises["donghu"])
    elicence = services.issue(actor=approver, licence=licence, reason="新办")
    assert elicence.data["issuer_code"] == "360100"
    with pytest.raises(ValidationFailed):
        services.issue(
            actor=services.SYSTEM,
            licence=factories.LicenceFactory(holder=enterprises["donghu"]),
            reason="秒批",
        )


def test_the_issue_date_falls_back_to_the_day_of_issue(approver, licence):
    licence.issued_on = None
    licence.save(update_fields=["issued_on"])
    elicence = services.issue(actor=approver, licence=licence, reason="新办")
    assert (
        dt.date.fromisoformat(elicence.data["issue_date"])
        == elicence.issued_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    )


def test_versions_are_numbered_per_licence_number(approver, licence, enterprises, province):
    other = factories.LicenceFactory(holder=enterprises["xihu"], issuing_bureau=province["360100"])
    services.issue(actor=approver, licence=licence, reason="新办")
    services.issue(actor=approver, licence=licence, reason="补发")
    assert services.issue(actor=approver, licence=other, reason="新办").version == 1
    assert services.issue(actor=approver, licence=licence, reason="变更").version == 3
