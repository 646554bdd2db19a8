"""Who is asking, and how refusals are shown: the helpers every app's views share."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from yaojian.core import pages
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def people(county_regulator, enterprise_master):
    return {
        "regulator": county_regulator,
        "enterprise": enterprise_master,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize(
    ("helper", "allowed"),
    [(pages.regulator, "regulator"), (pages.enterprise_user, "enterprise")],
)
def test_a_page_exists_only_for_its_kind_of_user(people, helper, allowed):
    for kind, user in people.items():
        request = _request(user)
        if kind == allowed:
            assert helper(request) is user
        else:
            with pytest.raises(NotFound):
                helper(request)


def test_the_api_asks_the_authenticated_principal(people):
    assert pages.api_regulator(SimpleNamespace(auth=people["regulator"])) is people["regulator"]
    for principal in (people["enterprise"], None):
        with pytest.raises(NotFound):
            pages.api_regulator(SimpleNamespace(auth=principal))


def test_refusals_become_error_pages_and_the_rest_messages(people):
    request = _request(people["regulator"])
    for refusal in (NotFound(), PermissionDenied("no")):
        with pytest.raises(type(refusal)):
            pages.error_message(request, refusal)
    assert list(get_messages(request)) == []
    invalid = ValidationFailed.field("batch_no", "The batch number is missing.")
    pages.error_message(request, invalid)
    assert [str(m) for m in get_messages(request)] == ["The batch number is missing."]
    assert pages.error_text(invalid) == "The batch number is missing."
