"""Pages and API: scoping (county, other county, enterprise), the steps through the pages,
problems for bad input, the figures and their Excel export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from yaojian.enforcement import services
from yaojian.enforcement.choices import Status
from yaojian.enforcement.models import Case
from yaojian.testing import factories

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/enforcement"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(officers, approver, donghu):
    return f.filed(officers, approver, donghu)


def test_the_case_list_is_scoped_by_jurisdiction(
    case, officers, other_county_regulator, city_regulator, province_regulator
):
    own = client_for(officers[0]).get("/workbench/enforcement/")
    assert own.status_code == 200 and case.number in own.content.decode()
    assert (
        case.number
        not in client_for(other_county_regulator).get("/workbench/enforcement/").content.decode()
    )
    assert case.number in client_for(city_regulator).get("/workbench/enforcement/").content.decode()
    assert (
        case.number
        in client_for(province_regulator)
        .get("/workbench/enforcement/?status=investigating")
        .content.decode()
    )
    assert (
        client_for(other_county_regulator)
        .get(f"/workbench/enforcement/cases/{case.pk}/")
        .status_code
        == 404
    )
    assert (
        client_for(officers[0]).get(f"/workbench/enforcement/cases/{case.pk}/").status_code == 200
    )


def test_filters_and_export(case, officers, today):
    client = client_for(officers[0])
    assert case.number in client.get("/workbench/enforcement/?source=inspection").content.decode()
    assert (
        case.number not in client.get("/workbench/enforcement/?source=complaint").content.decode()
    )
    assert case.number not in client.get("/workbench/enforcement/?due=overdue").content.decode()
    today(case.deadline + dt.timedelta(days=1))
    assert case.number in client.get("/workbench/enforcement/?due=overdue").content.decode()
    export = client.get("/workbench/enforcement/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_an_enterprise_sees_its_case_only_from_the_notice(
    case, officers, enterprise_master, enterprises
):
    client = client_for(enterprise_master)
    assert client.get(f"/enforcement/my/{case.pk}/").status_code == 404
    f.notified(case, officers[0])
    page = client.get(f"/enforcement/my/{case.pk}/")
    assert page.status_code == 200 and "statement-form" in page.content.decode()
    other = factories.enterprise_user(enterprises["xihu"], master=True)
    assert client_for(other).get(f"/enforcement/my/{case.pk}/").status_code == 404
    assert client_for(officers[0]).get("/enforcement/my/").status_code == 404
    response = client.post(
        f"/enforcement/my/{case.pk}/", {"action": "statement", "statement-text": "已整改"}
    )
    assert response.status_code == 302
    assert case.statements.count() == 1
    client.post(f"/enforcement/my/{case.pk}/", {"action": "hearing"})
    assert Case.objects.get(pk=case.pk).status == Status.HEARING


def test_steps_through_the_case_page(officers, approver, donghu):
    clue = f.source(officers[0], donghu)
    client = client_for(officers[0])
    page = client.get(f"/workbench/enforcement/clues/{clue.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/workbench/enforcement/clues/{clue.pk}/",
        {
            "action": "propose",
            "propose-title": "涉嫌违反GSP案",
            "propose-party_kind": "organisation",
            "propose-provision": "dal-126",
            "propose-officers": [officers[0].pk],
        },
    )
    assert response.status_code == 200  # one officer: the form says why
    assert "at least two" in response.content.decode() or "两名" in response.content.decode()
    response = client.post(
        f"/workbench/enforcement/clues/{clue.pk}/",
        {
            "action": "propose",
            "propose-title": "涉嫌违反GSP案",
            "propose-party_kind": "organisation",
            "propose-provision": "dal-126",
            "propose-officers": [o.pk for o in officers],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    # the officer cannot approve: the page refuses with 403
    assert (
        client.post(f"/workbench/enforcement/cases/{case.pk}/act/approve_filing/", {}).status_code
        == 403
    )
    head = client_for(approver)
    assert (
        head.post(f"/workbench/enforcement/cases/{case.pk}/act/approve_filing/", {}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING
    # a decision with a penalty before the notice: shown on the form, nothing changes
    response = head.post(
        f"/workbench/enforcement/cases/{case.pk}/act/decide/",
        {
            "decide-provision": "dal-126",
            "decide-discretion": "lighter",
            "decide-fine": "150000",
            "decide-warning": "on",
            "decide-reasons": "x",
        },
    )
    assert response.status_code == 200
    assert "第四十四条" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.INVESTIGATING


def test_figures_page_and_export(case, officers, province_regulator):
    client = client_for(province_regulator)
    page = client.get("/workbench/enforcement/figures/")
    assert page.status_code == 200 and "data-figures" in page.content.decode()
    assert client.get("/workbench/enforcement/figures/?export=xlsx").status_code == 200
    body = client.get(f"{API}/figures").json()
    assert body["total"] == 1
    assert {"key": "360100", "label": "南昌市", "count": 1} in body["by_region"]


def test_api_scoping_and_problems(
    case, officers, other_county_regulator, enterprise_master, approver
):
    own = client_for(officers[0])
    body = own.get(f"{API}/cases").json()
    assert body["count"] == 1 and body["items"][0]["number"] == case.number
    assert client_for(other_county_regulator).get(f"{API}/cases").json()["count"] == 0
    assert client_for(other_county_regulator).get(f"{API}/cases/{case.pk}").status_code == 404
    assert client_for(enterprise_master).get(f"{API}/cases").json()["count"] == 0
    detail = own.get(f"{API}/cases/{case.pk}").json()
    assert detail["clock"]["limit"] == 90 and detail["clock"]["kind"] == "calendar"
    assert "notify" in detail["actions"]
    # evidence by its content: a PNG named .pdf as a photo is fine, text is refused
    refused = own.post(
        f"{API}/cases/{case.pk}/evidence",
        {"kind": "photo", "title": "现场照片", "file": _upload("a.jpg", b"hello")},
    )
    assert refused.status_code == 422 and refused["Content-Type"].startswith(
        "application/problem+json"
    )
    added = own.post(
        f"{API}/cases/{case.pk}/evidence",
        {"kind": "photo", "title": "现场照片", "file": _upload("a.pdf", f.PNG)},
    )
    assert added.status_code == 201, added.content
    # a fine out of the band: 422 naming the field
    bad = own.post(
        f"{API}/cases/{case.pk}/actions/notify",
        {
            "data": {
                "provision": "dal-126",
                "discretion": "lighter",
                "fine": "900000",
                "served_on": dt.date.today().isoformat(),
            }
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert any(e["field"] == "fine" for e in bad.json()["errors"])
    ok = own.post(
        f"{API}/cases/{case.pk}/actions/notify",
        {
            "data": {
                "provision": "dal-126",
                "discretion": "lighter",
                "fine": "150000",
                "warning": True,
                "served_on": dt.date.today().isoformat(),
            }
        },
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "notified" and ok.json()["hearing_right"] is True
    # a decision while the windows are open: 422 with the stable code
    early = client_for(approver).post(
        f"{API}/cases/{case.pk}/actions/decide",
        {
            "data": {
                "provision": "dal-126",
                "discretion": "lighter",
                "fine": "150000",
                "warning": True,
                "reasons": "x",
            }
        },
        content_type="application/json",
    )
    assert early.status_code == 422 and early.json()["code"] == "rights_window_open"
    # the enterprise: its statement through the API
    party = client_for(enterprise_master)
    assert party.get(f"{API}/cases").json()["count"] == 1
    stated = party.post(
        f"{API}/cases/{case.pk}/statement", {"text": "我司已整改"}, content_type="application/json"
    )
    assert stated.status_code == 200 and stated.json()["steps"][-1]["note"] == ""
    assert (
        party.post(
            f"{API}/cases/{case.pk}/actions/close", {"data": {}}, content_type="application/json"
        ).status_code
        == 404
    )


def test_api_register_a_clue(officers, donghu, enterprises):
    client = client_for(officers[0])
    created = client.post(
        f"{API}/sources",
        {
            "enterprise_uscc": donghu.uscc,
            "source_kind": "complaint",
            "summary": "群众举报销售过期药品",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["bureau"] == "360102"
    outside = client.post(
        f"{API}/sources",
        {"enterprise_uscc": enterprises["lianxi"].uscc, "source_kind": "complaint", "summary": "x"},
        content_type="application/json",
    )
    assert outside.status_code == 403
    assert client.get(f"{API}/sources").json()[0]["kind"] == "complaint"


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_referral_page_and_transfer_acceptance_page(case, officers, province):
    services.case_transfer_out(
        actor=officers[0], case_id=case.pk, bureau_code="360100", reason="属市局管辖"
    )
    city = [f.officer("360100"), f.officer("360100")]
    client = client_for(city[0])
    page = client.get(f"/workbench/enforcement/cases/{case.pk}/")
    assert page.status_code == 200 and "do-accept_transfer" in page.content.decode()
    response = client.post(
        f"/workbench/enforcement/cases/{case.pk}/act/accept_transfer/",
        {"accept_transfer-officers": [u.pk for u in city]},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).bureau.region_code == "360100"
    # the sending county no longer sees it
    assert (
        client_for(officers[0]).get(f"/workbench/enforcement/cases/{case.pk}/").status_code == 404
    )
