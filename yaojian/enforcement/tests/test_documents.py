"""The rights notice (行政处罚告知书) and the decision (行政处罚决定书) as PDFs: served as PDF with
the case's numbers and the structure of the documents, the ID number masked, scoped like the
case (other counties and other enterprises get 404), available only once the document exists."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from yaojian.enforcement import services
from yaojian.enforcement.models import Case
from yaojian.testing import factories
from yaojian.testing.pdf import pdf_text

from . import factories as f

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


RECONSIDERATION = (
    "If you disagree with this decision you may apply for administrative reconsideration within "
    "60 days of receiving it, or bring an administrative lawsuit before the people's court within "
    "6 months of receiving it."
)
STATEMENT = (
    "Under Articles 44 and 45 of the Administrative Penalty Law you may state your case and "
    "defend yourself, in writing or orally, within 5 working days of receiving this notice "
    "(until %(date)s)."
)
HEARING = (
    "Under Article 63 of the Administrative Penalty Law you may request a hearing within 5 "
    "working days of receiving this notice (until %(date)s)."
)


def said(msgid: str, **values) -> str:
    """A sentence as the document says it in the active language, without whitespace."""
    text = gettext(msgid) % values if values else gettext(msgid)
    return re.sub(r"\s+", "", text)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_case(officers, approver, *, decide: bool) -> Case:
    """A natural person's case, notified (a fine with a hearing right), decided if asked."""
    shop = factories.EnterpriseFactory(region_code="360102", name="李四个体诊所")
    clue = f.source(officers[0], shop)
    case = services.case_propose(
        actor=officers[0],
        source_id=clue.pk,
        title="李四涉嫌违反药品经营质量管理规范案",
        facts="现场检查发现阴凉库温度超标，未采取调控措施。",
        officer_ids=[o.pk for o in officers],
        party_kind="natural_person",
        party_name="李四",
        party_id_number=ID,
        provision="dal-126",
    )
    case = f.notified(services.case_approve_filing(actor=approver, case_id=case.pk), officers[0])
    if decide:
        services.rights_waiver_record(actor=officers[0], case_id=case.pk, note="书面放弃")
        case = services.case_decide(
            actor=approver, case_id=case.pk, reasons="首次违法，主动整改，从轻处罚", **f.PENALTY
        )
    return Case.objects.get(pk=case.pk)


def test_the_notice_pdf(officers, approver):
    case = person_case(officers, approver, decide=False)
    client = client_for(officers[0])
    page = client.get(case.get_absolute_url()).content.decode()
    url = reverse("enforcement:case_pdf", args=[case.pk, "notice"])
    assert 'data-testid="notice-pdf"' in page and url in page
    assert 'data-testid="decision-pdf"' not in page  # no decision yet
    response = client.get(url)
    assert "attachment" not in response["Content-Disposition"]
    text = pdf_text(response)
    assert case.number in text
    assert "李四" in text and ID not in text and ID[:6] + "********" + ID[-4:] in text
    assert "阴凉库温度超标" in text  # the facts
    assert "现场检查笔录" in text  # the evidence list
    assert "第一百二十六条" in text  # the provision
    assert "罚款150,000.00元" in text  # the proposed penalty
    assert "100000–220000" in text  # the band of the lighter discretion
    assert said(STATEMENT, date=case.statement_due.isoformat()) in text
    # a large fine: the party may request a hearing
    assert said(HEARING, date=case.hearing_request_due.isoformat()) in text
    assert case.bureau.name in text and case.notified_on.isoformat() in text
    # before the decision there is no decision document
    assert (
        client.get(reverse("enforcement:case_pdf", args=[case.pk, "decision"])).status_code == 404
    )


def test_the_decision_pdf_for_the_officers_and_the_party(officers, approver, donghu):
    case = person_case(officers, approver, decide=True)
    client = client_for(officers[0])
    page = client.get(case.get_absolute_url()).content.decode()
    url = reverse("enforcement:case_pdf", args=[case.pk, "decision"])
    assert url in page
    text = pdf_text(client.get(url))
    assert case.decision_number in text and case.number in text
    assert ID not in text and ID[:6] + "********" + ID[-4:] in text
    assert "警告" in text and "罚款150,000.00元" in text
    assert "首次违法" in text  # the reasons for the discretion
    assert said(RECONSIDERATION) in text  # reconsideration in 60 days, a lawsuit in 6 months
    assert case.decided_on.isoformat() in text and case.bureau.name in text
    # the party downloads its own decision from its enterprise pages
    party = factories.enterprise_user(case.enterprise, master=True)
    own = client_for(party)
    my_url = reverse("enforcement:my_pdf", args=[case.pk, "decision"])
    assert my_url in own.get(reverse("enforcement:my_case", args=[case.pk])).content.decode()
    assert case.decision_number in pdf_text(own.get(my_url))
    # another enterprise does not
    stranger = factories.enterprise_user(donghu, master=True)
    assert client_for(stranger).get(my_url).status_code == 404
    # an enterprise user does not reach the regulators' address either
    assert own.get(url).status_code == 404


