"""The hall's API: the whole flow with an enterprise token and regulators' sessions, scope,
and RFC 7807 problems for bad input that change nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from yaojian.accounts import services as accounts
from yaojian.licensing.models import Application, Material
from yaojian.testing import factories

from .conftest import PDF, PNG

BASE = "/api/v1/licensing"
SCOPE = ["处方药", "甲类非处方药", "乙类非处方药", "中成药"]
PROBLEM = "application/problem+json"


@pytest.fixture
def token(applicant):
    _token, raw = accounts.token_create(
        actor=applicant, name="ERP", rights=["view", "apply", "respond"]
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def sessions(city_staff):
    """A logged-in API client per regulator (the session counts as API authentication)."""
    clients = {}
    for name, user in city_staff.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


def _json(response):
    return response.json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


def fill_and_submit(client, headers, application_id: int, form: dict) -> dict:
    response = client.put(
        f"{BASE}/applications/{application_id}/form",
        {"form": form},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    matter = next(m for m in client.get(f"{BASE}/matters").json() if m["code"] == body["matter"])
    for spec in matter["materials"]:
        response = client.post(
            f"{BASE}/applications/{application_id}/materials",
            {"code": spec["code"], "file": _file(f"{spec['code']}.pdf", PDF)},
            **headers,
        )
        assert response.status_code == 201, response.content
    response = client.post(f"{BASE}/applications/{application_id}/submit", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_catalogue_needs_no_login(client, matters):
    response = client.get(f"{BASE}/matters")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 12
    retail = next(m for m in body if m["code"] == "drug-retail-new")
    assert (
        retail["statutory_limit"] == 20
        and retail["committed_limit"] == 10
        and retail["commitment_route"]
    )
    assert {m["code"] for m in retail["materials"]} >= {
        "application_form",
        "pharmacist_certificate",
    }
    assert next(f for f in retail["form_fields"] if f["name"] == "scope")["type"] == "multi"


def test_applications_need_authentication(client, matters):
    problem(client.get(f"{BASE}/applications"), 401)


def test_the_whole_flow_with_an_enterprise_token(
    client, matters, applicant, token, sessions, pharmacy
):
    _flow(client, token, sessions, pharmacy)


def test_the_whole_flow_with_an_enterprise_session(client, matters, applicant, sessions, pharmacy):
    client.force_login(applicant)
    _flow(client, {}, sessions, pharmacy)


def _flow(client, headers, sessions, pharmacy):
    response = client.post(
        f"{BASE}/applications",
        {"matter": "drug-retail-new"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["form_data"]["enterprise_name"] == pharmacy.name
    assert "submit" in draft["actions"] and draft["missing"]
    form = {**draft["form_data"], "principal": "王健", "quality_manager": "李敏", "scope": SCOPE}
    submitted = fill_and_submit(client, headers, draft["id"], form)
    assert submitted["status"] == "submitted" and submitted["acceptance_due"]
    assert [c["code"] for c in submitted["prechecks"]] == [
        "completeness"
    ]  # the applicant sees completeness only
    app_id = draft["id"]

    def act(who, action, body=None):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        response = sessions[who].post(
            f"{BASE}/applications/{app_id}/actions/{action}", body, **kwargs
        )
        assert response.status_code == 200, response.content
        return response.json()

    case = sessions["reviewer"].get(f"{BASE}/applications/{app_id}").json()
    assert len(case["prechecks"]) == 10 and set(case["actions"]) == {
        "accept",
        "request_correction",
        "not_accept",
    }
    accepted = act("reviewer", "accept")
    assert (
        accepted["clock"]["limit"] == 20
        and accepted["clock"]["remaining"] >= 19
        and accepted["deadline"]
    )
    act("reviewer", "start_inspection", {"note": "现场核查"})
    act("inspector", "finish_inspection", {"passed": True, "report": "符合规范"})
    act("reviewer", "finish_review", {"opinion": "同意"})
    issued = act(
        "approver",
        "decide",
        {"approve": True, "reasons": "符合条件", "basis": "《药品管理法》第五十二条"},
    )
    assert issued["status"] == "issued" and issued["licence_number"]
    mine = client.get(f"{BASE}/applications/{app_id}", **headers).json()
    assert mine["licence_number"] == issued["licence_number"]
    assert [s["to_status"] for s in mine["steps"]] == [
        "draft",
        "submitted",
        "reviewing",
        "inspecting",
        "reviewing",
        "deciding",
        "issued",
    ]
    inspection = next(s for s in mine["steps"] if s["action"] == "finish_inspection")
    assert inspection["note"] == "" and inspection["data"] == {}  # internal to the bureau
    listed = client.get(f"{BASE}/applications", {"status": "issued"}, **headers).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == mine["number"]


def test_correction_and_answer_through_the_api(client, matters, applicant, sessions):
    client.force_login(applicant)
    draft = client.post(
        f"{BASE}/applications", {"matter": "drug-retail-new"}, content_type="application/json"
    ).json()
    fill_and_submit(client, {}, draft["id"], {**draft["form_data"], "scope": SCOPE})
    url = f"{BASE}/applications/{draft['id']}/actions/request_correction"
    problem(sessions["reviewer"].post(url, {"items": []}, content_type="application/json"), 422)
    response = sessions["reviewer"].post(
        url,
        {"items": [{"item": "质量负责人", "reason": "未填写"}]},
        content_type="application/json",
    )
    assert response.json()["status"] == "correcting"
    body = problem(
        sessions["reviewer"].post(url, {"items": [{"item": "x"}]}, content_type="application/json"),
        409,
    )
    assert body["code"] == "transition_not_allowed"
    mine = client.get(f"{BASE}/applications/{draft['id']}").json()
    assert mine["correction"]["items"] == [{"item": "质量负责人", "reason": "未填写"}]
    assert "answer_correction" in mine["actions"]
    client.put(
        f"{BASE}/applications/{draft['id']}/form",
        {"form": {**mine["form_data"], "quality_manager": "李敏"}},
        content_type="application/json",
    )
    response = client.post(
        f"{BASE}/applications/{draft['id']}/corrections-answer",
        {"note": "已补充"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_bad_input_is_a_problem_and_changes_nothing(client, matters, applicant):
    client.force_login(applicant)
    with translation.override("en"):
        body = problem(
            client.post(
                f"{BASE}/applications", {"matter": "no-such"}, content_type="application/json"
            ),
            422,
        )
        assert body["errors"][0]["field"] == "matter"
        problem(
            client.post(
                f"{BASE}/applications", {"matter": "BAD CODE"}, content_type="application/json"
            ),
            422,
        )
        problem(client.post(f"{BASE}/applications", {}, content_type="application/json"), 422)
        problem(
            client.post(f"{BASE}/applications", "{not json", content_type="application/json"), 400
        )
    draft = client.post(
        f"{BASE}/applications", {"matter": "drug-retail-new"}, content_type="application/json"
    ).json()
    before = Application.objects.get(pk=draft["id"]).form_data
    url = f"{BASE}/applications/{draft['id']}/form"
    cases = [
        ({"scope": "处方药"}, "scope"),  # a multi field needs a list
        ({"scope": ["不在范围内"]}, "scope"),
        ({"phone": "电话"}, "phone"),
        ({"principal": ["x"]}, "principal"),
        ({"no_such_field": "x"}, "no_such_field"),
        ({"principal": "x" * 400}, "principal"),
    ]
    for form, field in cases:
        body = problem(client.put(url, {"form": form}, content_type="application/json"), 422)
        assert field in {e["field"] for e in body["errors"]}, body
    body = problem(
        client.put(url, {"form": {"principal": "a\x00b"}}, content_type="application/json"), 422
    )
    body = problem(
        client.put(url, {"form": {}, "route": "commitment"}, content_type="application/json"), 422
    )
    assert body["errors"][0]["field"] == "promise"
    assert Application.objects.get(pk=draft["id"]).form_data == before
    # a file that is not what its name says
    body = problem(
        client.post(
            f"{BASE}/applications/{draft['id']}/materials",
            {"code": "application_form", "file": _file("申请表.pdf", PNG)},
        ),
        422,
    )
    assert body["errors"][0]["field"] == "file"
    problem(
        client.post(f"{BASE}/applications/{draft['id']}/materials", {"code": "application_form"}),
        422,
    )
    assert not Material.objects.exists()
    response = client.post(
        f"{BASE}/applications/{draft['id']}/materials",
        {"code": "application_form", "file": _file("申请表.pdf", PDF)},
    )
    assert response.status_code == 201 and response.json()["content_type"] == "application/pdf"
    material_id = response.json()["id"]
    assert (
        client.delete(f"{BASE}/applications/{draft['id']}/materials/{material_id}").status_code
        == 204
    )
    problem(client.delete(f"{BASE}/applications/{draft['id']}/materials/{material_id}"), 404)
    assert not Material.objects.exists()


def test_scope_and_roles(client, matters, applicant, sessions, province):
    client.force_login(applicant)
    draft = client.post(
        f"{BASE}/applications", {"matter": "drug-retail-new"}, content_type="application/json"
    ).json()
    fill_and_submit(client, {}, draft["id"], {**draft["form_data"], "scope": SCOPE})
    # another enterprise, another city: not found
    stranger = Client()
    stranger.force_login(
        factories.enterprise_user(factories.EnterpriseFactory(region_code="360102"))
    )
    problem(stranger.get(f"{BASE}/applications/{draft['id']}"), 404)
    assert stranger.get(f"{BASE}/applications").json()["count"] == 0
    jiujiang = Client()
    jiujiang.force_login(factories.regulator("360400", roles=["reviewer"]))
    problem(jiujiang.post(f"{BASE}/applications/{draft['id']}/actions/accept"), 404)
    # the wrong role; the applicant cannot act as a regulator; a regulator cannot apply
    problem(sessions["inspector"].post(f"{BASE}/applications/{draft['id']}/actions/accept"), 403)
    problem(client.post(f"{BASE}/applications/{draft['id']}/actions/accept"), 404)
    problem(
        sessions["reviewer"].post(
            f"{BASE}/applications", {"matter": "drug-retail-new"}, content_type="application/json"
        ),
        403,
    )
    # out of order
    body = problem(
        sessions["approver"].post(
            f"{BASE}/applications/{draft['id']}/actions/decide",
            {"approve": True, "reasons": "x", "basis": "y"},
            content_type="application/json",
        ),
        409,
    )
    assert body["code"] == "transition_not_allowed"
    problem(
        sessions["reviewer"].post(
            f"{BASE}/applications/{draft['id']}/actions/not_accept",
            {"reasons": "", "basis": ""},
            content_type="application/json",
        ),
        422,
    )
    assert Application.objects.get(pk=draft["id"]).status == "submitted"


def test_a_token_without_the_apply_right_is_refused(client, matters, applicant):
    _token, raw = accounts.token_create(actor=applicant, name="WMS", rights=["view"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    problem(
        client.post(
            f"{BASE}/applications",
            {"matter": "drug-retail-new"},
            content_type="application/json",
            **headers,
        ),
        403,
    )
    assert client.get(f"{BASE}/applications", **headers).status_code == 200
    assert not Application.objects.exists()


def test_a_token_reads_its_own_applications(client, matters, applicant, token):
    client.force_login(applicant)
    draft = client.post(
        f"{BASE}/applications", {"matter": "drug-retail-new"}, content_type="application/json"
    ).json()
    client.logout()
    listed = client.get(f"{BASE}/applications", **token).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == draft["id"]
    detail = client.get(f"{BASE}/applications/{draft['id']}", **token).json()
    assert detail["status"] == "draft"
    response = client.put(
        f"{BASE}/applications/{draft['id']}/form",
        {"form": {"principal": "王健"}},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 200 and response.json()["form_data"]["principal"] == "王健"
    response = client.post(
        f"{BASE}/applications/{draft['id']}/withdraw",
        {"reason": "改日"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
