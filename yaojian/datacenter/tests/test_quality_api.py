"""The data-quality API: the overview and a check's findings, scoped, paginated, regulators only.

The router is mounted here on an API with the project's authentication and error handling,
as `yaojian/api.py` mounts it under /api/v1/quality.
"""

from __future__ import annotations

import pytest
from django.urls import include, path
from ninja import NinjaAPI

from yaojian.accounts.choices import Role
from yaojian.api import BrowserSession, TokenAuth, on_domain_error
from yaojian.core.errors import DomainError
from yaojian.datacenter.quality.api import router
from yaojian.datacenter.quality.checks import CHECKS
from yaojian.testing import factories

api = NinjaAPI(urls_namespace="quality-test-api", auth=[TokenAuth(), BrowserSession()])
api.add_router("/v1/quality", router)
api.exception_handler(DomainError)(on_domain_error)
urlpatterns = [path("api/", api.urls), path("", include("yaojian.urls"))]

OVERVIEW = "/api/v1/quality"


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def planted(province):
    """Enterprises without a phone: two in Donghu, one in Xihu, one in Jiujiang's Lianxi."""
    return {
        code: [factories.EnterpriseFactory(region_code=code, phone="") for _ in range(n)]
        for code, n in (("360102", 2), ("360103", 1), ("360402", 1))
    }


def _check(body, code):
    return next(c for c in body["checks"] if c["code"] == code)


def test_overview_of_a_city(client, planted, city_regulator):
    client.force_login(city_regulator)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    body = response.json()
    assert body["region_code"] == "360100"
    assert {c["code"] for c in body["checks"]} == {c.code for c in CHECKS}
    phone = _check(body, "enterprise.phone_missing")
    assert phone["findings"] == 3 and phone["checked"] == 3 and phone["severity"] == "low"
    by_division = {d["key"]: d["findings"] for d in phone["divisions"]}
    assert by_division["360102"] == 2 and by_division["360103"] == 1
    assert "360402" not in by_division and "360400" not in by_division


def test_overview_of_one_register_and_a_county(client, planted, county_regulator):
    client.force_login(county_regulator)
    body = client.get(OVERVIEW, {"register": "enterprises"}).json()
    assert {c["register"] for c in body["checks"]} == {"enterprises"}
    assert [d["key"] for d in body["divisions"]] == ["360102"]
    assert _check(body, "enterprise.phone_missing")["findings"] == 2
    assert client.get(OVERVIEW, {"register": "nothing"}).status_code == 404


def test_findings_are_scoped_and_paginated(client, planted, city_regulator):
    client.force_login(city_regulator)
    url = f"{OVERVIEW}/enterprise.phone_missing/findings"
    body = client.get(url, {"per_page": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["page"] == 1
    assert body["check"]["code"] == "enterprise.phone_missing"
    rest = client.get(url, {"per_page": 2, "page": 2}).json()
    ids = {i["id"] for i in body["items"]} | {i["id"] for i in rest["items"]}
    assert ids == {e.pk for code in ("360102", "360103") for e in planted[code]}
    item = rest["items"][0]
    assert item["url"] == f"/workbench/registry/enterprises/{item['id']}/"
    assert item["division_code"] in ("360102", "360103")
    xihu = client.get(url, {"division": "360103"}).json()
    assert [i["id"] for i in xihu["items"]] == [planted["360103"][0].pk]


def test_findings_outside_scope_or_unknown_are_404_problems(client, planted, city_regulator):
    client.force_login(city_regulator)
    for url, query in [
        (f"{OVERVIEW}/enterprise.phone_missing/findings", {"division": "360402"}),
        (f"{OVERVIEW}/enterprise.nothing/findings", {}),
    ]:
        response = client.get(url, query)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"


def test_python_checks_paginate_too(client, province):
    user = factories.regulator("360000", roles=[Role.ANALYST])
    bad = []
    for _ in range(5):
        good = factories.EnterpriseFactory.build().uscc
        bad.append(factories.EnterpriseFactory(uscc=good[:-1] + ("1" if good[-1] != "1" else "2")))
    client.force_login(user)
    url = f"{OVERVIEW}/enterprise.uscc_invalid/findings"
    pages = [client.get(url, {"per_page": 2, "page": n}).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1] and pages[0]["count"] == 5
    assert {i["id"] for p in pages for i in p["items"]} == {e.pk for e in bad}
    assert all(i["detail"] for p in pages for i in p["items"])


def test_enterprise_accounts_and_tokens_get_404(client, enterprises, enterprise_master):
    client.force_login(enterprise_master)
    assert client.get(OVERVIEW).status_code == 404
    assert client.get(f"{OVERVIEW}/enterprise.phone_missing/findings").status_code == 404


def test_anonymous_is_401(client, province):
    assert client.get(OVERVIEW).status_code == 401


def test_the_endpoints_are_documented():
    schema = api.get_openapi_schema()
    assert {"/api/v1/quality", "/api/v1/quality/{code}/findings"} <= set(schema["paths"])
    check = schema["components"]["schemas"]["CheckOut"]
    assert "register" in check["properties"]
