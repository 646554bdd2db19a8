"""The three separated administrators: accounts by the system admin, roles by the security admin."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.password_validation import validate_password
from django.urls import reverse
from django.utils import translation

from yaojian.accounts import services
from yaojian.accounts.choices import SEPARATED_ADMIN_ROLES, Role
from yaojian.accounts.models import RoleAssignment, User
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.testing import factories

from .helpers import STRONG, audit, logged_in_user_id, post_login

pytestmark = pytest.mark.django_db

ADMIN_PAIRS = list(itertools.permutations(sorted(SEPARATED_ADMIN_ROLES), 2))


def _roles(user) -> set[str]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


# --- separation of duties ---------------------------------------------------------------------


@pytest.mark.parametrize(("held", "wanted"), ADMIN_PAIRS)
def test_no_account_holds_two_of_the_three_admin_roles(secadmin, province, held, wanted):
    target = factories.regulator("360100", roles=[held])
    assignments = RoleAssignment.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.role_grant(actor=secadmin, user_id=target.pk, role=wanted)
    assert caught.value.code == "separation_of_duties"
    message = caught.value.errors["role"][0]
    assert "must be different people" in message
    with translation.override("en"):
        assert str(Role(held).label) in message
    assert RoleAssignment.objects.count() == assignments
    assert _roles(target) == {held}
    entry = audit("accounts.role.grant").get()
    assert entry.outcome == "denied"
    assert "separation_of_duties" in entry.detail


def test_an_admin_role_goes_to_an_account_with_business_roles(secadmin, county_regulator):
    services.role_grant(actor=secadmin, user_id=county_regulator.pk, role=Role.AUDIT_ADMIN)
    assert Role.AUDIT_ADMIN in _roles(county_regulator)


def test_granting_a_role_already_held_changes_nothing(secadmin, county_regulator):
    services.role_grant(actor=secadmin, user_id=county_regulator.pk, role=Role.INSPECTOR)
    assert _roles(county_regulator) == {Role.INSPECTOR, Role.REVIEWER}
    assert not audit("accounts.role.grant").exists()


# --- who may change roles ---------------------------------------------------------------------


def test_security_admin_grants_and_revokes_a_role(secadmin, county_regulator):
    assignment = services.role_grant(
        actor=secadmin, user_id=county_regulator.pk, role=Role.CASE_OFFICER
    )
    assert assignment.granted_by == secadmin
    assert Role.CASE_OFFICER in _roles(county_regulator)
    entry = audit("accounts.role.grant", outcome="success").get()
    assert entry.changes == {"after": {"role": "case_officer"}}
    assert entry.actor_id == secadmin.pk and entry.object_id == str(county_regulator.pk)
    services.role_revoke(actor=secadmin, user_id=county_regulator.pk, role=Role.CASE_OFFICER)
    assert Role.CASE_OFFICER not in _roles(county_regulator)
    assert audit("accounts.role.revoke", outcome="success").count() == 1


@pytest.mark.parametrize("service", ["role_grant", "role_revoke"])
def test_nobody_changes_their_own_roles(secadmin, service):
    role = Role.LEADER if service == "role_grant" else Role.SECURITY_ADMIN
    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        getattr(services, service)(actor=secadmin, user_id=secadmin.pk, role=role)
    assert str(caught.value.detail) == "Nobody may change their own roles."
    assert _roles(secadmin) == {Role.SECURITY_ADMIN}
    action = "accounts.role.grant" if service == "role_grant" else "accounts.role.revoke"
    assert audit(action, outcome="denied").count() == 1


@pytest.mark.parametrize("actor_name", ["sysadmin", "auditor", "province_regulator"])
@pytest.mark.parametrize("service", ["role_grant", "role_revoke"])
def test_only_the_security_admin_changes_roles(request, county_regulator, actor_name, service):
    actor = request.getfixturevalue(actor_name)
    role = Role.CASE_OFFICER if service == "role_grant" else Role.INSPECTOR
    before = _roles(county_regulator)
    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        getattr(services, service)(actor=actor, user_id=county_regulator.pk, role=role)
    assert "Security administrator" in str(caught.value.detail)
    assert _roles(county_regulator) == before
    action = "accounts.role.grant" if service == "role_grant" else "accounts.role.revoke"
    assert audit(action, outcome="denied").count() >= 1
    assert not audit(action, outcome="success").exists()


def test_an_unknown_role_is_refused_by_name(secadmin, county_regulator):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.role_grant(actor=secadmin, user_id=county_regulator.pk, role="superuser")
    assert caught.value.errors == {"role": ["Unknown role."]}
    assert _roles(county_regulator) == {Role.INSPECTOR, Role.REVIEWER}


def test_roles_are_not_given_to_enterprise_accounts(secadmin, enterprise_master):
    with pytest.raises((NotFound, ValidationFailed)):
        services.role_grant(actor=secadmin, user_id=enterprise_master.pk, role=Role.INSPECTOR)
    assert not RoleAssignment.objects.filter(user=enterprise_master).exists()


def test_a_city_security_admin_cannot_touch_another_city(city_secadmin, other_county_regulator):
    with pytest.raises(NotFound):
        services.role_grant(
            actor=city_secadmin, user_id=other_county_regulator.pk, role=Role.LEADER
        )
    assert Role.LEADER not in _roles(other_county_regulator)


# --- who may create and disable accounts ------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["secadmin", "auditor", "province_regulator"])
def test_only_the_system_admin_disables_accounts(request, county_regulator, actor_name):
    actor = request.getfixturevalue(actor_name)
    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        services.user_set_active(actor=actor, user_id=county_regulator.pk, active=False)
    assert "System administrator" in str(caught.value.detail)
    county_regulator.refresh_from_db()
    assert county_regulator.is_active
    assert audit("accounts.user.set_active", outcome="denied").count() >= 1


@pytest.mark.parametrize("actor_name", ["secadmin", "auditor", "province_regulator"])
def test_only_the_system_admin_creates_accounts(request, province, actor_name):
    actor = request.getfixturevalue(actor_name)
    users = User.objects.count()
    with pytest.raises(PermissionDenied):
        services.regulator_create(
            actor=actor, username="newbie", full_name="新人", bureau_code="360102"
        )
    assert User.objects.count() == users
    assert audit("accounts.regulator.create", outcome="denied").count() >= 1


def test_the_system_admin_cannot_hand_out_roles_when_creating(sysadmin):
    users = User.objects.count()
    with pytest.raises(PermissionDenied):
        services.regulator_create(
            actor=sysadmin,
            username="newbie",
            full_name="新人",
            bureau_code="360102",
            roles=[Role.APPROVER],
        )
    assert User.objects.count() == users
    assert not RoleAssignment.objects.filter(role=Role.APPROVER).exists()
    assert audit("accounts.regulator.create", outcome="denied").count() == 1


def test_system_admin_creates_a_regulator_with_a_one_time_password(client, sysadmin):
    user, temporary = services.regulator_create(
        actor=sysadmin,
        username="wang.inspector",
        full_name="王检查",
        bureau_code="360102",
        phone="13800001234",
        email="wang@example.cn",
    )
    assert validate_password(temporary, user) is None
    user.refresh_from_db()
    assert user.check_password(temporary)
    assert user.must_change_password is True
    assert user.kind == "regulator" and user.bureau.region_code == "360102"
    assert _roles(user) == set()
    entry = audit("accounts.regulator.create", outcome="success").get()
    assert entry.object_id == str(user.pk)
    assert entry.changes["after"]["username"] == "wang.inspector"
    assert temporary not in str(entry.changes) and temporary not in entry.detail
    # First login: the one-time password works once, then must be replaced.
    response = post_login(client, "wang.inspector", temporary, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")


def test_each_one_time_password_differs(sysadmin):
    _u1, first = services.regulator_create(
        actor=sysadmin, username="a1", full_name="甲", bureau_code="360102"
    )
    _u2, second = services.regulator_create(
        actor=sysadmin, username="a2", full_name="乙", bureau_code="360102"
    )
    assert first != second


def test_a_city_admin_creates_only_inside_the_city(city_sysadmin):
    user, _password = services.regulator_create(
        actor=city_sysadmin, username="donghu1", full_name="东湖", bureau_code="360102"
    )
    assert user.bureau.region_code == "360102"
    users = User.objects.count()
    with pytest.raises(NotFound):
        services.regulator_create(
            actor=city_sysadmin, username="lianxi1", full_name="濂溪", bureau_code="360402"
        )
    with pytest.raises(NotFound):
        services.regulator_create(
            actor=city_sysadmin, username="prov1", full_name="省局", bureau_code="360000"
        )
    assert User.objects.count() == users
    assert not User.objects.filter(username__in=["lianxi1", "prov1"]).exists()


def test_a_city_admin_cannot_disable_someone_in_another_city(city_sysadmin, other_county_regulator):
    with pytest.raises(NotFound):
        services.user_set_active(
            actor=city_sysadmin, user_id=other_county_regulator.pk, active=False
        )
    other_county_regulator.refresh_from_db()
    assert other_county_regulator.is_active


def test_regulator_creation_names_the_bad_field(sysadmin, county_regulator):
    users = User.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.regulator_create(
            actor=sysadmin,
            username=county_regulator.username,
            full_name="重名",
            bureau_code="360102",
        )
    assert caught.value.errors == {"username": ["This username is taken."]}
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.regulator_create(
            actor=sysadmin, username="has spaces!", full_name="坏名", bureau_code="360102"
        )
    assert "username" in caught.value.errors
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.regulator_create(
            actor=sysadmin,
            username="mailer",
            full_name="邮件",
            bureau_code="360102",
            email="not-an-address",
        )
    assert "email" in caught.value.errors
    assert User.objects.count() == users


# --- the /workbench/users/ page ---------------------------------------------------------------


def test_users_page_lists_the_regulators_in_scope(client, city_sysadmin, other_county_regulator):
    inside = factories.regulator("360102")
    client.force_login(city_sysadmin)
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 200
    listed = {u.username for u in response.context["page"].object_list}
    assert inside.username in listed and city_sysadmin.username in listed
    assert other_county_regulator.username not in listed


def test_users_page_is_closed_to_other_regulators(client, county_regulator):
    client.force_login(county_regulator)
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 403
    assert "Only the system or security administrator manages accounts." in (
        response.content.decode()
    )
    assert audit("accounts.users.view", outcome="denied").count() == 1


def test_users_page_is_closed_to_enterprises_and_visitors(client, enterprise_master):
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(enterprise_master)
    assert client.get(reverse("accounts:users")).status_code == 403


def test_system_admin_creates_an_account_through_the_page(client, make_client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("accounts:users"),
        {"username": "li.approver", "full_name": "李审批", "bureau_code": "360100"},
    )
    assert response.status_code == 200
    created = response.context["created"]
    assert created["user"].username == "li.approver"
    content = response.content.decode()
    assert "One-time password" in content and created["password"] in content
    browser = make_client()
    post_login(browser, "li.approver", created["password"])
    assert logged_in_user_id(browser) == str(created["user"].pk)
    assert browser.get("/workbench/")["Location"] == reverse("accounts:password_change")
    browser.post(
        reverse("accounts:password_change"),
        {
            "old_password": created["password"],
            "new_password": STRONG,
            "new_password2": STRONG,
        },
    )
    # A regulator then has to enrol the second factor before working.
    assert browser.get("/workbench/")["Location"] == "/account/mfa/"


def test_security_admin_cannot_create_an_account_through_the_page(client, secadmin):
    client.force_login(secadmin)
    users = User.objects.count()
    response = client.post(
        reverse("accounts:users"),
        {"username": "sneaky", "full_name": "偷偷", "bureau_code": "360100"},
    )
    assert response.status_code == 403
    assert "This needs the role: System administrator." in response.content.decode()
    assert User.objects.count() == users
    assert audit("accounts.regulator.create", outcome="denied").count() == 1


def test_security_admin_grants_through_the_page(client, secadmin, county_regulator):
    client.force_login(secadmin)
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "grant"]),
        {"role": Role.LEADER},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:users")
    assert "Role granted." in response.content.decode()
    assert Role.LEADER in _roles(county_regulator)
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "revoke"]),
        {"role": Role.LEADER},
        follow=True,
    )
    assert "Role withdrawn." in response.content.decode()
    assert Role.LEADER not in _roles(county_regulator)


def test_separation_of_duties_through_the_page(client, secadmin, auditor):
    client.force_login(secadmin)
    response = client.post(
        reverse("accounts:user_action", args=[auditor.pk, "grant"]),
        {"role": Role.SYSTEM_ADMIN},
        follow=True,
    )
    assert response.status_code == 200
    assert "must be different people" in response.content.decode()
    assert _roles(auditor) == {Role.AUDIT_ADMIN}
    assert audit("accounts.role.grant", outcome="denied").count() == 1


def test_self_grant_through_the_page_is_forbidden(client, secadmin):
    client.force_login(secadmin)
    response = client.post(
        reverse("accounts:user_action", args=[secadmin.pk, "grant"]), {"role": Role.LEADER}
    )
    assert response.status_code == 403
    assert "Nobody may change their own roles." in response.content.decode()
    assert _roles(secadmin) == {Role.SECURITY_ADMIN}


def test_system_admin_cannot_grant_through_the_page(client, sysadmin, county_regulator):
    client.force_login(sysadmin)
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "grant"]),
        {"role": Role.LEADER},
    )
    assert response.status_code == 403
    assert Role.LEADER not in _roles(county_regulator)
    assert audit("accounts.role.grant", outcome="denied").count() == 1


def test_security_admin_cannot_disable_through_the_page(client, secadmin, county_regulator):
    client.force_login(secadmin)
    response = client.post(reverse("accounts:user_action", args=[county_regulator.pk, "disable"]))
    assert response.status_code == 403
    county_regulator.refresh_from_db()
    assert county_regulator.is_active
    assert audit("accounts.user.set_active", outcome="denied").count() == 1


def test_actions_are_post_only_and_unknown_ones_are_404(client, sysadmin, county_regulator):
    client.force_login(sysadmin)
    url = reverse("accounts:user_action", args=[county_regulator.pk, "disable"])
    assert client.get(url).status_code == 405
    county_regulator.refresh_from_db()
    assert county_regulator.is_active
    bogus = reverse("accounts:user_action", args=[county_regulator.pk, "promote"])
    assert client.post(bogus).status_code == 404


def test_user_actions_do_not_redirect_off_site(client, secadmin, county_regulator):
    client.force_login(secadmin)
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "grant"]),
        {"role": Role.LEADER, "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:users")
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "revoke"]),
        {"role": Role.LEADER, "next": "/workbench/users/?q=x"},
    )
    assert response["Location"] == "/workbench/users/?q=x"
