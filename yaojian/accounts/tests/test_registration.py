"""Self-registration of enterprises (credit code, claim, bureau check) and of the public."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from yaojian.accounts import services
from yaojian.accounts.models import ALL_ENTERPRISE_RIGHTS, User, UserSession
from yaojian.core.errors import Conflict, ValidationFailed
from yaojian.core.validators import uscc_with_check_character, validate_uscc
from yaojian.registry.models import Enterprise
from yaojian.testing import factories
from yaojian.workbench.models import Todo

from .helpers import STRONG, audit, enterprise_registration, field_errors, logged_in_user_id

pytestmark = pytest.mark.django_db

VALID_USCC = uscc_with_check_character("91360102MA35K2P7N")


_form = enterprise_registration


def _service_fields(**overrides) -> dict:
    return _form(**overrides)


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Enterprise.objects.count(), Todo.objects.count()


def _wrong_check_character(code: str) -> tuple[str, str]:
    expected = code[-1]
    wrong = "0" if expected != "0" else "1"
    return code[:-1] + wrong, expected


# --- the unified social credit code -----------------------------------------------------------


def test_valid_codes_used_by_these_tests_are_valid():
    assert validate_uscc(VALID_USCC) == VALID_USCC


@pytest.mark.parametrize(
    ("uscc", "reason"),
    [
        ("91360102MA35K2P", "A unified social credit code has 18 characters; this one has 15."),
        (
            "91360102MA35K2P7NLX",
            "A unified social credit code has 18 characters; this one has 19.",
        ),
        ("91360102MA35KIO7NL", "digits or capital letters other than I, O, Z, S and V"),
    ],
)
def test_register_refuses_a_malformed_credit_code(province, uscc, reason):
    before = _counts()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.enterprise_register(**_service_fields(uscc=uscc))
    assert any(reason in m for m in caught.value.errors["uscc"])
    assert str(caught.value.detail).startswith("uscc: ")
    assert _counts() == before


def test_register_refuses_a_wrong_check_character_and_gives_the_right_one(province):
    wrong, expected = _wrong_check_character(VALID_USCC)
    before = _counts()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.enterprise_register(**_service_fields(uscc=wrong))
    assert caught.value.errors["uscc"] == [
        f"The check character (the last one) is wrong: it should be {expected}."
    ]
    assert _counts() == before


def test_registration_page_shows_the_credit_code_error_on_its_field(client, province):
    wrong, expected = _wrong_check_character(VALID_USCC)
    before = _counts()
    response = client.post(reverse("accounts:register_enterprise"), _form(uscc=wrong))
    assert response.status_code == 200
    assert field_errors(response, "uscc") == [
        f"The check character (the last one) is wrong: it should be {expected}."
    ]
    assert 'data-field-error="uscc"' in response.content.decode()
    assert _counts() == before
    assert logged_in_user_id(client) is None


def test_several_bad_fields_are_all_reported(province, enterprise_master):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.enterprise_register(
            **_service_fields(uscc="123", region_code="999999", username=enterprise_master.username)
        )
    errors = caught.value.errors
    assert set(errors) == {"uscc", "region_code", "username"}
    assert errors["region_code"] == [
        "999999 is not a current administrative division of this province."
    ]
    assert errors["username"] == ["This username is taken."]


# --- a new enterprise -------------------------------------------------------------------------


def test_a_new_enterprise_registers_and_is_logged_in(client, province):
    users, enterprises, todos = _counts()
    response = client.post(reverse("accounts:register_enterprise"), _form(uscc=VALID_USCC.lower()))
    assert response.status_code == 302 and response["Location"] == "/my/"
    enterprise = Enterprise.objects.get(uscc=VALID_USCC)
    assert enterprise.verified_at is None
    assert enterprise.name == "南昌洪城大药房有限公司" and enterprise.region_code == "360102"
    master = User.objects.get(username="hongcheng")
    assert master.kind == "enterprise" and master.enterprise == enterprise
    assert master.is_enterprise_master and master.enterprise_rights == ALL_ENTERPRISE_RIGHTS
    assert master.check_password(STRONG) and master.password_changed_at is not None
    assert logged_in_user_id(client) == str(master.pk)
    assert UserSession.objects.filter(user=master).count() == 1
    assert _counts() == (users + 1, enterprises + 1, todos + 1)
    entry = audit("accounts.enterprise.register", outcome="success").get()
    assert entry.actor_id == master.pk and entry.changes["after"]["enterprise"] == VALID_USCC
    page = client.get("/my/")
    assert page.status_code == 200


def test_a_new_enterprise_puts_a_check_in_the_county_bureaus_inbox(province):
    master = services.enterprise_register(**_service_fields(region_code="360103"))
    todo = Todo.objects.get(kind="enterprise.verify")
    assert todo.bureau.region_code == "360103"
    assert todo.status == "open" and todo.assignee is None
    assert todo.object_id == str(master.enterprise_id)
    assert todo.link == reverse("registry:enterprise_detail", args=[master.enterprise_id])
    assert todo.due_at is not None


def test_the_same_credit_code_cannot_register_twice(client, province):
    services.enterprise_register(**_service_fields())
    before = _counts()
    with translation.override("en"), pytest.raises(Conflict) as caught:
        services.enterprise_register(**_service_fields(username="second-try"))
    assert caught.value.code == "enterprise_already_registered"
    assert "already has a master account" in str(caught.value.detail)
    assert _counts() == before
    response = client.post(reverse("accounts:register_enterprise"), _form(username="third-try"))
    assert response.status_code == 200
    assert "This enterprise already has a master account." in response.content.decode()
    assert _counts() == before
    assert audit("accounts.enterprise.register", outcome="failed").count() == 2


def test_registration_refuses_a_taken_username(client, province, enterprise_master):
    before = _counts()
    response = client.post(
        reverse("accounts:register_enterprise"), _form(username=enterprise_master.username)
    )
    assert field_errors(response, "username") == ["This username is taken."]
    assert _counts() == before


def test_registration_names_a_bad_email(province):
    before = _counts()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.enterprise_register(**_service_fields(email="not-an-address"))
    assert "email" in caught.value.errors
    assert _counts() == before


def test_registration_page_requires_the_fields(client, province):
    before = _counts()
    # What a browser sends for an untouched form: every field, empty.
    response = client.post(reverse("accounts:register_enterprise"), dict.fromkeys(_form(), ""))
    form = response.context["form"]
    for name in ("name", "uscc", "legal_representative", "username", "password"):
        assert form.errors[name] == ["This field is required."]
    assert _counts() == before


# --- claiming an enterprise already in the register -------------------------------------------


def test_claiming_a_registered_enterprise_needs_its_legal_representative(client, province):
    enterprise = factories.EnterpriseFactory(region_code="360102", legal_representative="赵敏")
    before = _counts()
    response = client.post(
        reverse("accounts:register_enterprise"),
        _form(uscc=enterprise.uscc, legal_representative="钱多多", username="claimer"),
    )
    assert field_errors(response, "legal_representative") == [
        "The legal representative does not match the register for this credit code."
    ]
    assert _counts() == before
    assert logged_in_user_id(client) is None


def test_claiming_with_the_right_legal_representative_creates_the_master(client, province):
    enterprise = factories.EnterpriseFactory(region_code="360102", legal_representative="赵敏")
    name, verified_at = enterprise.name, enterprise.verified_at
    users, enterprises, todos = _counts()
    response = client.post(
        reverse("accounts:register_enterprise"),
        _form(
            uscc=enterprise.uscc,
            legal_representative=" 赵敏 ",
            name="不同的名字",
            username="claimer",
        ),
    )
    assert response.status_code == 302
    master = User.objects.get(username="claimer")
    assert master.enterprise == enterprise and master.is_enterprise_master
    enterprise.refresh_from_db()
    assert enterprise.name == name and enterprise.verified_at == verified_at
    assert _counts() == (users + 1, enterprises, todos)  # already checked: no to-do


def test_an_enterprise_with_a_master_cannot_be_claimed(province, enterprise_master):
    enterprise = enterprise_master.enterprise
    before = _counts()
    with pytest.raises(Conflict) as caught:
        services.enterprise_register(
            **_service_fields(
                uscc=enterprise.uscc,
                legal_representative=enterprise.legal_representative,
                username="usurper",
            )
        )
    assert caught.value.code == "enterprise_already_registered"
    assert _counts() == before


# --- the public ----------------------------------------------------------------------------------


def test_public_registers_with_a_mobile_number(client, db):
    response = client.post(
        reverse("accounts:register_public"),
        {"contact": "+86 139-0000-1111", "full_name": "刘备", "password": STRONG},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="13900001111")
    assert user.kind == "public" and user.phone == "13900001111" and user.email == ""
    assert logged_in_user_id(client) == str(user.pk)
    assert audit("accounts.public.register", outcome="success").count() == 1


def test_public_registers_with_an_email_address(client, db):
    client.post(
        reverse("accounts:register_public"),
        {"contact": "Liu.Bei@Example.CN", "full_name": "", "password": STRONG},
    )
    user = User.objects.get(username="liu.bei@example.cn")
    assert user.email == "liu.bei@example.cn" and user.phone == ""
    assert logged_in_user_id(client) == str(user.pk)


@pytest.mark.parametrize(
    ("contact", "reason"),
    [
        ("12345", "A mainland mobile number has 11 digits and starts with 13 to 19."),
        ("12800001111", "A mainland mobile number has 11 digits and starts with 13 to 19."),
        ("someone@", "Enter a valid e-mail address or mobile number."),
        ("a@b", "Enter a valid e-mail address or mobile number."),
    ],
)
def test_public_registration_refuses_a_bad_contact(client, db, contact, reason):
    users = User.objects.count()
    response = client.post(
        reverse("accounts:register_public"),
        {"contact": contact, "full_name": "", "password": STRONG},
    )
    assert response.status_code == 200
    assert field_errors(response, "contact") == [reason]
    assert User.objects.count() == users
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize(
    ("first", "second"),
    [("13900001111", "+86 139 0000 1111"), ("li@example.cn", "LI@example.cn")],
)
def test_public_registration_refuses_a_duplicate(client, db, first, second):
    services.public_register(contact=first, full_name="", password=STRONG)
    users = User.objects.count()
    response = client.post(
        reverse("accounts:register_public"),
        {"contact": second, "full_name": "", "password": STRONG},
    )
    assert field_errors(response, "contact") == ["An account with this contact already exists."]
    assert User.objects.count() == users
