"""The pages and the API: plan list and detail, drawing, recomputing, the pools, scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yaojian.accounts.choices import Role
from yaojian.inspection.draws import services
from yaojian.inspection.draws.models import Draw, DrawSelection, InspectorConflict
from yaojian.inspection.draws.tests import factories as draw_factories
from yaojian.testing import factories

pytestmark = pytest.mark.django_db


def test_plan_pages_draw_and_recompute(client, planner, approved, pool):
    client.force_login(planner)
    response = client.get(reverse("inspection:plan_list"))
    assert response.status_code == 200 and approved.number in response.text
    detail = client.get(approved.get_absolute_url())
    assert 'data-testid="draw-run"' in detail.text
    response = client.post(reverse("inspection:plan_draw", args=[approved.pk]), {"title": "第一批"})
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == draw.get_absolute_url()
    page = client.get(draw.get_absolute_url())
    assert draw.seed in page.text and draw.inputs_digest in page.text
    first = draw.selections.order_by("position").first()
    assert first.enterprise.name in page.text
    client.post(reverse("inspection:draw_recompute", args=[draw.pk]))
    page = client.get(draw.get_absolute_url())
    assert 'data-testid="draw-check"' in page.text and "alert-success" in page.text
    client.post(reverse("inspection:plan_recompute", args=[approved.pk]))
    page = client.get(approved.get_absolute_url())
    assert 'data-testid="plan-verifications"' in page.text and "text-success" in page.text


def test_a_failed_draw_shows_the_reason_and_draws_nothing(client, planner, decider, province):
    item = draw_factories.item("GSP-01")
    plan = draw_factories.approved_plan(planner, decider, [item])
    client.force_login(planner)
    response = client.post(reverse("inspection:plan_draw", args=[plan.pk]), follow=True)
    assert (
        "Nothing was drawn" in response.text
        or "未抽取" in response.text
        or "empty" in response.text
    )
    assert not Draw.objects.exists()


def test_filing_and_approving_from_the_pages(client, planner, decider, pool):
    draw_factories.item("GSP-01")
    plan = services.plan_create(actor=planner, year=2026, title="计划", items=[("GSP-01", None)])
    client.force_login(planner)
    client.post(reverse("inspection:plan_action", args=[plan.pk, "file"]))
    plan.refresh_from_db()
    assert plan.status == "filed"
    client.force_login(decider)
    listing = client.get(reverse("inspection:plan_list"))
    assert 'data-testid="plans-to-decide"' in listing.text
    client.post(reverse("inspection:plan_action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_new_plan_form(client, planner, pool):
    draw_factories.item("GSP-01")
    client.force_login(planner)
    assert client.get(reverse("inspection:plan_new")).status_code == 200
    data = {
        "year": 2026,
        "title": "新计划",
        "items": ["GSP-01"],
        "team_size": 2,
        "max_load": 30,
        "weight_A": "0.5",
        "weight_B": "1",
        "weight_C": "2",
        "weight_D": "4",
        "notes": "",
    }
    response = client.post(reverse("inspection:plan_new"), data)
    assert response.status_code == 302
    bad = client.post(reverse("inspection:plan_new"), {**data, "weight_D": "99"})
    assert bad.status_code == 200 and "grade_weights" not in bad.text  # shown as a message


def test_item_list_and_inspector_pool_pages(client, planner, pool):
    client.force_login(planner)
    response = client.post(
        reverse("inspection:item_list"),
        {
            "code": "GSP-02",
            "name": "零售药店",
            "kind": "general",
            "ratio": "5",
            "enterprise_kinds": ["retail_pharmacy"],
            "legal_basis": "药品管理法",
            "bureau_level": "city",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert "GSP-02" in client.get(reverse("inspection:item_list")).text
    bad = client.post(
        reverse("inspection:item_list"),
        {
            "code": "GSP-03",
            "name": "x",
            "kind": "general",
            "ratio": "",
            "enterprise_kinds": ["retail_pharmacy"],
            "legal_basis": "x",
            "bureau_level": "city",
        },
    )
    assert bad.status_code == 200 and 'class="text-danger' in bad.text
    pool_page = client.get(reverse("inspection:inspector_pool"))
    assert str(pool["inspectors"][0]) in pool_page.text
    inspector = pool["inspectors"][3]
    shop = pool["shops"][0]
    response = client.post(
        reverse("inspection:inspector_edit", args=[inspector.pk]),
        {"form": "conflict", "uscc": shop.uscc, "kind": "relation", "note": "配偶任职"},
    )
    assert response.status_code == 302
    assert InspectorConflict.objects.filter(inspector=inspector, enterprise=shop).exists()
    response = client.post(
        reverse("inspection:inspector_edit", args=[inspector.pk]),
        {
            "form": "profile",
            "qualifications": ["gsp", "gmp"],
            "lead_qualified": "on",
            "available": "on",
        },
    )
    assert response.status_code == 302
    inspector.inspector_profile.refresh_from_db()
    assert inspector.inspector_profile.lead_qualified


def test_pages_are_scoped(client, planner, approved, pool):
    services.draw_run(actor=planner, plan_id=approved.pk)
    draw = Draw.objects.get()
    other = factories.regulator("360402", roles=[Role.LEADER])
    client.force_login(other)
    assert client.get(approved.get_absolute_url()).status_code == 404
    assert client.get(draw.get_absolute_url()).status_code == 404
    assert approved.number not in client.get(reverse("inspection:plan_list")).text
    assert client.post(reverse("inspection:draw_recompute", args=[draw.pk])).status_code == 404
    enterprise_user = factories.enterprise_user(pool["shops"][0])
    client.force_login(enterprise_user)
    assert client.get(reverse("inspection:plan_list")).status_code == 404


def test_recording_results_on_the_draw_page(client, planner, approved, pool):
    draw = services.draw_run(actor=planner, plan_id=approved.pk)
    client.force_login(planner)
    for selection in draw.selections.all():
        client.post(
            reverse("inspection:selection_result", args=[draw.pk, selection.pk]),
            {"outcome": "pass", "note": ""},
        )
    assert not DrawSelection.objects.filter(outcome="").exists()
    client.post(reverse("inspection:draw_step", args=[draw.pk, "complete"]))
    page = client.get(draw.get_absolute_url())
    assert 'data-testid="results-due"' in page.text and 'data-testid="draw-publish"' in page.text
    client.post(reverse("inspection:draw_step", args=[draw.pk, "publish"]))
    draw.refresh_from_db()
    assert draw.results_published_at is not None


# --- the API -----------------------------------------------------------------------------------


def test_api_plans_draws_and_verify(client, planner, approved, pool):
    client.force_login(planner)
    response = client.get("/api/v1/inspection/plans")
    assert response.status_code == 200 and [p["number"] for p in response.json()] == [
        approved.number
    ]
    response = client.post(
        f"/api/v1/inspection/plans/{approved.pk}/draws",
        {"title": "API"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    draw_id = response.json()["id"]
    detail = client.get(f"/api/v1/inspection/draws/{draw_id}").json()
    assert detail["seed"] and len(detail["selections"]) == detail["selected"] == 11
    inputs = client.get(f"/api/v1/inspection/draws/{draw_id}/inputs").json()
    from yaojian.inspection.draws import algorithm

    recomputed = algorithm.run(inputs["seed"], inputs["inputs"])
    assert [r["enterprise"] for r in recomputed] == [
        s["enterprise_id"] for s in detail["selections"]
    ]
    verify = client.post(f"/api/v1/inspection/draws/{draw_id}/verify").json()
    assert verify["identical"] is True
    plan = client.get(f"/api/v1/inspection/plans/{approved.pk}").json()
    assert plan["items"][0]["code"] == "GSP-01" and plan["draws"][0]["id"] == draw_id


def test_api_scoping_and_problems(client, planner, decider, approved, pool):
    county = factories.regulator("360102", roles=[Role.LEADER])
    client.force_login(county)
    assert client.get("/api/v1/inspection/plans").json() == []
    response = client.get(f"/api/v1/inspection/plans/{approved.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    client.force_login(planner)
    empty_item = draw_factories.item("DEV-01", kinds=["device_distributor"])
    plan = draw_factories.approved_plan(planner, decider, [empty_item], title="器械")
    response = client.post(
        f"/api/v1/inspection/plans/{plan.pk}/draws", {}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "draw_empty_pool"
    client.logout()
    assert client.get("/api/v1/inspection/plans").status_code == 401
