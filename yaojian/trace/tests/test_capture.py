"""EPCIS capture and query over HTTP: every conformance document, idempotency, scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yaojian.accounts import services as accounts
from yaojian.testing import factories
from yaojian.trace.choices import JobStatus
from yaojian.trace.models import CaptureJob, Event

CONFORMANCE = Path(__file__).resolve().parents[4] / "shared" / "conformance" / "epcis"
if not CONFORMANCE.exists():
    CONFORMANCE = Path("/work/shared/conformance/epcis")
INVALID_NAMES = {"ObjectEvent_without_eventTime.xml"}
NOT_CAPTURE = {"SimpleEventQuery.json", "EPCIS-JSON-Schema.json"}


def _documents(valid: bool) -> list[Path]:
    found = []
    for path in sorted(CONFORMANCE.rglob("*")):
        if path.suffix not in (".json", ".jsonld", ".xml") or path.name in NOT_CAPTURE:
            continue
        invalid = "Invalid" in path.parts or path.name in INVALID_NAMES
        if invalid != valid:
            found.append(path)
    return found


def _content_type(path: Path) -> str:
    return "application/xml" if path.suffix == ".xml" else "application/ld+json"


@pytest.fixture(params=["inline", "aside"])
def preparing(request, settings):
    """Captures prepared in the storing process, and in a forked child (as large documents
    are): the outcome must not differ."""
    settings.YAOJIAN_EPCIS_PREPARE_ASIDE_BYTES = None if request.param == "inline" else 1
    return request.param


@pytest.fixture
def sender(enterprises):
    return enterprises["donghu"]


@pytest.fixture
def bearer(sender):
    master = factories.enterprise_user(sender, master=True)
    _token, raw = accounts.token_create(actor=master, name="WMS", rights=["trace", "view"])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def other_bearer(enterprises):
    master = factories.enterprise_user(enterprises["lianxi"], master=True)
    _token, raw = accounts.token_create(actor=master, name="ERP", rights=["trace", "view"])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def capture(client, bearer, body: bytes, content_type: str, behaviour: str = "rollback", *, hooks):
    with hooks(execute=True):
        response = client.post(
            "/epcis/capture",
            data=body,
            content_type=content_type,
            HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR=behaviour,
            **bearer,
        )
    assert response.status_code == 202, response.content
    job = client.get(response["Location"], **bearer)
    assert job.status_code == 200
    return job.json()


@pytest.mark.django_db
@pytest.mark.parametrize("path", _documents(valid=True), ids=lambda p: p.name)
def test_every_valid_conformance_document_is_captured_and_queryable(
    preparing, client, bearer, path, django_capture_on_commit_callbacks
):
    job = capture(
        client,
        bearer,
        path.read_bytes(),
        _content_type(path),
        hooks=django_capture_on_commit_callbacks,
    )
    assert job["success"] is True, job["errors"]
    assert job["eventsTotal"] >= 1
    assert job["eventsStored"] + job["eventsAlreadyStored"] == job["eventsTotal"]
    stored = Event.objects.filter(job_id=job["captureID"])
    assert stored.count() == job["eventsStored"]
    for event in stored.exclude(event_id=None)[:3]:
        found = client.get("/epcis/events", {"EQ_eventID": event.event_id}, **bearer).json()
        assert [
            e.get("eventID") for e in found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        ] == [event.event_id]


@pytest.mark.django_db
@pytest.mark.parametrize("path", _documents(valid=False), ids=lambda p: p.name)
def test_every_invalid_conformance_document_is_refused_with_reasons(
    preparing, client, bearer, path, django_capture_on_commit_callbacks
):
    job = capture(
        client,
        bearer,
        path.read_bytes(),
        _content_type(path),
        hooks=django_capture_on_commit_callbacks,
    )
    assert job["success"] is False
    assert job["errors"], "a refusal says why"
    assert all(problem["message"] for problem in job["errors"])
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_the_same_document_twice_stores_nothing_twice(
    preparing, client, bearer, django_capture_on_commit_callbacks
):
    path = (
        CONFORMANCE
        / "openepcis-test-resources/2.0/EPCIS/JSON/Capture/Documents/Combination_of_different_event.json"
    )
    body = path.read_bytes()
    first = capture(
        client, bearer, body, "application/json", hooks=django_capture_on_commit_callbacks
    )
    second = capture(
        client, bearer, body, "application/json", hooks=django_capture_on_commit_callbacks
    )
    assert first["eventsStored"] == first["eventsTotal"] > 1
    assert second["eventsStored"] == 0
    assert second["eventsAlreadyStored"] == first["eventsTotal"]
    assert Event.objects.count() == first["eventsTotal"]


@pytest.mark.django_db
def test_a_different_event_under_a_stored_event_id_is_a_conflict(
    client, bearer, django_capture_on_commit_callbacks
):
    first = json.loads(
        (
            CONFORMANCE / "openepcis-test-resources/2.0/EPCIS/JSON/Capture/Events/ObjectEvent.json"
        ).read_text()
    )
    first["eventID"] = "urn:uuid:7b1f7a6e-0000-4000-8000-000000000001"
    response = client.post("/epcis/events", data=first, content_type="application/json", **bearer)
    assert response.status_code == 201, response.content
    changed = dict(first, eventTime="2020-01-01T00:00:00Z")
    refused = client.post("/epcis/events", data=changed, content_type="application/json", **bearer)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert any(e["field"] == "eventID" for e in refused.json()["errors"])
    again = client.post("/epcis/events", data=first, content_type="application/json", **bearer)
    assert again.status_code == 200 and again.json()["alreadyStored"] is True
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_proceed_stores_the_valid_events_and_lists_the_others(
    preparing, client, bearer, django_capture_on_commit_callbacks
):
    document = json.loads(
        (
            CONFORMANCE
            / "openepcis-test-resources/2.0/EPCIS/JSON/Capture/Documents/ObjectEvent.json"
        ).read_text()
    )
    events = document["epcisBody"]["eventList"]
    events[1]["action"] = "NOT_AN_ACTION"
    body = json.dumps(document).encode()
    rollback = capture(
        client, bearer, body, "application/json", hooks=django_capture_on_commit_callbacks
    )
    assert rollback["success"] is False and Event.objects.count() == 0
    assert rollback["errors"][0]["eventIndex"] == 1
    assert rollback["errors"][0]["field"].endswith("action")
    proceed = capture(
        client,
        bearer,
        body,
        "application/json",
        "proceed",
        hooks=django_capture_on_commit_callbacks,
    )
    assert proceed["eventsStored"] == len(events) - 1
    assert proceed["eventsRefused"] == 1
    assert Event.objects.count() == len(events) - 1


@pytest.mark.django_db
def test_one_enterprise_cannot_read_another_enterprises_events(
    client, bearer, other_bearer, django_capture_on_commit_callbacks
):
    path = (
        CONFORMANCE
        / "openepcis-test-resources/2.0/EPCIS/JSON/Capture/Documents/AggregationEvent.json"
    )
    job = capture(
        client,
        bearer,
        path.read_bytes(),
        "application/json",
        hooks=django_capture_on_commit_callbacks,
    )
    assert job["eventsStored"] >= 1
    mine = client.get("/epcis/events", **bearer).json()
    theirs = client.get("/epcis/events", **other_bearer).json()
    assert len(mine["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == job["eventsStored"]
    assert theirs["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
    assert client.get(f"/epcis/capture/{job['captureID']}", **other_bearer).status_code == 404


@pytest.mark.django_db
def test_paging_follows_next_page_tokens(client, bearer, django_capture_on_commit_callbacks):
    path = (
        CONFORMANCE
        / "openepcis-test-resources/2.0/EPCIS/JSON/Capture/Documents/Combination_of_different_event.json"
    )
    job = capture(
        client,
        bearer,
        path.read_bytes(),
        "application/json",
        hooks=django_capture_on_commit_callbacks,
    )
    seen, url, params = [], "/epcis/events", {"perPage": 2}
    for _page in range(20):
        response = client.get(url, params, **bearer)
        assert response.status_code == 200
        seen += response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        if "Link" not in response:
            break
        token = response["Link"].split("nextPageToken=")[1].split(">")[0]
        params = {"perPage": 2, "nextPageToken": token.replace("%3A", ":")}
    assert len(seen) == job["eventsStored"]
    bad = client.get("/epcis/events", {"nextPageToken": "forged"}, **bearer)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "nextPageToken"


@pytest.mark.django_db
def test_capture_needs_a_token_with_the_trace_right(client, sender):
    master = factories.enterprise_user(sender, master=True)
    _token, raw = accounts.token_create(actor=master, name="viewer", rights=["view"])
    response = client.post(
        "/epcis/capture",
        data=b"{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    anonymous = client.post("/epcis/capture", data=b"{}", content_type="application/json")
    assert anonymous.status_code == 401
    assert CaptureJob.objects.count() == 0


@pytest.mark.django_db
def test_a_truncated_document_fails_and_stores_nothing(
    preparing, client, bearer, django_capture_on_commit_callbacks
):
    path = (
        CONFORMANCE / "openepcis-test-resources/2.0/EPCIS/JSON/Capture/Documents/ObjectEvent.json"
    )
    body = path.read_bytes()
    job = capture(
        client,
        bearer,
        body[: len(body) // 2],
        "application/json",
        hooks=django_capture_on_commit_callbacks,
    )
    assert job["success"] is False
    assert job["errors"][0]["code"] == "json_syntax"
    assert Event.objects.count() == 0
    assert CaptureJob.objects.get(pk=job["captureID"]).status == JobStatus.FAILED
