"""Plans, draws, recomputation, results and publication through the services, on the database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core import clock
from yaojian.core.errors import NotFound, PermissionDenied, TransitionNotAllowed, ValidationFailed
from yaojian.inspection.draws import selectors, services, workflows
from yaojian.inspection.draws.choices import DrawStatus, PlanStatus
from yaojian.inspection.draws.models import Draw, DrawSelection, InspectorConflict, PlanEvent
from yaojian.inspection.draws.tests import factories as draw_factories
from yaojian.portal import publications
from yaojian.portal.publications import Kind
from yaojian.testing import factories
from yaojian.workbench.models import Todo

pytestmark = pytest.mark.django_db


# --- the workflow table ---------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(workflows.TRANSITIONS))
@pytest.mark.parametrize("status", PlanStatus.values)
def test_every_transition_is_allowed_only_from_its_sources(action, status):
    transition = workflows.TRANSITIONS[action]
    if status in transition.sources:
        assert workflows.check(action, status) is transition
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.check(action, status)


def test_plan_is_filed_with_and_decided_by_the_bureau_above(planner, decider, pool):
    item = draw_factories.item("GSP-01")
    plan = services.plan_create(actor=planner, year=2026, title="年度计划", items=[("GSP-01", "5")])
    assert plan.status == PlanStatus.DRAFT and plan.number.startswith("SSJ-360100-2026-")
    # the planner cannot approve their own plan; a county regulator cannot file it
    services.plan_file(actor=planner, plan_id=plan.pk)
    assert Todo.objects.filter(kind="inspection.plan.decide", bureau=decider.bureau).exists()
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=planner, plan_id=plan.pk)
    services.plan_return(actor=decider, plan_id=plan.pk, reason="抽查比例过低")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "抽查比例过低"
    services.plan_update(actor=planner, plan_id=plan.pk, items=[(item.code, "8")])
    services.plan_file(actor=planner, plan_id=plan.pk)
    plan = services.plan_approve(actor=decider, plan_id=plan.pk)
    assert plan.status == PlanStatus.APPROVED
    assert [e.action for e in PlanEvent.objects.filter(plan=plan)] == [
        "create",
        "file",
        "return",
        "file",
        "approve",
    ]
    published = publications.for_source(Kind.DRAW_PLAN, plan)
    assert published is not None and "8 %" in str(published.fields)
    with pytest.raises(TransitionNotAllowed):
        services.plan_update(actor=planner, plan_id=plan.pk, title="x")


def test_return_needs_a_reason_and_changes_nothing(planner, decider, approved):
    plan = services.plan_create(actor=planner, year=2027, title="x", items=[("GSP-01", None)])
    services.plan_file(actor=planner, plan_id=plan.pk)
    with pytest.raises(ValidationFailed) as raised:
        services.plan_return(actor=decider, plan_id=plan.pk, reason=" ")
    assert "reason" in raised.value.errors
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED


def test_plan_items_must_match_the_bureau_level(planner, pool):
    draw_factories.item("PROV-01", level="province")
    with pytest.raises(ValidationFailed) as raised:
        services.plan_create(actor=planner, year=2026, title="x", items=[("PROV-01", None)])
    assert "items" in raised.value.errors
    with pytest.raises(ValidationFailed):
        services.plan_create(actor=planner, year=2026, title="x", items=[])


def test_bad_ratio_and_weights_are_refused(planner, pool):
    draw_factories.item("GSP-01")
    with pytest.raises(ValidationFailed) as raised:
        services.plan_create(actor=planner, year=2026, title="x", items=[("GSP-01", "150")])
    assert "items" in raised.value.errors
    with pytest.raises(ValidationFailed) as raised:
        services.plan_create(
            actor=planner, year=2026, title="x", items=[("GSP-01", None)], grade_weights={"E": 1}
        )
    assert "grade_weights" in raised.value.errors


# --- the draw -------------------------------------------------------------------------------


def test_draw_records_seed_inputs_and_creates_the_work(planner, approved, pool):
    draw = services.draw_run(actor=planner, plan_id=approved.pk, title="第一批")
    assert len(draw.seed) == 32 and draw.algorithm == "yaojian-draw/1"
    # 20 shops, 5 per grade, 25 % × (0.5, 1, 2, 4) → ceil: 1, 2, 3, 5
    selected = list(draw.selections.all())
    assert len(selected) == 11
    assert sorted(e[0] for e in draw.inputs["inspectors"]) == sorted(
        u.pk for u in pool["inspectors"]
    )
    for selection in selected:
        assert len(selection.team) == 2 and selection.lead_id == selection.team[0]
    from yaojian.inspection.models import Inspection

    assert Inspection.objects.filter(origin="random_draw").count() == 11
    assert all(s.task_ref for s in draw.selections.all())
    published = publications.for_source(Kind.DRAW_RESULT, draw)
    assert published is not None and draw.seed in published.summary
    entry = AuditEntry.objects.filter(action="inspection.draw.run", outcome="success").get()
    assert entry.changes["seed"] == draw.seed


def test_redraw_is_identical_and_a_tampered_result_is_named(planner, approved, pool):
    draw = services.draw_run(actor=planner, plan_id=approved.pk)
    check = services.draw_verify(actor=planner, draw_id=draw.pk)
    assert check.identical and check.difference == "" and check.count == draw.selections.count()
    victim = draw.selections.order_by("position")[2]
    victim.team = list(reversed(victim.team))
    victim.save()
    check = services.draw_verify(actor=planner, draw_id=draw.pk)
    assert not check.identical and check.difference.startswith("position 3")
    draw.refresh_from_db()
    assert draw.verified_ok is False


def test_redraw_detects_edited_inputs(planner, approved, pool):
    draw = services.draw_run(actor=planner, plan_id=approved.pk)
    Draw.objects.filter(pk=draw.pk).update(inputs={**draw.inputs, "team_size": 3})
    check = services.draw_verify(actor=planner, draw_id=draw.pk)
    assert not check.identical and not check.digest_ok


def test_the_same_seed_recomputes_the_same_selection_through_the_service(planner, approved, pool):
    first = services.draw_run(actor=planner, plan_id=approved.pk, seed="ab" * 16)
    rows = services.recorded_result(first)
    from yaojian.inspection.draws import algorithm

    assert algorithm.run("ab" * 16, first.inputs) == rows


def test_declared_conflicts_and_last_teams_are_respected(planner, approved, pool):
    shops, inspectors = pool["shops"], pool["inspectors"]
    for _ in range(2):  # enough leads besides the conflicted one and the last team's
        draw_factories.inspector("360100", quals=["gsp"], lead=True)
    for shop in shops:
        services.conflict_declare(
            actor=inspectors[0],
            inspector_id=inspectors[0].pk,
            enterprise_id=shop.pk,
            kind="former_employer",
        )
    assert InspectorConflict.objects.count() == 20
    first = services.draw_run(actor=planner, plan_id=approved.pk)
    teams = {s.enterprise_id: set(s.team) for s in first.selections.all()}
    assert all(inspectors[0].pk not in team for team in teams.values())
    second = services.draw_run(actor=planner, plan_id=approved.pk)
    assert second.batch == 2
    assert dict(second.inputs["last_teams"]).keys() >= teams.keys()
    for selection in second.selections.all():
        assert not set(selection.team) & teams.get(selection.enterprise_id, set())
    # and the second draw still recomputes identically from its own record
    assert services.draw_verify(actor=planner, draw_id=second.pk).identical


def test_an_empty_pool_draws_nothing_and_is_audited(planner, decider, province):
    item = draw_factories.item("GSP-01")
    draw_factories.inspector("360100", lead=True)
    draw_factories.inspector("360100")
    plan = draw_factories.approved_plan(planner, decider, [item])
    with pytest.raises(ValidationFailed) as raised:
        services.draw_run(actor=planner, plan_id=plan.pk)
    assert raised.value.code == "draw_empty_pool"
    assert "empty" in str(raised.value.detail)
    assert not Draw.objects.exists() and not DrawSelection.objects.exists()
    assert AuditEntry.objects.filter(action="inspection.draw.run", outcome="failed").exists()


def test_too_few_qualified_inspectors_draws_nothing(planner, decider, province):
    for _ in range(4):
        factories.EnterpriseFactory(region_code="360102")
    item = draw_factories.item("GSP-01")
    draw_factories.inspector("360100", quals=["gmp"], lead=True)
    draw_factories.inspector("360100", quals=["gsp"], lead=True)
    plan = draw_factories.approved_plan(planner, decider, [item])
    with pytest.raises(ValidationFailed) as raised:
        services.draw_run(actor=planner, plan_id=plan.pk)
    assert raised.value.code == "draw_too_few_inspectors"
    assert "gsp" in str(raised.value.detail)
    assert not Draw.objects.exists()


def test_ratios_that_cannot_be_met_draw_nothing(planner, decider, province):
    for _ in range(12):
        factories.EnterpriseFactory(region_code="360102")
    item = draw_factories.item("GSP-KEY", kind="key", ratio=None)
    draw_factories.inspector("360100", lead=True)
    draw_factories.inspector("360100", lead=True)
    plan = draw_factories.approved_plan(planner, decider, [item], max_load=5)
    with pytest.raises(ValidationFailed) as raised:
        services.draw_run(actor=planner, plan_id=plan.pk)
    assert raised.value.code == "draw_ratio_unmet"
    assert not Draw.objects.exists()


def test_only_an_approved_plan_is_drawn_by_its_own_bureau(planner, decider, pool, county_regulator):
    draw_factories.item("GSP-01")
    plan = services.plan_create(actor=planner, year=2026, title="x", items=[("GSP-01", None)])
    with pytest.raises(TransitionNotAllowed):
        services.draw_run(actor=planner, plan_id=plan.pk)
    with pytest.raises(NotFound):
        services.draw_run(actor=county_regulator, plan_id=plan.pk)


# --- results and their clock ------------------------------------------------------------------


def test_results_complete_start_the_20_working_day_clock(planner, approved, pool):
    draw = services.draw_run(actor=planner, plan_id=approved.pk)
    selections = list(draw.selections.all())
    with pytest.raises(ValidationFailed):
        services.draw_complete(actor=planner, draw_id=draw.pk)
    lead = selections[0].lead
    services.selection_record_result(actor=lead, selection_id=selections[0].pk, outcome="pass")
    outsider = draw_factories.inspector("360100")  # after the draw: on no team
    with pytest.raises(PermissionDenied):
        services.selection_record_result(
            actor=outsider, selection_id=selections[1].pk, outcome="pass"
        )
    for selection in selections[1:]:
        services.selection_record_result(
            actor=planner, selection_id=selection.pk, outcome="rectify", note="温湿度记录不全"
        )
    draw = services.draw_complete(actor=planner, draw_id=draw.pk)
    today = timezone.localdate()
    assert draw.status == DrawStatus.COMPLETED and draw.completed_on == today
    assert draw.results_due == clock.add_days(today, 20, clock.WORKING)
    assert not draw.results_overdue
    Draw.objects.filter(pk=draw.pk).update(results_due=today - dt.timedelta(days=1))
    draw.refresh_from_db()
    assert draw.results_overdue
    draw = services.draw_publish_results(actor=planner, draw_id=draw.pk)
    assert draw.results_published_at and not draw.results_overdue
    published = publications.for_source(Kind.DRAW_RESULT, draw)
    assert "温湿度" not in str(published.fields)  # notes stay internal; outcomes are public
    assert "Rectification" in str(published.fields) or "整改" in str(published.fields)


# --- the pools --------------------------------------------------------------------------------


def test_inspector_profile_validation(planner, pool):
    user = pool["inspectors"][3]
    with pytest.raises(ValidationFailed) as raised:
        services.inspector_save(actor=planner, user_id=user.pk, qualifications=["xyz"])
    assert "qualifications" in raised.value.errors
    with pytest.raises(ValidationFailed) as raised:
        services.inspector_save(
            actor=planner, user_id=user.pk, qualifications=["gsp"], available=False
        )
    assert "unavailable_reason" in raised.value.errors
    profile = services.inspector_save(
        actor=planner, user_id=user.pk, qualifications=["gmp", "gsp"], lead_qualified=True
    )
    assert profile.qualifications == ["gmp", "gsp"] and profile.lead_qualified
    reviewer = factories.regulator("360100", roles=[Role.REVIEWER], mfa=False)
    with pytest.raises(ValidationFailed):
        services.inspector_save(actor=planner, user_id=reviewer.pk, qualifications=["gsp"])


def test_unavailable_inspectors_are_left_out_of_the_pool(planner, approved, pool):
    away = pool["inspectors"][5]
    services.inspector_save(
        actor=planner,
        user_id=away.pk,
        qualifications=["gsp"],
        available=False,
        unavailable_reason="借调省局",
    )
    draw = services.draw_run(actor=planner, plan_id=approved.pk)
    assert away.pk not in {row[0] for row in draw.inputs["inspectors"]}


def test_item_list_is_edited_by_administrators_only(planner, county_regulator, province):
    item = services.item_save(
        actor=planner,
        code="GSP-09",
        name="零售药店检查",
        kind="general",
        ratio="5",
        enterprise_kinds=["retail_pharmacy"],
        legal_basis="药品管理法",
        bureau_level="county",
    )
    assert str(item.ratio) == "5.00"
    with pytest.raises(PermissionDenied):
        services.item_save(actor=county_regulator, code="GSP-09", name="x")
    with pytest.raises(ValidationFailed) as raised:
        services.item_save(
            actor=planner,
            code="GSP-10",
            name="x",
            kind="general",
            ratio=None,
            enterprise_kinds=["retail_pharmacy"],
            legal_basis="x",
            bureau_level="county",
        )
    assert "ratio" in raised.value.errors


# --- scoping ----------------------------------------------------------------------------------


def test_county_sees_only_its_plans(planner, decider, approved, province):
    county = factories.regulator("360102", roles=[Role.LEADER], mfa=False)
    other = factories.regulator("360402", roles=[Role.LEADER], mfa=False)
    draw_factories.item("CNTY-01", level="county")
    own = services.plan_create(
        actor=county, year=2026, title="东湖区计划", items=[("CNTY-01", None)]
    )
    assert list(selectors.plan_list(county)) == [own]
    assert set(selectors.plan_list(planner)) == {own, approved}
    assert list(selectors.plan_list(other)) == []
    with pytest.raises(NotFound):
        selectors.plan_get(other, own.pk)
    with pytest.raises(NotFound):
        selectors.plan_get(county, approved.pk)
    services.plan_file(actor=county, plan_id=own.pk)
    assert list(selectors.plans_to_decide(planner)) == [own]


# --- the command ------------------------------------------------------------------------------


def test_redraw_command_recomputes_every_draw_of_a_plan(planner, approved, pool):
    services.draw_run(actor=planner, plan_id=approved.pk)
    services.draw_run(actor=planner, plan_id=approved.pk)
    out = io.StringIO()
    call_command("inspection", "redraw", approved.number, stdout=out)
    text = out.getvalue()
    assert text.count("identical") == 2 and "DIFFERENT" not in text
    selection = DrawSelection.objects.order_by("pk").last()
    selection.lead_id = selection.team[1]
    selection.save()
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("inspection", "redraw", str(approved.pk), stdout=out)
    assert "DIFFERENT" in out.getvalue() and "position" in out.getvalue()
