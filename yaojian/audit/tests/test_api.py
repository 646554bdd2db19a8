"""GET /api/v1/audit and /api/v1/audit/verify: the audit administrator only."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.audit.services import record
from yaojian.core.errors import PermissionDenied
from yaojian.testing import factories

from .conftest import rehash

LIST = "/api/v1/audit"
VERIFY = "/api/v1/audit/verify"


@pytest.fixture
def entries(db, county_regulator, other_county_regulator):
    written = [
        record(actor=county_regulator, action="registry.enterprise_update"),
        record(actor=county_regulator, action="licensing.approve", outcome="denied"),
        record(actor=other_county_regulator, action="registry.enterprise_update"),
    ]
    return written


def test_auditor_lists_the_log_newest_first(client, auditor, entries):
    client.force_login(auditor)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["page"] == 1
    assert [item["seq"] for item in body["items"]] == [3, 2, 1]
    first = body["items"][-1]
    assert first["actor_username"] == entries[0].actor_username
    assert first["action"] == "registry.enterprise_update"
    assert first["hash"] == entries[0].hash == rehash(AuditEntry.objects.get(seq=1))
    assert "user_agent" not in first and "prev_hash" not in first


def test_auditor_filters_and_pages_the_list(client, auditor, entries, county_regulator):
    client.force_login(auditor)
    body = client.get(LIST, {"username": county_regulator.username, "outcome": "denied"}).json()
    assert [item["seq"] for item in body["items"]] == [2]
    body = client.get(LIST, {"action": "registry.", "per_page": 1, "page": 2}).json()
    assert body["count"] == 2 and [item["seq"] for item in body["items"]] == [1]


def test_a_bad_filter_is_a_422_problem(client, auditor, entries):
    client.force_login(auditor)
    response = client.get(LIST, {"since": "yesterday"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "since"


def test_auditor_verifies_the_chain(client, auditor, entries):
    client.force_login(auditor)
    response = client.get(VERIFY)
    assert response.status_code == 200
    # the auditor's own reading is not logged by the list, so the chain holds 3 entries
    assert response.json() == {"ok": True, "checked": 3, "first_broken_seq": None, "reason": ""}


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.INSPECTOR])
@pytest.mark.parametrize("url", [LIST, VERIFY])
def test_other_regulators_get_a_403_problem_and_are_logged(client, province, entries, role, url):
    user = factories.regulator("360000", roles=[role])
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == PermissionDenied.code and problem["status"] == 403
    assert problem["type"].endswith("/permission_denied")
    assert "items" not in problem and "checked" not in problem
    denial = AuditEntry.objects.order_by("-seq").first()
    assert (denial.actor_username, denial.outcome, denial.channel) == (
        user.username,
        "denied",
        "api",
    )


def test_enterprise_account_gets_403_and_anonymous_401(client, entries, enterprise_master):
    response = client.get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"
    client.force_login(enterprise_master)
    assert client.get(LIST).status_code == 403
    assert client.get(VERIFY).status_code == 403


def test_city_auditor_lists_only_its_jurisdiction(client, province, entries):
    city_auditor = factories.regulator("360100", roles=[Role.AUDIT_ADMIN])
    client.force_login(city_auditor)
    body = client.get(LIST).json()
    assert [item["seq"] for item in body["items"]] == [2, 1]
    assert {item["actor_org"] for item in body["items"]} == {"360102"}


def test_an_enterprise_api_token_gets_a_403_problem_and_is_logged(
    client, entries, enterprise_master
):
    from yaojian.accounts.services import token_create

    _token, plain = token_create(actor=enterprise_master, name="ERP connector")
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    denial = AuditEntry.objects.order_by("-seq").first()
    assert denial.outcome == "denied" and denial.actor_kind == "machine"
    assert denial.actor_org == enterprise_master.enterprise.uscc
