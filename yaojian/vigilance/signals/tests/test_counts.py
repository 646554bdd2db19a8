"""Distinct-report counts, expected counts (with strata) against a direct computation."""

from __future__ import annotations

import numpy as np
import pytest

from yaojian.vigilance.signals.counts import count_pairs, factorize


def _codes(rows):
    r, _ = factorize(x[0] for x in rows)
    p, pl = factorize(x[1] for x in rows)
    e, el = factorize(x[2] for x in rows)
    return r, p, e, pl, el


ROWS = [
    # report, product, event, stratum
    ("1", "A", "x", "F"),
    ("1", "A", "x", "F"),  # duplicate row: counts once
    ("1", "A", "y", "F"),
    ("1", "B", "x", "F"),
    ("2", "A", "x", "M"),
    ("3", "B", "y", "M"),
    ("4", "B", "x", "F"),
    ("5", "C", "z", "M"),
]


def _pair(counts, product, event):
    for i in range(len(counts)):
        if (
            counts.product_labels[counts.product[i]] == product
            and counts.event_labels[counts.event[i]] == event
        ):
            return i
    raise KeyError((product, event))


def test_distinct_counts_and_margins_by_hand():
    r, p, e, pl, el = _codes(ROWS)
    counts = count_pairs(r, p, e, product_labels=pl, event_labels=el)
    assert counts.total == 5
    assert len(counts) == 5  # A-x, A-y, B-x, B-y, C-z
    i = _pair(counts, "A", "x")
    assert counts.n11[i] == 2  # reports 1 and 2 (the duplicate row counts once)
    assert counts.n1_[i] == 2  # reports naming A: 1, 2
    assert counts.n_1[i] == 3  # reports naming x: 1, 2, 4
    assert counts.expected[i] == pytest.approx(2 * 3 / 5)
    a, b, c, d = counts.table
    assert (a[i], b[i], c[i], d[i]) == (2, 0, 1, 2)
    assert a.sum() == 7  # A-x 2, A-y 1, B-x 2, B-y 1, C-z 1
    j = _pair(counts, "B", "x")
    assert counts.n11[j] == 2 and counts.n1_[j] == 3 and counts.n_1[j] == 3


def test_stratified_expected_is_sum_over_strata():
    r, p, e, pl, el = _codes(ROWS)
    s, _ = factorize(x[3] for x in ROWS)
    counts = count_pairs(r, p, e, s, product_labels=pl, event_labels=el)
    i = _pair(counts, "A", "x")
    # stratum F: reports 1, 4 -> A in {1}, x in {1, 4}: 1*2/2 = 1
    # stratum M: reports 2, 3, 5 -> A in {2}, x in {2}: 1*1/3
    assert counts.expected[i] == pytest.approx(1 + 1 / 3)
    assert counts.strata == 2
    # strata leave N, the margins and the 2x2 table alone (as openEBGM's PRR)
    assert counts.n11[i] == 2 and counts.n1_[i] == 2 and counts.total == 5


def test_random_data_against_a_direct_python_count():
    rng = np.random.default_rng(3)
    size = 4000
    report = rng.integers(0, 600, size)
    product = rng.integers(0, 40, size)
    event = rng.integers(0, 25, size)
    sex = report % 3  # a stratum is a property of the report
    counts = count_pairs(report, product, event, sex)
    triples = set(zip(report.tolist(), product.tolist(), event.tolist(), strict=True))
    total = len(set(report.tolist()))
    assert counts.total == total
    by_pair: dict = {}
    for rep, prod, ev in triples:
        by_pair.setdefault((prod, ev), set()).add(rep)
    assert len(counts) == len(by_pair)
    reports_of_p: dict = {}
    reports_of_e: dict = {}
    for rep, prod, ev in triples:
        reports_of_p.setdefault(prod, set()).add(rep)
        reports_of_e.setdefault(ev, set()).add(rep)
    stratum_of = {rep: rep % 3 for rep in report.tolist()}
    for i in range(len(counts)):
        prod, ev = int(counts.product[i]), int(counts.event[i])
        assert counts.n11[i] == len(by_pair[(prod, ev)])
        assert counts.n1_[i] == len(reports_of_p[prod])
        assert counts.n_1[i] == len(reports_of_e[ev])
        expected = 0.0
        for s in range(3):
            ns = sum(1 for v in stratum_of.values() if v == s)
            nps = sum(1 for rep in reports_of_p[prod] if stratum_of[rep] == s)
            nes = sum(1 for rep in reports_of_e[ev] if stratum_of[rep] == s)
            expected += nps * nes / ns if ns else 0.0
        assert counts.expected[i] == pytest.approx(expected, rel=1e-12)


def test_empty_and_mismatched_input():
    with pytest.raises(ValueError):
        count_pairs(np.array([], dtype=int), np.array([], dtype=int), np.array([], dtype=int))
    with pytest.raises(ValueError):
        count_pairs(np.array([1, 2]), np.array([1]), np.array([1, 2]))


def test_caers_counts_match_openebgm(caers_counts, caers_table):
    """openEBGM processRaw(caers): 17,189 pairs; E of two published cells."""
    assert caers_table.rows == 20156
    assert caers_counts.total == 3356
    assert len(caers_counts) == 17189
    products, events = caers_counts.labels()
    cells = {(p, e): i for i, (p, e) in enumerate(zip(products, events, strict=True))}
    i = cells[("1-PHENYLALANINE", "HEART RATE INCREASED")]
    assert caers_counts.n11[i] == 1
    assert caers_counts.expected[i] == pytest.approx(0.0360548272, abs=5e-11)
    i = cells[("REUMOFAN PLUS", "WEIGHT INCREASED")]
    assert caers_counts.n11[i] == 16
    assert caers_counts.expected[i] == pytest.approx(0.40643623, abs=5e-9)
    i = cells[("11 UNSPECIFIED VITAMINS", "CARDIAC FUNCTION TEST")]
    assert caers_counts.expected[i] == pytest.approx(0.0002979738, abs=5e-11)
