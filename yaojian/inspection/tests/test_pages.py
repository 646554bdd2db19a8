"""The pages: regulators' overview, list, detail, steps, the field form (JSON and plain posts,
idempotent, photos checked), the report PDF with Chinese text, checklists; the enterprise's
portal pages and its rectification; scope everywhere."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from yaojian.inspection import services
from yaojian.inspection.choices import Status
from yaojian.inspection.models import Inspection, InspectionPhoto, InspectionResult
from yaojian.inspection.tests import factories as f
from yaojian.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _as(client, user):
    client.force_login(user)
    return client


def _field_post(inspection, *, key="page-key-0001", failing=("R08",), photo=None, ack=True):
    data = {"key": key, "summary": "总体良好", "ack_name": "张经理", "ack_statement": "无异议"}
    if ack:
        data["ack_ok"] = "on"
    for item in inspection.checklist.items.filter(active=True):
        if item.code in failing:
            data[f"result_{item.code}"] = "non_compliant"
            data[f"grade_{item.code}"] = "critical" if item.key_item else "major"
            data[f"rule_{item.code}"] = item.rule
            data[f"note_{item.code}"] = "冷藏柜温度超标，未见调控记录"
        else:
            data[f"result_{item.code}"] = "compliant"
    if photo is not None:
        data[f"photo_{failing[0]}"] = photo
    return data


def test_overview_list_and_detail(client, scheduled, team):
    _as(client, team[0])
    response = client.get(reverse("inspection:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert scheduled.enterprise.name in html
    assert reverse("inspection:plan_list") in html  # the random draw's plans
    assert reverse("inspection:checklists") in html
    response = client.get(
        reverse("inspection:list"), {"status": "scheduled", "q": scheduled.number}
    )
    assert scheduled.number in response.content.decode()
    response = client.get(reverse("inspection:list"), {"status": "closed"})
    assert scheduled.number not in response.content.decode()
    response = client.get(reverse("inspection:list"), {"kind": "gmp"}, HTTP_HX_REQUEST="true")
    assert (
        "<html" not in response.content.decode()
        and scheduled.number not in response.content.decode()
    )
    response = client.get(reverse("inspection:detail", args=[scheduled.pk]))
    assert response.status_code == 200
    assert 'data-testid="open-field"' in response.content.decode()


def test_other_county_and_enterprises_find_nothing(
    client, scheduled, other_county_regulator, owner
):
    _as(client, other_county_regulator)
    assert client.get(reverse("inspection:detail", args=[scheduled.pk])).status_code == 404
    assert client.get(reverse("inspection:field", args=[scheduled.pk])).status_code == 404
    assert scheduled.number not in client.get(reverse("inspection:list")).content.decode()
    _as(client, owner)
    assert client.get(reverse("inspection:detail", args=[scheduled.pk])).status_code == 404
    assert client.get(reverse("inspection:my_detail", args=[scheduled.pk])).status_code == 404


def test_the_field_form_records_once(client, scheduled, team):
    _as(client, team[0])
    page = client.get(reverse("inspection:field", args=[scheduled.pk])).content.decode()
    assert 'capture="environment"' in page and "R08" in page
    url = reverse("inspection:field", args=[scheduled.pk])
    photo = SimpleUploadedFile("fridge.png", f.png_bytes(), content_type="image/png")
    response = client.post(url, _field_post(scheduled, photo=photo), **JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "recorded"
    assert InspectionPhoto.objects.filter(inspection=scheduled).count() == 1
    again = client.post(url, _field_post(scheduled), **JSON)
    assert again.status_code == 200
    assert again.json()["status"] == "already_recorded"
    assert "already recorded" in again.json()["detail"]
    assert InspectionResult.objects.filter(inspection=scheduled).count() == 23
    assert InspectionPhoto.objects.filter(inspection=scheduled).count() == 1
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SUBMITTED
    # the form is no longer offered
    assert 'data-testid="field-closed"' in client.get(url).content.decode()


def test_the_field_form_refuses_a_bad_photo_naming_the_field(client, scheduled, team):
    _as(client, team[0])
    url = reverse("inspection:field", args=[scheduled.pk])
    fake = SimpleUploadedFile(
        "evidence.jpg", b"<?php echo 'not a photo'; ?>", content_type="image/jpeg"
    )
    response = client.post(url, _field_post(scheduled, photo=fake), **JSON)
    assert response.status_code == 422
    body = response.json()
    assert "photos" in body["errors"] and "evidence.jpg" in body["errors"]["photos"][0]
    assert not InspectionResult.objects.exists()


def test_the_field_form_maps_errors_to_its_controls(client, scheduled, team):
    _as(client, team[0])
    url = reverse("inspection:field", args=[scheduled.pk])
    data = _field_post(scheduled, ack=False)
    data.pop("result_R01")
    data["note_R08"] = ""
    response = client.post(url, data, **JSON)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"result_R01", "note_R08", "ack_ok"} <= set(errors)


def test_the_field_form_without_javascript(client, scheduled, team):
    _as(client, team[0])
    url = reverse("inspection:field", args=[scheduled.pk])
    response = client.post(url, _field_post(scheduled))
    assert response.status_code == 302 and response["Location"] == scheduled.get_absolute_url()
    assert client.post(url, _field_post(scheduled)).status_code == 302  # already recorded


def test_the_field_form_refuses_an_outsider(client, scheduled):
    outsider = f.inspector("360102")
    _as(client, outsider)
    response = client.post(
        reverse("inspection:field", args=[scheduled.pk]), _field_post(scheduled), **JSON
    )
    assert response.status_code == 403
    assert not InspectionResult.objects.exists()


def _submitted(scheduled, team, failing=None):
    photo = services.PhotoIn(name="现场.jpg", data=f.jpeg_bytes(), item="R08", caption="冷藏柜")
    return f.submit(team[0], scheduled, failing=failing, photos=[photo]).inspection


def test_steps_from_the_detail_page(client, scheduled, team, owner):
    inspection = _submitted(scheduled, team, failing={"R08": "critical"})
    _as(client, team[0])
    response = client.post(
        reverse("inspection:step", args=[inspection.pk, "decide"]),
        {"outcome": "rectify", "days": "10", "note": "限期整改"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Status.RECTIFYING
    # a refused step shows a message and changes nothing
    response = client.post(
        reverse("inspection:step", args=[inspection.pk, "accept_rectification"]), follow=True
    )
    inspection.refresh_from_db()
    assert inspection.status == Status.RECTIFYING
    assert "not possible" in response.content.decode()


def test_the_report_pdf_has_chinese_text_and_the_photo(client, scheduled, team):
    inspection = _submitted(scheduled, team, failing={"R08": "critical"})
    _as(client, team[0])
    response = client.get(reverse("inspection:report", args=[inspection.pk]))
    text = pdf_text(response)
    reader = PdfReader(io.BytesIO(response.content))
    assert inspection.enterprise.name in text
    assert "冷藏柜温度超标" in text or "现场发现问题" in text
    assert "张经理" in text
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts, "a font is embedded"
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 1


def test_photos_are_served_in_scope(client, scheduled, team, other_county_regulator, owner):
    inspection = _submitted(scheduled, team)
    photo = inspection.photos.get()
    _as(client, team[0])
    response = client.get(reverse("inspection:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    _as(client, other_county_regulator)
    assert client.get(reverse("inspection:photo", args=[photo.pk])).status_code == 404
    _as(client, owner)  # the enterprise sees the photos of its submitted inspection
    assert client.get(reverse("inspection:photo", args=[photo.pk])).status_code == 200


def test_the_enterprise_rectifies_on_the_portal(client, scheduled, team, owner):
    inspection = _submitted(scheduled, team, failing={"R08": "critical"})
    services.inspection_decide(
        actor=team[0], inspection_id=inspection.pk, outcome="rectify", days=10
    )
    _as(client, owner)
    listing = client.get(reverse("inspection:my_list")).content.decode()
    assert inspection.number in listing
    page = client.get(reverse("inspection:my_detail", args=[inspection.pk])).content.decode()
    assert "现场发现问题" in page and 'data-testid="rectify-form"' in page
    assert 'data-testid="rectify-deadline"' in page
    # a file that is not what it says is refused, nothing changes
    bad = SimpleUploadedFile("report.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("inspection:my_rectify", args=[inspection.pk]),
        {"statement": "已整改完毕，执业药师在岗。", "files": bad},
        follow=True,
    )
    assert "report.pdf" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == Status.RECTIFYING
    good = SimpleUploadedFile("report.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    client.post(
        reverse("inspection:my_rectify", args=[inspection.pk]),
        {"statement": "已整改完毕，执业药师在岗。", "files": good},
    )
    inspection.refresh_from_db()
    assert inspection.status == Status.RECTIFICATION_SUBMITTED
    evidence = inspection.rectifications.get().evidence.get()
    assert client.get(reverse("inspection:evidence", args=[evidence.pk])).status_code == 200
    # the inspector accepts it from the detail page
    _as(client, team[0])
    detail = client.get(reverse("inspection:detail", args=[inspection.pk])).content.decode()
    assert 'data-testid="step-accept"' in detail
    client.post(reverse("inspection:step", args=[inspection.pk, "accept_rectification"]))
    inspection.refresh_from_db()
    assert inspection.status == Status.CLOSED
    # and the enterprise downloads the report
    _as(client, owner)
    response = client.get(reverse("inspection:my_report", args=[inspection.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_regulator_pages_are_not_for_enterprises(client, owner, checklists):
    _as(client, owner)
    assert client.get(reverse("inspection:overview")).status_code == 404
    assert client.get(reverse("inspection:checklists")).status_code == 404


def test_checklist_pages(client, checklists, sysadmin, team):
    from yaojian.inspection.models import Checklist

    retail = Checklist.objects.get(kind="gsp_retail", active=True)
    _as(client, team[0])
    assert (
        "药品零售企业GSP现场检查表" in client.get(reverse("inspection:checklists")).content.decode()
    )
    page = client.get(reverse("inspection:checklist_detail", args=[retail.pk])).content.decode()
    assert 'data-testid="item-add"' not in page
    client.post(
        reverse("inspection:item_save", args=[retail.pk]), {"code": "R99", "text": "x", "rule": "y"}
    )
    assert not retail.items.filter(code="R99").exists()
    _as(client, sysadmin)
    page = client.get(reverse("inspection:checklist_detail", args=[retail.pk])).content.decode()
    assert 'data-testid="item-add"' in page
    client.post(
        reverse("inspection:item_save", args=[retail.pk]),
        {
            "code": "R99",
            "text": "营业场所张贴投诉举报电话",
            "rule": "GSP第一百六十条",
            "position": "990",
        },
    )
    assert retail.items.filter(code="R99", key_item=False).exists()


def test_assign_a_pending_request_from_the_page(client, checklists, pharmacy, team):
    inspection = services.inspection_request(
        actor=None, enterprise=pharmacy, origin="complaint", origin_ref="TS-1", reason="群众投诉"
    )
    _as(client, team[0])
    page = client.get(reverse("inspection:detail", args=[inspection.pk])).content.decode()
    assert 'data-testid="step-schedule"' in page
    client.post(
        reverse("inspection:step", args=[inspection.pk, "schedule"]),
        {"team": [str(m.pk) for m in team], "lead": str(team[1].pk), "due_date": ""},
    )
    inspection.refresh_from_db()
    assert inspection.status == Status.SCHEDULED and inspection.lead == team[1]


def test_json_field_errors_are_json(client, scheduled, team):
    _as(client, team[0])
    response = client.post(reverse("inspection:field", args=[scheduled.pk]), {"key": "x"}, **JSON)
    assert response.status_code == 422
    assert json.loads(response.content)["errors"]["key"]
    assert Inspection.objects.get().status == Status.SCHEDULED
