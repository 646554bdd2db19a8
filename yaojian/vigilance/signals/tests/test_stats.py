"""Each statistic against hand-computed 2x2 tables and against scipy's reference functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from yaojian.vigilance.signals import stats

# a = 5 reports with the drug and the event, b = 10 with the drug only,
# c = 20 with the event only, d = 1000 with neither (N = 1035)
A, B, C, D = 5, 10, 20, 1000


def test_prr_by_hand():
    value, lower = stats.prr([A], [B], [C], [D])
    # PRR = (5/15) / (20/1020) = 17
    assert value[0] == pytest.approx(17.0, rel=1e-12)
    se = math.sqrt(1 / 5 - 1 / 15 + 1 / 20 - 1 / 1020)
    assert lower[0] == pytest.approx(math.exp(math.log(17) - 1.959963984540054 * se), rel=1e-12)
    assert lower[0] == pytest.approx(7.36142684, rel=1e-8)


def test_ror_by_hand():
    value, lower = stats.ror([A], [B], [C], [D])
    assert value[0] == pytest.approx(5 * 1000 / (10 * 20), rel=1e-12)  # 25
    se = math.sqrt(1 / 5 + 1 / 10 + 1 / 20 + 1 / 1000)
    assert lower[0] == pytest.approx(25 * math.exp(-1.959963984540054 * se), rel=1e-12)


def test_chi_square_is_yates_corrected_like_r_and_scipy():
    n = A + B + C + D
    by_hand = n * (abs(A * D - B * C) - n / 2) ** 2 / ((A + B) * (C + D) * (A + C) * (B + D))
    value = stats.chi_square_yates([A], [B], [C], [D])[0]
    assert value == pytest.approx(by_hand, rel=1e-12)
    assert value == pytest.approx(49.13401790914386, rel=1e-12)
    reference = sps.chi2_contingency([[A, B], [C, D]], correction=True)[0]
    assert value == pytest.approx(reference, rel=1e-12)


def test_chi_square_correction_never_overshoots():
    # |ad - bc| / N < 0.5: R's chisq.test (and scipy) give 0, not a positive number
    table = [[1, 9], [10, 91]]
    assert abs(1 * 91 - 9 * 10) / 111 < 0.5
    assert stats.chi_square_yates([1], [9], [10], [91])[0] == 0.0
    assert sps.chi2_contingency(table, correction=True)[0] == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.integers(1, 500), st.integers(1, 50_000))
def test_chi_square_matches_scipy_on_any_table(a, b, c, d):
    value = stats.chi_square_yates([a], [b], [c], [d])[0]
    reference = sps.chi2_contingency([[a, b], [c, d]], correction=True)[0]
    assert value == pytest.approx(reference, rel=1e-9, abs=1e-9)


def test_undefined_values_follow_r():
    value, lower = stats.prr([3], [0], [0], [10])  # c = 0: PRR infinite
    assert math.isinf(value[0])
    value, lower = stats.ror([3], [0], [4], [10])  # b = 0: ROR infinite, bound undefined
    assert math.isinf(value[0]) and math.isnan(lower[0])


def test_information_component_by_hand():
    ic, ic025 = stats.information_component([5], [0.3])
    assert ic[0] == pytest.approx(math.log2(5.5 / 0.8), rel=1e-12)
    # exact 2.5% quantile of Gamma(shape 5.5, rate 0.8)
    quantile = sps.gamma.ppf(0.025, 5.5, scale=1 / 0.8)
    assert ic025[0] == pytest.approx(math.log2(quantile), rel=1e-10)
    # Noren's closed form approximates it closely for moderate counts
    assert stats.ic_lower_approximation([5], [0.3])[0] == pytest.approx(ic025[0], abs=0.05)


def test_information_component_vectorised_over_repeated_counts():
    a = np.array([1, 2, 1, 7, 2])
    e = np.array([0.1, 0.5, 3.0, 2.0, 0.01])
    ic, ic025 = stats.information_component(a, e)
    for i in range(len(a)):
        q = sps.gamma.ppf(0.025, a[i] + 0.5, scale=1 / (e[i] + 0.5))
        assert ic025[i] == pytest.approx(math.log2(q), rel=1e-10)
        assert ic[i] == pytest.approx(math.log2((a[i] + 0.5) / (e[i] + 0.5)), rel=1e-12)


def test_bcpnn_phvid_formula():
    # PhViD BCPNN(MC = FALSE), evaluated by hand from its R code for n11 = 1,
    # n1. = n.1 = 10, N = 10000
    from scipy.special import digamma, polygamma

    n11, n1, n_1, total = 1.0, 10.0, 10.0, 10000.0
    p1, p2, q1, q2, r1 = 1 + n1, 1 + total - n1, 1 + n_1, 1 + total - n_1, 1 + n11
    r2b = total - n11 - 1 + (2 + total) ** 2 / (q1 * p1)
    e = (
        digamma(r1)
        - digamma(r1 + r2b)
        - (digamma(p1) - digamma(p1 + p2) + digamma(q1) - digamma(q1 + q2))
    ) / math.log(2)
    v = (
        polygamma(1, r1)
        - polygamma(1, r1 + r2b)
        + (polygamma(1, p1) - polygamma(1, p1 + p2) + polygamma(1, q1) - polygamma(1, q1 + q2))
    ) / math.log(2) ** 2
    ic, lower = stats.bcpnn_phvid([n11], [n1], [n_1], total)
    assert ic[0] == pytest.approx(e, rel=1e-12)
    assert lower[0] == pytest.approx(sps.norm.ppf(0.025, e, math.sqrt(v)), rel=1e-10)
    assert ic[0] == pytest.approx(0.72560018, abs=1e-7)
    # the documented difference from the shrinkage IC of the default method
    assert stats.information_component([1], [0.01])[0][0] == pytest.approx(1.55639335, abs=1e-7)
