"""E2B(R3): every conformance file imports, round trip, acknowledgements, bad input."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yaojian.vigilance import data as casedata
from yaojian.vigilance.e2b import export_batch, export_cases, parse_batch
from yaojian.vigilance.e2b.ack import read_ack
from yaojian.vigilance.e2b.imports import batch_import
from yaojian.vigilance.models import Case, CaseVersion, E2BBatch
from yaojian.vigilance.services import case_submit
from yaojian.vigilance.tests.factories import case_data

CONFORMANCE = Path("/work/shared/conformance/e2b")
if not CONFORMANCE.is_dir():  # the repository's own copy, when the shared folder is absent
    CONFORMANCE = Path(__file__).resolve().parents[4] / "shared" / "conformance" / "e2b"
FILES = sorted(CONFORMANCE.glob("*.xml"))
SMALL = CONFORMANCE / "FAERS2022Scenario1.xml"

pytestmark = pytest.mark.django_db


def mapped(data):
    """The mapped elements of a case dict, cleaned (derived MedDRA names left out)."""
    cleaned = casedata.clean(data)
    for reaction in cleaned["reactions"]:
        for key in ("pt_code", "pt_name", "llt_name"):
            reaction.pop(key)
    for key in ("batch_number",):
        cleaned.pop(key)
    return cleaned


def test_conformance_files_present():
    assert len(FILES) == 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_conformance_file_imports(path, centre):
    batch = batch_import(actor=centre, content=path.read_bytes(), file_name=path.name)
    assert batch.ack_code == "AA", batch.results
    parsed = parse_batch(path.read_bytes())
    assert batch.batch_number == parsed.batch_number
    for result, report in zip(batch.results, parsed.reports, strict=True):
        assert result["accepted"]
        case = Case.objects.get(pk=result["case"])
        version = case.versions.filter(batch=batch).get()
        stored = casedata.from_version(version)
        # nothing that is mapped is lost on the way into the database
        assert mapped(stored) == mapped(report.data)
        assert version.message_id == report.message_id
        assert version.sender_id
    ack = read_ack(batch.ack_xml)
    assert ack["batch_code"] == "AA"
    assert ack["batch_number"] == parsed.batch_number
    assert [r["code"] for r in ack["reports"]] == ["CA"] * len(parsed.reports)


def test_mapped_elements_of_the_mega_instance(centre):
    path = CONFORMANCE / "FAERS2022Scenario6.xml"
    data = parse_batch(path.read_bytes()).reports[0].data
    assert data["safety_report_id"] == "US-APHARMA-8744554B"
    assert data["report_type"] == "1"
    assert data["reporter_name"] == "Jerome James Jacobs"
    assert data["reporter_qualification"] == "1"
    assert data["patient_weight"] == "48.2"
    assert {d["role"] for d in data["drugs"]} == {"1", "3"}
    assert data["drugs"][0]["dosages"][0]["dose"]
    assert data["reactions"][0]["llt_code"].startswith("100")
    assert data["reactions"][0]["meddra_version"]
    assert data["causalities"] and data["causalities"][0]["result"] == "Highly related"
    assert data["narrative"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_round_trip(path, centre):
    """import → export → import gives the same mapped data."""
    batch = batch_import(actor=centre, content=path.read_bytes(), file_name=path.name)
    versions = CaseVersion.objects.filter(batch=batch).order_by("pk")
    exported = export_cases(versions)
    again = parse_batch(exported)
    originals = parse_batch(path.read_bytes()).reports
    assert len(again.reports) == len(originals)
    for a, b in zip(again.reports, originals, strict=True):
        assert a.ok, a.errors
        assert mapped(a.data) == mapped(b.data)
    # and the exported batch imports as the same cases (a repeat, no new versions)
    count = CaseVersion.objects.count()
    second = batch_import(actor=centre, content=exported, file_name="again.xml")
    assert second.ack_code == "AA"
    assert CaseVersion.objects.count() == count


def test_round_trip_of_a_form_case(hospital, centre):
    case = case_submit(actor=hospital, data=case_data(serious=True))
    exported = export_cases([case.current_version])
    report = parse_batch(exported).reports[0]
    assert report.ok, report.errors
    ours, theirs = mapped(report.data), mapped(casedata.from_version(case.current_version))
    for header in ("message_id", "sender_id", "receiver_id"):  # assigned when sent
        assert ours.pop(header) and not theirs.pop(header)
    assert ours == theirs


def test_follow_up_scenarios_make_versions(centre):
    for name in (
        "FAERS2022Scenario5-1.xml",
        "FAERS2022Scenario5-2.xml",
        "FAERS2022Scenario5-3.xml",
    ):
        batch_import(actor=centre, content=(CONFORMANCE / name).read_bytes(), file_name=name)
    case = Case.objects.get(worldwide_id="US-APHARMA-234545656")
    assert case.versions.count() == 3
    assert [d.name for d in case.current_version.drugs.all()][1] == "Drug X"


def test_ack_shape_matches_the_fda_example(centre):
    batch = batch_import(actor=centre, content=SMALL.read_bytes(), file_name=SMALL.name)
    ours = read_ack(batch.ack_xml)
    theirs = read_ack((CONFORMANCE / "R3ack-positive.ack").read_bytes())
    assert ours["batch_code"] == theirs["batch_code"] == "AA"
    assert ours["batch_number"] == theirs["batch_number"]
    assert ours["reports"][0]["target"] == theirs["reports"][0]["target"]
    assert ours["reports"][0]["code"] == theirs["reports"][0]["code"] == "CA"


def test_malformed_xml_is_rejected_and_nothing_stored(centre):
    batch = batch_import(actor=centre, content=b"<MCCI_IN200100UV01><id", file_name="bad.xml")
    assert batch.ack_code == "AR"
    assert "not well-formed" in batch.error
    assert read_ack(batch.ack_xml)["batch_code"] == "AR"
    assert Case.objects.count() == 0


def test_wrong_root_is_named(centre):
    batch = batch_import(actor=centre, content=b'<foo xmlns="urn:hl7-org:v3"/>', file_name="x.xml")
    assert batch.ack_code == "AR" and "MCCI_IN200100UV01" in batch.error


def _mutate(old: bytes, new: bytes, source: Path = SMALL) -> bytes:
    content = source.read_bytes()
    assert old in content
    return content.replace(old, new, 1)


def test_unknown_code_system_rejects_the_report(centre):
    content = _mutate(b'codeSystem="2.16.840.1.113883.6.163"', b'codeSystem="9.9.9"')
    batch = batch_import(actor=centre, content=content, file_name="x.xml")
    assert batch.ack_code == "AR"
    assert "unknown code system 9.9.9" in batch.results[0]["detail"]
    assert "E.i.2.1b" in batch.results[0]["detail"]
    assert Case.objects.count() == 0
    assert read_ack(batch.ack_xml)["reports"][0]["code"] == "CR"


def test_missing_mandatory_element_is_named(centre):
    content = _mutate(b'<availabilityTime value="20220614101010-0500"/>', b"")
    batch = batch_import(actor=centre, content=content, file_name="x.xml")
    assert batch.ack_code == "AR"
    assert "C.1.5" in batch.results[0]["detail"]
    assert Case.objects.count() == 0


def test_a_batch_with_one_bad_report_is_accepted_with_errors(hospital, centre):
    good = case_data()
    bad = case_data()
    exported = export_batch([good, bad])
    # break the second report's patient element (D.1 is mandatory)
    text = exported.decode()
    head, sep, tail = text.rpartition("<player1")
    tail = tail.replace("<name>", "<nom>", 1).replace("</name>", "</nom>", 1)
    batch = batch_import(actor=centre, content=(head + sep + tail).encode(), file_name="x.xml")
    assert batch.ack_code == "AE"
    assert [r["accepted"] for r in batch.results] == [True, False]
    assert "D.1" in batch.results[1]["detail"]
    assert Case.objects.count() == 1
    assert [r["code"] for r in read_ack(batch.ack_xml)["reports"]] == ["CA", "CR"]


def test_import_needs_centre_or_reporting_enterprise(county_regulator, meddra):
    from yaojian.core.errors import PermissionDenied

    county_regulator.role_assignments.all().delete()
    with pytest.raises(PermissionDenied):
        batch_import(actor=county_regulator, content=SMALL.read_bytes())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=len(SMALL.read_bytes()) - 40))
def test_truncations_never_half_import(centre, cut):
    content = SMALL.read_bytes()[:cut]
    before = (Case.objects.count(), CaseVersion.objects.count())
    batch = batch_import(actor=centre, content=content, file_name="cut.xml")
    assert batch.ack_code == "AR"
    assert (Case.objects.count(), CaseVersion.objects.count()) == before
    assert E2BBatch.objects.filter(pk=batch.pk, ack_code="AR").exists()
