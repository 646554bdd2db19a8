from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yaojian.vigilance import meddra, selectors
from yaojian.vigilance.models import Case, MeddraRelease, MeddraTerm

pytestmark = pytest.mark.django_db


def test_synthetic_set_is_not_meddra():
    dist = meddra.synthetic_distribution()
    codes = [code for level in dist.terms.values() for code in level]
    assert all(code.startswith("99") and len(code) == 8 for code in codes)
    assert 40 <= len(dist.terms["pt"]) <= 80


def test_import_of_a_distribution_in_the_ascii_format(tmp_path, db):
    directory = meddra.write_distribution(tmp_path / "MedAscii")
    assert (directory / "llt.asc").read_text().splitlines()[0].endswith("$")
    call_command("vigilance", "meddra-import", str(directory))
    release = MeddraRelease.objects.get(is_current=True)
    assert release.version == "YJ-SYN-1.0"
    llt = MeddraTerm.objects.get(release=release, level="llt", code="99111101")
    assert llt.pt.code == "99111001"
    pt = llt.pt
    hlt = pt.parents.get()
    assert hlt.level == "hlt" and hlt.parents.get().parents.get().level == "soc"
    assert pt.primary_soc_code == "99100000"
    assert selectors.meddra_pt_of("99111101").code == "99111001"


def test_bad_distribution_names_file_and_line(tmp_path, db):
    directory = meddra.write_distribution(tmp_path / "d")
    lines = (directory / "hlt_pt.asc").read_text().splitlines()
    lines[2] = "99111000$12345678$"
    (directory / "hlt_pt.asc").write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"hlt_pt.asc:3: unknown PT code 12345678"):
        call_command("vigilance", "meddra-import", str(directory))
    assert MeddraRelease.objects.count() == 0
    (directory / "soc.asc").unlink()
    with pytest.raises(CommandError, match=r"soc\.asc: file missing"):
        call_command("vigilance", "meddra-import", str(directory))


def test_search_by_chinese_english_and_code(meddra):
    assert [t.code for t in selectors.meddra_search("皮疹")][:1]
    assert any(t.code == "99111001" for t in selectors.meddra_search("rash"))
    assert selectors.meddra_search("9911110")


def test_e2b_import_and_export_commands(tmp_path, centre):
    source = tmp_path / "s1.xml"
    source.write_bytes(Path("/work/shared/conformance/e2b/FAERS2022Scenario1.xml").read_bytes())
    call_command("vigilance", "e2b-import", str(source))
    assert (tmp_path / "s1.xml.ack").read_text().count('typeCode="AA"') == 1
    case = Case.objects.get()
    out = tmp_path / "out.xml"
    call_command("vigilance", "e2b-export", "--case", case.case_number, "--output", str(out))
    assert b"US-APHARMA-8744554B" in out.read_bytes()
    today = case.received_date.isoformat()
    call_command("vigilance", "e2b-export", "--from", today, "--to", today, "--output", str(out))
    assert out.read_bytes().count(b"<PORR_IN049016UV") == 1
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<x")
    with pytest.raises(CommandError):
        call_command("vigilance", "e2b-import", str(bad))
