"""The bulk import over HTTP (/api/v1/registry/imports): upload, poll, rows, commit, report.

Until the router is mounted in yaojian/api.py, this module mounts it on an API of its own
with the same error handling, under the same address.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import path
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from openpyxl import load_workbook

from yaojian import api as project_api
from yaojian.accounts import services as accounts
from yaojian.accounts.choices import Role
from yaojian.core.errors import DomainError
from yaojian.datacenter.imports import samples
from yaojian.datacenter.imports.api import router
from yaojian.datacenter.models import ImportJob
from yaojian.registry.models import Enterprise
from yaojian.testing import factories

BASE = "/api/v1/registry/imports"
MOUNTED = any(r is router for _prefix, r in project_api.api._routers)

if MOUNTED:
    from yaojian.urls import urlpatterns
else:
    _api = project_api.YaojianAPI(
        urls_namespace="imports-api-test",
        auth=[project_api.TokenAuth(), project_api.BrowserSession()],
        docs_url=None,
    )
    for error, handler in (
        (DomainError, project_api.on_domain_error),
        (NinjaValidationError, project_api.on_validation_error),
        (AuthenticationError, project_api.on_authentication_error),
        (Http404, project_api.on_not_found),
        (HttpError, project_api.on_http_error),
    ):
        _api.add_exception_handler(error, handler)
    _api.add_router("/v1/registry/imports", router)
    from yaojian import urls as project_urls

    # this API first, then every address of the project (login, pages, the rest of the API)
    urlpatterns = [path("api/", _api.urls), *project_urls.urlpatterns]
    handler404 = "yaojian.api.not_found"

pytestmark = pytest.mark.urls(__name__)
NANCHANG = ["360102", "360103"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approver(province):
    return factories.regulator("360100", roles=[Role.APPROVER])


@pytest.fixture
def api(client, approver, django_capture_on_commit_callbacks):
    client.force_login(approver)
    client.cookies["django_language"] = "en"

    def call(method, url, capture=True, **kwargs):
        with django_capture_on_commit_callbacks(execute=capture):
            return getattr(client, method)(url, **kwargs)

    return call


def test_upload_poll_rows_commit_and_report(api):
    rows = samples.enterprise_rows(3, counties=NANCHANG)
    rows[1]["kind"] = "杂货铺"
    data = samples.file_for("enterprises", rows)
    response = api(
        "post",
        BASE,
        data={"register_key": "enterprises", "file": SimpleUploadedFile("e.xlsx", data)},
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    job = api("get", f"{BASE}/{job_id}").json()
    assert (job["status"], job["total_rows"], job["error_rows"]) == ("validated", 3, 1)

    errors = api("get", f"{BASE}/{job_id}/rows", data={"outcome": "error"}).json()
    assert errors["count"] == 1
    assert errors["items"][0]["number"] == 3
    assert errors["items"][0]["errors"][0]["column"] == "企业类型"

    refused = api("post", f"{BASE}/{job_id}/commit", data={"mode": "all"})
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "import_has_errors"

    committed = api("post", f"{BASE}/{job_id}/commit", data={"mode": "valid"})
    assert committed.status_code == 200
    assert api("get", f"{BASE}/{job_id}").json()["created_count"] == 2
    assert Enterprise.objects.count() == 2
    again = api("post", f"{BASE}/{job_id}/commit", data={"mode": "valid"})
    assert again.status_code == 409

    report = api("get", f"{BASE}/{job_id}/report")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert sheet.cell(row=3, column=1).value.startswith("企业类型:")


def test_a_refused_upload_is_a_problem_naming_the_file(api):
    response = api(
        "post",
        BASE,
        data={"register_key": "enterprises", "file": SimpleUploadedFile("x.csv", b"")},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "file"
    assert problem["errors"][0]["message"] == "The file is empty."
    assert not ImportJob.objects.exists()


def test_templates_are_offered(api):
    response = api("get", f"{BASE}/templates/licences", data={"format": "csv"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("许可证编号,许可证类型")
    assert api("get", f"{BASE}/templates/licences").status_code == 200


def test_enterprise_tokens_and_other_cities_see_nothing(api, client, enterprises):
    api(
        "post",
        BASE,
        data={
            "register_key": "enterprises",
            "file": SimpleUploadedFile(
                "e.xlsx",
                samples.file_for("enterprises", samples.enterprise_rows(1, counties=NANCHANG)),
            ),
        },
    )
    job = ImportJob.objects.get()
    master = factories.enterprise_user(enterprises["donghu"])
    _token, raw = accounts.token_create(actor=master, name="erp")
    client.logout()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(BASE, headers=headers).status_code == 404
    assert client.get(f"{BASE}/{job.pk}", headers=headers).status_code == 404
    jiujiang = factories.regulator("360400", roles=[Role.APPROVER])
    client.force_login(jiujiang)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(f"{BASE}/{job.pk}").status_code == 404
    assert client.get(f"{BASE}/{job.pk}/rows").status_code == 404
    response = client.post(f"{BASE}/{job.pk}/commit", data={"mode": "valid"})
    assert response.status_code == 404


def test_the_operations_are_documented_with_their_downloads(db):
    api = project_api.api if MOUNTED else _api
    paths = api.get_openapi_schema()["paths"]
    imports = {path: spec for path, spec in paths.items() if "/imports" in path}
    assert f"{BASE}" in imports and f"{BASE}/{{job_id}}/commit" in imports
    report = imports[f"{BASE}/{{job_id}}/report"]["get"]["responses"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in (
        report[200]["content"] if 200 in report else report["200"]["content"]
    )
