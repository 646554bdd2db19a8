"""Scoping, pages, the API and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.sampling import selectors
from yaojian.sampling.choices import TaskStatus
from yaojian.sampling.models import Task
from yaojian.sampling.tests import factories as sf
from yaojian.testing import factories

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- scoping -----------------------------------------------------------------------------------


def test_scope_county_other_county_enterprise_and_lab(
    task,
    samplers,
    analyst,
    county_regulator,
    other_county_regulator,
    enterprise_master,
    enterprises,
):
    assert selectors.task_get(county_regulator, task.pk) == task
    with pytest.raises(Exception) as caught:
        selectors.task_get(other_county_regulator, task.pk)
    assert caught.value.__class__.__name__ == "NotFound"
    # the laboratory's bureau (province) sees it; so would any province regulator
    assert selectors.task_get(analyst, task.pk) == task
    nanchang_lab_staff = factories.regulator("360100", roles=[Role.ANALYST])
    assert selectors.task_get(nanchang_lab_staff, task.pk) == task  # city above the county
    # the enterprise does not see an unannounced task, then sees it once sampled
    assert not selectors.tasks_visible(enterprise_master).exists()
    sf.record(task, samplers[0])
    assert list(selectors.tasks_visible(enterprise_master)) == [task]
    other = factories.enterprise_user(enterprises["xihu"])
    assert not selectors.tasks_visible(other).exists()


def test_pages_are_scoped(task, county_regulator, other_county_regulator, enterprise_master):
    url = reverse("sampling:task_detail", args=[task.pk])
    assert login(county_regulator).get(url).status_code == 200
    assert login(other_county_regulator).get(url).status_code == 404
    assert login(enterprise_master).get(url).status_code == 404
    assert (
        login(enterprise_master).get(reverse("sampling:my_detail", args=[task.pk])).status_code
        == 404
    )
    assert Client().get(url).status_code == 302  # to the login page


# --- pages ---------------------------------------------------------------------------------------


def test_regulator_pages_render(task, plan, county_regulator, samplers, analyst):
    client = login(county_regulator)
    for name, args in [
        ("sampling:overview", []),
        ("sampling:plan_list", []),
        ("sampling:plan_detail", [plan.pk]),
        ("sampling:task_new", [plan.pk]),
        ("sampling:task_list", []),
        ("sampling:task_detail", [task.pk]),
        ("sampling:sample_form", [task.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    sf.to_received(task, samplers[0], analyst)
    assert login(analyst).get(reverse("sampling:result_form", args=[task.pk])).status_code == 200
    # the result form is refused to a non-laboratory account
    assert client.get(reverse("sampling:result_form", args=[task.pk])).status_code == 403


def test_the_sample_form_records_and_refuses_without_payment(task, samplers):
    client = login(samplers[0])
    url = reverse("sampling:sample_form", args=[task.pk])
    data = {
        "record_number": "CYJL-P-1",
        "place": "仓库",
        "quantity": "6",
        "sealed_ids": "F1\nF2",
        "price_paid": "0",
        "payment_method": "cash",
        "payment_reference": "SJ001",
        "enterprise_signatory": "王丽",
        "enterprise_acknowledged": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.PLANNED
    response = client.post(url, {**data, "price_paid": "48.00"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.SAMPLED and task.sample.sealed_ids == ["F1", "F2"]


def test_the_result_form_and_the_overview_chart(task, samplers, analyst, county_regulator):
    sf.to_received(task, samplers[0], analyst)
    response = login(analyst).post(
        reverse("sampling:result_form", args=[task.pk]),
        {
            "report_number": "BG-P-1",
            "tested_on": timezone.localtime(task.sample.sampled_at).date().isoformat(),
            "item-0": "溶出度",
            "standard-0": "药典",
            "limit-0": "≥80%",
            "value-0": "60%",
            "conforming-0": "no",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.conclusion == "non_conforming"
    page = login(county_regulator).get(reverse("sampling:overview")).content.decode()
    assert "data-failure-rates" in page and "risk-open" in page
    rates = {r["category"]: r for r in selectors.failure_rates(county_regulator)}
    assert rates["chemical"] == {**rates["chemical"], "tested": 1, "failed": 1, "rate": 100.0}


def test_overdue_risk_control_shows_on_the_overview(task, samplers, analyst, county_regulator):
    import datetime as dt

    from yaojian.sampling.models import RiskControl

    sf.to_tested(task, samplers[0], analyst)
    RiskControl.objects.filter(task=task).update(due_on=dt.date(2026, 1, 1))
    late = selectors.overdue(county_regulator)
    assert [c.task_id for c in late["risk"]] == [task.pk]
    page = login(county_regulator).get(reverse("sampling:task_detail", args=[task.pk]))
    assert "risk-overdue" in page.content.decode()


def test_enterprise_pages_and_the_retest_request(
    task, samplers, analyst, county_regulator, enterprise_master
):
    task = sf.to_served(task, samplers[0], analyst, county_regulator)
    client = login(enterprise_master)
    assert client.get(reverse("sampling:my_list")).status_code == 200
    page = client.get(reverse("sampling:my_detail", args=[task.pk])).content.decode()
    assert "retest-form" in page and "溶出度" in page
    response = client.post(reverse("sampling:my_retest", args=[task.pk]), {"reason": "异议"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.RETEST_REQUESTED
    # regulators are not enterprises
    assert login(county_regulator).get(reverse("sampling:my_list")).status_code == 404


def test_page_actions_flash_refusals(task, samplers, analyst, county_regulator):
    sf.to_served(task, samplers[0], analyst, county_regulator)
    client = login(county_regulator)
    response = client.post(reverse("sampling:task_action", args=[task.pk, "close"]), follow=True)
    assert "re-test" in response.content.decode() or "复检" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SERVED


# --- Excel ----------------------------------------------------------------------------------------


def test_excel_export_of_the_task_list_is_scoped(
    task, plan, enterprises, samplers, lab, county_regulator, other_county_regulator
):
    response = login(county_regulator).get(reverse("sampling:task_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == task.number and rows[1][8] == task.batch_no
    response = login(other_county_regulator).get(reverse("sampling:task_export"))
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 1


# --- API --------------------------------------------------------------------------------------------


def test_api_lists_and_details_are_scoped(task, plan, county_regulator, other_county_regulator):
    client = login(county_regulator)
    body = client.get("/api/v1/sampling/tasks").json()
    assert body["count"] == 1 and body["items"][0]["number"] == task.number
    assert client.get(f"/api/v1/sampling/tasks/{task.pk}").json()["batch_no"] == task.batch_no
    assert [p["number"] for p in client.get("/api/v1/sampling/plans").json()] == [plan.number]
    other = login(other_county_regulator)
    assert other.get("/api/v1/sampling/tasks").json()["count"] == 0
    response = other.get(f"/api/v1/sampling/tasks/{task.pk}")
    assert response.status_code == 404 and response["Content-Type"].startswith(PROBLEM)
    assert Client().get("/api/v1/sampling/tasks").status_code == 401
    rates = client.get("/api/v1/sampling/failure-rates").json()
    assert {r["category"] for r in rates} >= {"chemical", "device"}
    assert client.get("/api/v1/sampling/failure-rates?year=99999").status_code == 422


def test_api_sampling_result_and_retest(
    task, samplers, analyst, county_regulator, enterprise_master
):
    record = {
        "record_number": "CYJL-A-1",
        "place": "仓库",
        "quantity": 6,
        "sealed_ids": ["A1"],
        "price_paid": "0",
        "payment_method": "transfer",
        "payment_reference": "ZF1",
        "enterprise_signatory": "王丽",
        "enterprise_acknowledged": True,
    }
    sampler = login(samplers[0])
    url = f"/api/v1/sampling/tasks/{task.pk}/sample-record"
    response = sampler.post(url, record, content_type="application/json")
    assert response.status_code == 422 and response["Content-Type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["field"] == "price_paid"
    response = sampler.post(url, {**record, "price_paid": "36.50"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "sampled"
    from yaojian.sampling import services

    services.task_send(actor=samplers[0], task_id=task.pk, place="x", received_by="y")
    services.task_receive(
        actor=analyst, task_id=task.pk, place="x", handed_by="y", seals_intact=True
    )
    response = login(analyst).post(
        f"/api/v1/sampling/tasks/{task.pk}/results",
        {"report_number": "BG-A-1", "tested_on": str(task.due_on.today()), "items": sf.FAILING},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["conclusion"] == "non_conforming"
    enterprise = login(enterprise_master)
    # not served yet: the enterprise sees no result and cannot ask for a re-test
    assert enterprise.get(f"/api/v1/sampling/tasks/{task.pk}").json()["results"] == []
    retest = f"/api/v1/sampling/tasks/{task.pk}/retest-request"
    assert (
        enterprise.post(retest, {"reason": "异议"}, content_type="application/json").status_code
        == 409
    )
    services.result_serve(actor=county_regulator, task_id=task.pk)
    response = enterprise.post(retest, {"reason": "异议"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "retest_requested"
    assert response.json()["events"] == []  # the internal history stays internal


def test_the_openapi_document_lists_the_sampling_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/sampling/tasks" in paths
    assert "/api/v1/sampling/tasks/{task_id}/retest-request" in paths


def test_an_enterprise_token_requests_a_retest(
    task, samplers, analyst, county_regulator, enterprise_master
):
    from yaojian.accounts import services as accounts

    task = sf.to_served(task, samplers[0], analyst, county_regulator)
    _token, raw = accounts.token_create(
        actor=enterprise_master, name="ERP", rights=["view", "respond"]
    )
    response = Client().post(
        f"/api/v1/sampling/tasks/{task.pk}/retest-request",
        {"reason": "异议"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    assert Task.objects.get(pk=task.pk).status == TaskStatus.RETEST_REQUESTED
