"""The case from clue to closure through the services, with the refusals on the way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yaojian.audit.models import AuditEntry
from yaojian.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from yaojian.enforcement import services
from yaojian.enforcement.choices import PaymentMode, SourceStatus, Status
from yaojian.enforcement.models import Case, CaseEvent
from yaojian.registry.models import TimelineEvent
from yaojian.workbench.models import Todo

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_clue_becomes_a_todo_with_its_15_working_day_limit(officers, donghu, today):
    today(dt.date(2026, 9, 25))  # before the National Day holiday
    clue = f.source(officers[0], donghu)
    assert clue.status == SourceStatus.PENDING
    assert clue.bureau.region_code == "360102"
    # 15 working days after 25 Sept 2026, skipping 1–8 October (holiday; 9/10 Oct make-up days)
    from yaojian.core import clock

    assert clue.decide_by == clock.add_days(dt.date(2026, 9, 25), 15)
    assert clue.decide_by > dt.date(2026, 10, 16)
    todo = Todo.objects.get(kind="case_source")
    assert todo.bureau.region_code == "360102" and todo.role == "case_officer"


def test_the_whole_case_from_filing_to_closure(officers, approver, donghu, today):
    today(dt.date(2026, 6, 1))
    case = f.proposed(officers, donghu)
    assert case.status == Status.PROPOSED and case.number == ""
    case = services.case_approve_filing(actor=approver, case_id=case.pk)
    assert case.status == Status.INVESTIGATING
    assert case.number == "东湖市监药立〔2026〕1号"
    assert case.filed_on == dt.date(2026, 6, 1)
    assert case.deadline == dt.date(2026, 8, 31)  # 90 calendar days: 30 Aug is a Sunday
    case.source.refresh_from_db()
    assert case.source.status == SourceStatus.FILED
    case = f.notified(case, officers[0])
    assert case.status == Status.NOTIFIED
    assert case.hearing_right  # 150,000 yuan for an organisation
    assert case.statement_due == dt.date(2026, 6, 8)
    today(dt.date(2026, 6, 9))
    case = services.case_decide(
        actor=approver,
        case_id=case.pk,
        reasons="初次违法，积极整改",
        provision="dal-126",
        discretion="lighter",
        fine=Decimal("120000"),
        warning=True,
    )
    assert case.status == Status.DECIDED
    assert case.decision_number == "东湖市监药罚〔2026〕1号"
    assert case.payment_mode == PaymentMode.PENDING
    assert case.publication_due == dt.date(2026, 7, 8)  # 20 working days; 19 June is 端午节
    with pytest.raises(ValidationFailed):
        services.case_close(actor=officers[0], case_id=case.pk)
    services.payment_record(actor=officers[0], case_id=case.pk, amount="120000")
    case = services.case_close(actor=officers[0], case_id=case.pk)
    assert case.status == Status.CLOSED
    from yaojian.enforcement import selectors

    figures = selectors.figures(approver)
    assert figures["average_decision_days"] == 8.0  # 1 June to 9 June
    assert figures["average_closure_days"] == 8.0
    assert dict((k, n) for k, _label, n in figures["by_status"])["closed"] == 1
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [
        "propose",
        "approve_filing",
        "evidence",
        "notify",
        "decide",
        "payment",
        "close",
    ]
    assert TimelineEvent.objects.filter(enterprise=donghu, kind="penalty").count() >= 4
    assert AuditEntry.objects.filter(action="enforcement.case.decide", outcome="success").exists()


def test_filing_needs_a_head_and_two_officers(officers, donghu, province):
    case = f.proposed(officers, donghu)
    with pytest.raises(PermissionDenied):
        services.case_approve_filing(actor=officers[0], case_id=case.pk)
    assert Case.objects.get(pk=case.pk).status == Status.PROPOSED
    assert AuditEntry.objects.filter(
        action="enforcement.case.approve_filing", outcome="denied"
    ).exists()
    clue = f.source(officers[0], donghu)
    with pytest.raises(ValidationFailed) as caught:
        services.case_propose(
            actor=officers[0], source_id=clue.pk, title="x", officer_ids=[officers[0].pk]
        )
    assert "officers" in caught.value.errors


def test_an_officer_outside_the_jurisdiction_cannot_file(officers, enterprises, province):
    lianxi = enterprises["lianxi"]
    with pytest.raises(PermissionDenied):
        f.source(officers[0], lianxi)
    assert AuditEntry.objects.filter(
        action="enforcement.source.register", outcome="denied"
    ).exists()
    # a referral reaches the competent bureau, which the referring officer cannot file on
    clue = f.source(officers[0], lianxi, source_kind="referral")
    assert clue.bureau.region_code == "360402"
    from yaojian.core.errors import NotFound

    with pytest.raises(NotFound):
        services.case_propose(
            actor=officers[0], source_id=clue.pk, title="x", officer_ids=[o.pk for o in officers]
        )


def test_a_decision_before_the_rights_notice_is_refused(officers, approver, donghu):
    case = f.filed(officers, approver, donghu)
    with pytest.raises(ValidationFailed) as caught:
        services.case_decide(actor=approver, case_id=case.pk, reasons="x", **f.PENALTY)
    assert caught.value.code == "rights_notice_missing"
    assert Case.objects.get(pk=case.pk).status == Status.INVESTIGATING


def test_a_decision_while_the_windows_are_open_is_refused_until_waived(
    officers, approver, donghu, today
):
    today(dt.date(2026, 6, 1))
    case = f.notified(f.filed(officers, approver, donghu), officers[0])
    today(dt.date(2026, 6, 8))  # the 5th working day: still open
    with pytest.raises(ValidationFailed) as caught:
        services.case_decide(actor=approver, case_id=case.pk, reasons="x", **f.PENALTY)
    assert caught.value.code == "rights_window_open"
    services.rights_waiver_record(actor=officers[0], case_id=case.pk, note="当事人书面放弃")
    case = services.case_decide(actor=approver, case_id=case.pk, reasons="x", **f.PENALTY)
    assert case.status == Status.DECIDED


def test_the_decision_cannot_be_heavier_than_the_notice(officers, approver, donghu, today):
    today(dt.date(2026, 6, 1))
    case = f.notified(f.filed(officers, approver, donghu), officers[0])
    today(dt.date(2026, 6, 15))
    with pytest.raises(ValidationFailed):
        services.case_decide(
            actor=approver,
            case_id=case.pk,
            reasons="x",
            **{**f.PENALTY, "fine": Decimal("200000"), "discretion": "ordinary"},
        )


def test_a_fine_outside_the_discretion_band_is_refused(officers, approver, donghu, today):
    today(dt.date(2026, 6, 1))
    case = f.with_evidence(f.filed(officers, approver, donghu), officers[0])
    with pytest.raises(ValidationFailed) as caught:
        services.case_notify(
            actor=officers[0], case_id=case.pk, **{**f.PENALTY, "fine": Decimal("400000")}
        )
    assert "fine" in caught.value.errors
    assert "220,000" in caught.value.errors["fine"][0]  # lighter: 100,000–220,000


def test_the_statement_and_the_hearing_request_within_the_window(
    officers, approver, donghu, enterprise_master, today
):
    today(dt.date(2026, 6, 1))
    case = f.notified(f.filed(officers, approver, donghu), officers[0])
    services.statement_submit(actor=enterprise_master, case_id=case.pk, text="我司已整改。")
    today(dt.date(2026, 6, 9))  # the 6th working day
    with pytest.raises(ValidationFailed):
        services.hearing_request(actor=enterprise_master, case_id=case.pk)
    with pytest.raises(ValidationFailed):
        services.statement_submit(actor=enterprise_master, case_id=case.pk, text="补充")
    assert Case.objects.get(pk=case.pk).status == Status.NOTIFIED
    assert AuditEntry.objects.filter(
        action="enforcement.case.request_hearing", outcome="failed"
    ).exists()


def test_the_hearing_pauses_the_clock(officers, approver, donghu, enterprise_master, today):
    today(dt.date(2026, 6, 1))
    case = f.notified(f.filed(officers, approver, donghu), officers[0])
    assert case.deadline == dt.date(2026, 8, 31)
    today(dt.date(2026, 6, 3))
    services.hearing_request(actor=enterprise_master, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.HEARING
    with pytest.raises(ValidationFailed):  # less than 7 days' notice
        services.hearing_schedule(
            actor=officers[0],
            case_id=case.pk,
            scheduled_for=dt.datetime(2026, 6, 9, 9, 0),
            place="东湖区局听证室",
            host="王立",
            notice_sent_on=dt.date(2026, 6, 3),
        )
    services.hearing_schedule(
        actor=officers[0],
        case_id=case.pk,
        scheduled_for=dt.datetime(2026, 6, 10, 9, 0),
        place="东湖区局听证室",
        host="王立",
        notice_sent_on=dt.date(2026, 6, 3),
    )
    today(dt.date(2026, 6, 12))
    services.hearing_finish(
        actor=officers[0],
        case_id=case.pk,
        held_on=dt.date(2026, 6, 10),
        record="……",
        outcome="维持",
    )
    case.refresh_from_db()
    assert case.status == Status.HEARD
    # 3 June to 10 June inclusive (8 days) are not counted
    assert case.deadline == dt.date(2026, 9, 7)


def test_transfer_to_the_competent_bureau(officers, approver, donghu, province):
    from yaojian.accounts.choices import Role
    from yaojian.testing import factories

    case = f.filed(officers, approver, donghu)
    city_officers = [f.officer("360100"), f.officer("360100")]
    city_head = factories.regulator("360100", roles=[Role.APPROVER])
    with pytest.raises(ValidationFailed):
        services.case_transfer_out(
            actor=officers[0], case_id=case.pk, bureau_code="360402", reason="x"
        )
    case = services.case_transfer_out(
        actor=officers[0], case_id=case.pk, bureau_code="360100", reason="涉案金额大，属市局管辖"
    )
    assert case.status == Status.TRANSFERRING
    with pytest.raises(PermissionDenied):
        services.case_accept_transfer(
            actor=officers[1], case_id=case.pk, officer_ids=[o.pk for o in officers]
        )
    case = services.case_accept_transfer(
        actor=city_officers[0], case_id=case.pk, officer_ids=[o.pk for o in city_officers]
    )
    assert (
        case.status == Status.PROPOSED and case.bureau.region_code == "360100" and case.number == ""
    )
    case = services.case_approve_filing(actor=city_head, case_id=case.pk)
    assert case.number.startswith("南昌市监药立")


def test_first_offence_exemption(officers, approver, donghu, today):
    today(dt.date(2026, 6, 1))
    case = f.filed(officers, approver, donghu, provision="dal-127")
    case = services.case_decide(
        actor=approver,
        case_id=case.pk,
        reasons="首次违法、危害后果轻微并及时改正",
        provision="dal-127",
        discretion="exempt",
    )
    assert case.status == Status.DECIDED and not case.imposes_penalty
    assert case.publication_state == ""
    services.case_close(actor=officers[0], case_id=case.pk)
    # the next offence within two years is no first offence
    other = f.filed(officers, approver, donghu, provision="dal-127")
    f.notified(
        other,
        officers[0],
        provision="dal-127",
        discretion="lighter",
        fine=Decimal("100000"),
        warning=True,
    )
    today(dt.date(2026, 6, 20))
    services.rights_waiver_record(actor=officers[0], case_id=other.pk, note="放弃")
    services.case_decide(
        actor=approver,
        case_id=other.pk,
        reasons="x",
        provision="dal-127",
        discretion="lighter",
        fine=Decimal("100000"),
        warning=True,
    )
    third = f.filed(officers, approver, donghu, provision="dal-127")
    with pytest.raises(ValidationFailed):
        services.case_decide(
            actor=approver, case_id=third.pk, reasons="x", provision="dal-127", discretion="exempt"
        )


def test_steps_out_of_order_are_refused(officers, approver, donghu):
    case = f.proposed(officers, donghu)
    with pytest.raises(TransitionNotAllowed):
        services.case_close(actor=officers[0], case_id=case.pk)
    with pytest.raises(TransitionNotAllowed):
        services.case_notify(actor=officers[0], case_id=case.pk, **f.PENALTY)
