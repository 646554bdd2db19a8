"""The login page, where each kind of account lands, the login audit trail, and logout."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from yaojian.accounts.models import User, UserSession
from yaojian.audit.models import AuditEntry
from yaojian.testing import factories

from .helpers import audit, logged_in_user_id, login, post_login, unused_totp_code

pytestmark = pytest.mark.django_db


def test_login_page_renders_the_form(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert reverse("accounts:login") == "/login/"
    content = response.content.decode()
    assert 'name="username"' in content and 'name="password"' in content
    assert "csrfmiddlewaretoken" in content


def test_regulator_lands_on_the_work_portal_after_password_and_code(client, county_regulator):
    response = post_login(client, county_regulator.username)
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    response = client.post(
        "/login/verify/", {"code": unused_totp_code(county_regulator)}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/workbench/"
    assert response.status_code == 200
    assert response.wsgi_request.user == county_regulator


def test_regulator_without_second_factor_lands_on_workbench_when_mfa_is_not_required(
    client, province, settings
):
    settings.YAOJIAN_REQUIRE_MFA = False
    regulator = factories.regulator("360102", mfa=False)
    response = post_login(client, regulator.username, follow=True)
    assert response.redirect_chain[-1][0] == "/workbench/"
    assert response.status_code == 200


def test_enterprise_account_lands_on_my_page(client, enterprise_master):
    response = post_login(client, enterprise_master.username, follow=True)
    assert response.redirect_chain[-1][0] == "/my/"
    assert response.status_code == 200
    assert response.wsgi_request.user == enterprise_master


def test_public_user_lands_on_the_portal_home(client, public_user):
    response = post_login(client, public_user.username, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert response.wsgi_request.user == public_user


def test_successful_login_audits_and_records_the_session(client, enterprise_master):
    before = AuditEntry.objects.count()
    post_login(client, enterprise_master.username, HTTP_USER_AGENT="TestBrowser/1.0")
    entry = audit("accounts.login", outcome="success").get()
    assert entry.actor_id == enterprise_master.pk
    assert entry.actor_username == enterprise_master.username
    assert entry.channel == "web"
    assert AuditEntry.objects.count() == before + 1
    session = UserSession.objects.get(user=enterprise_master)
    assert session.session_key == client.session.session_key
    assert session.user_agent == "TestBrowser/1.0"
    assert Session.objects.filter(session_key=session.session_key).exists()


def test_wrong_password_is_refused_with_a_plain_message_and_audited(client, enterprise_master):
    response = post_login(client, enterprise_master.username, "Not-The-Password-1")
    assert response.status_code == 200
    assert "The username or password is wrong." in response.content.decode()
    assert logged_in_user_id(client) is None
    assert not UserSession.objects.exists()
    entry = audit("accounts.login", outcome="failed").get()
    assert entry.actor_username == enterprise_master.username
    assert entry.actor_kind == "anonymous"
    assert not audit("accounts.login", outcome="success").exists()
    enterprise_master.refresh_from_db()
    assert enterprise_master.failed_logins == 1


def test_unknown_username_gets_the_same_message_and_is_audited(client, db):
    response = post_login(client, "nobody-here", "Whatever-Pass-1")
    assert "The username or password is wrong." in response.content.decode()
    assert audit("accounts.login", outcome="failed", actor_username="nobody-here").count() == 1
    assert logged_in_user_id(client) is None


def test_disabled_account_cannot_log_in_with_the_right_password(client, enterprise_master):
    User.objects.filter(pk=enterprise_master.pk).update(is_active=False)
    response = post_login(client, enterprise_master.username)
    assert response.status_code == 200
    assert "The username or password is wrong." in response.content.decode()
    assert logged_in_user_id(client) is None
    assert not UserSession.objects.exists()


def test_empty_login_form_names_the_missing_fields(client, db):
    response = client.post("/login/", {"username": "", "password": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["username"] == ["This field is required."]
    assert form.errors["password"] == ["This field is required."]
    assert not AuditEntry.objects.exists()


def test_safe_next_is_followed_and_a_foreign_one_ignored(client, make_client, enterprise_master):
    response = client.post(
        "/login/?next=/account/",
        {"username": enterprise_master.username, "password": factories.PASSWORD},
    )
    assert response["Location"] == "/account/"
    other = make_client()
    response = other.post(
        "/login/?next=https://evil.example/steal",
        {"username": enterprise_master.username, "password": factories.PASSWORD},
    )
    assert response["Location"] == reverse("accounts:home")
    assert "evil.example" not in response["Location"]


def test_logged_in_visitor_of_the_login_page_is_sent_home(client, enterprise_master):
    login(client, enterprise_master)
    response = client.get("/login/", follow=True)
    assert response.redirect_chain[-1][0] == "/my/"


def test_logout_is_post_only(client, enterprise_master):
    login(client, enterprise_master)
    response = client.get("/logout/")
    assert response.status_code == 405
    assert logged_in_user_id(client) == str(enterprise_master.pk)
    assert not audit("accounts.logout").exists()


def test_logout_ends_the_session_and_is_audited(client, enterprise_master):
    login(client, enterprise_master)
    key = client.session.session_key
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    entry = audit("accounts.logout").get()
    assert entry.actor_id == enterprise_master.pk and entry.outcome == "success"
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()
    response = client.get("/my/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_account_keeps_the_language_it_signs_in_and_switches_to(client, enterprise_master):
    """What reaches an account outside a page (e-mail) is written in the language it uses."""
    client.cookies["django_language"] = "en"
    post_login(client, enterprise_master.username)
    enterprise_master.refresh_from_db()
    assert enterprise_master.language == "en"
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "zh-hans"
    enterprise_master.refresh_from_db()
    assert enterprise_master.language == "zh-hans"
    assert audit("accounts.language", actor_id=enterprise_master.pk).count() == 1
    # a language the platform does not offer changes nothing
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    enterprise_master.refresh_from_db()
    assert enterprise_master.language == "zh-hans"
    assert audit("accounts.language").count() == 1


def test_a_visitor_switching_language_changes_no_account(client, enterprise_master):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies["django_language"].value == "en"
    enterprise_master.refresh_from_db()
    assert enterprise_master.language == ""
    assert not audit("accounts.language").exists()
