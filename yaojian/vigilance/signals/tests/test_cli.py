"""The command over plain files: good files (CAERS, encodings, strata) and bad ones."""

from __future__ import annotations

import csv
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yaojian.vigilance.signals import engine
from yaojian.vigilance.signals.cli import run
from yaojian.vigilance.signals.csvio import InputError, read_table
from yaojian.vigilance.signals.engine import COLUMNS

SMALL = (
    "id,var1,var2,strat_sex\n"
    "1,阿莫西林胶囊,皮疹,F\n1,阿莫西林胶囊,皮疹,F\n1,阿莫西林胶囊,瘙痒,F\n2,阿莫西林胶囊,皮疹,M\n"
    "3,头孢克肟片,腹泻,M\n4,头孢克肟片,皮疹,F\n5,阿司匹林肠溶片,胃出血,M\n6,阿司匹林肠溶片,胃出血,F\n"
)


def _run(tmp_path, content: bytes | str, *args, name="in.csv"):
    source = tmp_path / name
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out.csv"
    err = io.StringIO()
    status = run(["--input", str(source), "--output", str(out), *args], stderr=err)
    rows = list(csv.DictReader(out.open(encoding="utf-8"))) if out.exists() else None
    return status, rows, err.getvalue()


def test_caers_end_to_end(tmp_path, caers_path):
    out = tmp_path / "caers.csv"
    err = io.StringIO()
    status = run(["--input", str(caers_path), "--output", str(out), "--no-strata"], stderr=err)
    assert status == 0, err.getvalue()
    reader = csv.DictReader(out.open(encoding="utf-8"))
    assert tuple(reader.fieldnames) == COLUMNS
    rows = {(r["product"], r["event"]): r for r in reader}
    assert len(rows) == 17189
    row = rows[("REUMOFAN PLUS", "WEIGHT INCREASED")]
    assert int(row["n"]) == 16
    assert float(row["expected"]) == pytest.approx(0.40643623, abs=5e-9)
    assert float(row["ebgm"]) == pytest.approx(23.26, abs=0.011)
    assert float(row["eb05"]) == pytest.approx(15.68, abs=0.011)
    assert float(row["eb95"]) == pytest.approx(33.48, abs=0.011)
    # PRR as openEBGM's processRaw (rounded there to 2 decimals): 27.96 for this pair
    assert float(rows[("1-PHENYLALANINE", "HEART RATE INCREASED")]["prr"]) == pytest.approx(
        27.96, abs=0.005
    )
    assert rows[("11 UNSPECIFIED VITAMINS", "CARDIAC FUNCTION TEST")]["prr"] == "Inf"
    assert "alpha1=3.2537" in err.getvalue()


def test_caers_stratified_by_sex(tmp_path, caers_path):
    status, rows, err = _run(tmp_path, caers_path.read_bytes(), "--min-count", "3", "--flags")
    assert status == 0
    assert "3 strata (strat1)" in err
    assert all(int(r["n"]) >= 3 for r in rows)
    assert {"signal_prr", "signal_ror", "signal_bcpnn", "signal_mgps"} <= set(rows[0])


@pytest.mark.parametrize(
    "encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b"")]
)
def test_encodings(tmp_path, encoding, prefix):
    status, rows, err = _run(tmp_path, prefix + SMALL.encode(encoding))
    assert status == 0, err
    pairs = {(r["product"], r["event"]): r for r in rows}
    assert pairs[("阿莫西林胶囊", "皮疹")]["n"] == "2"  # the duplicate row counts once
    assert len(rows) == 5
    # ordered by product then event
    assert [(r["product"], r["event"]) for r in rows] == sorted(pairs)


def test_thresholds_and_presets_on_the_command(tmp_path):
    status, rows, _ = _run(tmp_path, SMALL, "--flags", "--ic025-min", "-100", "--n-min", "1")
    assert status == 0
    assert all(r["signal_bcpnn"] == "1" for r in rows)  # IC025 > -100 always
    assert all(r["signal_mgps"] == "0" for r in rows)  # too few pairs: no EB05 at all
    status, rows, _ = _run(tmp_path, SMALL, "--flags", "--preset", "strict")
    assert all(r["signal_prr"] == "0" for r in rows)  # nothing has 5 reports


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"id,var1,var2\n", "no data rows"),
        (b"id,product,event\n1,a,b\n", "line 1: missing column(s) var1, var2"),
        (b"id,var1\n1,a\n", "missing column(s) var2"),
        (b"id,var1,var2\n1,a,b\n2,a\n", "line 3: expected 3 fields, found 2"),
        (b"id,var1,var2\n1,a,b\n2,,c\n", "line 3: empty var1"),
        (b"id,var1,var2,strat1\n1,a,b,F\n2,a,c,\n", "line 3: empty strat1"),
        (b"id,var1,var2,var2\n1,a,b,c\n", "duplicated column(s) var2"),
        (b"id,var1,var2\n1,a,b\n2,\xff\xfe\xfa,c\n", "line 3: the file is not valid UTF-8 or GBK"),
    ],
)
def test_bad_files_name_the_line_and_write_nothing(tmp_path, content, message):
    status, rows, err = _run(tmp_path, content)
    assert status == 2
    assert rows is None  # nothing written
    assert message in err


