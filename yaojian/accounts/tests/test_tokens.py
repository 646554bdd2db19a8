"""API tokens of enterprise machine clients: creation, storage, Bearer use, refusal, CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation

from yaojian.accounts import services
from yaojian.accounts.models import ApiToken
from yaojian.core import crypto
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.testing import factories

from .helpers import audit, login, text

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
TOKENS = "/enterprise/tokens/"


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _secret(raw: str) -> str:
    return raw.split("_", 2)[2]


@pytest.fixture
def token(enterprise_master):
    return services.token_create(actor=enterprise_master, name="WMS")


def _whole_database_text() -> str:
    """Every row of every table, sessions decoded, as one string."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    sessions = [json.dumps(s.get_decoded()) for s in Session.objects.all()]
    return out.getvalue() + "\n".join(sessions)


# --- creating tokens --------------------------------------------------------------------------


def test_master_creates_a_token_on_the_page_and_sees_it_once(client, enterprise_master):
    login(client, enterprise_master)
    response = client.post(TOKENS, {"name": "ERP server", "rights": ["view", "trace"]})
    assert response.status_code == 200
    raw = response.context["created"]["raw"]
    assert re.fullmatch(r"yj_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", raw)
    assert 'data-testid="new-token"' in text(response) and raw in text(response)
    stored = ApiToken.objects.get()
    assert stored.enterprise == enterprise_master.enterprise
    assert stored.name == "ERP server" and stored.rights == ["trace", "view"]
    assert stored.created_by == enterprise_master
    assert stored.token_hash == crypto.sm3(_secret(raw).encode())
    assert raw.split("_")[1] == stored.prefix
    assert _secret(raw) not in _whole_database_text()
    assert audit("accounts.token.create", outcome="success").count() == 1
    again = client.get(TOKENS)
    assert again.context["created"] is None
    assert _secret(raw) not in text(again)
    assert stored.prefix in text(again)


def test_token_defaults_to_view_and_trace(enterprise_master):
    token, _raw = services.token_create(actor=enterprise_master, name="x")
    assert token.rights == ["trace", "view"]


def test_a_token_needs_a_name(client, enterprise_master):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.token_create(actor=enterprise_master, name="   ")
    assert caught.value.errors == {
        "name": ["Give the token a name, such as the system that uses it."]
    }
    assert not ApiToken.objects.exists()


def test_only_accounts_with_the_tokens_right_create_tokens(client, enterprise_master):
    clerk = factories.enterprise_user(enterprise_master.enterprise, master=False, rights=["view"])
    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        services.token_create(actor=clerk, name="sneaky")
    assert "Manage API tokens" in str(caught.value.detail)
    assert not ApiToken.objects.exists()
    assert audit("accounts.token.create", outcome="denied").count() >= 1
    client.force_login(clerk)
    page = client.get(TOKENS)
    assert page.status_code == 200 and page.context["can_manage"] is False
    assert "New token" not in text(page)


def test_a_subaccount_with_the_tokens_right_creates_tokens(enterprise_master):
    it = factories.enterprise_user(
        enterprise_master.enterprise, master=False, rights=["view", "trace", "tokens"]
    )
    token, _raw = services.token_create(actor=it, name="WMS", rights=["trace"])
    assert token.enterprise == enterprise_master.enterprise and token.created_by == it


