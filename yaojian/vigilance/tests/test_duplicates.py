import datetime as dt

import pytest
from django.utils import timezone

from yaojian.audit.models import AuditEntry
from yaojian.core.errors import Conflict, PermissionDenied, ValidationFailed
from yaojian.vigilance import selectors, services
from yaojian.vigilance.choices import CaseStatus, DuplicateStatus
from yaojian.vigilance.models import CaseMerge, DuplicateCandidate
from yaojian.vigilance.tests.factories import case_data

pytestmark = pytest.mark.django_db


def _pair(hospital, mah, **changes):
    onset = timezone.localdate() - dt.timedelta(days=5)
    a = services.case_submit(actor=hospital, data=case_data(patient="王小明", onset=onset))
    b_data = case_data(
        patient="王小明",
        onset=onset + dt.timedelta(days=1),
        reporter="药师李",
        organisation="九江制药",
    )
    b_data.update(changes)
    b = services.case_submit(actor=mah, data=b_data)
    return a, b


def test_probable_duplicate_found_from_different_reporters(hospital, mah, centre):
    a, b = _pair(hospital, mah)
    pair = DuplicateCandidate.objects.get()
    assert {pair.case_a, pair.case_b} == {a, b}
    assert {"suspect_drug", "reaction_pt", "patient", "sex", "age", "onset"} <= set(pair.reasons)
    assert list(selectors.duplicate_list(centre)) == [pair]


def test_different_sex_or_far_onset_is_no_duplicate(hospital, mah):
    _pair(hospital, mah, patient_sex="2")
    assert not DuplicateCandidate.objects.exists()


def test_merge_records_who_when_why(hospital, mah, centre):
    a, b = _pair(hospital, mah)
    pair = DuplicateCandidate.objects.get()
    with pytest.raises(PermissionDenied):
        services.case_merge(actor=hospital, pair_id=pair.pk, survivor_id=a.pk, reason="same")
    with pytest.raises(ValidationFailed):
        services.case_merge(actor=centre, pair_id=pair.pk, survivor_id=a.pk, reason="")
    services.case_merge(actor=centre, pair_id=pair.pk, survivor_id=a.pk, reason="同一患者同一事件")
    a.refresh_from_db(), b.refresh_from_db()
    assert b.status == CaseStatus.MERGED and b.merged_into == a
    record = CaseMerge.objects.get()
    assert (record.survivor, record.merged, record.merged_by) == (a, b, centre)
    assert a.current_version.kind == "merge" and b.case_number in a.current_version.narrative
    assert AuditEntry.objects.filter(action="vigilance.case.merge", outcome="success").exists()
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    with pytest.raises(Conflict):
        services.case_merge(actor=centre, pair_id=pair.pk, survivor_id=a.pk, reason="again")
    # a merged case leaves the signal data
    assert {row[0] for row in selectors.signal_rows()} == {a.case_number}


def test_dismiss(hospital, mah, centre):
    _pair(hospital, mah)
    pair = DuplicateCandidate.objects.get()
    services.duplicate_dismiss(actor=centre, pair_id=pair.pk, reason="不同患者")
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED and pair.decided_by == centre


def test_county_regulator_cannot_see_pair_outside_scope(hospital, mah, county_centre):
    _pair(hospital, mah)  # one case in Donghu, one in Lianxi (Jiujiang)
    assert list(selectors.duplicate_list(county_centre)) == []
