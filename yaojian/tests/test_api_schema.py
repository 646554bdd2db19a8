"""Property-based tests of the whole HTTP API from its own OpenAPI document (schemathesis).

Every operation is called with generated parameters, as an enterprise machine client and as a
province regulator: no 500s, responses match their documented schemas and status codes.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from yaojian.accounts import services as accounts
from yaojian.accounts.choices import Role
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


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_enterprise_token(case, credentials):
    case.call_and_validate(headers=credentials["token"])


@schema.include(method="GET").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_regulator_session(case, credentials):
    case.call_and_validate(headers=credentials["session"])