def test_a_token_cannot_hold_rights_its_creator_lacks(enterprise_master):
    it = factories.enterprise_user(
        enterprise_master.enterprise, master=False, rights=["view", "tokens"]
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.token_create(actor=it, name="escalate", rights=["view", "apply"])
    assert caught.value.errors == {
        "rights": [
            "A token cannot hold rights your account lacks: "
            "Submit licensing applications and filings."
        ]
    }
    assert not ApiToken.objects.exists()


def test_unknown_token_rights_are_named(enterprise_master):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.token_create(actor=enterprise_master, name="x", rights=["view", "root"])
    assert caught.value.errors == {"rights": ["Unknown rights: root"]}
    assert not ApiToken.objects.exists()


# --- using tokens -----------------------------------------------------------------------------


def test_bearer_token_identifies_the_machine_client(client, token, enterprise_master):
    stored, raw = token
    assert stored.last_used_at is None
    response = client.get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "machine"
    assert body["username"] == f"token:{stored.prefix}"
    assert body["enterprise_id"] == enterprise_master.enterprise_id
    assert body["rights"] == ["trace", "view"]
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert timezone.now() - stored.last_used_at < dt.timedelta(minutes=1)


def test_bearer_token_sees_only_its_own_enterprise(client, token, enterprises):
    _stored, raw = token
    response = client.get("/api/v1/registry/enterprises", **_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    ids = [item["id"] for item in body["items"]]
    assert ids == [enterprises["donghu"].pk]
    own = client.get(f"/api/v1/registry/enterprises/{enterprises['donghu'].pk}", **_bearer(raw))
    assert own.status_code == 200 and own.json()["uscc"] == enterprises["donghu"].uscc
    other = client.get(f"/api/v1/registry/enterprises/{enterprises['lianxi'].pk}", **_bearer(raw))
    assert other.status_code == 404
    assert other["Content-Type"] == PROBLEM
    assert other.json()["code"] == "not_found"
    assert enterprises["lianxi"].name not in other.content.decode()


def test_token_list_over_the_api_shows_no_secrets(client, token):
    stored, raw = token
    response = client.get("/api/v1/tokens", **_bearer(raw))
    assert response.status_code == 200
    assert [t["prefix"] for t in response.json()] == [stored.prefix]
    assert _secret(raw) not in response.content.decode()
    assert "token_hash" not in response.content.decode()


def _assert_refused(response, detail: str):
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 401 and body["code"] == "token_invalid"
    assert body["detail"] == detail
    return body


def test_a_revoked_token_is_refused(client, token, enterprise_master):
    stored, raw = token
    services.token_revoke(actor=enterprise_master, token_id=stored.pk)
    response = client.get("/api/v1/me", **_bearer(raw), HTTP_ACCEPT_LANGUAGE="en")
    _assert_refused(response, "This token was revoked or has expired.")
    entry = audit("accounts.token.authenticate", outcome="denied").get()
    assert stored.prefix in entry.detail and "revoked" in entry.detail
    assert entry.actor_org == enterprise_master.enterprise.uscc


def test_an_expired_token_is_refused(client, enterprise_master):
    _stored, raw = services.token_create(
        actor=enterprise_master, name="old", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    response = client.get("/api/v1/me", **_bearer(raw))
    _assert_refused(response, "This token was revoked or has expired.")


def test_an_unknown_token_is_refused(client, token):
    stored, _raw = token
    response = client.get("/api/v1/me", **_bearer("yj_0badc0de_" + "A" * 43))
    _assert_refused(
        response, "This token is not known: check that it was copied whole, or create a new one."
    )
    entry = audit("accounts.token.authenticate", outcome="denied").get()
    assert "unknown token 0badc0de" in entry.detail
    stored.refresh_from_db()
    assert stored.last_used_at is None


def test_a_known_prefix_with_a_wrong_secret_is_refused(client, token):
    stored, _raw = token
    forged = f"yj_{stored.prefix}_{'B' * 43}"
    _assert_refused(
        client.get("/api/v1/me", **_bearer(forged)),
        "This token is not known: check that it was copied whole, or create a new one.",
    )
    stored.refresh_from_db()
    assert stored.last_used_at is None


@pytest.mark.parametrize("malformed", ["abc", "yj_only-two", "xx_1234abcd_secret", "yj__secret"])
def test_a_malformed_token_is_refused(client, db, malformed):
    response = client.get("/api/v1/me", **_bearer(malformed))
    _assert_refused(response, "The token is malformed: expected yj_<prefix>_<secret>.")
    assert (
        audit("accounts.token.authenticate", outcome="denied", detail="malformed token").count()
        == 1
    )


def test_no_credentials_get_a_problem_document(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "authentication_required"


# --- revoking tokens --------------------------------------------------------------------------


def test_master_revokes_a_token_on_the_page(client, token, enterprise_master):
    stored, raw = token
    login(client, enterprise_master)
    response = client.post(
        reverse("accounts:enterprise_token_revoke", args=[stored.pk]), follow=True
    )
    assert "Token revoked" in text(response)
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert audit("accounts.token.revoke", outcome="success").count() == 1
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_another_enterprise_cannot_revoke_the_token(client, token, enterprises):
    stored, raw = token
    other = factories.enterprise_user(enterprises["lianxi"], master=True)
    login(client, other)
    response = client.post(reverse("accounts:enterprise_token_revoke", args=[stored.pk]))
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.token_revoke(actor=other, token_id=stored.pk)
    stored.refresh_from_db()
    assert stored.revoked_at is None
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200


# --- the `yaojian token` command --------------------------------------------------------------


def _command(*args) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_command_creates_lists_and_revokes(client, enterprises):
    enterprise = enterprises["xihu"]
    output = _command("create", "--enterprise", enterprise.uscc.lower(), "--name", "x")
    lines = output.strip().splitlines()
    raw = lines[-1]
    assert lines[-2] == "secret (shown once, store it now):"
    assert output.count(raw) == 1
    stored = ApiToken.objects.get(enterprise=enterprise)
    assert stored.name == "x" and stored.rights == ["trace", "view"]
    assert stored.created_by is None
    assert stored.token_hash == crypto.sm3(_secret(raw).encode())
    entry = audit("accounts.token.create", outcome="success").get()
    assert entry.actor_username == "cli" and entry.channel == "cli"
    response = client.get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 200 and response.json()["enterprise_id"] == enterprise.pk

    listing = _command("list", "--enterprise", enterprise.uscc)
    assert stored.prefix in listing and "active" in listing
    assert _secret(raw) not in listing

    revoked = _command("revoke", stored.prefix)
    assert f"revoked {stored.prefix}" in revoked
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert "revoked" in _command("list", "--enterprise", enterprise.uscc)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_command_sets_the_rights(enterprises):
    _command("create", "--enterprise", enterprises["xihu"].uscc, "--name", "r", "--rights", "view")
    assert ApiToken.objects.get().rights == ["view"]


def test_command_errors_are_clear_and_change_nothing(enterprises, token, english):
    stored, _raw = token
    tokens = ApiToken.objects.count()
    with pytest.raises(CommandError, match="no enterprise with credit code 91000000000000000X"):
        _command("create", "--enterprise", "91000000000000000X", "--name", "x")
    with pytest.raises(CommandError, match="Unknown rights: root"):
        _command(
            "create", "--enterprise", enterprises["xihu"].uscc, "--name", "x", "--rights", "root"
        )
    with pytest.raises(CommandError, match="no token with prefix ffffffff"):
        _command("revoke", "ffffffff")
    assert ApiToken.objects.count() == tokens
    stored.refresh_from_db()
    assert stored.revoked_at is None


def test_tokens_page_is_for_enterprises_only(client, county_regulator):
    client.force_login(county_regulator)
    assert client.get(TOKENS).status_code == 404
    assert client.post(TOKENS, {"name": "x"}).status_code == 404
    assert not ApiToken.objects.exists()
