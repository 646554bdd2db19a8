"""The inspection's life through its services: each transition allowed and refused, deadlines,
idempotent submission, photo checks, referral, rectification, the enterprise file, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.audit.models import AuditEntry
from yaojian.core import clock
from yaojian.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from yaojian.inspection import selectors, services
from yaojian.inspection.choices import Status
from yaojian.inspection.models import (
    Finding,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    Rectification,
)
from yaojian.inspection.tests import factories as f
from yaojian.registry.models import TimelineEvent
from yaojian.testing import factories
from yaojian.workbench.models import Todo, TodoStatus

pytestmark = pytest.mark.django_db


def _denied(action: str) -> bool:
    return AuditEntry.objects.filter(action=action, outcome="denied").exists()


# --- scheduling --------------------------------------------------------------------------------


def test_schedule_creates_a_numbered_inspection_with_its_team_and_history(
    scheduled, team, pharmacy
):
    assert scheduled.status == Status.SCHEDULED
    assert scheduled.number.startswith("JC360102")
    assert scheduled.kind == "gsp_retail" and scheduled.checklist.kind == "gsp_retail"
    assert scheduled.lead == team[0]
    assert set(scheduled.team.all()) == set(team)
    assert scheduled.bureau.region_code == "360102"
    assert list(scheduled.events.values_list("action", "to_status")) == [("schedule", "scheduled")]
    assert AuditEntry.objects.filter(action="inspection.schedule", outcome="success").exists()
    # each member is told in the inbox, and the enterprise file records it
    assert team[1].messages.filter(link=scheduled.get_absolute_url()).exists()
    assert TimelineEvent.objects.filter(
        enterprise=pharmacy, kind="inspection", title__contains="scheduled"
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"team": "one"}, "team"),
        ({"kind": "food_safety"}, "kind"),
        ({"origin": "rumour"}, "origin"),
        ({"due_date": "past"}, "due_date"),
        ({"team": "reviewer"}, "team"),
    ],
)
def test_schedule_refuses_bad_input_naming_the_field(checklists, team, pharmacy, change, field):
    reviewer = factories.regulator("360102", roles=[Role.REVIEWER], mfa=False)
    arguments = {
        "actor": team[0],
        "enterprise": pharmacy,
        "team": team,
        "lead": team[0],
        "kind": "",
        "origin": "random_draw",
        "origin_ref": "D1",
        "due_date": timezone.localdate() + dt.timedelta(days=5),
    }
    if change.get("team") == "one":
        arguments["team"] = [team[0]]
    elif change.get("team") == "reviewer":
        arguments["team"] = [team[0], reviewer]
    if "kind" in change:
        arguments["kind"] = change["kind"]
    if "origin" in change:
        arguments["origin"] = change["origin"]
    if "due_date" in change:
        arguments["due_date"] = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_schedule(**arguments)
    assert field in refused.value.errors
    assert not Inspection.objects.exists()
    assert AuditEntry.objects.filter(action="inspection.schedule", outcome="failed").exists()


def test_schedule_outside_the_jurisdiction_is_not_found(checklists, enterprises):
    team = [f.inspector("360102"), f.inspector("360102")]
    with pytest.raises(NotFound):
        f.schedule(team[0], enterprises["lianxi"], team)
    assert not Inspection.objects.exists()


def test_schedule_needs_a_role(checklists, team, pharmacy):
    analyst = factories.regulator("360102", roles=[Role.ANALYST], mfa=False)
    with pytest.raises(PermissionDenied):
        f.schedule(analyst, pharmacy, team)
    assert _denied("inspection.schedule")


def test_kind_follows_the_enterprise_type(checklists, team, province):
    maker = factories.EnterpriseFactory(kind="drug_manufacturer", region_code="360102")
    inspection = f.schedule(team[0], maker, team)
    assert inspection.kind == "gmp"
    assert inspection.checklist.items.count() >= 15


# --- requests from other modules -------------------------------------------------------------------


def test_a_request_is_pending_with_a_todo_for_the_county_bureau(checklists, pharmacy, team):
    inspection = services.inspection_request(
        actor=None,
        enterprise=pharmacy,
        origin="trace_anomaly",
        origin_ref="anomaly-17",
        reason="追溯码重复销售，需现场核查",
    )
    assert inspection.status == Status.PENDING
    todo = Todo.objects.get(kind="inspection.schedule", object_id=str(inspection.pk))
    assert todo.bureau.region_code == "360102" and todo.role == Role.INSPECTOR
    # asking again for the same anomaly returns the same inspection
    again = services.inspection_request(
        actor=None, enterprise=pharmacy, origin="trace_anomaly", origin_ref="anomaly-17", reason="x"
    )
    assert again.pk == inspection.pk
    assert Inspection.objects.count() == 1
    # the bureau schedules it: the to-do is closed
    services.inspection_assign(
        actor=team[0],
        inspection_id=inspection.pk,
        team=[m.pk for m in team],
        lead=team[0].pk,
        due_date=(timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    )
    inspection.refresh_from_db()
    assert inspection.status == Status.SCHEDULED and inspection.lead == team[0]
    todo.refresh_from_db()
    assert todo.status == TodoStatus.DONE


def test_a_request_needs_a_reason_and_a_known_origin(checklists, pharmacy):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_request(
            actor=None, enterprise=pharmacy, origin="complaint", origin_ref="C1", reason=" "
        )
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_request(
            actor=None, enterprise=pharmacy, origin="gossip", origin_ref="C1", reason="x"
        )
    assert "origin" in refused.value.errors


# --- start -------------------------------------------------------------------------------------------


def test_start_by_a_team_member(scheduled, team, pharmacy):
    services.inspection_start(actor=team[1], inspection_id=scheduled.pk)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.IN_PROGRESS and scheduled.started_at
    assert TimelineEvent.objects.filter(enterprise=pharmacy, kind="inspection").exists()


def test_start_refused_to_an_inspector_outside_the_team(scheduled):
    outsider = f.inspector("360102")
    with pytest.raises(PermissionDenied):
        services.inspection_start(actor=outsider, inspection_id=scheduled.pk)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED
    assert _denied("inspection.start")


def test_start_twice_is_refused(scheduled, team):
    services.inspection_start(actor=team[0], inspection_id=scheduled.pk)
    with pytest.raises(TransitionNotAllowed):
        services.inspection_start(actor=team[0], inspection_id=scheduled.pk)


def test_another_county_does_not_find_it(scheduled, other_county_regulator):
    with pytest.raises(NotFound):
        services.inspection_start(actor=other_county_regulator, inspection_id=scheduled.pk)


# --- the checklist -------------------------------------------------------------------------------------


def test_submission_stores_results_findings_and_photos(scheduled, team):
    photo = services.PhotoIn(name="冷柜.png", data=f.png_bytes(), item="R08")
    submission = f.submit(
        team[0], scheduled, failing={"R08": "critical", "R11": "minor"}, photos=[photo]
    )
    inspection = submission.inspection
    assert not submission.already_recorded
    assert inspection.status == Status.SUBMITTED
    # a scheduled inspection is started on the way: two history rows
    assert list(inspection.events.values_list("action", flat=True)) == [
        "schedule",
        "start",
        "submit",
    ]
    assert InspectionResult.objects.filter(inspection=inspection).count() == 23
    assert inspection.findings.count() == 2
    stored = InspectionPhoto.objects.get(inspection=inspection)
    assert stored.content_type == "image/png" and stored.finding.item.code == "R08"
    assert inspection.acknowledged_by == "张经理" and inspection.acknowledged_at


def test_a_checklist_submitted_twice_is_recorded_once(scheduled, team):
    first = f.submit(team[0], scheduled, failing={"R11": "minor"}, submission_key="retry-key-0001")
    second = f.submit(
        team[1],
        scheduled,
        failing={"R11": "major", "R12": "major"},
        submission_key="retry-key-0001",
    )
    assert not first.already_recorded
    assert second.already_recorded
    assert InspectionResult.objects.filter(inspection=scheduled).count() == 23
    assert list(Finding.objects.filter(inspection=scheduled).values_list("grade", flat=True)) == [
        "minor"
    ]
    assert scheduled.events.filter(action="submit").count() == 1
    assert AuditEntry.objects.filter(
        action="inspection.submit", detail__contains="already recorded"
    ).exists()


def test_a_second_checklist_with_another_key_is_refused(scheduled, team):
    f.submit(team[0], scheduled)
    with pytest.raises(TransitionNotAllowed):
        f.submit(team[0], scheduled)
    assert InspectionResult.objects.filter(inspection=scheduled).count() == 23


def test_a_key_used_for_another_inspection_is_a_conflict(checklists, team, enterprises):
    one = f.schedule(team[0], enterprises["donghu"], team)
    other = f.schedule(team[0], factories.EnterpriseFactory(region_code="360102"), team)
    f.submit(team[0], one, submission_key="shared-key-01")
    with pytest.raises(Conflict):
        f.submit(team[0], other, submission_key="shared-key-01")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r, fi, a: r.pop("R01"), "results.R01"),
        (lambda r, fi, a: r.update({"R01": {"result": "maybe"}}), "results.R01"),
        (lambda r, fi, a: r.update({"X99": {"result": "compliant"}}), "results.X99"),
        (lambda r, fi, a: r.update({"R05": {"result": "non_compliant"}}), "results.R05"),
        (lambda r, fi, a: fi[0].update({"grade": "minor"}), "findings[0].grade"),
        (lambda r, fi, a: fi[0].update({"note": ""}), "findings[0].note"),
        (lambda r, fi, a: a.update({"name": ""}), "acknowledgement.name"),
        (lambda r, fi, a: a.update({"acknowledged": False}), "acknowledgement.acknowledged"),
    ],
)
def test_bad_checklists_are_refused_naming_the_field(scheduled, team, mutate, field):
    results, findings = f.answers(scheduled, failing={"R03": "critical"})  # R03 is a key item
    acknowledgement = dict(f.ACK)
    mutate(results, findings, acknowledgement)
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_submit_checklist(
            actor=team[0],
            inspection_id=scheduled.pk,
            key=f.key(),
            results=results,
            findings=findings,
            acknowledgement=acknowledgement,
        )
    assert field in refused.value.errors
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED  # not even started
    assert not InspectionResult.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("photo.jpg", b"GIF89a not a jpeg", "not a JPEG or PNG"),
        ("scan.png", b"%PDF-1.7 a pdf named png", "not a JPEG or PNG"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_bad_photos_are_refused_naming_the_field_and_nothing_is_stored(
    scheduled, team, name, data, reason
):
    with pytest.raises(ValidationFailed) as refused:
        f.submit(team[0], scheduled, photos=[services.PhotoIn(name=name, data=data)])
    assert "photos" in refused.value.errors
    assert name in refused.value.errors["photos"][0] and reason in refused.value.errors["photos"][0]
    assert not InspectionResult.objects.exists() and not InspectionPhoto.objects.exists()


def test_a_photo_too_large_is_refused(scheduled, team, monkeypatch):
    from yaojian.inspection.services import field

    monkeypatch.setattr(field, "PHOTO_MAX_BYTES", 1000)
    big = services.PhotoIn(name="big.jpg", data=f.jpeg_bytes(400, 300) + b"\0" * 2000)
    with pytest.raises(ValidationFailed) as refused:
        f.submit(team[0], scheduled, photos=[big])
    assert "larger than" in refused.value.errors["photos"][0]


def test_the_submission_key_must_be_well_formed(scheduled, team):
    with pytest.raises(ValidationFailed) as refused:
        f.submit(team[0], scheduled, submission_key="short")
    assert "key" in refused.value.errors


def test_only_the_team_submits(scheduled):
    outsider = f.inspector("360102")
    with pytest.raises(PermissionDenied):
        f.submit(outsider, scheduled)
    assert _denied("inspection.submit")
    assert not InspectionResult.objects.exists()


# --- outcomes ----------------------------------------------------------------------------------------


@pytest.fixture
def submitted_clean(scheduled, team):
    return f.submit(team[0], scheduled).inspection


@pytest.fixture
def submitted_with_findings(scheduled, team):
    return f.submit(team[0], scheduled, failing={"R03": "critical", "R11": "minor"}).inspection


def test_pass_closes_and_goes_on_the_file(submitted_clean, team, pharmacy, owner):
    services.inspection_decide(actor=team[0], inspection_id=submitted_clean.pk, outcome="pass")
    submitted_clean.refresh_from_db()
    assert submitted_clean.status == Status.CLOSED and submitted_clean.outcome == "pass"
    assert submitted_clean.closed_at
    assert TimelineEvent.objects.filter(enterprise=pharmacy, title__contains="passed").exists()
    assert owner.messages.filter(subject__contains=submitted_clean.number).exists()


def test_an_inspection_with_findings_cannot_pass(submitted_with_findings, team):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_decide(
            actor=team[0], inspection_id=submitted_with_findings.pk, outcome="pass"
        )
    assert "outcome" in refused.value.errors
    submitted_with_findings.refresh_from_db()
    assert submitted_with_findings.status == Status.SUBMITTED


def test_rectification_deadline_is_counted_in_working_days(submitted_with_findings, team):
    services.inspection_decide(
        actor=team[0], inspection_id=submitted_with_findings.pk, outcome="rectify", days=15
    )
    submitted_with_findings.refresh_from_db()
    assert submitted_with_findings.status == Status.RECTIFYING
    expected = clock.add_days(timezone.localdate(), 15)
    assert submitted_with_findings.rectification_deadline == expected
    assert clock.is_working_day(expected)
    assert submitted_with_findings.rectification_days == 15


def test_rectification_default_period_is_twenty_working_days(submitted_with_findings, team):
    services.inspection_decide(
        actor=team[0], inspection_id=submitted_with_findings.pk, outcome="rectify"
    )
    submitted_with_findings.refresh_from_db()
    assert submitted_with_findings.rectification_deadline == clock.add_days(
        timezone.localdate(), 20
    )


@pytest.mark.parametrize("days", [0, 61, "soon"])
def test_rectification_period_out_of_range_is_refused(submitted_with_findings, team, days):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_decide(
            actor=team[0], inspection_id=submitted_with_findings.pk, outcome="rectify", days=days
        )
    assert "days" in refused.value.errors


def test_rectification_needs_findings(submitted_clean, team):
    with pytest.raises(ValidationFailed):
        services.inspection_decide(
            actor=team[0], inspection_id=submitted_clean.pk, outcome="rectify"
        )


def test_referral_needs_reasons_and_reaches_case_officers(submitted_with_findings, team):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_decide(
            actor=team[0], inspection_id=submitted_with_findings.pk, outcome="refer"
        )
    assert "note" in refused.value.errors
    services.inspection_decide(
        actor=team[0],
        inspection_id=submitted_with_findings.pk,
        outcome="refer",
        note="执业药师不在岗仍销售处方药，涉嫌违反《药品管理法》",
    )
    submitted_with_findings.refresh_from_db()
    assert submitted_with_findings.status == Status.CLOSED
    assert submitted_with_findings.outcome == "refer"
    from yaojian.enforcement.models import CaseSource

    source = CaseSource.objects.get(ref=submitted_with_findings.number)
    assert source.kind == "inspection" and source.enterprise == submitted_with_findings.enterprise
    assert submitted_with_findings.case_ref == f"enforcement-source:{source.pk}"
    assert submitted_with_findings.case_link
    assert TimelineEvent.objects.filter(severity="alert", kind="inspection").exists()


def test_outcome_by_a_leader_not_on_the_team(submitted_clean, province):
    leader = factories.regulator("360102", roles=[Role.LEADER], mfa=False)
    services.inspection_decide(actor=leader, inspection_id=submitted_clean.pk, outcome="pass")
    submitted_clean.refresh_from_db()
    assert submitted_clean.status == Status.CLOSED


def test_outcome_refused_to_an_inspector_outside_the_team(submitted_clean):
    with pytest.raises(PermissionDenied):
        services.inspection_decide(
            actor=f.inspector("360102"), inspection_id=submitted_clean.pk, outcome="pass"
        )
    assert _denied("inspection.decide")


def test_outcome_before_submission_is_refused(scheduled, team):
    with pytest.raises(TransitionNotAllowed):
        services.inspection_decide(actor=team[0], inspection_id=scheduled.pk, outcome="pass")


def test_unknown_outcome(submitted_clean, team):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_decide(actor=team[0], inspection_id=submitted_clean.pk, outcome="warn")
    assert "outcome" in refused.value.errors


# --- rectification -------------------------------------------------------------------------------------


@pytest.fixture
def rectifying(submitted_with_findings, team):
    return services.inspection_decide(
        actor=team[0], inspection_id=submitted_with_findings.pk, outcome="rectify", days=10
    )


def _evidence():
    return [
        services.FileIn(name="整改报告.pdf", data=b"%PDF-1.4 rectification report"),
        services.FileIn(name="冷柜照片.jpg", data=f.jpeg_bytes()),
    ]


def test_the_enterprise_submits_and_the_inspector_accepts(rectifying, owner, team, pharmacy):
    rectification = services.rectification_submit(
        actor=owner,
        inspection_id=rectifying.pk,
        statement="已配备执业药师并在岗，已补全温湿度记录。",
        files=_evidence(),
    )
    assert rectification.on_time and rectification.evidence.count() == 2
    rectifying.refresh_from_db()
    assert rectifying.status == Status.RECTIFICATION_SUBMITTED
    todo = Todo.objects.get(kind="inspection.review_rectification", object_id=str(rectifying.pk))
    assert todo.assignee == team[0]
    services.rectification_accept(actor=team[0], inspection_id=rectifying.pk, note="整改到位")
    rectifying.refresh_from_db()
    assert rectifying.status == Status.CLOSED and rectifying.outcome == "rectify"
    rectification.refresh_from_db()
    assert rectification.decision == "accepted"
    todo.refresh_from_db()
    assert todo.status == TodoStatus.DONE
    titles = list(
        TimelineEvent.objects.filter(enterprise=pharmacy, kind="inspection").values_list(
            "title", flat=True
        )
    )
    assert any("submitted" in t for t in titles) and any("accepted" in t for t in titles)
    assert list(rectifying.events.values_list("action", flat=True))[-3:] == [
        "require_rectification",
        "submit_rectification",
        "accept_rectification",
    ]


def test_the_inspector_returns_it_with_a_reason_and_a_new_period(rectifying, owner, team):
    services.rectification_submit(
        actor=owner,
        inspection_id=rectifying.pk,
        statement="已整改完毕，详见附件。",
        files=_evidence(),
    )
    with pytest.raises(ValidationFailed):
        services.rectification_return(actor=team[0], inspection_id=rectifying.pk, reason="")
    services.rectification_return(
        actor=team[0], inspection_id=rectifying.pk, reason="缺少温湿度记录整改证明", days=5
    )
    rectifying.refresh_from_db()
    assert rectifying.status == Status.RECTIFYING
    assert rectifying.rectification_deadline == clock.add_days(timezone.localdate(), 5)
    assert Rectification.objects.get().decision == "returned"
    # the enterprise submits again
    services.rectification_submit(
        actor=owner,
        inspection_id=rectifying.pk,
        statement="补充提交温湿度记录。",
        files=_evidence(),
    )
    rectifying.refresh_from_db()
    assert rectifying.status == Status.RECTIFICATION_SUBMITTED


def test_late_rectification_is_marked(rectifying, owner):
    Inspection.objects.filter(pk=rectifying.pk).update(
        rectification_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    rectification = services.rectification_submit(
        actor=owner,
        inspection_id=rectifying.pk,
        statement="逾期整改完毕，详见附件。",
        files=_evidence(),
    )
    assert not rectification.on_time


@pytest.mark.parametrize(
    ("statement", "files", "field"),
    [
        ("短", None, "statement"),
        ("已经完成全部整改工作。", [], "files"),
        (
            "已经完成全部整改工作。",
            [services.FileIn(name="a.pdf", data=b"MZ\x90\x00 exe")],
            "files",
        ),
    ],
)
def test_bad_rectification_is_refused(rectifying, owner, statement, files, field):
    with pytest.raises(ValidationFailed) as refused:
        services.rectification_submit(
            actor=owner,
            inspection_id=rectifying.pk,
            statement=statement,
            files=_evidence() if files is None else files,
        )
    assert field in refused.value.errors
    rectifying.refresh_from_db()
    assert rectifying.status == Status.RECTIFYING
    assert not Rectification.objects.exists()


def test_rectification_needs_the_right_to_respond(rectifying, pharmacy):
    viewer = factories.enterprise_user(pharmacy, master=False, rights=[EnterpriseRight.VIEW])
    with pytest.raises(PermissionDenied):
        services.rectification_submit(
            actor=viewer, inspection_id=rectifying.pk, statement="已经完成整改。", files=_evidence()
        )
    assert _denied("inspection.submit_rectification")


def test_another_enterprise_does_not_find_it(rectifying, enterprises):
    stranger = factories.enterprise_user(enterprises["xihu"], master=True)
    with pytest.raises(NotFound):
        services.rectification_submit(
            actor=stranger,
            inspection_id=rectifying.pk,
            statement="已经完成整改。",
            files=_evidence(),
        )


def test_a_regulator_cannot_submit_the_rectification(rectifying, team):
    with pytest.raises(PermissionDenied):
        services.rectification_submit(
            actor=team[0],
            inspection_id=rectifying.pk,
            statement="代为提交整改。",
            files=_evidence(),
        )


def test_accept_without_a_submission_is_refused(rectifying, team):
    with pytest.raises(TransitionNotAllowed):
        services.rectification_accept(actor=team[0], inspection_id=rectifying.pk)


def test_overdue_rectification_is_visible(rectifying, team, county_regulator):
    assert not selectors.inspection_list(county_regulator, due="rectification_overdue").exists()
    Inspection.objects.filter(pk=rectifying.pk).update(
        rectification_deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    rows = selectors.inspection_list(county_regulator, due="rectification_overdue")
    assert list(rows) == [rectifying]
    counts = selectors.overview(county_regulator)
    assert counts["overdue"] == 1 and counts["rectification_overdue"] == 1
    rectifying.refresh_from_db()
    assert rectifying.rectification_overdue()


def test_a_referral_after_a_failed_rectification(rectifying, team):
    services.inspection_decide(
        actor=team[0], inspection_id=rectifying.pk, outcome="refer", note="逾期未整改"
    )
    rectifying.refresh_from_db()
    assert rectifying.status == Status.CLOSED and rectifying.outcome == "refer"


# --- cancel --------------------------------------------------------------------------------------------


def test_cancel_needs_a_reason_and_a_leader(scheduled, team, province):
    with pytest.raises(PermissionDenied):
        services.inspection_cancel(actor=team[0], inspection_id=scheduled.pk, reason="企业已注销")
    approver = factories.regulator("360102", roles=[Role.APPROVER], mfa=False)
    with pytest.raises(ValidationFailed):
        services.inspection_cancel(actor=approver, inspection_id=scheduled.pk, reason="")
    services.inspection_cancel(actor=approver, inspection_id=scheduled.pk, reason="企业已注销")
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED


# --- scope ----------------------------------------------------------------------------------------------


def test_scope_of_the_reads(
    scheduled, team, county_regulator, city_regulator, other_county_regulator, owner, enterprises
):
    assert selectors.inspection_get(county_regulator, scheduled.pk) == scheduled
    assert selectors.inspection_get(city_regulator, scheduled.pk) == scheduled
    with pytest.raises(NotFound):
        selectors.inspection_get(other_county_regulator, scheduled.pk)
    assert not selectors.inspection_list(other_county_regulator).exists()
    # the enterprise does not see an unannounced inspection before the checklist is submitted
    with pytest.raises(NotFound):
        selectors.inspection_get(owner, scheduled.pk)
    f.submit(team[0], scheduled)
    assert selectors.inspection_get(owner, scheduled.pk) == scheduled
    stranger = factories.enterprise_user(enterprises["xihu"], master=True)
    with pytest.raises(NotFound):
        selectors.inspection_get(stranger, scheduled.pk)
    assert not selectors.inspection_list(None).exists()


def test_a_team_member_from_another_bureau_sees_the_inspection(checklists, pharmacy, province):
    city = factories.regulator("360100", roles=[Role.INSPECTOR, Role.LEADER], mfa=False)
    visitor = f.inspector("360402")  # drawn from Jiujiang for a cross-region inspection
    inspection = f.schedule(city, pharmacy, [city, visitor])
    assert selectors.inspection_get(visitor, inspection.pk) == inspection
    assert list(selectors.inspection_list(visitor)) == [inspection]
    assert list(selectors.inspection_list(visitor, mine=True)) == [inspection]


# --- checklists ---------------------------------------------------------------------------------------


def test_shipped_checklists(checklists):
    from yaojian.inspection.models import Checklist

    kinds = dict(Checklist.objects.filter(active=True).values_list("kind", "code"))
    assert set(kinds) == {
        "gsp_wholesale",
        "gsp_retail",
        "gmp",
        "device_distribution",
        "device_production",
        "cosmetics_production",
    }
    for checklist in Checklist.objects.all():
        count = checklist.items.count()
        assert 15 <= count <= 30, checklist.code
        assert checklist.items.filter(key_item=True).exists()
        assert all(item.rule for item in checklist.items.all())


def test_checklist_administration(checklists, sysadmin, team):
    from yaojian.inspection.models import Checklist

    retail = Checklist.objects.get(kind="gsp_retail", active=True)
    item = services.checklist_item_save(
        actor=sysadmin,
        checklist_id=retail.pk,
        code="R24",
        text="营业场所配备符合要求的药品追溯扫码设备",
        rule="《药品管理法》第十二条",
        key_item=False,
        position=240,
    )
    assert item.pk and retail.items.count() == 24
    with pytest.raises(ValidationFailed) as refused:
        services.checklist_item_save(
            actor=sysadmin, checklist_id=retail.pk, code="R24", text="重复", rule="x"
        )
    assert "code" in refused.value.errors
    with pytest.raises(PermissionDenied):
        services.checklist_item_save(
            actor=team[0], checklist_id=retail.pk, code="R25", text="x", rule="y"
        )
    # a new checklist activated for the kind retires the old one
    new = services.checklist_save(
        actor=sysadmin,
        code="gsp-retail-2027",
        kind="gsp_retail",
        name="药品零售企业检查表（2027版）",
        legal_basis="GSP",
        active=True,
    )
    retail.refresh_from_db()
    assert new.active and not retail.active


def test_referral_without_the_enforcement_app_posts_a_todo(
    submitted_with_findings, team, monkeypatch
):
    import sys

    monkeypatch.setitem(sys.modules, "yaojian.enforcement.services", None)  # as if not installed
    services.inspection_decide(
        actor=team[0], inspection_id=submitted_with_findings.pk, outcome="refer", note="涉嫌违法"
    )
    todo = Todo.objects.get(
        kind="inspection.case_referral", object_id=str(submitted_with_findings.pk)
    )
    assert todo.role == Role.CASE_OFFICER and todo.bureau.region_code == "360102"
    submitted_with_findings.refresh_from_db()
    assert submitted_with_findings.case_ref == "" and submitted_with_findings.outcome == "refer"


def test_a_cross_region_team_refers_the_clue_to_the_competent_bureau(
    checklists, pharmacy, province
):
    from yaojian.enforcement.models import CaseSource

    city = factories.regulator("360100", roles=[Role.INSPECTOR, Role.LEADER], mfa=False)
    visitor = f.inspector("360402")
    inspection = f.schedule(city, pharmacy, [visitor, city])
    f.submit(visitor, inspection, failing={"R11": "minor"})
    services.inspection_decide(
        actor=visitor, inspection_id=inspection.pk, outcome="refer", note="交叉检查发现问题"
    )
    source = CaseSource.objects.get(ref=inspection.number)
    assert source.kind == "referral" and source.bureau.region_code == "360102"


def test_the_nightly_reminder_of_overdue_rectifications(rectifying, team):
    from yaojian.inspection import tasks

    assert services.rectifications_overdue_remind() == 0
    Inspection.objects.filter(pk=rectifying.pk).update(
        rectification_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    assert tasks.rectifications_overdue.enqueue().return_value == 1
    services.rectifications_overdue_remind()  # again: still one open to-do
    todos = Todo.objects.filter(kind="inspection.rectification_overdue", status=TodoStatus.OPEN)
    assert todos.count() == 1 and todos.get().assignee == team[0]


def test_scheduling_the_same_drawn_selection_again_returns_the_first(scheduled, team, pharmacy):
    again = f.schedule(team[0], pharmacy, team)  # same origin and reference
    assert again.pk == scheduled.pk
    assert Inspection.objects.count() == 1
