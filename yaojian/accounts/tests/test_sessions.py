"""Sessions: sliding idle timeout, the notice after expiry, htmx, ending all of an account's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from yaojian.accounts import services
from yaojian.accounts.models import User, UserSession
from yaojian.core.errors import ValidationFailed

from .helpers import PASSWORD, STRONG, audit, browser_get, logged_in_user_id, login, post_login

pytestmark = pytest.mark.django_db

EXPIRED_NOTICE = "Your session ended after 30 minutes without activity. Please log in again."


def _expire(client) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )


def test_idle_timeout_is_thirty_minutes_and_slides():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_request_pushes_the_expiry_thirty_minutes_ahead(client, enterprise_master):
    login(client, enterprise_master)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    assert client.get("/my/").status_code == 200
    expire_date = Session.objects.get(session_key=key).expire_date
    left = (expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < left <= 30 * 60


def test_expired_session_sends_the_browser_to_login_with_a_notice(client, enterprise_master):
    login(client, enterprise_master)
    _expire(client)
    response, visited = browser_get(client, "/my/")
    assert visited[1].startswith("/login/?next=/my/")
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/login.html"
    assert EXPIRED_NOTICE in response.content.decode()


def test_the_notice_is_shown_once(client, enterprise_master):
    login(client, enterprise_master)
    _expire(client)
    response = client.get("/my/", follow=True)
    assert response.content.decode().count(EXPIRED_NOTICE) == 1


def test_deleted_session_row_counts_as_expired(client, enterprise_master):
    login(client, enterprise_master)
    Session.objects.filter(session_key=client.session.session_key).delete()
    response, visited = browser_get(client, "/account/")
    assert visited[-1].startswith("/login/")
    assert EXPIRED_NOTICE in response.content.decode()


def test_opening_the_login_page_with_an_expired_session_shows_the_notice(client, enterprise_master):
    login(client, enterprise_master)
    _expire(client)
    response, _visited = browser_get(client, "/login/")
    assert response.status_code == 200
    assert EXPIRED_NOTICE in response.content.decode()


def test_the_notice_follows_the_configured_timeout(client, enterprise_master, settings):
    settings.YAOJIAN_IDLE_TIMEOUT_MINUTES = 10
    login(client, enterprise_master)
    _expire(client)
    response, _visited = browser_get(client, "/my/")
    assert "Your session ended after 10 minutes without activity." in response.content.decode()


def test_no_notice_for_a_first_visit_or_after_logging_out(client, enterprise_master):
    response, _visited = browser_get(client, "/login/")
    assert "without activity" not in response.content.decode()
    login(client, enterprise_master)
    client.post("/logout/")
    response, _visited = browser_get(client, "/my/")
    assert "without activity" not in response.content.decode()
    response, _visited = browser_get(client, "/login/")
    assert "without activity" not in response.content.decode()


def test_htmx_request_with_an_expired_session_gets_hx_redirect(client, enterprise_master):
    login(client, enterprise_master)
    _expire(client)
    response = client.get("/my/messages/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/login/?next=")
    assert response.status_code != 302
    assert b"<form" not in response.content
    # The page the browser then loads carries the notice.
    for name in list(client.cookies):
        if client.cookies[name].value == "":
            del client.cookies[name]
    page = client.get(response["HX-Redirect"])
    assert EXPIRED_NOTICE in page.content.decode()


def test_htmx_request_of_a_live_session_is_answered_normally(client, enterprise_master):
    login(client, enterprise_master)
    response = client.get("/my/messages/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Redirect" not in response


def test_disabling_an_account_ends_all_its_sessions(make_client, sysadmin, county_regulator):
    browsers = [make_client(), make_client()]
    for browser in browsers:
        login(browser, county_regulator)
    keys = [b.session.session_key for b in browsers]
    assert UserSession.objects.filter(user=county_regulator).count() == 2
    services.user_set_active(actor=sysadmin, user_id=county_regulator.pk, active=False)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=county_regulator).exists()
    entry = audit("accounts.user.set_active", outcome="success").get()
    assert entry.detail == "2 sessions ended"
    assert entry.changes == {"before": {"is_active": True}, "after": {"is_active": False}}
    for browser in browsers:
        response = browser.get("/workbench/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_disabling_through_the_users_page(client, make_client, sysadmin, county_regulator):
    victim = make_client()
    login(victim, county_regulator)
    client.force_login(sysadmin)
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "disable"]), follow=True
    )
    assert response.status_code == 200
    assert "Account disabled; all its sessions were ended." in response.content.decode()
    county_regulator.refresh_from_db()
    assert county_regulator.is_active is False
    assert audit("accounts.user.set_active").get().detail == "1 sessions ended"
    assert victim.get("/workbench/")["Location"].startswith("/login/")
    assert logged_in_user_id(victim) is None


def test_disabled_then_enabled_account_can_log_in_again(client, sysadmin, county_regulator):
    services.user_set_active(actor=sysadmin, user_id=county_regulator.pk, active=False)
    response = post_login(client, county_regulator.username)
    assert "The username or password is wrong." in response.content.decode()
    services.user_set_active(actor=sysadmin, user_id=county_regulator.pk, active=True)
    login(client, county_regulator)


def test_the_system_admin_cannot_disable_their_own_account(sysadmin):
    with pytest.raises(ValidationFailed) as caught:
        services.user_set_active(actor=sysadmin, user_id=sysadmin.pk, active=False)
    assert "user" in caught.value.errors
    sysadmin.refresh_from_db()
    assert sysadmin.is_active


def test_sessions_survive_a_password_change_for_ending_later(client, sysadmin, county_regulator):
    """A password change gives the session a new key; disabling must still end it."""
    login(client, county_regulator)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": STRONG, "new_password2": STRONG},
    )
    key = client.session.session_key
    assert client.get("/workbench/").status_code == 200
    services.user_set_active(actor=sysadmin, user_id=county_regulator.pk, active=False)
    assert not Session.objects.filter(session_key=key).exists()
    assert audit("accounts.user.set_active").get().detail == "1 sessions ended"


def test_the_account_page_lists_the_sessions(client, enterprise_master):
    login(client, enterprise_master)
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 200
    assert list(response.context["sessions"]) == list(
        UserSession.objects.filter(user=enterprise_master)
    )
    assert User.objects.get(pk=enterprise_master.pk).sessions.count() == 1
