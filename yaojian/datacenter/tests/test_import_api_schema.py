"""The import API fuzzed from its own OpenAPI document (schemathesis), as an enterprise token
and as a province regulator: no 500s, documented statuses and content types only.

Once the router is mounted in yaojian/api.py, yaojian/tests/test_api_schema.py covers it with
the rest of the API, and this module steps aside.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from yaojian.accounts import services as accounts
from yaojian.accounts.choices import Role
from yaojian.datacenter.tests import test_import_api as mounted
from yaojian.testing import factories
from yaojian.wsgi import application

pytestmark = [
    pytest.mark.urls("yaojian.datacenter.tests.test_import_api"),
    pytest.mark.skipif(mounted.MOUNTED, reason="covered by yaojian/tests/test_api_schema.py"),
]

api = mounted.project_api.api if mounted.MOUNTED else mounted._api
schema = schemathesis.openapi.from_dict(dict(api.get_openapi_schema(path_prefix="/api"))).include(
    path_regex="/imports"
)
schema.app = application


@pytest.fixture
def credentials(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # called straight through WSGI, Django would close the test's connection after each request
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    factories.create_bureau_tree()
    enterprise = factories.EnterpriseFactory(region_code="360102")
    _token, raw = accounts.token_create(actor=factories.enterprise_user(enterprise), name="fuzz")
    client.force_login(factories.regulator("360000", roles=[Role.APPROVER, Role.LEADER]))
    yield {
        "token": {"Authorization": f"Bearer {raw}"},
        "session": {"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_import_api_as_enterprise_token(case, credentials):
    case.call_and_validate(headers=credentials["token"])


@schema.include(method="GET").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_import_api_as_regulator_session(case, credentials):
    case.call_and_validate(headers=credentials["session"])
