"""Password policy: complexity at every place a password is set, expiry, forced change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from yaojian.accounts import services
from yaojian.accounts.models import User, UserSession
from yaojian.core.errors import ValidationFailed
from yaojian.registry.models import Enterprise

from .helpers import (
    PASSWORD,
    STRONG,
    audit,
    enterprise_registration,
    logged_in_user_id,
    login,
    post_login,
)

pytestmark = pytest.mark.django_db

# (password, the reason the user must be told)
WEAK = [
    pytest.param("Ab1!xyz", "This password is too short.", id="too-short"),
    pytest.param("rainy-afternoon-tea", "must mix at least 3 of", id="two-classes"),
    pytest.param("Password1234", "This password is too common.", id="common"),
    pytest.param("20260512847361", "This password is entirely numeric.", id="numeric"),
]


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_validators_refuse_weak_passwords(password, reason):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert any(reason in m for m in caught.value.messages)


def test_a_strong_password_passes_every_validator():
    assert validate_password(STRONG) is None


_enterprise_form = enterprise_registration


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_enterprise_registration_refuses_a_weak_password(client, province, password, reason):
    users, enterprises = User.objects.count(), Enterprise.objects.count()
    response = client.post(
        reverse("accounts:register_enterprise"), _enterprise_form(password=password)
    )
    assert response.status_code == 200
    assert any(reason in m for m in response.context["form"].errors["password"])
    assert 'data-field-error="password"' in response.content.decode()
    assert User.objects.count() == users and Enterprise.objects.count() == enterprises
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_public_registration_refuses_a_weak_password(client, db, password, reason):
    users = User.objects.count()
    response = client.post(
        reverse("accounts:register_public"),
        {"contact": "13900001111", "full_name": "", "password": password},
    )
    assert response.status_code == 200
    assert any(reason in m for m in response.context["form"].errors["password"])
    assert User.objects.count() == users


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_password_change_refuses_a_weak_password(client, enterprise_master, password, reason):
    login(client, enterprise_master)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert any(reason in m for m in response.context["form"].errors["new_password"])
    enterprise_master.refresh_from_db()
    assert enterprise_master.check_password(PASSWORD)


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_subaccount_creation_refuses_a_weak_password(client, enterprise_master, password, reason):
    login(client, enterprise_master)
    users = User.objects.count()
    response = client.post(
        reverse("accounts:enterprise_accounts"),
        {"username": "clerk1", "full_name": "张三", "password": password, "rights": ["view"]},
    )
    assert response.status_code == 200
    assert any(reason in m for m in response.context["form"].errors["password"])
    assert User.objects.count() == users


def test_services_name_the_password_field(enterprise_master):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.subaccount_create(
            actor=enterprise_master,
            username="clerk2",
            full_name="李四",
            rights=[],
            password="short",
        )
    assert "password" in caught.value.errors
    assert any("too short" in m for m in caught.value.errors["password"])
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.password_change(actor=enterprise_master, old_password=PASSWORD, new_password="x")
    assert "new_password" in caught.value.errors


def test_password_change_errors_name_their_fields(client, enterprise_master):
    login(client, enterprise_master)
    url = reverse("accounts:password_change")
    response = client.post(
        url, {"old_password": "Not-Mine-123", "new_password": STRONG, "new_password2": STRONG}
    )
    assert response.context["form"].errors["old_password"] == ["The current password is wrong."]
    response = client.post(
        url, {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG + "x"}
    )
    assert response.context["form"].errors["new_password2"] == ["The two new passwords differ."]
    response = client.post(
        url, {"old_password": PASSWORD, "new_password": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.context["form"].errors["new_password"] == [
        "The new password must differ from the current one."
    ]
    enterprise_master.refresh_from_db()
    assert enterprise_master.check_password(PASSWORD)
    assert not audit("accounts.password.change", outcome="success").exists()
    assert audit("accounts.password.change", outcome="failed").count() == 2


def test_password_change_succeeds_and_keeps_this_session(client, enterprise_master):
    login(client, enterprise_master)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    enterprise_master.refresh_from_db()
    assert enterprise_master.check_password(STRONG)
    assert timezone.now() - enterprise_master.password_changed_at < dt.timedelta(minutes=1)
    assert audit("accounts.password.change", outcome="success").count() == 1
    assert client.get(reverse("accounts:account")).status_code == 200
    # The session is still the one the platform knows about, so it can still be ended.
    assert UserSession.objects.filter(
        user=enterprise_master, session_key=client.session.session_key
    ).exists()


def test_password_change_ends_the_accounts_other_sessions(client, make_client, enterprise_master):
    other = make_client()
    login(client, enterprise_master)
    login(other, enterprise_master)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG},
    )
    response = other.get("/my/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["/my/", "/account/", "/my/messages/"])
def test_expired_password_forces_a_change_on_every_page(client, enterprise_master, settings, path):
    settings.YAOJIAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=enterprise_master.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client.force_login(enterprise_master)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "Please set a new password before you continue." in page.content.decode()


def test_expired_password_stops_forcing_once_changed(client, enterprise_master, settings):
    settings.YAOJIAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=enterprise_master.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client.force_login(enterprise_master)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG},
    )
    assert client.get("/my/").status_code == 200


def test_password_younger_than_the_maximum_age_is_not_forced(client, enterprise_master, settings):
    settings.YAOJIAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=enterprise_master.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=89)
    )
    client.force_login(enterprise_master)
    assert client.get("/my/").status_code == 200


def test_maximum_age_zero_means_no_expiry(client, enterprise_master, settings):
    settings.YAOJIAN_PASSWORD_MAX_AGE_DAYS = 0
    User.objects.filter(pk=enterprise_master.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=3000)
    )
    client.force_login(enterprise_master)
    assert client.get("/my/").status_code == 200


def test_must_change_password_forces_the_change_after_login(client, enterprise_master):
    User.objects.filter(pk=enterprise_master.pk).update(must_change_password=True)
    response = post_login(client, enterprise_master.username, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")
    assert client.get("/my/")["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG},
    )
    enterprise_master.refresh_from_db()
    assert enterprise_master.must_change_password is False
    assert client.get("/my/").status_code == 200


def test_logout_stays_possible_while_a_change_is_forced(client, enterprise_master):
    User.objects.filter(pk=enterprise_master.pk).update(must_change_password=True)
    login(client, enterprise_master)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user_id(client) is None


def test_api_session_with_an_expired_password_is_refused(client, enterprise_master, settings):
    settings.YAOJIAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=enterprise_master.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client.force_login(enterprise_master)
    assert client.get("/my/")["Location"] == reverse("accounts:password_change")
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_api_session_with_a_forced_password_change_is_refused(client, enterprise_master):
    User.objects.filter(pk=enterprise_master.pk).update(must_change_password=True)
    client.force_login(enterprise_master)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
