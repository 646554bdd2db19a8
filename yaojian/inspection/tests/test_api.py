"""The inspection API: scoped lists and details, the checklist submitted (JSON and multipart)
idempotently, outcomes, rectification by an enterprise token, RFC 7807 problems."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from yaojian.accounts import services as accounts
from yaojian.inspection.choices import Status
from yaojian.inspection.models import Inspection, InspectionResult
from yaojian.inspection.tests import factories as f

BASE = "/api/v1/inspection"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    return body


def _payload(inspection, key="api-key-0001", failing=None):
    results, findings = f.answers(inspection, failing=failing)
    return {"key": key, "results": results, "findings": findings, "acknowledgement": f.ACK}


def test_list_and_detail_are_scoped(scheduled, team, other_county_regulator, city_regulator):
    body = _session(team[0]).get(f"{BASE}/inspections").json()
    assert body["count"] == 1 and body["items"][0]["number"] == scheduled.number
    assert _session(city_regulator).get(f"{BASE}/inspections").json()["count"] == 1
    other = _session(other_county_regulator)
    assert other.get(f"{BASE}/inspections").json()["count"] == 0
    problem(other.get(f"{BASE}/inspections/{scheduled.pk}"), 404)
    detail = _session(team[0]).get(f"{BASE}/inspections/{scheduled.pk}").json()
    assert detail["status"] == "scheduled" and "start" in detail["actions"]
    assert len(detail["results"]) == 23 and detail["team"]


def test_anonymous_is_refused(scheduled):
    problem(Client().get(f"{BASE}/inspections"), 401)


def test_the_checklist_through_the_api_once(scheduled, team):
    client = _session(team[0])
    url = f"{BASE}/inspections/{scheduled.pk}/checklist"
    payload = _payload(scheduled, failing={"R11": "minor"})
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "recorded"
    assert response.json()["inspection"]["status"] == "submitted"
    again = client.post(url, payload, content_type="application/json")
    assert again.json()["status"] == "already_recorded"
    assert InspectionResult.objects.filter(inspection=scheduled).count() == 23
    other_key = client.post(
        url, _payload(scheduled, key="api-key-0002"), content_type="application/json"
    )
    assert problem(other_key, 409)["code"] == "transition_not_allowed"


def test_bad_checklists_are_problems_naming_the_field(scheduled, team):
    client = _session(team[0])
    url = f"{BASE}/inspections/{scheduled.pk}/checklist"
    payload = _payload(scheduled)
    del payload["results"]["R02"]
    body = problem(client.post(url, payload, content_type="application/json"), 422)
    assert any(e["field"] == "results.R02" for e in body["errors"])
    payload = _payload(scheduled)
    payload["results"]["R02"] = {"result": "maybe"}
    problem(client.post(url, payload, content_type="application/json"), 422)
    assert not InspectionResult.objects.exists()


def test_the_checklist_with_photos(scheduled, team):
    client = _session(team[0])
    url = f"{BASE}/inspections/{scheduled.pk}/checklist/with-photos"
    payload = json.dumps(_payload(scheduled, failing={"R08": "critical"}))
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    body = problem(client.post(url, {"payload": payload, "photos": [bad]}), 422)
    assert any(e["field"] == "photos" for e in body["errors"])
    good = SimpleUploadedFile("x.png", f.png_bytes(), content_type="image/png")
    response = client.post(url, {"payload": payload, "photos": [good]})
    assert response.status_code == 200, response.content
    assert len(response.json()["inspection"]["photos"]) == 1
    body = problem(client.post(url, {"payload": "{not json"}), 422)
    assert body["errors"][0]["field"] == "payload"


def test_outcome_and_rectification_through_the_api(scheduled, team, owner, other_county_regulator):
    f.submit(team[0], scheduled, failing={"R03": "critical"})
    regulator = _session(team[0])
    problem(
        _session(other_county_regulator).post(
            f"{BASE}/inspections/{scheduled.pk}/outcome",
            {"outcome": "pass"},
            content_type="application/json",
        ),
        404,
    )
    problem(
        regulator.post(
            f"{BASE}/inspections/{scheduled.pk}/outcome",
            {"outcome": "rectify", "days": 99},
            content_type="application/json",
        ),
        422,
    )
    response = regulator.post(
        f"{BASE}/inspections/{scheduled.pk}/outcome",
        {"outcome": "rectify", "days": 10, "note": "限期整改"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["rectification_deadline"]
    # the enterprise's ERP answers with a token holding the right to respond
    _token, raw = accounts.token_create(actor=owner, name="ERP", rights=["view", "respond"])
    erp = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    seen = erp.get(f"{BASE}/inspections").json()
    assert seen["count"] == 1
    detail = erp.get(f"{BASE}/inspections/{scheduled.pk}").json()
    assert detail["team"] == [] and detail["findings"][0]["item"] == "R03"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = erp.post(
        f"{BASE}/inspections/{scheduled.pk}/rectification",
        {
            "statement": "已配备执业药师，在岗执业。",
            "files": [SimpleUploadedFile("r.pdf", b"%PDF-1.4 x", content_type="application/pdf")],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rectification_submitted"
    problem(
        regulator.post(
            f"{BASE}/inspections/{scheduled.pk}/rectification/return",
            {"reason": ""},
            content_type="application/json",
        ),
        422,
    )
    response = regulator.post(
        f"{BASE}/inspections/{scheduled.pk}/rectification/accept",
        {"note": "整改到位"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Inspection.objects.get().status == Status.CLOSED


def test_an_enterprise_cannot_decide(scheduled, team, owner):
    f.submit(team[0], scheduled)
    body = problem(
        _session(owner).post(
            f"{BASE}/inspections/{scheduled.pk}/outcome",
            {"outcome": "pass"},
            content_type="application/json",
        ),
        403,
    )
    assert body["code"] == "permission_denied"


def test_checklists(checklists, team):
    body = _session(team[0]).get(f"{BASE}/checklists").json()
    assert len(body) == 6 and all(len(c["items"]) >= 15 for c in body)
