"""Forms without a valid CSRF token are refused with a plain page, audited, and change nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yaojian.accounts.models import ApiToken, User, UserSession

from .helpers import PASSWORD, STRONG, audit, logged_in_user_id, text

pytestmark = pytest.mark.django_db

EXPIRED_FORM = "This form has expired or did not come from this site"
NOTHING_SAVED = "For your security nothing was saved."


@pytest.fixture
def browser(make_client):
    return make_client(enforce_csrf_checks=True)


def _csrf_token(client, path: str) -> str:
    page = client.get(path)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def test_login_without_a_csrf_token_is_refused(browser, enterprise_master):
    response = browser.post(
        reverse("accounts:login"),
        {"username": enterprise_master.username, "password": PASSWORD},
    )
    assert response.status_code == 403
    assert EXPIRED_FORM in text(response) and NOTHING_SAVED in text(response)
    assert logged_in_user_id(browser) is None
    assert not UserSession.objects.exists()
    assert not audit("accounts.login").exists()
    entry = audit("security.csrf_rejected").get()
    assert entry.outcome == "denied" and entry.actor_kind == "anonymous"
    enterprise_master.refresh_from_db()
    assert enterprise_master.failed_logins == 0


def test_login_with_a_forged_csrf_token_is_refused(browser, enterprise_master):
    browser.get(reverse("accounts:login"))
    response = browser.post(
        reverse("accounts:login"),
        {
            "username": enterprise_master.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": "x" * 64,
        },
    )
    assert response.status_code == 403
    assert logged_in_user_id(browser) is None
    assert audit("security.csrf_rejected").count() == 1


def test_login_with_the_pages_csrf_token_works(browser, enterprise_master):
    token = _csrf_token(browser, reverse("accounts:login"))
    response = browser.post(
        reverse("accounts:login"),
        {
            "username": enterprise_master.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(enterprise_master.pk)
    assert not audit("security.csrf_rejected").exists()


def test_a_logged_in_form_without_csrf_saves_nothing(browser, enterprise_master):
    browser.force_login(enterprise_master)
    response = browser.post("/enterprise/tokens/", {"name": "forged", "rights": ["view"]})
    assert response.status_code == 403
    assert EXPIRED_FORM in text(response) and NOTHING_SAVED in text(response)
    assert not ApiToken.objects.exists()
    entry = audit("security.csrf_rejected").get()
    assert entry.actor_id == enterprise_master.pk and entry.outcome == "denied"


def test_a_password_change_without_csrf_changes_nothing(browser, enterprise_master):
    browser.force_login(enterprise_master)
    response = browser.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 403
    enterprise_master.refresh_from_db()
    assert enterprise_master.check_password(PASSWORD)
    assert not audit("accounts.password.change").exists()


def test_an_admin_action_without_csrf_changes_nothing(browser, sysadmin, county_regulator):
    browser.force_login(sysadmin)
    response = browser.post(reverse("accounts:user_action", args=[county_regulator.pk, "disable"]))
    assert response.status_code == 403
    county_regulator.refresh_from_db()
    assert county_regulator.is_active
    assert audit("security.csrf_rejected", actor_id=sysadmin.pk).count() == 1


def test_logout_without_csrf_keeps_the_session(browser, enterprise_master):
    browser.force_login(enterprise_master)
    response = browser.post("/logout/")
    assert response.status_code == 403
    assert logged_in_user_id(browser) == str(enterprise_master.pk)
    assert not audit("accounts.logout").exists()


def test_public_registration_without_csrf_creates_nothing(browser, db):
    users = User.objects.count()
    response = browser.post(
        reverse("accounts:register_public"),
        {"contact": "13900009999", "full_name": "", "password": STRONG},
    )
    assert response.status_code == 403
    assert User.objects.count() == users
