"""DuMouchel's multi-item gamma-Poisson shrinker (MGPS): EBGM, EB05, EB95.

Model (DuMouchel 1999): N_ij ~ Poisson(lambda_ij * E_ij) with the prior of lambda a mixture
P * Gamma(alpha1, beta1) + (1 - P) * Gamma(alpha2, beta2) (shape, rate). Marginally N is a
mixture of two negative binomials, NB(size alpha_k, prob beta_k / (beta_k + E)). Only the
observed cells (N >= N* = 1) are used, so the likelihood is the one truncated below N*
(openEBGM ``negLLsquash``/``negLL``); each squashed point carries a weight.

- `squash`: openEBGM ``squashData`` - for one count value, sort the cells by E, leave the
  ``keep_bins * bin_size`` largest E unsquashed and replace each run of ``bin_size`` cells by
  one point at their mean E with the bin size as weight. `squash_plan` applies it per count
  the way the openEBGM vignettes do for CAERS (count 1: bins of 50, keep 2; count 2: bins
  of 10, keep 5), with bins widened on large tables so the fit sees a few thousand points.
- `fit`: maximum likelihood from several starting points (openEBGM ``autoHyper``'s five),
  L-BFGS-B on log(alpha), log(beta), logit(P) with the analytic gradient; the best
  convergent optimum in bounds is kept and ``num_close`` counts the others that agree
  (autoHyper's tolerances).
- `posterior`: Qn (Eq. 6), EBGM = exp(E[ln lambda]) with digamma (Eq. 9-11, openEBGM
  ``ebgm``), and quantiles of the posterior gamma mixture solved to 1e-10 relative by a
  bracketed Newton iteration (openEBGM ``quantBisect`` bisects to 0.005; the figures agree
  to that rounding). Everything is computed once per distinct (N, E).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import optimize, special, stats

from yaojian.vigilance.signals.counts import sorted_unique

__all__ = [
    "DEFAULT_STARTS",
    "Fit",
    "Hyper",
    "SquashError",
    "fit",
    "negative_log_likelihood",
    "posterior",
    "squash",
    "squash_plan",
]

# openEBGM's vignette starting points (alpha1, beta1, alpha2, beta2, P)
DEFAULT_STARTS = (
    (0.2, 0.1, 2.0, 4.0, 1 / 3),
    (0.1, 0.1, 10.0, 10.0, 0.2),
    (0.3, 0.5, 6.0, 6.0, 0.5),
    (0.5, 0.3, 12.0, 12.0, 0.8),
    (0.2, 0.2, 5.0, 5.0, 0.4),
)
CLOSE_TOLERANCE = (0.05, 0.05, 0.2, 0.2, 0.025)  # autoHyper's default `tol`
PARAM_LIMIT = 100.0


class SquashError(ValueError):
    """Too few points to squash for the count asked (openEBGM stops in the same cases)."""


@dataclass(frozen=True)
class Hyper:
    alpha1: float
    beta1: float
    alpha2: float
    beta2: float
    p: float

    @property
    def theta(self) -> np.ndarray:
        return np.array([self.alpha1, self.beta1, self.alpha2, self.beta2, self.p])

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Fit:
    hyper: Hyper
    minimum: float  # negative log-likelihood at the optimum
    converged: bool
    num_close: int  # other starts that reached the same optimum (autoHyper's check)
    points: int  # points the likelihood was evaluated on (after squashing)
    starts: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            **self.hyper.as_dict(),
            "minimum": self.minimum,
            "converged": self.converged,
            "num_close": self.num_close,
            "points": self.points,
        }


# -- squashing -------------------------------------------------------------------------------


def squash(
    n: np.ndarray,
    e: np.ndarray,
    w: np.ndarray | None = None,
    *,
    count: int = 1,
    bin_size: int = 50,
    keep_bins: int = 2,
    min_bin: int = 50,
    min_pts: int = 500,
    keep_pts: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Squash the points with N == count (openEBGM ``squashData``); others pass through.

    ``keep_pts`` (later openEBGM versions) keeps that many largest-E points unsquashed
    instead of ``keep_bins * bin_size``.
    """
    n = np.asarray(n)
    e = np.asarray(e, dtype=np.float64)
    w = np.ones(len(n), dtype=np.float64) if w is None else np.asarray(w, dtype=np.float64)
    if bin_size < 2:
        raise SquashError("bin_size must be at least 2")
    mask = n == count
    if np.any(w[mask] > 1):
        raise SquashError(f"the points with N = {count} are already squashed")
    num = int(mask.sum())
    if num < min_pts:
        raise SquashError(f"not enough points with N = {count} for squashing ({num} < {min_pts})")
    if num / bin_size < min_bin:
        raise SquashError(f"not enough bins for N = {count}: reduce bin_size")
    values = np.sort(e[mask], kind="stable")
    num_squash = num - (keep_bins * bin_size if keep_pts is None else keep_pts)
    if num_squash < bin_size:
        raise SquashError("reduce bin_size or keep_bins")
    squashed = values[:num_squash]
    kept = values[num_squash:]
    full = num_squash // bin_size
    means = squashed[: full * bin_size].reshape(full, bin_size).mean(axis=1)
    weights = np.full(full, float(bin_size))
    remainder = num_squash - full * bin_size
    if remainder:
        means = np.append(means, squashed[full * bin_size :].mean())
        weights = np.append(weights, float(remainder))
    out_n = np.concatenate([n[~mask], np.full(len(means) + len(kept), count, dtype=n.dtype)])
    out_e = np.concatenate([e[~mask], means, kept])
    out_w = np.concatenate([w[~mask], weights, np.ones(len(kept))])
    order = np.argsort(out_n, kind="stable")
    return out_n[order], out_e[order], out_w[order]


