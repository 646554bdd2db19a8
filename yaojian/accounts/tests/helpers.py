"""Helpers for the accounts tests: real logins, browser-like requests, audit look-ups."""

from __future__ import annotations

import html
import time

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from yaojian.accounts.models import User
from yaojian.audit.models import AuditEntry
from yaojian.testing import factories

PASSWORD = factories.PASSWORD
# A password that satisfies every validator and differs from factories.PASSWORD.
STRONG = "Blue-Harbour-2031"


def audit(action: str, **filters):
    return AuditEntry.objects.filter(action=action, **filters)


def logged_in_user_id(client: Client):
    """The account id stored in the client's session, or None when not logged in."""
    return client.session.get(SESSION_KEY)


def unused_totp_code(user: User) -> str:
    """A currently valid TOTP code for a time step the account has not used yet."""
    user.refresh_from_db()
    totp = factories.totp_for(user)
    step = int(time.time() // totp.interval)
    # The current step first (still accepted one step later), then the next one.
    for candidate in (step, step + 1):
        if user.mfa_last_step is None or candidate > user.mfa_last_step:
            return totp.at(candidate * totp.interval)
    raise AssertionError("no unused TOTP step left in the drift window")


def wrong_totp_code(user: User) -> str:
    """Six digits that match none of the codes accepted right now."""
    totp = factories.totp_for(user)
    now = time.time()
    valid = {totp.at(now + offset * totp.interval) for offset in (-2, -1, 0, 1, 2)}
    for n in range(1_000_000):
        code = f"{(n * 7919) % 1_000_000:06d}"
        if code not in valid:
            return code
    raise AssertionError("unreachable")


def post_login(client: Client, username: str, password: str = PASSWORD, **kwargs):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **kwargs
    )


def login(client: Client, user: User, password: str = PASSWORD):
    """Log in through the real pages (password, then the TOTP code if the account has one)."""
    response = post_login(client, user.username, password)
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"] == reverse("accounts:login_verify"):
        response = client.post(reverse("accounts:login_verify"), {"code": unused_totp_code(user)})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert logged_in_user_id(client) == str(user.pk)
    return response


def browser_get(client: Client, path: str, *, max_redirects: int = 5, **extra):
    """GET like a browser: drop cookies a response expired, follow redirects.

    Django's test client keeps a deleted cookie as an empty value and sends it again; a
    browser forgets it. Returns (final response, list of visited paths).
    """
    visited = [path]
    response = _browser_request(client, path, **extra)
    while response.status_code in (301, 302) and len(visited) <= max_redirects:
        path = response["Location"]
        visited.append(path)
        response = _browser_request(client, path, **extra)
    return response, visited


def _browser_request(client: Client, path: str, **extra):
    response = client.get(path, **extra)
    for name, morsel in list(client.cookies.items()):
        if str(morsel["max-age"]) == "0" or (morsel.value == "" and morsel["expires"]):
            del client.cookies[name]
    return response


def field_errors(response, field: str) -> list[str]:
    """The errors a rendered form shows on one field."""
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


def text(response) -> str:
    """The page as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def enterprise_registration(**overrides) -> dict:
    """A valid enterprise self-registration (form fields and service arguments alike)."""
    from yaojian.core.validators import uscc_with_check_character

    data = {
        "name": "南昌洪城大药房有限公司",
        "uscc": uscc_with_check_character("91360102MA35K2P7N"),
        "kind": "retail_pharmacy",
        "legal_representative": "王建国",
        "region_code": "360102",
        "address": "南昌市东湖区八一大道1号",
        "phone": "0791-86001111",
        "full_name": "王建国",
        "email": "",
        "username": "hongcheng",
        "password": STRONG,
    }
    return {**data, **overrides}
