"""Lockout after repeated wrong passwords: threshold, duration, expiry, reset, unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from yaojian.accounts import services
from yaojian.accounts.models import User, UserSession
from yaojian.core.errors import PermissionDenied

from .helpers import audit, logged_in_user_id, login, post_login

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Password-99"


def _fail(client, user, times: int):
    responses = [post_login(client, user.username, WRONG) for _ in range(times)]
    return responses[-1]


def test_defaults_are_five_attempts_and_fifteen_minutes():
    assert django_settings.YAOJIAN_LOCKOUT_THRESHOLD == 5
    assert django_settings.YAOJIAN_LOCKOUT_MINUTES == 15


def test_four_wrong_passwords_do_not_lock(client, enterprise_master):
    response = _fail(client, enterprise_master, 4)
    assert "The username or password is wrong." in response.content.decode()
    enterprise_master.refresh_from_db()
    assert enterprise_master.failed_logins == 4
    assert not enterprise_master.is_locked()
    assert not audit("accounts.lockout").exists()


def test_fifth_wrong_password_locks_for_fifteen_minutes(client, enterprise_master):
    started = timezone.now()
    response = _fail(client, enterprise_master, 5)
    content = response.content.decode()
    assert "Too many wrong passwords: the account is locked for 15 minutes." in content
    enterprise_master.refresh_from_db()
    assert enterprise_master.is_locked()
    expected = started + dt.timedelta(minutes=15)
    assert abs((enterprise_master.locked_until - expected).total_seconds()) < 30
    lockout = audit("accounts.lockout").get()
    assert lockout.outcome == "denied"
    assert lockout.object_id == str(enterprise_master.pk)
    assert "15 minutes" in lockout.detail
    # Every one of the five wrong passwords is a failed login in the log, the fifth included.
    assert audit("accounts.login", outcome="failed").count() == 5


def test_locked_account_refuses_the_right_password_and_says_how_long(client, enterprise_master):
    _fail(client, enterprise_master, 5)
    response = post_login(client, enterprise_master.username)
    assert response.status_code == 200
    assert "Too many wrong passwords. Try again in 15 minutes" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert not UserSession.objects.exists()
    assert audit("accounts.login", outcome="denied", detail="locked").count() == 1


def test_minutes_in_the_message_follow_the_time_left(client, enterprise_master):
    User.objects.filter(pk=enterprise_master.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=3, seconds=30)
    )
    response = post_login(client, enterprise_master.username)
    assert "Try again in 4 minutes" in response.content.decode()


def test_attempts_while_locked_do_not_extend_the_lock(client, enterprise_master):
    _fail(client, enterprise_master, 5)
    enterprise_master.refresh_from_db()
    locked_until = enterprise_master.locked_until
    _fail(client, enterprise_master, 3)
    enterprise_master.refresh_from_db()
    assert enterprise_master.locked_until == locked_until
    assert audit("accounts.lockout").count() == 1


def test_threshold_and_duration_come_from_settings(client, enterprise_master, settings):
    settings.YAOJIAN_LOCKOUT_THRESHOLD = 3
    settings.YAOJIAN_LOCKOUT_MINUTES = 2
    response = _fail(client, enterprise_master, 2)
    enterprise_master.refresh_from_db()
    assert not enterprise_master.is_locked()
    response = _fail(client, enterprise_master, 1)
    assert "the account is locked for 2 minutes." in response.content.decode()
    enterprise_master.refresh_from_db()
    remaining = (enterprise_master.locked_until - timezone.now()).total_seconds()
    assert 60 < remaining <= 120
    response = post_login(client, enterprise_master.username)
    assert "Try again in 2 minutes" in response.content.decode()


def test_after_the_lock_expires_the_right_password_works_and_resets(client, enterprise_master):
    _fail(client, enterprise_master, 5)
    User.objects.filter(pk=enterprise_master.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1), failed_logins=2
    )
    login(client, enterprise_master)
    enterprise_master.refresh_from_db()
    assert enterprise_master.locked_until is None
    assert enterprise_master.failed_logins == 0


def test_a_success_in_between_resets_the_count(client, make_client, enterprise_master):
    _fail(client, enterprise_master, 4)
    login(make_client(), enterprise_master)
    enterprise_master.refresh_from_db()
    assert enterprise_master.failed_logins == 0
    _fail(client, enterprise_master, 4)
    enterprise_master.refresh_from_db()
    assert not enterprise_master.is_locked()
    assert enterprise_master.failed_logins == 4
    _fail(client, enterprise_master, 1)
    enterprise_master.refresh_from_db()
    assert enterprise_master.is_locked()


def test_a_locked_regulator_is_refused_before_the_second_factor(client, county_regulator):
    _fail(client, county_regulator, 5)
    response = post_login(client, county_regulator.username)
    assert response.status_code == 200
    assert "Try again in 15 minutes" in response.content.decode()
    assert "second_factor_pending" not in client.session


def test_security_admin_unlocks_through_the_users_page(client, secadmin, county_regulator):
    User.objects.filter(pk=county_regulator.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=10), failed_logins=3
    )
    client.force_login(secadmin)
    response = client.post(reverse("accounts:user_action", args=[county_regulator.pk, "unlock"]))
    assert response.status_code == 302
    county_regulator.refresh_from_db()
    assert county_regulator.locked_until is None and county_regulator.failed_logins == 0
    assert audit("accounts.user.unlock", outcome="success").count() == 1


def test_only_the_security_admin_unlocks(sysadmin, county_regulator):
    locked_until = timezone.now() + dt.timedelta(minutes=10)
    User.objects.filter(pk=county_regulator.pk).update(locked_until=locked_until)
    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=sysadmin, user_id=county_regulator.pk)
    county_regulator.refresh_from_db()
    assert county_regulator.locked_until == locked_until
    assert audit("accounts.user.unlock", outcome="denied").count() == 1


def test_a_lockout_does_not_end_sessions_already_open(client, make_client, enterprise_master):
    """Someone else's wrong passwords lock the login, not the owner's open session."""
    login(client, enterprise_master)
    _fail(make_client(), enterprise_master, 5)
    enterprise_master.refresh_from_db()
    assert enterprise_master.is_locked()
    assert client.get("/my/").status_code == 200
    assert logged_in_user_id(client) == str(enterprise_master.pk)