def squash_plan(n: np.ndarray, e: np.ndarray, *, max_bins: int = 1000, large: int = 50_000):
    """Squash a table for the fit: openEBGM's CAERS settings, widened for large tables.

    Count 1: bins of 50 with 2 bins kept, count 2: bins of 10 with 5 bins kept, counts 3 and
    more with at least 500 points: bins of 5 with 5 kept - on CAERS 2012 this is exactly the
    vignette's ``squashData(squashData(processed), count = 2, bin_size = 10, keep_bins = 5)``.
    When a count has more points than the bins allow (count 1: `max_bins`, count 2: half),
    the bins widen to fit and only the 100 (50) largest E are kept unsquashed. On a table of
    more than `large` cells, every count from 3 up with at least 20 points is squashed to
    about 20 bins (its 10 largest E kept), so a national table is fitted on a few thousand
    points instead of hundreds of thousands.
    """
    n = np.asarray(n)
    e = np.asarray(e, dtype=np.float64)
    w = np.ones(len(n))
    counts, sizes = sorted_unique(n, return_counts=True)
    is_large = len(n) > large
    for count, size in zip(counts.tolist(), sizes.tolist(), strict=True):
        options: dict = {"keep_bins": 5}
        if count == 1:
            options = {"bin_size": max(50, -(-size // max_bins)), "keep_bins": 2}
            if options["bin_size"] > 50:
                options["keep_pts"] = 100
        elif count == 2:
            options["bin_size"] = max(10, -(-size // (max_bins // 2)))
            if options["bin_size"] > 10:
                options["keep_pts"] = 50
        elif is_large:
            if size < 20:
                continue
            options = {
                "bin_size": max(2, -(-(size - 10) // 20)),
                "keep_pts": 10,
                "min_pts": 20,
                "min_bin": 1,
            }
        else:
            options["bin_size"] = 5
        try:
            n, e, w = squash(n, e, w, count=count, **options)
        except SquashError:
            continue
    return n, e, w


# -- likelihood ------------------------------------------------------------------------------


def _component(n, e, alpha, beta, n_star):
    """Log NB pmf truncated below n_star, and its derivatives in alpha and beta."""
    log_q = -np.log1p(e / beta)  # log(beta / (beta + E))
    log_1mq = np.log(e) - np.log(beta + e)  # log(E / (beta + E))
    log_f = (
        special.gammaln(n + alpha)
        - special.gammaln(alpha)
        - special.gammaln(n + 1.0)
        + alpha * log_q
        + n * log_1mq
    )
    d_alpha = special.digamma(n + alpha) - special.digamma(alpha) + log_q
    dlogq_dbeta = e / (beta * (beta + e))
    d_beta = alpha * dlogq_dbeta - n / (beta + e)
    if n_star == 1:
        z = np.exp(alpha * log_q)  # P(N = 0)
        one_minus = -np.expm1(alpha * log_q)
        log_f = log_f - np.log(one_minus)
        ratio = z / one_minus
        d_alpha = d_alpha + ratio * log_q
        d_beta = d_beta + ratio * alpha * dlogq_dbeta
    elif n_star > 1:
        prob = np.exp(log_q)
        log_f = log_f - stats.nbinom.logsf(n_star - 1, alpha, prob)
        d_alpha = d_beta = None  # numerical gradient is used for N* > 1
    return log_f, d_alpha, d_beta


def negative_log_likelihood(theta, n, e, w=None, *, n_star: int = 1, gradient: bool = False):
    """Weighted negative log-likelihood of the truncated NB mixture (openEBGM negLLsquash)."""
    a1, b1, a2, b2, p = (float(x) for x in theta)
    n = np.asarray(n, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    w = np.ones(len(n)) if w is None else np.asarray(w, dtype=np.float64)
    l1, da1, db1 = _component(n, e, a1, b1, n_star)
    l2, da2, db2 = _component(n, e, a2, b2, n_star)
    with np.errstate(divide="ignore"):
        x1 = np.log(p) + l1
        x2 = np.log1p(-p) + l2
    log_l = np.logaddexp(x1, x2)
    value = -float(np.sum(w * log_l))  # not np.dot: BLAS threads stall on a busy machine
    if not gradient:
        return value
    if da1 is None:
        raise ValueError("the analytic gradient is only available for N* <= 1")
    r1 = np.exp(x1 - log_l)  # posterior weight of component 1 (Qn)
    r2 = np.exp(x2 - log_l)
    grad = -np.array(
        [
            np.sum(w * (r1 * da1)),
            np.sum(w * (r1 * db1)),
            np.sum(w * (r2 * da2)),
            np.sum(w * (r2 * db2)),
            np.sum(w * (r1 / p - r2 / (1.0 - p))),
        ]
    )
    return value, grad


def _to_u(theta):
    a1, b1, a2, b2, p = theta
    return np.array([np.log(a1), np.log(b1), np.log(a2), np.log(b2), np.log(p / (1 - p))])


def _from_u(u):
    p = special.expit(u[4])
    return np.array([np.exp(u[0]), np.exp(u[1]), np.exp(u[2]), np.exp(u[3]), p])


def _optimise(start, n, e, w, n_star):
    def objective(u):
        theta = _from_u(u)
        if n_star != 1:
            return negative_log_likelihood(theta, n, e, w, n_star=n_star)
        value, grad = negative_log_likelihood(theta, n, e, w, n_star=n_star, gradient=True)
        jac = grad * np.array([theta[0], theta[1], theta[2], theta[3], theta[4] * (1.0 - theta[4])])
        return value, jac

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # BFGS in the unconstrained parameters (SciPy's L-BFGS-B spends milliseconds per
        # step in its Fortran/BLAS core, far more than this likelihood costs)
        result = optimize.minimize(
            objective,
            _to_u(np.asarray(start, dtype=np.float64)),
            jac=n_star == 1,
            method="BFGS",
            options={"maxiter": 2000, "gtol": 1e-6 * max(1.0, float(np.sum(w))) ** 0.5},
        )
    theta = _from_u(result.x)
    value = float(result.fun) if np.isfinite(result.fun) else np.inf
    converged = bool(result.success)
    if not converged and np.isfinite(value) and n_star == 1:
        # L-BFGS-B often stops in the line search at the optimum with ftol this tight:
        # accept the point when the gradient (per unit of log-likelihood) is flat there
        _value, jac = objective(result.x)
        converged = bool(np.max(np.abs(jac)) < 1e-4 * max(1.0, abs(value)) ** 0.5)
    return theta, value, converged and np.isfinite(value)


def fit(n, e, w=None, *, starts=DEFAULT_STARTS, n_star: int = 1) -> Fit:
    """Maximum-likelihood hyperparameters from several starting points (as autoHyper)."""
    n = np.asarray(n, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    w = np.ones(len(n)) if w is None else np.asarray(w, dtype=np.float64)
    keep = n >= n_star
    n, e, w = n[keep], e[keep], w[keep]
    if len(n) == 0:
        raise ValueError("no cells to fit")
    results = []
    for start in starts:
        theta, value, ok = _optimise(start, n, e, w, n_star)
        in_bounds = bool(
            np.all(theta[:4] > 0) and np.all(theta[:4] < PARAM_LIMIT) and 0 < theta[4] < 1
        )
        results.append({"theta": theta, "minimum": value, "converged": ok, "in_bounds": in_bounds})
    good = [r for r in results if r["converged"] and r["in_bounds"]]
    pool = good or [r for r in results if np.isfinite(r["minimum"])] or results
    best = min(pool, key=lambda r: r["minimum"])
    tolerance = np.array(CLOSE_TOLERANCE)
    num_close = sum(
        1 for r in good if r is not best and np.all(np.abs(r["theta"] - best["theta"]) < tolerance)
    )
    hyper = Hyper(*(float(x) for x in best["theta"]))
    return Fit(
        hyper=hyper,
        minimum=float(best["minimum"]),
        converged=bool(good) and num_close >= 1,
        num_close=num_close,
        points=len(n),
        starts=[
            {
                "theta": [float(x) for x in r["theta"]],
                "minimum": r["minimum"],
                "converged": r["converged"],
                "in_bounds": r["in_bounds"],
            }
            for r in results
        ],
    )


# -- posterior -------------------------------------------------------------------------------


def _qn(theta, n, e):
    a1, b1, a2, b2, p = theta
    l1 = stats.nbinom.logpmf(n, a1, b1 / (b1 + e))
    l2 = stats.nbinom.logpmf(n, a2, b2 / (b2 + e))
    x1 = np.log(p) + l1
    x2 = np.log1p(-p) + l2
    return np.exp(x1 - np.logaddexp(x1, x2))


def _mixture_quantile(prob, q, s1, r1, s2, r2, n_index, *, rtol=1e-10, max_iter=100):
    """x with q*G(s1, r1 x) + (1-q)*G(s2, r2 x) = prob, vectorised (bracketed Newton).

    ``s1``/``s2`` are given per distinct N (``n_index`` maps cells to them): the gamma
    quantiles and log-gamma constants depend on the shape only, so they are computed once
    per distinct N.
    """
    u1 = special.gammaincinv(s1, prob)
    u2 = special.gammaincinv(s2, prob)
    ln1 = special.gammaln(s1)[n_index]
    ln2 = special.gammaln(s2)[n_index]
    s1 = s1[n_index]
    s2 = s2[n_index]
    x1 = u1[n_index] / r1
    x2 = u2[n_index] / r2
    lo = np.minimum(x1, x2)
    hi = np.maximum(x1, x2)
    x = q * x1 + (1 - q) * x2
    active = hi - lo > rtol * hi
    x = np.where(active, x, lo)
    idx = np.flatnonzero(active)
    for _ in range(max_iter):
        if idx.size == 0:
            break
        xi = x[idx]
        qi = q[idx]
        a1, b1, a2, b2 = s1[idx], r1[idx], s2[idx], r2[idx]
        y1, y2 = b1 * xi, b2 * xi
        f = qi * special.gammainc(a1, y1) + (1 - qi) * special.gammainc(a2, y2) - prob
        density = (
            qi * np.exp((a1 - 1) * np.log(y1) - y1 - ln1[idx]) * b1
            + (1 - qi) * np.exp((a2 - 1) * np.log(y2) - y2 - ln2[idx]) * b2
        )
        lo[idx] = np.where(f < 0, xi, lo[idx])
        hi[idx] = np.where(f > 0, xi, hi[idx])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            new = xi - f / density
        outside = ~np.isfinite(new) | (new <= lo[idx]) | (new >= hi[idx])
        new = np.where(outside, 0.5 * (lo[idx] + hi[idx]), new)
        x[idx] = new
        done = (np.abs(new - xi) <= rtol * new) | (f == 0)
        idx = idx[~done]
    return x


def posterior(theta, n, e, *, quantiles=(0.05, 0.95)) -> dict[str, np.ndarray]:
    """Qn, EBGM and posterior quantiles for each cell, computed once per distinct (N, E)."""
    theta = np.asarray(theta, dtype=np.float64)
    a1, b1, a2, b2, p = theta
    n = np.asarray(n, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    # distinct (N, E): sort by N then E, mark changes
    order = np.lexsort((e, n))
    sn, se = n[order], e[order]
    flags = np.ones(len(n), dtype=bool)
    if len(n) > 1:
        flags[1:] = (sn[1:] != sn[:-1]) | (se[1:] != se[:-1])
    un, ue = sn[flags], se[flags]
    inverse = np.empty(len(n), dtype=np.int64)
    inverse[order] = np.cumsum(flags) - 1
    # per distinct N: shapes and their special functions
    values, n_index = sorted_unique(un, return_inverse=True)
    s1, s2 = a1 + values, a2 + values
    r1, r2 = b1 + ue, b2 + ue
    # Qn (Eq. 6) with the NB log-pmf written out: the N-only terms once per distinct N
    c1 = (special.gammaln(s1) - special.gammaln(a1) - special.gammaln(values + 1))[n_index]
    c2 = (special.gammaln(s2) - special.gammaln(a2) - special.gammaln(values + 1))[n_index]
    log_e = np.log(ue)
    l1 = c1 + a1 * np.log(b1 / r1) + un * (log_e - np.log(r1))
    l2 = c2 + a2 * np.log(b2 / r2) + un * (log_e - np.log(r2))
    x1 = np.log(p) + l1
    x2 = np.log1p(-p) + l2
    qn = np.exp(x1 - np.logaddexp(x1, x2))
    log_mean = qn * (special.digamma(s1)[n_index] - np.log(r1)) + (1 - qn) * (
        special.digamma(s2)[n_index] - np.log(r2)
    )
    out = {"qn": qn[inverse], "ebgm": np.exp(log_mean)[inverse]}
    for prob in quantiles:
        out[f"q{prob:g}"] = _mixture_quantile(prob, qn, s1, r1, s2, r2, n_index)[inverse]
    return out
