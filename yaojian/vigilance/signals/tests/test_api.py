"""The signal API: runs, results, signals and review steps; scoping as problems."""

from __future__ import annotations

import pytest
from django.test import Client

from yaojian.testing import factories
from yaojian.vigilance.signals import services
from yaojian.vigilance.signals.models import Signal, SignalRun
from yaojian.vigilance.signals.tests.conftest import minimal_rows

pytestmark = pytest.mark.django_db
BASE = "/api/v1/vigilance/signals"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def finished_run(analyst):
    run = SignalRun.objects.create(
        trigger="manual", parameters=services.clean_parameters({}), requested_by=analyst
    )
    return services.run_execute(run.pk, rows=minimal_rows())


def test_runs_results_and_filters(analyst, finished_run):
    client = _client(analyst)
    runs = client.get(f"{BASE}/runs").json()
    assert [r["id"] for r in runs] == [finished_run.pk]
    detail = client.get(f"{BASE}/runs/{finished_run.pk}").json()
    assert detail["status"] == "done" and detail["hyperparameters"]["converged"] in (True, False)
    page = client.get(f"{BASE}/runs/{finished_run.pk}/results", {"per_page": 500}).json()
    assert page["count"] == finished_run.result_count == len(page["items"])
    flagged = client.get(
        f"{BASE}/runs/{finished_run.pk}/results", {"method": ["prr", "ror"], "min_n": 5}
    ).json()
    assert flagged["count"] >= 1
    assert all(r["flag_prr"] and r["flag_ror"] and r["n"] >= 5 for r in flagged["items"])
    search = client.get(
        f"{BASE}/runs/{finished_run.pk}/results", {"product": "甲药", "event": "皮疹"}
    ).json()
    assert [(r["product"], r["event"]) for r in search["items"]] == [("甲药片", "皮疹")]
    bad = client.get(f"{BASE}/runs/{finished_run.pk}/results", {"method": "magic"})
    assert bad.status_code == 422
    assert client.get(f"{BASE}/runs/{finished_run.pk + 99}").status_code == 404


def test_start_a_run(analyst, django_capture_on_commit_callbacks):
    client = _client(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"{BASE}/runs",
            {"preset": "strict", "thresholds": {"eb05_min": 3}, "since": "2026-01-01"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued" and body["trigger"] == "manual"
    assert body["parameters"]["thresholds"]["eb05_min"] == 3
    assert body["parameters"]["thresholds"]["n_min"] == 5  # from the strict preset
    assert body["parameters"]["since"] == "2026-01-01"
    response = client.post(
        f"{BASE}/runs", {"thresholds": {"n_min": 0}}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        f"{BASE}/runs",
        {"since": "2026-05-01", "until": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "until" in str(response.json())
    assert SignalRun.objects.count() == 1


def test_review_through_the_api(analyst, finished_run):
    client = _client(analyst)
    listing = client.get(f"{BASE}/signals", {"status": "new", "q": "甲药"}).json()
    signal_id = next(s["id"] for s in listing["items"] if s["event"] == "皮疹")
    detail = client.get(f"{BASE}/signals/{signal_id}").json()
    assert detail["steps"] == ["assess"] and detail["last_result"]["n"] == 8
    assert detail["history"][0]["action"] == "detect"
    url = f"{BASE}/signals/{signal_id}/actions"
    assert client.post(f"{url}/assess", content_type="application/json").status_code == 200
    response = client.post(f"{url}/validate", {"note": ""}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(
        f"{url}/take_action", {"action": "referral"}, content_type="application/json"
    )
    assert response.status_code == 409  # not validated yet
    response = client.post(f"{url}/validate", {"note": "证据充分"}, content_type="application/json")
    assert response.json()["status"] == "validated"
    response = client.post(
        f"{url}/take_action", {"action": "referral"}, content_type="application/json"
    )
    body = response.json()
    assert body["status"] == "actioned" and body["action"] == "referral"
    assert [h["action"] for h in body["history"]] == ["detect", "assess", "validate", "take_action"]
    assert client.post(f"{url}/bogus", content_type="application/json").status_code == 422


def test_scoping_of_the_api(analyst, leader, city_analyst, county_regulator, enterprises):
    signal = Signal.objects.create(product="甲药片", event="皮疹")
    assert _client(leader).get(f"{BASE}/signals/{signal.pk}").status_code == 200
    response = _client(leader).post(
        f"{BASE}/signals/{signal.pk}/actions/assess", content_type="application/json"
    )
    assert response.status_code == 403
    for regulator in (city_analyst, county_regulator):
        response = _client(regulator).get(f"{BASE}/signals")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert (
            _client(regulator).post(f"{BASE}/runs", {}, content_type="application/json").status_code
            == 403
        )
    enterprise_user = factories.enterprise_user(enterprises["donghu"], master=True)
    assert _client(enterprise_user).get(f"{BASE}/signals/{signal.pk}").status_code == 404
    assert _client(enterprise_user).get(f"{BASE}/runs").status_code == 404
    assert Client().get(f"{BASE}/runs").status_code == 401
    signal.refresh_from_db()
    assert signal.status == "new"
