"""Enterprise sub-accounts: created, given rights, disabled by the master account only."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import translation

from yaojian.accounts import services
from yaojian.accounts.models import ApiToken, User, UserSession
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.testing import factories

from .helpers import STRONG, audit, logged_in_user_id, login, post_login, text

pytestmark = pytest.mark.django_db

ACCOUNTS = "/enterprise/accounts/"


@pytest.fixture
def clerk(enterprise_master):
    return factories.enterprise_user(
        enterprise_master.enterprise, master=False, rights=["view", "apply"]
    )


@pytest.fixture
def other_master(enterprises):
    return factories.enterprise_user(enterprises["lianxi"], master=True)


def _rights_url(user) -> str:
    return reverse("accounts:enterprise_account_rights", args=[user.pk])


def _active_url(user) -> str:
    return reverse("accounts:enterprise_account_active", args=[user.pk])


def test_master_creates_a_subaccount_with_chosen_rights(client, make_client, enterprise_master):
    login(client, enterprise_master)
    response = client.post(
        ACCOUNTS,
        {
            "username": "quality",
            "full_name": "质量负责人",
            "phone": "13900002222",
            "password": STRONG,
            "rights": ["view", "respond"],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ACCOUNTS
    assert "Sub-account created." in response.content.decode()
    sub = User.objects.get(username="quality")
    assert sub.kind == "enterprise" and sub.enterprise == enterprise_master.enterprise
    assert not sub.is_enterprise_master
    assert sub.enterprise_rights == ["respond", "view"]
    assert sub.must_change_password
    assert sub.has_enterprise_right("view") and not sub.has_enterprise_right("apply")
    entry = audit("accounts.subaccount.create", outcome="success").get()
    assert entry.actor_id == enterprise_master.pk
    assert entry.changes["after"] == {"username": "quality", "rights": ["respond", "view"]}
    assert 'data-testid="subaccount-quality"' in response.content.decode()
    # The sub-account's first login asks for a new password.
    response = post_login(make_client(), "quality", STRONG, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")


def test_subaccount_creation_names_bad_fields(enterprise_master, clerk):
    users = User.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.subaccount_create(
            actor=enterprise_master,
            username=clerk.username,
            full_name="重名",
            rights=["view"],
            password=STRONG,
        )
    assert caught.value.errors == {"username": ["This username is taken."]}
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.subaccount_create(
            actor=enterprise_master,
            username="newclerk",
            full_name="新",
            rights=["view", "launch_missiles"],
            password=STRONG,
        )
    assert caught.value.errors == {"rights": ["Unknown rights: launch_missiles"]}
    assert User.objects.count() == users


def test_master_changes_and_withdraws_rights(client, enterprise_master, clerk):
    login(client, enterprise_master)
    response = client.post(_rights_url(clerk), {"rights": ["view", "trace", "tokens"]}, follow=True)
    assert "Rights saved." in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.enterprise_rights == ["tokens", "trace", "view"]
    entry = audit("accounts.subaccount.rights", outcome="success").get()
    assert entry.changes == {
        "before": {"rights": ["view", "apply"]},
        "after": {"rights": ["tokens", "trace", "view"]},
    }
    client.post(_rights_url(clerk), {})
    clerk.refresh_from_db()
    assert clerk.enterprise_rights == []
    assert not clerk.has_enterprise_right("view")


def test_an_unknown_right_from_the_page_changes_nothing_and_says_so(
    client, enterprise_master, clerk
):
    login(client, enterprise_master)
    response = client.post(_rights_url(clerk), {"rights": ["view", "bogus"]}, follow=True)
    clerk.refresh_from_db()
    assert clerk.enterprise_rights == ["view", "apply"]
    assert "Select a valid choice. bogus is not one of the available choices." in text(response)
    assert "Rights saved." not in text(response)


def test_a_withdrawn_right_takes_effect_on_the_next_request(
    client, make_client, enterprise_master, clerk
):
    services.subaccount_set_rights(actor=enterprise_master, user_id=clerk.pk, rights=["tokens"])
    User.objects.filter(pk=clerk.pk).update(must_change_password=False)
    browser = make_client()
    login(browser, clerk)
    response = browser.post("/enterprise/tokens/", {"name": "ERP", "rights": []})
    assert response.context["created"] is not None
    services.subaccount_set_rights(actor=enterprise_master, user_id=clerk.pk, rights=["view"])
    tokens = ApiToken.objects.count()
    response = browser.post("/enterprise/tokens/", {"name": "ERP 2", "rights": []})
    assert response.status_code == 403
    assert "Your account lacks the right: Manage API tokens" in text(response)
    assert ApiToken.objects.count() == tokens


def test_master_disables_a_subaccount_and_its_sessions_end(
    client, make_client, enterprise_master, clerk
):
    User.objects.filter(pk=clerk.pk).update(must_change_password=False)
    browser = make_client()
    login(browser, clerk)
    key = browser.session.session_key
    login(client, enterprise_master)
    response = client.post(_active_url(clerk), {"active": "0"}, follow=True)
    assert "Sub-account disabled; its sessions were ended." in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.is_active is False
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=clerk).exists()
    assert audit("accounts.subaccount.set_active", outcome="success").get().detail == (
        "1 sessions ended"
    )
    assert browser.get("/my/")["Location"].startswith("/login/")
    assert logged_in_user_id(browser) is None
    response = post_login(make_client(), clerk.username)
    assert "The username or password is wrong." in response.content.decode()
    client.post(_active_url(clerk), {"active": "1"})
    clerk.refresh_from_db()
    assert clerk.is_active


def test_a_subaccount_cannot_manage_subaccounts(client, enterprise_master, clerk):
    User.objects.filter(pk=clerk.pk).update(must_change_password=False)
    sibling = factories.enterprise_user(enterprise_master.enterprise, master=False, rights=["view"])
    login(client, clerk)
    response = client.post(_rights_url(sibling), {"rights": ["view", "apply", "tokens"]})
    assert response.status_code == 403
    response = client.post(_active_url(sibling), {"active": "0"})
    assert response.status_code == 403
    sibling.refresh_from_db()
    assert sibling.enterprise_rights == ["view"] and sibling.is_active
    users = User.objects.count()
    response = client.post(
        ACCOUNTS,
        {"username": "mine", "full_name": "我的", "password": STRONG, "rights": ["view"]},
    )
    assert response.status_code == 403
    assert "Only the enterprise's master account can manage sub-accounts." in text(response)
    assert User.objects.count() == users
    assert audit("accounts.subaccount.rights", outcome="denied").count() == 1
    assert audit("accounts.subaccount.set_active", outcome="denied").count() == 1
    assert audit("accounts.subaccount.create", outcome="denied").count() == 1


def test_a_subaccount_cannot_raise_its_own_rights(clerk):
    with pytest.raises(PermissionDenied):
        services.subaccount_set_rights(actor=clerk, user_id=clerk.pk, rights=["tokens"])
    clerk.refresh_from_db()
    assert "tokens" not in clerk.enterprise_rights


def test_one_master_cannot_touch_another_enterprises_subaccounts(client, other_master, clerk):
    login(client, other_master)
    assert client.post(_rights_url(clerk), {"rights": ["tokens"]}).status_code == 404
    assert client.post(_active_url(clerk), {"active": "0"}).status_code == 404
    clerk.refresh_from_db()
    assert clerk.enterprise_rights == ["view", "apply"] and clerk.is_active
    with pytest.raises(NotFound):
        services.subaccount_set_active(actor=other_master, user_id=clerk.pk, active=False)
    clerk.refresh_from_db()
    assert clerk.is_active


def test_the_master_account_itself_is_not_a_subaccount(client, enterprise_master):
    login(client, enterprise_master)
    assert client.post(_active_url(enterprise_master), {"active": "0"}).status_code == 404
    enterprise_master.refresh_from_db()
    assert enterprise_master.is_active


def test_the_accounts_page_lists_only_the_own_enterprise(client, enterprise_master, other_master):
    own_sub = factories.enterprise_user(enterprise_master.enterprise, master=False)
    foreign_sub = factories.enterprise_user(other_master.enterprise, master=False)
    login(client, enterprise_master)
    response = client.get(ACCOUNTS)
    listed = {u.username for u in response.context["accounts"]}
    assert listed == {enterprise_master.username, own_sub.username}
    assert foreign_sub.username not in response.content.decode()


def test_regulators_and_the_public_have_no_accounts_page(client, make_client, county_regulator):
    client.force_login(county_regulator)
    assert client.get(ACCOUNTS).status_code == 404
    public = make_client()
    public.force_login(factories.UserFactory())
    assert public.get(ACCOUNTS).status_code == 404
