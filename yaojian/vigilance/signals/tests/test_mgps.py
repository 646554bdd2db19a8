"""MGPS: the likelihood against scipy.stats.nbinom, squashing, the fit and the posterior
against openEBGM's published CAERS figures (vignettes "Hyperparameter Estimation" and
"Empirical Bayes Metrics", openEBGM 0.x on CRAN).

Tolerances: openEBGM's optimiser (nlminb) stops at slightly different points from different
starts (alpha1 differs by 0.002 between its own starts: the likelihood is flat along alpha1,
whose standard error is 2.29); we ask for agreement within 0.01 on alpha1 and a few parts in
10^4 on the others, and for the minimum of the negative log-likelihood to 0.01. EBGM, EB05
and EB95 are published rounded to 2 decimals (quantBisect bisects to 0.005): we ask for 0.011.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from yaojian.vigilance.signals import mgps

THETA_SQUASHED = (3.25374326, 0.39988617, 2.02613782, 1.90809094, 0.06534647)
MIN_SQUASHED = 4161.93
THETA_FULL = (3.25596617, 0.39998845, 2.02374464, 1.90612821, 0.06530723)
MIN_FULL = 4162.456
# the estimate the posterior vignette used (five starting points)
THETA_POSTERIOR = (3.25379064, 0.39988801, 2.02613219, 1.90808279, 0.06534557)
TOL = (0.01, 0.0005, 0.001, 0.001, 0.0002)


def _direct_nll(theta, n, e, w, n_star=1):
    a1, b1, a2, b2, p = theta
    total = 0.0
    for ni, ei, wi in zip(n, e, w, strict=True):
        f1 = sps.nbinom.pmf(ni, a1, b1 / (b1 + ei)) / sps.nbinom.sf(n_star - 1, a1, b1 / (b1 + ei))
        f2 = sps.nbinom.pmf(ni, a2, b2 / (b2 + ei)) / sps.nbinom.sf(n_star - 1, a2, b2 / (b2 + ei))
        total -= wi * np.log(p * f1 + (1 - p) * f2)
    return total


def test_likelihood_against_scipy_nbinom():
    rng = np.random.default_rng(1)
    n = rng.integers(1, 30, 200)
    e = rng.gamma(0.5, 2.0, 200) + 1e-4
    w = rng.integers(1, 50, 200).astype(float)
    for theta in [(0.2, 0.1, 2, 4, 1 / 3), THETA_SQUASHED, (5.0, 0.3, 0.8, 1.2, 0.9)]:
        ours = mgps.negative_log_likelihood(theta, n, e, w)
        assert ours == pytest.approx(_direct_nll(theta, n, e, w), rel=1e-10)
    # truncated at N* = 2 (general path)
    keep = n >= 2
    ours = mgps.negative_log_likelihood(THETA_SQUASHED, n[keep], e[keep], w[keep], n_star=2)
    assert ours == pytest.approx(
        _direct_nll(THETA_SQUASHED, n[keep], e[keep], w[keep], 2), rel=1e-10
    )


def test_likelihood_gradient_against_finite_differences():
    rng = np.random.default_rng(2)
    n = rng.integers(1, 10, 300)
    e = rng.gamma(0.5, 1.0, 300) + 1e-3
    theta = np.array([2.0, 0.5, 1.5, 1.8, 0.2])
    _value, grad = mgps.negative_log_likelihood(theta, n, e, gradient=True)
    for k in range(5):
        h = 1e-6 * max(1.0, theta[k])
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        numeric = (
            mgps.negative_log_likelihood(up, n, e) - mgps.negative_log_likelihood(down, n, e)
        ) / (2 * h)
        assert grad[k] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_squash_preserves_totals_and_weights():
    rng = np.random.default_rng(5)
    n = np.concatenate([np.ones(2645, int), np.full(777, 2), np.full(40, 3)])
    e = rng.gamma(0.3, 1.0, len(n))
    sn, se, sw = mgps.squash(n, e, count=1, bin_size=50, keep_bins=2)
    assert sw.sum() == len(n)  # every cell is represented once
    for count in (1, 2, 3):
        mask = n == count
        smask = sn == count
        assert sw[smask].sum() == mask.sum()
        # the sum of E (weight x mean) is preserved per count
        assert (sw[smask] * se[smask]).sum() == pytest.approx(e[mask].sum(), rel=1e-12)
    ones = sn == 1
    assert ones.sum() == 2645 // 50 - 2 + 1 + 100  # full bins, a remainder bin, 100 kept
    # the 100 largest E of count 1 are kept as they are
    assert np.allclose(np.sort(se[ones & (sw == 1)]), np.sort(e[n == 1])[-100:])
    with pytest.raises(mgps.SquashError):
        mgps.squash(n, e, count=3)  # 40 points < min_pts
    with pytest.raises(mgps.SquashError):
        mgps.squash(sn, se, sw, count=1)  # already squashed


def test_caers_squash_like_openebgm(caers_counts):
    n, e, w = mgps.squash(caers_counts.n11, caers_counts.expected)
    assert len(n) == 1568  # nrow(squashData(processed)) in the vignette
    n2, e2, _w2 = mgps.squash(n, e, w, count=2, bin_size=10, keep_bins=5)
    pn, pe, pw = mgps.squash_plan(caers_counts.n11, caers_counts.expected)
    assert len(pn) == len(n2) and np.allclose(np.sort(pe), np.sort(e2))
    assert pw.sum() == len(caers_counts)


def test_caers_fit_on_squashed_data_matches_openebgm(caers_counts):
    n, e, w = mgps.squash_plan(caers_counts.n11, caers_counts.expected)
    fit = mgps.fit(n, e, w)
    assert fit.converged and fit.num_close >= 1
    for ours, theirs, tol in zip(fit.hyper.theta, THETA_SQUASHED, TOL, strict=True):
        assert ours == pytest.approx(theirs, abs=tol)
    assert fit.minimum == pytest.approx(MIN_SQUASHED, abs=0.01)
    # our optimum is at least as good as theirs on the same likelihood
    assert fit.minimum <= mgps.negative_log_likelihood(THETA_SQUASHED, n, e, w) + 1e-6


def test_caers_fit_on_all_cells_matches_openebgm(caers_counts):
    fit = mgps.fit(caers_counts.n11, caers_counts.expected, starts=mgps.DEFAULT_STARTS[:2])
    for ours, theirs, tol in zip(fit.hyper.theta, THETA_FULL, TOL, strict=True):
        assert ours == pytest.approx(theirs, abs=tol)
    assert fit.minimum == pytest.approx(MIN_FULL, abs=0.01)


PUBLISHED = [
    # var1, var2, N, qn, ebgm, QUANT_05, QUANT_95
    ("1-PHENYLALANINE", "HEART RATE INCREASED", 1, 0.2819736, 2.23, 0.49, 13.85),
    ("11 UNSPECIFIED VITAMINS", "ASTHMA", 1, 0.3409652, 2.58, 0.52, 15.78),
    ("11 UNSPECIFIED VITAMINS", "CARDIAC FUNCTION TEST", 1, 0.3482316, 2.63, 0.52, 16.02),
    ("11 UNSPECIFIED VITAMINS", "CHEST PAIN", 1, 0.2819736, 2.23, 0.49, 13.85),
    ("11 UNSPECIFIED VITAMINS", "DYSPNOEA", 1, 0.2226354, 1.92, 0.47, 11.77),
    ("11 UNSPECIFIED VITAMINS", "HYPERSENSITIVITY", 1, 0.2556668, 2.09, 0.48, 12.95),
    ("REUMOFAN PLUS", "WEIGHT INCREASED", 16, None, 23.26, 15.68, 33.48),
    (
        "HYDROXYCUT REGULAR RAPID RELEASE CAPLETS",
        "EMOTIONAL DISTRESS",
        19,
        None,
        16.78,
        11.65,
        23.55,
    ),
    ("REUMOFAN PLUS", "IMMOBILE", 6, None, 18.28, 10.16, 30.83),
    ("HYDROXYCUT HARDCORE CAPSULES", "CARDIO-RESPIRATORY DISTRESS", 8, None, 15.25, 9.00, 24.52),
    ("HYDROXYCUT REGULAR RAPID RELEASE CAPLETS", "INJURY", 11, None, 14.28, 8.98, 21.78),
]


@pytest.mark.parametrize("theta", [THETA_POSTERIOR, "fitted"])
def test_caers_posterior_matches_openebgm(caers_counts, theta):
    if theta == "fitted":
        n, e, w = mgps.squash_plan(caers_counts.n11, caers_counts.expected)
        theta = mgps.fit(n, e, w).hyper.theta
    post = mgps.posterior(theta, caers_counts.n11, caers_counts.expected)
    products, events = caers_counts.labels()
    cells = {(p, e): i for i, (p, e) in enumerate(zip(products, events, strict=True))}
    for product, event, n, qn, ebgm, q05, q95 in PUBLISHED:
        i = cells[(product, event)]
        assert caers_counts.n11[i] == n
        if qn is not None:
            assert post["qn"][i] == pytest.approx(qn, abs=2e-5)
        assert post["ebgm"][i] == pytest.approx(ebgm, abs=0.011)
        assert post["q0.05"][i] == pytest.approx(q05, abs=0.011)
        assert post["q0.95"][i] == pytest.approx(q95, abs=0.011)
    # 131 of 17,189 pairs have QUANT_05 >= 2 in the vignette
    assert int((np.round(post["q0.05"], 2) >= 2).sum()) == 131


def test_posterior_quantiles_solve_the_mixture_cdf():
    theta = np.array(THETA_POSTERIOR)
    n = np.array([1, 1, 2, 5, 30, 1])
    e = np.array([0.001, 0.5, 0.2, 3.0, 1.0, 50.0])
    post = mgps.posterior(theta, n, e)
    a1, b1, a2, b2, _p = theta
    for i in range(len(n)):
        q = post["qn"][i]
        for prob, key in ((0.05, "q0.05"), (0.95, "q0.95")):
            x = post[key][i]
            cdf = q * sps.gamma.cdf(x, a1 + n[i], scale=1 / (b1 + e[i])) + (1 - q) * sps.gamma.cdf(
                x, a2 + n[i], scale=1 / (b2 + e[i])
            )
            assert cdf == pytest.approx(prob, abs=1e-9)
        # EBGM = exp(E[log lambda]) by numerical integration of the posterior mixture
        grid = np.linspace(1e-9, 400, 400_001)
        pdf = q * sps.gamma.pdf(grid, a1 + n[i], scale=1 / (b1 + e[i])) + (1 - q) * sps.gamma.pdf(
            grid, a2 + n[i], scale=1 / (b2 + e[i])
        )
        mean_log = np.trapezoid(pdf * np.log(grid), grid) / np.trapezoid(pdf, grid)
        assert post["ebgm"][i] == pytest.approx(np.exp(mean_log), rel=1e-3)
