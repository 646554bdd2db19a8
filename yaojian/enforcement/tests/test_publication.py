"""Publication of decisions: due in 20 working days, 3 months or 3 years on show, withdrawal
within 3 working days, early removal on application, personal data masked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yaojian.core import clock as core
from yaojian.core.errors import PermissionDenied, ValidationFailed
from yaojian.enforcement import clock, publishing, services
from yaojian.enforcement.choices import PublicationState
from yaojian.enforcement.models import Case
from yaojian.portal import publications

from . import factories as f

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


def decided(officers, approver, enterprise, **penalty) -> Case:
    case = f.notified(f.filed(officers, approver, enterprise), officers[0], **penalty)
    services.rights_waiver_record(actor=officers[0], case_id=case.pk, note="书面放弃")
    return services.case_decide(
        actor=approver, case_id=case.pk, reasons="依据裁量基准", **{**f.PENALTY, **penalty}
    )


def test_a_large_fine_is_shown_for_three_years(officers, approver, donghu):
    case = decided(officers, approver, donghu)
    today = clock.today()
    assert case.publication_state == PublicationState.DUE
    assert case.publication_due == core.add_days(today, 20)
    case = publishing.case_publish(actor=officers[0], case_id=case.pk)
    assert case.publication_state == PublicationState.PUBLISHED
    assert case.display_until == publishing.add_months(today, 36) - dt.timedelta(days=1)
    publication = publications.for_source(publications.Kind.PENALTY_DECISION, case)
    assert publication.on_time is True
    assert publication.due_by == case.publication_due
    assert publication.display_until == case.display_until
    assert publication in publications.visible(kind=publications.Kind.PENALTY_DECISION)
    # each of the portal's languages with its own words, punctuation and bureau name
    assert publication.title == f"行政处罚决定书：{case.decision_number}"
    assert publication.title_en == f"Administrative penalty decision: {case.decision_number}"
    decided_by = {str(label): value for label, value in publication.fields["en"]}["Decided by"]
    assert decided_by == case.bureau.name_en and case.bureau.name in str(publication.fields)
    with pytest.raises(ValidationFailed):  # published once
        publishing.case_publish(actor=officers[0], case_id=case.pk)


def test_a_warning_or_small_fine_is_shown_for_three_months(officers, approver, enterprises):
    case = f.filed(officers, approver, enterprises["donghu"], provision="dal-130")
    f.with_evidence(case, officers[0])
    services.case_notify(
        actor=officers[0], case_id=case.pk, provision="dal-130", discretion="lighter", warning=True
    )
    services.rights_waiver_record(actor=officers[0], case_id=case.pk, note="放弃")
    case = services.case_decide(
        actor=approver,
        case_id=case.pk,
        reasons="x",
        provision="dal-130",
        discretion="lighter",
        warning=True,
    )
    assert publishing.is_minor(case)
    case = publishing.case_publish(actor=officers[0], case_id=case.pk)
    assert case.display_until == publishing.add_months(clock.today(), 3) - dt.timedelta(days=1)


def test_minor_means_below_the_hearing_thresholds():
    small = Case(party_kind="organisation", fine=Decimal("99999"))
    assert publishing.is_minor(small)
    assert not publishing.is_minor(Case(party_kind="organisation", fine=Decimal("100000")))
    assert not publishing.is_minor(Case(party_kind="natural_person", fine=Decimal("10000")))
    assert not publishing.is_minor(Case(party_kind="organisation", fine=0, licence_revoked=True))
    assert publishing.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_personal_data_is_masked(officers, approver, donghu):
    case = Case(
        enterprise=donghu,
        bureau=officers[0].bureau,
        title="张三涉嫌销售劣药案",
        facts=f"当事人张三（身份证号{ID}，电话13812345678）销售劣药。",
        party_kind="natural_person",
        party_name="张三",
        provision="dal-126",
        fine=Decimal("5000"),
        decided_on=dt.date(2026, 1, 5),
        decision_number="东湖市监药罚〔2026〕9号",
    )
    text = " ".join(
        str(value() if callable(value) else value) for _label, value in publishing.fields_of(case)
    )
    assert ID not in text and "13812345678" not in text and "张三" not in text
    assert ID[:6] + "********" + ID[-4:] in text and "138****5678" in text and "张*" in text
    assert publishing.public_party(case) == "张*"
    # an organisation's name is published as registered
    case.party_kind, case.party_name = "organisation", donghu.name
    assert publishing.public_party(case) == donghu.name


def test_the_published_decision_of_a_natural_person_is_masked(officers, approver, leader, province):
    from yaojian.testing import factories

    shop = factories.EnterpriseFactory(region_code="360102", name="李四个体诊所")
    clue = f.source(officers[0], shop)
    case = services.case_propose(
        actor=officers[0],
        source_id=clue.pk,
        title="李四涉嫌违规案",
        facts=f"李四，身份证{ID}。",
        officer_ids=[o.pk for o in officers],
        party_kind="natural_person",
        party_name="李四",
        party_id_number=ID,
        provision="dal-130",
    )
    services.case_approve_filing(actor=approver, case_id=case.pk)
    f.with_evidence(Case.objects.get(pk=case.pk), officers[0])
    services.case_notify(
        actor=officers[0], case_id=case.pk, provision="dal-130", discretion="lighter", warning=True
    )
    services.rights_waiver_record(actor=officers[0], case_id=case.pk, note="放弃")
    services.case_decide(
        actor=approver,
        case_id=case.pk,
        reasons="x",
        provision="dal-130",
        discretion="lighter",
        warning=True,
    )
    publishing.case_publish(actor=officers[0], case_id=case.pk)
    publication = publications.for_source(publications.Kind.PENALTY_DECISION, case)
    stored = str(publication.fields) + publication.title + publication.summary
    assert "李四" not in stored and ID not in stored
    assert "李*" in stored


def test_annulment_withdraws_within_three_working_days(officers, approver, donghu):
    case = decided(officers, approver, donghu)
    publishing.case_publish(actor=officers[0], case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_annul(actor=officers[0], case_id=case.pk, reason="x")
    case = services.case_annul(actor=approver, case_id=case.pk, reason="行政复议决定撤销")
    assert case.publication_state == PublicationState.WITHDRAWN
    assert case.withdrawal_due == core.add_days(clock.today(), 3)
    assert case.withdrawn_on == clock.today()
    publication = publications.for_source(publications.Kind.PENALTY_DECISION, case)
    assert publication.withdrawn_at and publication.withdrawal_reason == "行政复议决定撤销"
    assert publication not in publications.visible(kind=publications.Kind.PENALTY_DECISION)


def test_an_annulled_decision_not_yet_published_is_never_published(officers, approver, donghu):
    case = decided(officers, approver, donghu)
    case = services.case_annul(actor=approver, case_id=case.pk, reason="变更")
    assert case.publication_state == ""
    with pytest.raises(ValidationFailed):
        publishing.case_publish(actor=officers[0], case_id=case.pk)


def test_early_removal_after_a_year_when_paid(
    officers, approver, donghu, enterprise_master, monkeypatch
):
    case = decided(officers, approver, donghu)
    publishing.case_publish(actor=officers[0], case_id=case.pk)
    with pytest.raises(ValidationFailed):  # too early
        publishing.removal_apply(actor=enterprise_master, case_id=case.pk, reason="已整改")
    later = publishing.add_months(clock.today(), 12)
    monkeypatch.setattr(clock, "today", lambda: later)
    with pytest.raises(ValidationFailed):  # not paid
        publishing.removal_apply(actor=enterprise_master, case_id=case.pk, reason="已整改")
    services.payment_record(actor=officers[0], case_id=case.pk, amount=case.fine)
    publishing.removal_apply(actor=enterprise_master, case_id=case.pk, reason="已整改并缴清罚款")
    with pytest.raises(PermissionDenied):
        publishing.removal_decide(actor=officers[0], case_id=case.pk, approve=True, note="x")
    publishing.removal_decide(
        actor=approver, case_id=case.pk, approve=True, note="符合信用修复条件"
    )
    case.refresh_from_db()
    assert case.publication_state == PublicationState.REMOVED
    publication = publications.for_source(publications.Kind.PENALTY_DECISION, case)
    assert publication.removed_at is not None


@pytest.mark.parametrize("publisher_language", ["zh-hans", "en"])
def test_the_summary_is_built_in_each_language(
    officers, approver, donghu, client, publisher_language
):
    """Whatever language the officer publishes in, the Chinese reader reads Chinese and the
    English reader English."""
    from django.utils import translation

    case = decided(officers, approver, donghu)
    with translation.override(publisher_language):
        publishing.case_publish(actor=officers[0], case_id=case.pk)
    publication = publications.for_source(publications.Kind.PENALTY_DECISION, case)
    assert publication.summary == f"{donghu.name} · 警告；罚款150,000.00元"
    assert publication.summary_en == f"{donghu.name} · Warning; Fine 150,000.00 yuan"
    penalty = {language: dict(rows) for language, rows in publication.fields.items()}
    assert penalty["zh-hans"]["处罚"] == "警告；罚款150,000.00元"
    assert penalty["en"]["Penalty"] == "Warning; Fine 150,000.00 yuan"
    # what each reader is shown
    assert publication.text("zh-hans")[1] == publication.summary
    assert publication.text("en")[1] == publication.summary_en
    url = f"/publications/{publication.pk}/"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "罚款150,000.00元" in chinese and "Fine 150,000.00 yuan" not in chinese
    assert "Fine 150,000.00 yuan" in english and "罚款150,000.00元" not in english
