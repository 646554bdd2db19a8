"""Property-based tests of the whole HTTP API from its own OpenAPI document (schemathesis).

Every operation is called with generated parameters, as an enterprise machine client and as a
province regulator: no 500s, responses match their documented schemas and status codes,
requests the document calls valid are taken and those it calls invalid are refused.

Run it in one process (`-p no:xdist`, as `make test` does): under pytest-xdist schemathesis
leaves out its coverage phase, which tries each documented constraint at its edges.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, assume, settings
from ninja.openapi import schema as ninja_openapi

from yaojian.accounts import services as accounts
from yaojian.accounts.choices import Role
from yaojian.api import api
from yaojian.testing import factories
from yaojian.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Called straight through WSGI, Django would close the test's connection after each
    request; Django's own test client disconnects the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(db, client, keep_connection):
    factories.create_bureau_tree()
    enterprise = factories.EnterpriseFactory(region_code="360102")
    factories.EnterpriseFactory(region_code="360402")
    master = factories.enterprise_user(enterprise)
    _token, raw = accounts.token_create(actor=master, name="schemathesis")
    auditor = factories.regulator("360000", roles=[Role.AUDIT_ADMIN, Role.LEADER])
    client.force_login(auditor)
    return {
        "token": {"Authorization": f"Bearer {raw}"},
        "session": {"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
    }


def _sends_an_empty_file(case) -> bool:
    """Werkzeug, which carries schemathesis's requests to the WSGI application, writes an empty
    file part with no line between its headers and the closing boundary; Django's multipart
    parser then finds no file at all and the API answers 422 "file: required". A real client
    (a browser, requests, curl, Django's test client) is not affected: the API takes an empty
    file and acknowledges it AR (yaojian/vigilance/tests/test_pages_api.py). Such a case says
    nothing about the API, so it is left out."""
    if not isinstance(case.body, dict) or not (case.media_type or "").startswith("multipart/"):
        return False
    for body in case.operation.body:
        if body.media_type != case.media_type:
            continue
        properties = body.definition.get("schema", {}).get("properties", {})
        for name, definition in properties.items():
            value = case.body.get(name)
            # schemathesis's Binary is a str whose text is always empty: its bytes are in .data
            if definition.get("format") == "binary" and getattr(value, "data", value) in ("", b""):
                return True
    return False


def _sends_an_object_in_the_query(case) -> bool:
    """A negative case may put a JSON object (or a list in a list) in a query parameter. Werkzeug
    sends its Python text ("{'': []}"), which a text parameter may well accept; schemathesis
    judges the request as `requests` would send it (the object's keys: "number=") and expects a
    refusal. The verdict would be about a request that was not made, so the case is left out."""
    query = case.query if isinstance(case.query, Mapping) else {}
    return any(
        (isinstance(value, dict) and value)
        or (isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value))
        for value in query.values()
    )


def _sent_as_judged(case) -> bool:
    return not _sends_an_empty_file(case) and not _sends_an_object_in_the_query(case)


def test_no_two_models_share_a_name_in_the_document(monkeypatch):
    """ninja files every model under its class name and keeps the last one of a name: a second
    `FindingOut` in another app would document one operation's answer with the other's fields.
    Models of the same name must differ in nothing."""
    seen: dict[str, dict] = {}
    clashes: set[str] = set()
    add = ninja_openapi.OpenAPISchema.add_schema_definitions

    def add_and_compare(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if seen.setdefault(name, definition) != definition:
                clashes.add(name)
        add(self, definitions)

    monkeypatch.setattr(ninja_openapi.OpenAPISchema, "add_schema_definitions", add_and_compare)
    api.get_openapi_schema(path_prefix="/api/")
    assert not clashes, f"different models share these names in the OpenAPI document: {clashes}"


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_enterprise_token(case, credentials):
    assume(_sent_as_judged(case))
    case.call_and_validate(headers=credentials["token"])


@schema.include(method="GET").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_regulator_session(case, credentials):
    assume(_sent_as_judged(case))
    case.call_and_validate(headers=credentials["session"])