def test_the_party_downloads_its_notice_but_no_decision_before_it_is_made(
    officers, approver, donghu
):
    case = person_case(officers, approver, decide=False)
    party = client_for(factories.enterprise_user(case.enterprise, master=True))
    page = party.get(reverse("enforcement:my_case", args=[case.pk]))
    notice_url = reverse("enforcement:my_pdf", args=[case.pk, "notice"])
    assert page.status_code == 200 and notice_url in page.content.decode()
    text = pdf_text(party.get(notice_url))
    assert case.number in text and said(STATEMENT, date=case.statement_due.isoformat()) in text
    assert party.get(reverse("enforcement:my_pdf", args=[case.pk, "decision"])).status_code == 404
    stranger = client_for(factories.enterprise_user(donghu, master=True))
    assert stranger.get(notice_url).status_code == 404


def test_the_documents_are_scoped_like_the_case(officers, approver, other_county_regulator):
    case = person_case(officers, approver, decide=True)
    neighbour = f.officer("360103")  # a case officer of another county of the same city
    for user in (neighbour, other_county_regulator):
        client = client_for(user)
        for kind in ("notice", "decision"):
            response = client.get(reverse("enforcement:case_pdf", args=[case.pk, kind]))
            assert response.status_code in (403, 404)
            assert not response.content.startswith(b"%PDF")


def test_no_notice_before_it_is_served(officers, approver, donghu):
    case = f.filed(officers, approver, donghu)
    client = client_for(officers[0])
    assert 'data-testid="notice-pdf"' not in client.get(case.get_absolute_url()).content.decode()
    response = client.get(reverse("enforcement:case_pdf", args=[case.pk, "notice"]))
    assert response.status_code == 404


def test_the_documents_in_english(officers, approver, english):
    case = person_case(officers, approver, decide=True)
    client = client_for(officers[0])
    text = pdf_text(client.get(reverse("enforcement:case_pdf", args=[case.pk, "decision"])))
    assert case.decision_number in text
    assert "Warning" in text and "Fine150,000.00yuan" in text
    assert "60days" in text and "6months" in text
    assert said(RECONSIDERATION) in text


def test_one_view_per_audience_at_the_same_addresses(officers, approver):
    """The two documents share a view per audience, at the addresses they always had; any
    other document name is no address (404, nothing rendered, nothing audited)."""
    from django.urls import NoReverseMatch

    from yaojian.audit.models import AuditEntry

    case = person_case(officers, approver, decide=True)
    for kind in ("notice", "decision"):
        assert (
            reverse("enforcement:case_pdf", args=[case.pk, kind])
            == f"/workbench/enforcement/cases/{case.pk}/{kind}.pdf"
        )
        assert (
            reverse("enforcement:my_pdf", args=[case.pk, kind])
            == f"/enforcement/my/{case.pk}/{kind}.pdf"
        )
    with pytest.raises(NoReverseMatch):
        reverse("enforcement:case_pdf", args=[case.pk, "report"])
    party_user = factories.enterprise_user(case.enterprise, master=True)
    officer, party = client_for(officers[0]), client_for(party_user)
    before = AuditEntry.objects.filter(action__endswith=".pdf").count()
    for bad in ("report", "Notice", "notices", "decision.pdf/x", "notice.pdf", ""):
        assert officer.get(f"/workbench/enforcement/cases/{case.pk}/{bad}.pdf").status_code == 404
        assert party.get(f"/enforcement/my/{case.pk}/{bad}.pdf").status_code == 404
    assert AuditEntry.objects.filter(action__endswith=".pdf").count() == before
    # each download is audited under its document's kind, by whoever downloaded it
    assert officer.get(f"/workbench/enforcement/cases/{case.pk}/notice.pdf").status_code == 200
    assert party.get(f"/enforcement/my/{case.pk}/decision.pdf").status_code == 200
    entries = AuditEntry.objects.filter(action__endswith=".pdf").order_by("seq")
    assert [(e.action, e.actor_id, e.object_id, e.detail) for e in entries] == [
        ("enforcement.notice.pdf", officers[0].pk, str(case.pk), case.number),
        ("enforcement.decision.pdf", party_user.pk, str(case.pk), case.decision_number),
    ]
