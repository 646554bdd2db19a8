"""Jurisdiction and enterprise scope: what each kind of account can see of the enterprise register.

Three enterprises: Donghu district (360102) and Xihu district (360103) of Nanchang, and Lianxi
district (360402) of Jiujiang. Each role must see exactly its own part, in lists, search,
detail pages, Excel exports and the API, with 404 (not 403) for what lies outside.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yaojian.accounts import services as accounts
from yaojian.accounts.choices import Role
from yaojian.testing import factories

ALL = {"donghu", "xihu", "lianxi"}
REGULATOR_VIEWS = {
    "province": ("360000", ALL),
    "city": ("360100", {"donghu", "xihu"}),
    "county": ("360102", {"donghu"}),
    "other_county": ("360402", {"lianxi"}),
}


@pytest.fixture(params=sorted(REGULATOR_VIEWS))
def regulator_case(request, enterprises):
    code, visible = REGULATOR_VIEWS[request.param]
    user = factories.regulator(code, roles=[Role.INSPECTOR])
    return user, {enterprises[key] for key in visible}, {enterprises[key] for key in ALL - visible}


def _names_in_page(response) -> set[str]:
    return {e.name for e in response.context["page"].object_list}


def test_regulator_list_shows_only_own_jurisdiction(client, regulator_case):
    user, visible, hidden = regulator_case
    client.force_login(user)
    response = client.get(reverse("registry:enterprise_list"))
    assert response.status_code == 200
    assert _names_in_page(response) == {e.name for e in visible}
    for enterprise in hidden:
        assert enterprise.name not in response.content.decode()


def test_regulator_search_never_reaches_outside(client, regulator_case):
    user, visible, hidden = regulator_case
    client.force_login(user)
    for enterprise in hidden:
        for query in (enterprise.name, enterprise.uscc, enterprise.name_initials):
            response = client.get(reverse("registry:enterprise_list"), {"q": query})
            assert enterprise.name not in _names_in_page(response)
    for enterprise in visible:
        response = client.get(reverse("registry:enterprise_list"), {"q": enterprise.uscc})
        assert _names_in_page(response) == {enterprise.name}


def test_regulator_detail_is_404_outside_jurisdiction(client, regulator_case):
    user, visible, hidden = regulator_case
    client.force_login(user)
    for enterprise in visible:
        assert (
            client.get(reverse("registry:enterprise_detail", args=[enterprise.pk])).status_code
            == 200
        )
    for enterprise in hidden:
        assert (
            client.get(reverse("registry:enterprise_detail", args=[enterprise.pk])).status_code
            == 404
        )


def test_regulator_export_holds_only_own_jurisdiction(client, regulator_case):
    user, visible, _hidden = regulator_case
    client.force_login(user)
    response = client.get(reverse("registry:enterprise_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    credit_codes = {row[1] for row in rows[1:]}
    assert credit_codes == {e.uscc for e in visible}


def test_regulator_api_is_scoped(client, regulator_case):
    user, visible, hidden = regulator_case
    client.force_login(user)
    body = client.get("/api/v1/registry/enterprises").json()
    assert {item["uscc"] for item in body["items"]} == {e.uscc for e in visible}
    assert body["count"] == len(visible)
    for enterprise in hidden:
        response = client.get(f"/api/v1/registry/enterprises/{enterprise.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"


def test_enterprise_account_sees_only_its_enterprise_in_api(client, enterprises, enterprise_master):
    client.force_login(enterprise_master)
    body = client.get("/api/v1/registry/enterprises").json()
    assert [item["uscc"] for item in body["items"]] == [enterprises["donghu"].uscc]
    assert client.get(f"/api/v1/registry/enterprises/{enterprises['xihu'].pk}").status_code == 404
    assert client.get(f"/api/v1/registry/enterprises/{enterprises['donghu'].pk}").status_code == 200


def test_enterprise_account_cannot_open_regulator_pages(client, enterprises, enterprise_master):
    client.force_login(enterprise_master)
    assert client.get(reverse("registry:enterprise_list")).status_code == 404
    assert client.get(reverse("registry:enterprise_list"), {"export": "xlsx"}).status_code == 404
    # its own record sends it to its own portal page; another's is not found
    own = client.get(reverse("registry:enterprise_detail", args=[enterprises["donghu"].pk]))
    assert own.status_code == 302 and own["Location"] == reverse("portal:enterprise_home")
    assert (
        client.get(
            reverse("registry:enterprise_detail", args=[enterprises["lianxi"].pk])
        ).status_code
        == 404
    )


def test_machine_token_is_scoped_to_its_enterprise(client, enterprises, enterprise_master):
    _token, raw = accounts.token_create(actor=enterprise_master, name="ERP")
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get("/api/v1/registry/enterprises", headers=headers).json()
    assert [item["uscc"] for item in body["items"]] == [enterprises["donghu"].uscc]
    assert (
        client.get(
            f"/api/v1/registry/enterprises/{enterprises['lianxi'].pk}", headers=headers
        ).status_code
        == 404
    )


def test_public_account_sees_no_register_records(client, enterprises, province):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get("/api/v1/registry/enterprises").json()["count"] == 0
    assert client.get(f"/api/v1/registry/enterprises/{enterprises['donghu'].pk}").status_code == 404
    assert client.get(reverse("registry:enterprise_list")).status_code == 404


def test_anonymous_gets_401_problem_from_api_and_login_redirect_from_pages(client, enterprises):
    response = client.get("/api/v1/registry/enterprises")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    page = client.get(reverse("registry:enterprise_list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))


def test_disabled_regulator_sees_nothing(client, enterprises):
    user = factories.regulator("360000", roles=[Role.INSPECTOR])
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/registry/enterprises").status_code == 401


def test_out_of_scope_probe_is_404_even_for_nonexistent_ids(client, county_regulator, enterprises):
    """A missing id and an id outside scope answer the same way: nothing to learn."""
    client.force_login(county_regulator)
    outside = client.get(f"/api/v1/registry/enterprises/{enterprises['lianxi'].pk}")
    missing = client.get("/api/v1/registry/enterprises/999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
