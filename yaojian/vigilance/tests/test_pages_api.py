import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from yaojian.vigilance import services
from yaojian.vigilance.models import Case
from yaojian.vigilance.tests.factories import case_data

pytestmark = pytest.mark.django_db
E2B = "/work/shared/conformance/e2b/FAERS2022Scenario1.xml"


def _form(**extra):
    today = timezone.localdate()
    data = {
        "patient_name": "李四",
        "patient_sex": "2",
        "patient_age": "34",
        "reaction_term": "皮疹",
        "reaction_code": "99111001",
        "onset": (today - dt.timedelta(days=1)).isoformat(),
        "outcome": "2",
        "suspect_name": "阿莫西林胶囊",
        "dose": "0.5",
        "dose_unit": "g",
        "frequency": "3",
        "route": "048",
        "reporter_name": "李四",
        "reporter_qualification": "5",
        "aware_date": today.isoformat(),
        "narrative": "服药后全身皮疹。",
        "region_code": "360103",
    }
    data.update(extra)
    return data


def test_public_form_submits_and_rate_limits(client, meddra):
    url = reverse("vigilance:public_report")
    assert client.get(url).status_code == 200
    response = client.post(url, _form())
    assert response.status_code == 200 and b"report-done" in response.content
    case = Case.objects.get()
    assert case.source == "public" and case.region_code == "360103"
    assert case.current_version.reactions.get().pt_code == "99111001"
    for _ in range(4):
        client.post(url, _form())
    assert client.post(url, _form()).status_code == 429
    assert Case.objects.count() == 5


def test_public_form_errors_name_fields(client, meddra):
    response = client.post(
        reverse("vigilance:public_report"), _form(suspect_name="", onset="2099-01-01")
    )
    assert b'data-testid="error-suspect_name"' in response.content
    assert b'data-testid="error-onset"' in response.content
    assert not Case.objects.exists()


def test_centre_pages_show_masked_patient(client, hospital, centre):
    case = services.case_submit(actor=hospital, data=case_data(patient="张三丰", serious=True))
    client.force_login(centre)
    for name in (
        "vigilance:overview",
        "vigilance:cases",
        "vigilance:duplicates",
        "vigilance:e2b_import",
    ):
        assert client.get(reverse(name)).status_code == 200
    page = client.get(reverse("vigilance:case_detail", args=[case.pk])).content.decode()
    assert "张**" in page and "张三丰" not in page
    response = client.post(
        reverse("vigilance:causality", args=[case.pk]),
        {"drug": 0, "reaction": 0, "china": "很可能", "who_umc": "probable"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (
        case.status == "assessed" and case.causalities.filter(assessor_kind="centre").count() == 2
    )
    xml = client.get(reverse("vigilance:case_export", args=[case.pk]))
    assert xml.status_code == 200 and b"PORR_IN049016UV" in xml.content


def test_other_county_gets_404(client, hospital, other_county_regulator, meddra):
    case = services.case_submit(actor=hospital, data=case_data())
    client.force_login(other_county_regulator)
    assert client.get(reverse("vigilance:case_detail", args=[case.pk])).status_code == 404


def test_e2b_upload_page_shows_ack(client, centre):
    client.force_login(centre)
    with open(E2B, "rb") as f:
        response = client.post(reverse("vigilance:e2b_import"), {"file": f})
    assert b'data-testid="ack-code">AA<' in response.content


def test_enterprise_report_and_follow_up_pages(client, hospital):
    client.force_login(hospital)
    response = client.post(reverse("vigilance:my_new"), _form())
    case = Case.objects.get()
    assert response.status_code == 302 and case.enterprise == hospital.enterprise
    assert client.get(reverse("vigilance:my_cases")).status_code == 200
    client.post(reverse("vigilance:my_follow_up", args=[case.pk]), _form(hospitalisation="on"))
    case.refresh_from_db()
    assert case.versions.count() == 2 and case.serious


def test_api_submit_list_detail_scoped(client, hospital, mah, centre):
    client.force_login(hospital)
    payload = case_data()
    response = client.post(
        "/api/v1/vigilance/cases", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    case_id = response.json()["id"]
    bad = dict(payload, reactions=[])
    problem = client.post(
        "/api/v1/vigilance/cases", json.dumps(bad), content_type="application/json"
    )
    assert problem.status_code == 422 and problem.json()["errors"][0]["field"] == "reactions"
    detail = client.get(f"/api/v1/vigilance/cases/{case_id}").json()
    assert detail["patient"] == "张*"
    client.force_login(mah)
    assert client.get(f"/api/v1/vigilance/cases/{case_id}").status_code == 404
    assert client.get("/api/v1/vigilance/cases").json() == []
    client.force_login(centre)
    assert [c["id"] for c in client.get("/api/v1/vigilance/cases").json()] == [case_id]
    with open(E2B, "rb") as f:
        result = client.post("/api/v1/vigilance/e2b/import", {"file": f}).json()
    assert result["ack_code"] == "AA"
    today = timezone.localdate().isoformat()
    xml = client.get(f"/api/v1/vigilance/e2b/export?since={today}&until={today}")
    assert xml.content.count(b"<PORR_IN049016UV") == 2


def test_api_case_list_reads_its_dates_and_bounds(client, hospital, centre):
    case = services.case_submit(actor=hospital, data=case_data())
    client.force_login(centre)
    day = case.received_date
    found = client.get(f"/api/v1/vigilance/cases?since={day}&until={day}")
    assert [c["id"] for c in found.json()] == [case.pk]
    later = (day + dt.timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/vigilance/cases?since={later}").json() == []
    for query, field in [
        ("since=finished_at", "since"),
        ("since=", "since"),
        ("since=20260101", "since"),
        ("until=2026-02-30", "until"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("offset=100000000000000000000", "offset"),  # past a database integer
    ]:
        response = client.get(f"/api/v1/vigilance/cases?{query}")
        assert response.status_code == 422, query
        assert response.json()["errors"][0]["field"] == field


def test_api_e2b_export_answers_and_documents_xml(client, hospital, centre):
    case = services.case_submit(actor=hospital, data=case_data())
    client.force_login(centre)
    day = case.received_date
    xml = client.get(f"/api/v1/vigilance/e2b/export?since={day}&until={day}")
    assert xml["Content-Type"] == "application/xml" and b"<PORR_IN049016UV" in xml.content
    assert client.get(f"/api/v1/vigilance/cases/{case.pk}/e2b")["Content-Type"] == (
        "application/xml"
    )
    assert client.get("/api/v1/vigilance/e2b/export?since=&until=").status_code == 422
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/vigilance/e2b/export", "/api/v1/vigilance/cases/{case_id}/e2b"):
        assert list(paths[path]["get"]["responses"]["200"]["content"]) == ["application/xml"]
    parameters = paths["/api/v1/vigilance/e2b/export"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["format"] for p in parameters} == {
        "since": "date",
        "until": "date",
    }


def test_api_acknowledges_an_empty_e2b_file_as_rejected(client, centre):
    """Every batch received is stored and acknowledged, an empty one too (the API contract
    test leaves empty uploads out: its transport cannot send one, see test_api_schema.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(centre)
    response = client.post(
        "/api/v1/vigilance/e2b/import", {"file": SimpleUploadedFile("empty.xml", b"")}
    )
    assert response.status_code == 200 and response.json()["ack_code"] == "AR"
