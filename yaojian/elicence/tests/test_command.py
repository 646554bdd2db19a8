"""`yaojian elicence`: keys (rotate, list, export, compromise), offline verify, issue."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from yaojian.audit.models import AuditEntry
from yaojian.core.errors import PermissionDenied
from yaojian.elicence import selectors, services
from yaojian.elicence.models import ElectronicLicence, SigningKey
from yaojian.testing import factories


@pytest.fixture
def issued(approver, licence):
    return services.issue(actor=approver, licence=licence, reason="新办")


def run(*args) -> str:
    out = io.StringIO()
    call_command("elicence", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def key_file(tmp_path, issued):
    path = tmp_path / "keys.json"
    run("keys", "export", "--output", str(path))
    return path


def test_offline_verification_of_a_valid_code_exits_zero(
    key_file, issued, django_assert_num_queries
):
    with django_assert_num_queries(0):  # offline: the database is never asked
        out = run("verify", issued.payload, "--keys", str(key_file))
    assert out.startswith("VALID")
    assert issued.number in out and issued.data["credit_code"] in out and "360100-01" in out
    link = services.verify_url(issued)
    assert run("verify", link, "--keys", str(key_file)).startswith("VALID")


def test_offline_verification_prints_json_on_request(key_file, issued):
    body = json.loads(run("verify", issued.payload, "--keys", str(key_file), "--json"))
    assert body["verdict"] == "valid" and body["claims"]["version"] == 1


def test_offline_verification_of_an_altered_code_exits_one(key_file, issued):
    head, body, signature = issued.payload.split(".")
    with pytest.raises(CommandError) as failure:
        run("verify", f"{head}.{body}.{signature[::-1]}", "--keys", str(key_file))
    assert failure.value.returncode == 1 and "altered" in str(failure.value)
    with pytest.raises(CommandError) as failure:
        run("verify", "not a licence code", "--keys", str(key_file))
    assert failure.value.returncode == 1


def test_offline_verification_of_an_expired_code_exits_one(tmp_path, approver, licence):
    licence.valid_from = timezone.localdate() - dt.timedelta(days=400)
    licence.valid_until = timezone.localdate() - dt.timedelta(days=1)
    licence.save(update_fields=["valid_from", "valid_until"])
    elicence = services.issue(actor=approver, licence=licence, reason="新办")
    path = tmp_path / "keys.json"
    run("keys", "export", "-o", str(path))
    with pytest.raises(CommandError) as failure:
        run("verify", elicence.payload, "--keys", str(path))
    assert failure.value.returncode == 1 and "expired" in str(failure.value)


def test_offline_verification_refuses_a_compromised_key_from_the_file(tmp_path, issued):
    services.key_compromise(actor=services.SYSTEM, key_id=issued.key_id, reason="泄露")
    path = tmp_path / "keys.json"
    run("keys", "export", "-o", str(path))
    with pytest.raises(CommandError) as failure:
        run("verify", issued.payload, "--keys", str(path))
    assert failure.value.returncode == 1


def test_a_key_file_without_the_signing_key_fails(tmp_path, issued, key_file):
    document = json.loads(key_file.read_text())
    document["keys"] = []
    key_file.write_text(json.dumps(document))
    with pytest.raises(CommandError) as failure:
        run("verify", issued.payload, "--keys", str(key_file))
    assert failure.value.returncode == 1


@pytest.mark.parametrize("content", [None, "not json", '{"format": "other", "keys": []}'])
def test_a_missing_or_wrong_key_file_is_a_usage_error(tmp_path, issued, content):
    path = tmp_path / "keys.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError) as failure:
        run("verify", issued.payload, "--keys", str(path))
    assert failure.value.returncode == 2


def test_keys_rotate_list_and_export(issued, tmp_path):
    out = run("keys", "rotate", "--bureau", "360100", "--reason", "年度轮换")
    assert "360100-02" in out
    listing = run("keys", "list")
    assert "360100-01" in listing and "retired" in listing and "360100-02" in listing
    exported = json.loads(run("keys", "export"))
    assert {key["key_id"] for key in exported["keys"]} == {"360100-01", "360100-02"}
    rotation = AuditEntry.objects.get(action="elicence.key.rotate")
    assert rotation.actor_username == "cli" and rotation.detail == "年度轮换"
    assert rotation.changes["before"]["key_id"] == "360100-01"
    with pytest.raises(CommandError) as failure:
        run("keys", "rotate", "--bureau", "999999")
    assert failure.value.returncode == 2


def test_keys_compromise_with_reissue(issued):
    out = run("keys", "compromise", issued.key_id, "--reason", "私钥泄露", "--reissue")
    assert "compromised" in out and "1 e-licences reissued" in out
    assert SigningKey.objects.get(key_id=issued.key_id).status == "compromised"
    assert selectors.verify_payload(issued.payload).verdict == "altered"
    assert selectors.verify_number(issued.number).verdict == "valid"
    entry = AuditEntry.objects.get(action="elicence.key.compromise")
    assert entry.changes["after"]["status"] == "compromised"


def test_issue_from_the_register(approver, licence, enterprises, province):
    other = factories.LicenceFactory(holder=enterprises["xihu"], issuing_bureau=province["360100"])
    factories.LicenceFactory(holder=enterprises["lianxi"], status="revoked")
    out = run("issue", "--missing")
    assert "2 e-licences issued" in out
    assert set(ElectronicLicence.objects.values_list("number", flat=True)) == {
        licence.number,
        other.number,
    }
    assert all(e.pdf for e in ElectronicLicence.objects.all())
    out = run("issue", licence.number, "--reason", "补发")
    assert f"{licence.number} version 2" in out
    with pytest.raises(CommandError) as failure:
        run("issue")
    assert failure.value.returncode == 2


def test_key_management_needs_the_security_administrator(
    approver, security_admin, province, issued
):
    with pytest.raises(PermissionDenied):
        services.key_rotate(actor=approver, bureau=province["360100"])
    key = services.key_rotate(actor=security_admin, bureau=province["360100"], reason="轮换")
    assert key.key_id == "360100-02"
    assert AuditEntry.objects.filter(action="elicence.key.rotate", outcome="denied").exists()
