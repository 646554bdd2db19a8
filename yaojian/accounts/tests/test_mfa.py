"""The TOTP second factor: forced enrolment, enrolment page, two-step login, recovery, reset."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from yaojian.accounts import services
from yaojian.accounts.models import RecoveryCode, User, UserSession
from yaojian.accounts.views import PENDING_KEY
from yaojian.core import crypto
from yaojian.core.errors import PermissionDenied
from yaojian.testing import factories

from .helpers import (
    audit,
    logged_in_user_id,
    login,
    post_login,
    unused_totp_code,
    wrong_totp_code,
)

pytestmark = pytest.mark.django_db

VERIFY = "/login/verify/"
WRONG_CODE = "The code is wrong or was already used."


@pytest.fixture
def unenrolled(province):
    return factories.regulator("360102", mfa=False)


def _enrol_through_the_page(client) -> tuple[str, list[str]]:
    page = client.get(reverse("accounts:mfa_setup"))
    secret = page.context["secret"]
    response = client.post(reverse("accounts:mfa_setup"), {"code": pyotp.TOTP(secret).now()})
    return secret, list(response.context["codes"])


# --- enrolment is required of regulators ------------------------------------------------------


def test_mfa_is_required_by_default_outside_demo_mode():
    assert django_settings.YAOJIAN_REQUIRE_MFA is True


@pytest.mark.parametrize("path", ["/workbench/", "/workbench/todos/", "/account/", "/"])
def test_regulator_without_mfa_is_sent_to_enrolment_on_every_page(client, unenrolled, path):
    client.force_login(unenrolled)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/account/mfa/"


def test_regulator_without_mfa_logs_in_and_lands_on_enrolment(client, unenrolled):
    response = post_login(client, unenrolled.username, follow=True)
    assert response.redirect_chain[-1][0] == "/account/mfa/"
    assert "Regulator accounts need a second factor." in response.content.decode()


def test_enrolment_is_not_forced_when_mfa_is_not_required(client, unenrolled, settings):
    settings.YAOJIAN_REQUIRE_MFA = False
    client.force_login(unenrolled)
    assert client.get("/workbench/").status_code == 200


def test_enterprise_and_public_accounts_are_not_forced(client, make_client, enterprise_master):
    client.force_login(enterprise_master)
    assert client.get("/my/").status_code == 200
    public = factories.UserFactory()
    other = make_client()
    other.force_login(public)
    assert other.get("/").status_code == 200


def test_api_session_of_an_unenrolled_regulator_is_refused(client, unenrolled):
    client.force_login(unenrolled)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# --- the enrolment page ------------------------------------------------------------------------


def test_enrolment_page_shows_a_qr_code_and_the_key(client, unenrolled):
    client.force_login(unenrolled)
    response = client.get("/account/mfa/")
    assert response.status_code == 200
    content = response.content.decode()
    qr = re.search(r'data-testid="mfa-qr">(.*?)</div>', content, re.S)
    assert qr and qr.group(1).strip().startswith("<svg")
    secret = client.session["mfa_secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert f'data-testid="mfa-secret">{secret}<' in content
    # Reloading keeps the same key, so a QR code already scanned stays valid.
    assert client.get("/account/mfa/").context["secret"] == secret


def test_enrolment_with_a_correct_code_turns_mfa_on_and_shows_ten_codes(client, unenrolled):
    client.force_login(unenrolled)
    secret, codes = _enrol_through_the_page(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    unenrolled.refresh_from_db()
    assert unenrolled.mfa_enabled
    assert secret not in unenrolled.mfa_secret  # stored encrypted
    assert crypto.sm4_decrypt(unenrolled.mfa_secret, context=f"mfa:{unenrolled.pk}".encode()) == (
        secret
    )
    stored = set(RecoveryCode.objects.filter(user=unenrolled).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)  # only hashes are kept
    assert "mfa_secret" not in client.session
    assert audit("accounts.mfa.enable", outcome="success").count() == 1
    assert client.get("/workbench/").status_code == 200


def test_enrolment_page_renders_the_codes(client, unenrolled):
    client.force_login(unenrolled)
    page = client.get("/account/mfa/")
    response = client.post("/account/mfa/", {"code": pyotp.TOTP(page.context["secret"]).now()})
    content = response.content.decode()
    assert 'data-testid="recovery-codes"' in content
    assert all(code in content for code in response.context["codes"])


def test_enrolment_with_a_wrong_code_changes_nothing(client, unenrolled):
    client.force_login(unenrolled)
    page = client.get("/account/mfa/")
    totp = pyotp.TOTP(page.context["secret"])
    valid = {totp.at(timezone.now().timestamp() + k * 30) for k in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in valid)
    response = client.post("/account/mfa/", {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "The code does not match. Check the time on your phone and try again."
    ]
    unenrolled.refresh_from_db()
    assert not unenrolled.mfa_enabled and unenrolled.mfa_secret == ""
    assert not RecoveryCode.objects.filter(user=unenrolled).exists()
    assert client.get("/workbench/")["Location"] == "/account/mfa/"


# --- logging in with the second factor ---------------------------------------------------------


def test_enrolled_account_is_asked_for_the_code_before_the_session_starts(client, county_regulator):
    response = post_login(client, county_regulator.username)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert logged_in_user_id(client) is None
    assert not UserSession.objects.exists()
    assert not audit("accounts.login", outcome="success").exists()
    assert client.get("/workbench/")["Location"].startswith("/login/")
    page = client.get(VERIFY)
    assert page.status_code == 200 and "form" in page.context
    response = client.post(VERIFY, {"code": unused_totp_code(county_regulator)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    assert logged_in_user_id(client) == str(county_regulator.pk)
    assert UserSession.objects.filter(user=county_regulator).count() == 1
    assert audit("accounts.login", outcome="success", actor_id=county_regulator.pk).count() == 1
    assert PENDING_KEY not in client.session


def test_the_next_page_survives_the_second_step(client, county_regulator):
    client.post(
        "/login/?next=/workbench/todos/",
        {"username": county_regulator.username, "password": factories.PASSWORD},
    )
    response = client.post(VERIFY, {"code": unused_totp_code(county_regulator)})
    assert response["Location"] == "/workbench/todos/"


def test_a_wrong_code_is_refused_audited_and_counted(client, county_regulator):
    post_login(client, county_regulator.username)
    response = client.post(VERIFY, {"code": wrong_totp_code(county_regulator)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [WRONG_CODE]
    assert logged_in_user_id(client) is None
    assert not UserSession.objects.exists()
    assert audit("accounts.login.second_factor", outcome="failed").count() == 1
    county_regulator.refresh_from_db()
    assert county_regulator.failed_logins == 1


def test_a_code_cannot_be_used_twice(client, make_client, county_regulator):
    code = unused_totp_code(county_regulator)
    post_login(client, county_regulator.username)
    client.post(VERIFY, {"code": code})
    assert logged_in_user_id(client) == str(county_regulator.pk)
    other = make_client()
    post_login(other, county_regulator.username)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [WRONG_CODE]
    assert logged_in_user_id(other) is None
    assert UserSession.objects.filter(user=county_regulator).count() == 1


def test_a_recovery_code_works_once_and_only_once(client, make_client, unenrolled):
    client.force_login(unenrolled)
    _secret, codes = _enrol_through_the_page(client)
    first = make_client()
    post_login(first, unenrolled.username)
    response = first.post(VERIFY, {"code": codes[3].upper()})
    assert response.status_code == 302
    assert logged_in_user_id(first) == str(unenrolled.pk)
    assert RecoveryCode.objects.filter(user=unenrolled, used_at__isnull=False).count() == 1
    assert audit("accounts.recovery_code_used", outcome="success").count() == 1
    second = make_client()
    post_login(second, unenrolled.username)
    response = second.post(VERIFY, {"code": codes[3]})
    assert response.context["form"].errors["code"] == [WRONG_CODE]
    assert logged_in_user_id(second) is None
    # Another, unused code still works.
    response = second.post(VERIFY, {"code": codes[4]})
    assert logged_in_user_id(second) == str(unenrolled.pk)


def test_new_recovery_codes_replace_the_old_ones(client, make_client, unenrolled):
    client.force_login(unenrolled)
    _secret, old = _enrol_through_the_page(client)
    response = client.post(reverse("accounts:recovery_codes"))
    new = list(response.context["codes"])
    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCode.objects.filter(user=unenrolled).count() == 10
    browser = make_client()
    post_login(browser, unenrolled.username)
    assert browser.post(VERIFY, {"code": old[0]}).status_code == 200
    assert logged_in_user_id(browser) is None
    browser.post(VERIFY, {"code": new[0]})
    assert logged_in_user_id(browser) == str(unenrolled.pk)


def test_wrong_codes_count_toward_the_lockout(client, county_regulator):
    post_login(client, county_regulator.username)
    wrong = wrong_totp_code(county_regulator)
    for _ in range(4):
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
    response = client.post(VERIFY, {"code": wrong}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Too many wrong codes: the account is locked." in response.content.decode()
    county_regulator.refresh_from_db()
    assert county_regulator.is_locked()
    assert audit("accounts.lockout").count() == 1
    assert PENDING_KEY not in client.session
    response = post_login(client, county_regulator.username)
    assert "Try again in 15 minutes" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_pending_second_step_expires_after_five_minutes(client, county_regulator):
    post_login(client, county_regulator.username)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": session[PENDING_KEY]["at"] - 301}
    session.save()
    response = client.post(VERIFY, {"code": unused_totp_code(county_regulator)}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Please enter your username and password again." in response.content.decode()
    assert logged_in_user_id(client) is None
    assert not UserSession.objects.exists()


def test_the_pending_second_step_is_still_valid_before_five_minutes(client, county_regulator):
    post_login(client, county_regulator.username)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": session[PENDING_KEY]["at"] - 280}
    session.save()
    client.post(VERIFY, {"code": unused_totp_code(county_regulator)})
    assert logged_in_user_id(client) == str(county_regulator.pk)


def test_the_second_step_without_the_first_goes_back_to_login(client, county_regulator):
    response = client.post(VERIFY, {"code": unused_totp_code(county_regulator)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert logged_in_user_id(client) is None


def test_an_account_disabled_between_the_two_steps_cannot_finish(
    client, sysadmin, county_regulator
):
    post_login(client, county_regulator.username)
    services.user_set_active(actor=sysadmin, user_id=county_regulator.pk, active=False)
    response = client.post(VERIFY, {"code": unused_totp_code(county_regulator)}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "This account is disabled." in response.content.decode()
    assert PENDING_KEY not in client.session
    assert logged_in_user_id(client) is None
    assert audit("accounts.login", outcome="denied", detail="account disabled").count() == 1
    assert not UserSession.objects.filter(user=county_regulator).exists()
    assert not audit("accounts.login", outcome="success").exists()


def test_an_account_locked_between_the_two_steps_stays_locked(client, county_regulator):
    post_login(client, county_regulator.username)
    locked_until = timezone.now() + dt.timedelta(minutes=12)
    User.objects.filter(pk=county_regulator.pk).update(locked_until=locked_until)
    response = client.post(VERIFY, {"code": unused_totp_code(county_regulator)}, follow=True)
    assert logged_in_user_id(client) is None
    assert "Try again in 12 minutes" in response.content.decode()
    county_regulator.refresh_from_db()
    assert county_regulator.locked_until == locked_until


# --- the security administrator resets a lost second factor -----------------------------------


def test_security_admin_resets_the_second_factor_and_ends_sessions(
    client, make_client, secadmin, county_regulator
):
    victim = make_client()
    login(victim, county_regulator)
    key = victim.session.session_key
    client.force_login(secadmin)
    response = client.post(
        reverse("accounts:user_action", args=[county_regulator.pk, "reset-mfa"]), follow=True
    )
    assert "Second factor cleared; the user must enrol again." in response.content.decode()
    county_regulator.refresh_from_db()
    assert not county_regulator.mfa_enabled
    assert county_regulator.mfa_secret == "" and county_regulator.mfa_last_step is None
    assert not RecoveryCode.objects.filter(user=county_regulator).exists()
    assert not Session.objects.filter(session_key=key).exists()
    assert victim.get("/workbench/")["Location"].startswith("/login/")
    assert audit("accounts.mfa.reset", outcome="success").count() == 1
    # The next login goes without a code, straight to enrolment.
    response = post_login(make_client(), county_regulator.username, follow=True)
    assert response.redirect_chain[-1][0] == "/account/mfa/"


def test_only_the_security_admin_resets_a_second_factor(client, sysadmin, county_regulator):
    secret_before = User.objects.get(pk=county_regulator.pk).mfa_secret
    with pytest.raises(PermissionDenied):
        services.mfa_reset(actor=sysadmin, user_id=county_regulator.pk)
    client.force_login(sysadmin)
    response = client.post(reverse("accounts:user_action", args=[county_regulator.pk, "reset-mfa"]))
    assert response.status_code == 403
    county_regulator.refresh_from_db()
    assert county_regulator.mfa_secret == secret_before and county_regulator.mfa_enabled
    assert audit("accounts.mfa.reset", outcome="denied").count() == 2


def test_a_right_code_after_wrong_ones_resets_the_count(client, county_regulator):
    post_login(client, county_regulator.username)
    for _ in range(3):
        client.post(VERIFY, {"code": wrong_totp_code(county_regulator)})
    county_regulator.refresh_from_db()
    assert county_regulator.failed_logins == 3
    client.post(VERIFY, {"code": unused_totp_code(county_regulator)})
    assert logged_in_user_id(client) == str(county_regulator.pk)
    county_regulator.refresh_from_db()
    assert county_regulator.failed_logins == 0


def test_recovery_codes_need_the_second_factor_first(client, enterprise_master):
    client.force_login(enterprise_master)
    response = client.post(reverse("accounts:recovery_codes"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:account")
    assert "Turn on the second factor first." in response.content.decode()
    assert not RecoveryCode.objects.filter(user=enterprise_master).exists()
    assert audit("accounts.mfa.recovery_codes", outcome="failed").count() == 1