def test_forced_encoding_is_checked(tmp_path):
    status, _rows, err = _run(tmp_path, SMALL.encode("gbk"), "--encoding", "utf-8")
    assert status == 2 and "not valid utf-8" in err
    status, _rows, err = _run(tmp_path, SMALL, "--encoding", "klingon")
    assert status == 2 and "unknown encoding" in err


def test_missing_file_and_bad_arguments(tmp_path):
    err = io.StringIO()
    assert run(["--input", str(tmp_path / "nope.csv"), "--output", "x"], stderr=err) == 2
    assert "no such file" in err.getvalue()
    assert run(["--input", "x"], stderr=io.StringIO()) == 2  # argparse: --output required
    err = io.StringIO()
    assert run(["--input", "x", "--output", "y", "--min-count", "0"], stderr=err) == 2


def test_every_problem_is_listed(tmp_path):
    content = "id,var1,var2\n" + "".join(f"{i},,x\n" for i in range(30))
    with pytest.raises(InputError) as caught:
        read_table(content.encode())
    assert len(caught.value.errors) == 21  # 20 problems and the "stopped" line
    assert caught.value.errors[0] == "line 2: empty var1"


def test_a_table_too_small_for_mgps_gets_na_not_artefacts(tmp_path):
    status, rows, err = _run(tmp_path, "id,var1,var2\n1,a,b\n2,a,b\n3,c,d\n")
    assert status == 0
    assert all(r["ebgm"] == "NA" and r["eb05"] == "NA" and r["eb95"] == "NA" for r in rows)
    assert "NOT CONFIRMED" in err and "no EBGM/EB05/EB95" in err
    assert rows[0]["ic"] != "NA"  # the other methods are still computed


def test_phvid_ic_method(tmp_path):
    status, rows, _ = _run(tmp_path, SMALL, "--ic-method", "phvid")
    assert status == 0
    assert all(math.isfinite(float(r["ic"])) for r in rows)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 30),
            st.sampled_from(["药A", "药B", "C,逗号", 'D "引号"']),
            st.sampled_from(["皮疹", "头痛", "恶心"]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_any_valid_file_reads_back_with_distinct_counts(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "var1", "var2"])
    writer.writerows(rows)
    table = read_table(buffer.getvalue().encode("utf-8"))
    counts = table.counts()
    expected = {}
    for _rid, product, event in set(rows):
        expected[(product, event)] = expected.get((product, event), 0) + 1
    products, events = counts.labels()
    got = {(p, e): int(n) for p, e, n in zip(products, events, counts.n11, strict=True)}
    assert got == expected
    assert counts.total == len({r[0] for r in rows})


def test_flags_follow_thresholds():
    figures = {
        "n": __import__("numpy").array([3, 2, 5]),
        "prr": __import__("numpy").array([2.0, 5.0, 1.9]),
        "chi2": __import__("numpy").array([4.0, 10.0, 10.0]),
        "ror_lower95": __import__("numpy").array([1.0, 1.01, float("nan")]),
        "ic025": __import__("numpy").array([0.0, 0.1, -1.0]),
        "eb05": __import__("numpy").array([2.0, 1.99, float("nan")]),
    }
    flags = engine.flags_for(figures, engine.Thresholds())
    assert flags["prr"].tolist() == [True, False, False]  # N >= 3 needed; PRR >= 2
    assert flags["ror"].tolist() == [False, True, False]  # strictly above 1
    assert flags["bcpnn"].tolist() == [False, True, False]  # strictly above 0
    assert flags["mgps"].tolist() == [True, False, False]  # at least 2
    assert engine.Thresholds.from_dict({"prr_min": 3, "junk": 1}).prr_min == 3
