"""Frequentist disproportionality and the BCPNN information component, vectorised.

Conventions (each checked against the established implementation named):

- **PRR** = (a/(a+b)) / (c/(c+d)); its 95% lower bound is log-normal,
  exp(ln PRR - z * sqrt(1/a - 1/(a+b) + 1/c - 1/(c+d))) with z = qnorm(0.975) = 1.959964,
  exactly as PhViD's ``PRR()`` (``qnorm(0.025, logPRR, sqrt(var.logPRR))``).
- **ROR** = ad/(bc); lower bound exp(ln ROR - z * sqrt(1/a + 1/b + 1/c + 1/d)) (PhViD ``ROR()``).
- **chi-square**: Pearson's chi-square of the 2x2 table *with Yates' continuity correction*,
  the statistic of Evans et al. (2001) used by the MHRA with PRR >= 2, chi2 >= 4, N >= 3.
  It is computed as R's ``chisq.test(correct = TRUE)`` does: the correction is
  min(0.5, |ad - bc| / N), so a table whose deviation is below one half gives 0.
- **IC** (BCPNN) is the shrinkage observed-to-expected ratio of Noren et al. (2013),
  IC = log2((a + 0.5) / (E + 0.5)), with IC025 the exact 2.5% quantile of the
  Gamma(a + 0.5, rate E + 0.5) posterior of the ratio, log2. This is what WHO-UMC uses today.
  PhViD's ``BCPNN(MC = FALSE)`` computes an older quantity (Gould's normal approximation
  of the Bate et al. 1998 beta/Dirichlet model); `bcpnn_phvid` reproduces it so the two
  can be compared, and the command offers it with ``--ic-method phvid``. The figures differ:
  for a = 1 with margins 10 and 10 among N = 10,000 reports (E = 0.01) the shrinkage IC is
  1.556 (IC025 -2.241) while PhViD gives 0.726 (lower bound -1.858); both shrink the raw
  log2(a/E) = 6.64 hard. Noren's closed-form approximation of IC025,
  IC - 3.3 (a + 0.5)^-1/2 - 2 (a + 0.5)^-3/2, is `ic_lower_approximation` (-2.227 here).

Undefined values follow R: a division by zero gives ``inf`` (PRR with c = 0), 0/0 gives
``nan``; nothing raises.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = [
    "Z975",
    "bcpnn_phvid",
    "chi_square_yates",
    "information_component",
    "prr",
    "ror",
]

Z975 = float(special.ndtri(0.975))  # qnorm(0.975) = 1.959963984540054
LOG2 = np.log(2.0)


def _arrays(*values):
    return [np.asarray(v, dtype=np.float64) for v in values]


def prr(a, b, c, d, *, z: float = Z975) -> tuple[np.ndarray, np.ndarray]:
    """PRR and its lower confidence bound (default 95%)."""
    a, b, c, d = _arrays(a, b, c, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (a / (a + b)) / (c / (c + d))
        se = np.sqrt(1.0 / a - 1.0 / (a + b) + 1.0 / c - 1.0 / (c + d))
        lower = np.exp(np.log(value) - z * se)
    return value, lower


def ror(a, b, c, d, *, z: float = Z975) -> tuple[np.ndarray, np.ndarray]:
    """ROR and its lower confidence bound (default 95%)."""
    a, b, c, d = _arrays(a, b, c, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (a * d) / (b * c)
        se = np.sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d)
        lower = np.exp(np.log(value) - z * se)
    return value, lower


def chi_square_yates(a, b, c, d) -> np.ndarray:
    """Yates-corrected Pearson chi-square of each 2x2 table (as R's chisq.test)."""
    a, b, c, d = _arrays(a, b, c, d)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = np.abs(a * d - b * c) / n  # |observed - expected|, the same in each cell
        corrected = deviation - np.minimum(0.5, deviation)
        # sum over the four cells of corrected^2 / expected_cell
        inverse = n * (
            1.0 / ((a + b) * (a + c))
            + 1.0 / ((a + b) * (b + d))
            + 1.0 / ((c + d) * (a + c))
            + 1.0 / ((c + d) * (b + d))
        )
        value = corrected**2 * inverse
    return value


def information_component(
    a, expected, *, quantile: float = 0.025, shrinkage: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Shrinkage IC = log2((a + k)/(E + k)) and its lower credibility bound (Noren 2013).

    The bound is the exact quantile of Gamma(shape a + k, rate E + k), on the log2 scale;
    the quantile of the unit-rate gamma depends on a only, so it is computed once per
    distinct count.
    """
    a, expected = _arrays(a, expected)
    ic = np.log2((a + shrinkage) / (expected + shrinkage))
    from yaojian.vigilance.signals.counts import sorted_unique

    counts, inverse = sorted_unique(a, return_inverse=True)
    unit = special.gammaincinv(counts + shrinkage, quantile)[inverse]
    lower = np.log2(unit / (expected + shrinkage))
    return ic, lower


def ic_lower_approximation(a, expected) -> np.ndarray:
    """Noren's closed-form approximation of IC025: IC - 3.3 (a+.5)^-1/2 - 2 (a+.5)^-3/2."""
    a, expected = _arrays(a, expected)
    ic = np.log2((a + 0.5) / (expected + 0.5))
    return ic - 3.3 * (a + 0.5) ** -0.5 - 2.0 * (a + 0.5) ** -1.5


def bcpnn_phvid(n11, n1_, n_1, total) -> tuple[np.ndarray, np.ndarray]:
    """PhViD's ``BCPNN(MC = FALSE)``: E[IC] and the 2.5% normal quantile (Gould 2003)."""
    n11, n1_, n_1 = _arrays(n11, n1_, n_1)
    total = float(total)
    p1 = 1.0 + n1_
    p2 = 1.0 + total - n1_
    q1 = 1.0 + n_1
    q2 = 1.0 + total - n_1
    r1 = 1.0 + n11
    r2b = total - n11 - 1.0 + (2.0 + total) ** 2 / (q1 * p1)
    dg, tg = special.digamma, special.polygamma
    expectation = (dg(r1) - dg(r1 + r2b) - (dg(p1) - dg(p1 + p2) + dg(q1) - dg(q1 + q2))) / LOG2
    variance = (
        tg(1, r1) - tg(1, r1 + r2b) + (tg(1, p1) - tg(1, p1 + p2) + tg(1, q1) - tg(1, q1 + q2))
    ) / LOG2**2
    lower = expectation - Z975 * np.sqrt(variance)
    return expectation, lower
