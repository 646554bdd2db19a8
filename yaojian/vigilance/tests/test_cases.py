import datetime as dt

import pytest
from django.utils import timezone, translation

from yaojian.audit.models import AuditEntry
from yaojian.core import clock
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.vigilance import selectors, services
from yaojian.vigilance.choices import CaseSource, CaseStatus
from yaojian.vigilance.models import Case
from yaojian.vigilance.tests.factories import case_data

pytestmark = pytest.mark.django_db


def test_hospital_submits_case_coded_with_meddra(hospital):
    case = services.case_submit(actor=hospital, data=case_data(pt="99111101"))
    assert case.source == CaseSource.MEDICAL_INSTITUTION
    assert case.region_code == "360102"
    assert case.case_number.startswith("ADR360102")
    reaction = case.current_version.reactions.get()
    assert (reaction.llt_code, reaction.pt_code) == ("99111101", "99111001")
    assert reaction.pt_name == "皮疹"
    assert case.versions.count() == 1
    assert AuditEntry.objects.filter(action="vigilance.case.submit", outcome="success").exists()


def test_the_coded_names_stored_do_not_follow_the_reporters_language(hospital):
    """A reporter reading English codes the same case: the record keeps the default
    language's MedDRA names, as its E2B export, searches and signal rows read them."""
    with translation.override("en"):
        case = services.case_submit(actor=hospital, data=case_data(pt="99111101"))
    reaction = case.current_version.reactions.get()
    assert (reaction.pt_code, reaction.pt_name) == ("99111001", "皮疹")
    assert reaction.llt_name and not reaction.llt_name.isascii()


@pytest.mark.parametrize(
    ("serious", "death", "days"), [(False, False, 30), (True, False, 15), (True, True, 0)]
)
def test_statutory_reporting_deadline(hospital, serious, death, days):
    aware = timezone.localdate() - dt.timedelta(days=1)
    case = services.case_submit(
        actor=hospital, data=case_data(serious=serious, death=death, aware=aware)
    )
    assert case.serious is serious
    assert case.fatal is death
    assert case.report_deadline == aware + dt.timedelta(days=days)
    working = 3 if serious else 15
    assert case.review_deadline == clock.add_days(case.received_date, working, clock.WORKING)


def test_late_report_is_visible(hospital, centre):
    aware = timezone.localdate() - dt.timedelta(days=40)
    case = services.case_submit(actor=hospital, data=case_data(aware=aware))
    assert case.reported_late
    assert selectors.overview_counts(centre)["late"] == 1
    assert list(selectors.case_list(centre, due="late")) == [case]


def test_bad_input_names_fields_and_changes_nothing(hospital):
    data = case_data()
    data["reactions"][0]["onset"] = "20221399"
    data["drugs"] = [{"role": "2", "name": "x"}]
    data["patient_name"] = ""
    with pytest.raises(ValidationFailed) as caught:
        services.case_submit(actor=hospital, data=data)
    assert {"reactions[0].onset", "drugs", "patient_name"} <= set(caught.value.errors)
    assert Case.objects.count() == 0
    assert AuditEntry.objects.filter(action="vigilance.case.submit", outcome="failed").exists()


def test_public_report_needs_division_in_province(meddra):
    with pytest.raises(ValidationFailed):
        services.case_submit(actor=None, data=case_data(), region_code="110101")
    case = services.case_submit(actor=None, data=case_data(), region_code="360103")
    assert case.source == CaseSource.PUBLIC and case.enterprise is None


def test_scoping(hospital, county_centre, other_county_regulator, mah):
    case = services.case_submit(actor=hospital, data=case_data())
    assert selectors.case_get(county_centre, case.pk) == case
    assert selectors.case_get(hospital, case.pk) == case
    with pytest.raises(NotFound):
        selectors.case_get(other_county_regulator, case.pk)
    with pytest.raises(NotFound):
        selectors.case_get(mah, case.pk)
    assert list(selectors.case_list(other_county_regulator)) == []


def test_follow_up_makes_new_version_and_diff(hospital):
    case = services.case_submit(actor=hospital, data=case_data())
    data = case_data(serious=True)
    data["safety_report_id"] = case.safety_report_id
    data["narrative"] = "随访：患者住院治疗。"
    services.case_follow_up(actor=hospital, case_id=case.pk, data=data)
    case.refresh_from_db()
    assert case.versions.count() == 2
    assert case.current_version.number == 2
    assert case.serious
    changes = dict((p, (a, b)) for p, a, b in services.version_diff(case, 1, 2))
    assert changes["narrative"][1] == "随访：患者住院治疗。"
    assert changes["reactions[0].hospitalisation"] == (False, True)


def test_signal_rows(hospital, mah):
    services.case_submit(actor=hospital, data=case_data(sex="2", age="70"))
    rows = list(selectors.signal_rows())
    assert len(rows) == 1
    _report_id, product, event, sex, age_group = rows[0]
    assert (product, event, sex, age_group) == ("阿莫西林胶囊", "皮疹", "F", "65+")
    assert list(selectors.signal_rows(user=mah)) == []
    assert list(selectors.signal_rows(since=timezone.localdate() + dt.timedelta(days=1))) == []


def test_causality_by_centre_moves_case_to_assessed(hospital, centre):
    case = services.case_submit(actor=hospital, data=case_data(serious=True))
    with pytest.raises(PermissionDenied):
        services.causality_assess(
            actor=hospital, case_id=case.pk, drug=0, reaction=0, scale="china", result="可能"
        )
    with pytest.raises(ValidationFailed):
        services.causality_assess(
            actor=centre, case_id=case.pk, drug=0, reaction=0, scale="china", result="possible"
        )
    services.causality_assess(
        actor=centre, case_id=case.pk, drug=0, reaction=0, scale="who_umc", result="probable"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED
    assert case.causalities.filter(assessor_kind="centre", result="probable").exists()
    assert case.causalities.filter(assessor_kind="reporter", result="很可能").exists()
    assert list(case.history.values_list("to_status", flat=True)) == ["received", "assessed"]
