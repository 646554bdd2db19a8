"""Domain errors and their RFC 7807 form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from yaojian.core.errors import (
    AuthenticationRequired,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from yaojian.core.validators import validate_uscc


def test_as_problem_carries_type_title_status_detail_and_code():
    with translation.override("en"):
        problem = Conflict("The licence was changed by someone else.", code="stale").as_problem()
    assert problem == {
        "type": "https://yaojian.local/problems/stale",
        "title": "The record changed or conflicts with another",
        "status": 409,
        "detail": "The licence was changed by someone else.",
        "code": "stale",
    }


def test_without_a_detail_the_title_is_the_detail():
    with translation.override("en"):
        problem = NotFound().as_problem()
    assert problem["detail"] == problem["title"] == "Not found"
    assert problem["status"] == 404 and problem["code"] == "not_found"
    assert "errors" not in problem


@pytest.mark.parametrize(
    ("error", "status", "outcome"),
    [
        (DomainError, 400, "failed"),
        (ValidationFailed, 422, "failed"),
        (NotFound, 404, "failed"),
        (PermissionDenied, 403, "denied"),
        (AuthenticationRequired, 401, "denied"),
        (Conflict, 409, "failed"),
        (TransitionNotAllowed, 409, "failed"),
    ],
)
def test_each_error_has_its_http_status_and_audit_outcome(error, status, outcome):
    instance = error()
    assert instance.status == status == instance.as_problem()["status"]
    assert instance.audit_outcome == outcome
    assert instance.as_problem()["type"].endswith("/" + instance.code)
    assert isinstance(instance, DomainError) and isinstance(instance, Exception)


def test_field_errors_are_listed_one_message_per_entry():
    error = DomainError(
        "Two fields are wrong", errors={"uscc": ["too short", "bad check"], "": ["general"]}
    )
    assert error.as_problem()["errors"] == [
        {"field": "uscc", "message": "too short"},
        {"field": "uscc", "message": "bad check"},
        {"field": "", "message": "general"},
    ]


def test_from_django_maps_field_errors_and_non_field_errors():
    with translation.override("en"):
        try:
            validate_uscc("123")
        except ValidationError as uscc_error:
            django_error = ValidationError(
                {"uscc": uscc_error, "__all__": ValidationError("Name and code disagree.")}
            )
        failed = ValidationFailed.from_django(django_error)
        problem = failed.as_problem()
    assert failed.status == 422 and failed.code == "validation_failed"
    assert failed.errors == {
        "uscc": ["A unified social credit code has 18 characters; this one has 3."],
        "": ["Name and code disagree."],
    }
    assert (
        problem["detail"] == "uscc: A unified social credit code has 18 characters; this one has 3."
    )
    assert {"field": "", "message": "Name and code disagree."} in problem["errors"]


def test_from_django_with_a_plain_error_list():
    failed = ValidationFailed.from_django(ValidationError(["first", "second"]))
    assert failed.errors == {"": ["first", "second"]}
    assert failed.detail == "first"


def test_field_helper_names_the_field():
    failed = ValidationFailed.field("phone", "not a mobile number", code="bad_phone")
    assert failed.code == "bad_phone"
    assert failed.as_problem()["errors"] == [{"field": "phone", "message": "not a mobile number"}]
    assert failed.detail == "phone: not a mobile number"


def test_the_title_follows_the_language_of_the_request():
    with translation.override("en"):
        english = PermissionDenied().as_problem()["title"]
    with translation.override("zh-hans"):
        chinese = PermissionDenied().as_problem()["title"]
    assert english == "You are not allowed to do this"
    assert chinese != english and any("\u4e00" <= c <= "\u9fff" for c in chinese)


def test_a_nul_character_in_the_query_is_dropped_not_a_server_error(client, db):
    api = client.get("/api/v1/public/trace/verify", {"code": "81234567890123456789\x00"})
    assert api.status_code == 200
    assert api.json()["code"] == "81234567890123456789"
    page = client.get("/api/v1/registry/products", {"rx": "\x00"})
    assert page.status_code in (401, 200)  # anonymous: asked to log in, never a 500
