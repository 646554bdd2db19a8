"""The results of the drawn inspections come from the field inspections: deciding an inspection
(pass, rectification, referral) and accepting its rectification record the result on the draw's
selection through the inspection services; the draw page, its completion, the 20-working-day
clock and the published results use them."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from yaojian.audit.models import AuditEntry
from yaojian.core import clock
from yaojian.core.errors import ValidationFailed
from yaojian.inspection import services as inspection_services
from yaojian.inspection.draws import services
from yaojian.inspection.draws.choices import DrawStatus, Outcome
from yaojian.inspection.draws.models import Draw, DrawSelection
from yaojian.inspection.models import Inspection
from yaojian.inspection.tests import factories as field
from yaojian.portal import publications
from yaojian.portal.publications import Kind
from yaojian.testing import factories

pytestmark = pytest.mark.django_db


def _inspection(selection: DrawSelection) -> Inspection:
    return Inspection.objects.get(number=selection.task_ref)


def _submitted(selection: DrawSelection, *, failing=None) -> Inspection:
    inspection = _inspection(selection)
    field.submit(selection.lead, inspection, failing=failing)
    return Inspection.objects.get(pk=inspection.pk)


def _rectify(selection: DrawSelection) -> Inspection:
    inspection = _submitted(selection, failing={"R08": "critical"})
    return inspection_services.inspection_decide(
        actor=selection.lead, inspection_id=inspection.pk, outcome="rectify", days=10
    )


def _rectification_submitted(selection: DrawSelection, inspection: Inspection) -> None:
    owner = factories.enterprise_user(selection.enterprise, master=True)
    inspection_services.rectification_submit(
        actor=owner,
        inspection_id=inspection.pk,
        statement="已补全温湿度记录并培训相关人员。",
        files=[inspection_services.FileIn(name="整改报告.pdf", data=b"%PDF-1.4 rectified")],
    )


@pytest.fixture
def draw(planner, approved, pool):
    return services.draw_run(actor=planner, plan_id=approved.pk, title="第一批")


def test_each_outcome_of_the_field_inspection_is_recorded_on_its_selection(draw, planner):
    passed, rectified, referred, *rest = list(draw.selections.order_by("position"))
    today = timezone.localdate()

    inspection = _submitted(passed)
    inspection_services.inspection_decide(
        actor=passed.lead, inspection_id=inspection.pk, outcome="pass"
    )
    passed.refresh_from_db()
    assert passed.outcome == Outcome.PASS
    assert passed.inspected_on == today and passed.result_on == today
    assert inspection.number in passed.outcome_note
    entry = AuditEntry.objects.filter(
        action="inspection.selection.result", object_id=str(passed.pk)
    ).get()
    assert entry.changes["inspection"] == inspection.number
    assert entry.changes["after"]["outcome"] == "pass"

    inspection = _rectify(rectified)
    rectified.refresh_from_db()
    assert rectified.outcome == Outcome.RECTIFY and rectified.result_on == today
    _rectification_submitted(rectified, inspection)
    rectified.refresh_from_db()
    assert rectified.outcome == Outcome.RECTIFY  # submitting is not accepting
    inspection_services.rectification_accept(actor=rectified.lead, inspection_id=inspection.pk)
    rectified.refresh_from_db()
    assert rectified.outcome == Outcome.RECTIFIED and rectified.inspected_on == today

    inspection = _submitted(referred, failing={"R08": "critical"})
    inspection_services.inspection_decide(
        actor=referred.lead, inspection_id=inspection.pk, outcome="refer", note="涉嫌违法经营"
    )
    referred.refresh_from_db()
    assert referred.outcome == Outcome.REFER

    # the others untouched; the draw cannot complete while they have no result
    assert all(s.outcome == "" for s in DrawSelection.objects.filter(pk__in=[s.pk for s in rest]))
    with pytest.raises(ValidationFailed):
        services.draw_complete(actor=planner, draw_id=draw.pk)
    for selection in rest:
        inspection = _submitted(selection)
        inspection_services.inspection_decide(
            actor=selection.lead, inspection_id=inspection.pk, outcome="pass"
        )
    draw = services.draw_complete(actor=planner, draw_id=draw.pk)
    assert draw.status == DrawStatus.COMPLETED and draw.completed_on == today
    assert draw.results_due == clock.add_days(today, 20, clock.WORKING)
    draw = services.draw_publish_results(actor=planner, draw_id=draw.pk)
    published = str(publications.for_source(Kind.DRAW_RESULT, draw).fields)
    for selection in (passed, rectified, referred):
        assert selection.get_outcome_display() in published
    assert "涉嫌违法经营" not in published  # reasons stay internal


def test_a_rectification_accepted_after_publication_updates_the_published_results(draw, planner):
    first, *rest = list(draw.selections.order_by("position"))
    inspection = _rectify(first)
    for selection in rest:
        services.selection_record_result(actor=planner, selection_id=selection.pk, outcome="pass")
    services.draw_complete(actor=planner, draw_id=draw.pk)
    draw = services.draw_publish_results(actor=planner, draw_id=draw.pk)
    rectified_label = str(Outcome.RECTIFIED.label)
    assert rectified_label not in str(publications.for_source(Kind.DRAW_RESULT, draw).fields)
    _rectification_submitted(first, inspection)
    inspection_services.rectification_accept(actor=first.lead, inspection_id=inspection.pk)
    first.refresh_from_db()
    assert first.outcome == Outcome.RECTIFIED
    assert rectified_label in str(publications.for_source(Kind.DRAW_RESULT, draw).fields)


def test_a_refused_decision_and_an_inspection_of_no_draw_change_no_selection(draw, planner, pool):
    selection = draw.selections.order_by("position").first()
    inspection = _submitted(selection, failing={"R08": "critical"})
    with pytest.raises(ValidationFailed):  # findings cannot pass
        inspection_services.inspection_decide(
            actor=selection.lead, inspection_id=inspection.pk, outcome="pass"
        )
    selection.refresh_from_db()
    assert selection.outcome == "" and selection.result_on is None
    # the same enterprise inspected for another reason: its draw result is not touched
    routine = field.schedule(
        selection.lead,
        selection.enterprise,
        [selection.lead, *[u for u in pool["inspectors"] if u.pk != selection.lead_id][:1]],
        origin="routine",
    )
    field.submit(selection.lead, routine)
    inspection_services.inspection_decide(
        actor=selection.lead, inspection_id=routine.pk, outcome="pass"
    )
    selection.refresh_from_db()
    assert selection.outcome == ""


def test_the_draw_page_shows_results_and_flags_only_those_still_missing(client, draw, planner):
    selections = list(draw.selections.order_by("position"))
    first = selections[0]
    inspection = _submitted(first)
    inspection_services.inspection_decide(
        actor=first.lead, inspection_id=inspection.pk, outcome="pass"
    )
    # the inspections were due yesterday: every selection without a result is overdue
    Draw.objects.filter(pk=draw.pk).update(inspect_by=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(planner)
    page = client.get(draw.get_absolute_url()).text
    first_row = page.split(f'data-selection="{first.position}"')[1].split("</tr>")[0]
    assert 'data-testid="outcome-pass"' in first_row
    assert reverse("inspection:detail", args=[inspection.pk]) in first_row
    assert 'data-testid="result-overdue"' not in first_row
    assert page.count('data-testid="result-overdue"') == len(selections) - 1
    for selection in selections[1:]:
        services.selection_record_result(
            actor=planner, selection_id=selection.pk, outcome="closed", note="已停业"
        )
    page = client.get(draw.get_absolute_url()).text
    assert 'data-testid="result-overdue"' not in page
    assert 'data-testid="draw-results-overdue"' not in page
    assert 'data-testid="draw-pending"' not in page


def test_the_migration_copies_results_decided_before_the_change(draw):
    selection = draw.selections.order_by("position").first()
    inspection = _rectify(selection)
    _rectification_submitted(selection, inspection)
    inspection_services.rectification_accept(actor=selection.lead, inspection_id=inspection.pk)
    DrawSelection.objects.filter(pk=selection.pk).update(
        outcome="", inspected_on=None, result_on=None, outcome_note=""
    )
    migration = importlib.import_module("yaojian.inspection.migrations.0003_selection_result_on")
    migration.copy_decided_results(django_apps, None)
    selection.refresh_from_db()
    assert selection.outcome == Outcome.RECTIFIED
    assert selection.inspected_on == timezone.localdate()
    others = draw.selections.exclude(pk=selection.pk)
    assert not others.exclude(outcome="").exists()


def test_the_published_results_read_in_each_language_of_the_portal(draw, planner):
    """一公开 in both of the portal's languages: the bureau, the outcomes and the punctuation
    of each, whichever language the planner works in."""
    from django.utils import translation

    for selection in draw.selections.all():
        services.selection_record_result(actor=planner, selection_id=selection.pk, outcome="pass")
    services.draw_complete(actor=planner, draw_id=draw.pk)
    with translation.override("en"):
        draw = services.draw_publish_results(actor=planner, draw_id=draw.pk)
    published = publications.for_source(Kind.DRAW_RESULT, draw)
    bureau = draw.plan.bureau
    assert published.title.startswith(f"{bureau.name}{draw.plan.year}年“双随机”抽查 {draw.number}")
    assert published.title_en.startswith(f"{bureau.name_en} {draw.plan.year} “double random”")
    first = draw.selections.select_related("enterprise").order_by("position").first()
    enterprise = first.enterprise
    with translation.override("zh-hans"):
        chinese = f"{'、'.join(first.items)}：{first.get_outcome_display()}"
    with translation.override("en"):
        english = f"{', '.join(first.items)}: {first.get_outcome_display()}"
    zh_label, zh_value = published.fields["zh-hans"][0]
    en_label, en_value = published.fields["en"][0]
    assert zh_label == f"{enterprise.name}（{enterprise.uscc}）"
    assert en_label == f"{enterprise.name} ({enterprise.uscc})"
    assert zh_value.startswith(chinese) and en_value.startswith(english)
    assert chinese != english
    assert "Seed" in published.summary_en and "种子" in published.summary
