"""One signal-detection run over pair counts: all four methods, thresholds and flags.

`detect(counts)` returns a `Detection`: per pair the figures of the output file
(n, expected, prr, prr_lower95, chi2, ror, ror_lower95, ic, ic025, ebgm, eb05, eb95), a flag
per method under the thresholds, and the MGPS fit. The same function serves the command over
a CSV file, the background run over the case database and the benchmark.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from yaojian.vigilance.signals import mgps, stats
from yaojian.vigilance.signals.counts import PairCounts

__all__ = ["COLUMNS", "METHODS", "PRESETS", "Detection", "Thresholds", "detect"]

COLUMNS = (
    "product",
    "event",
    "n",
    "expected",
    "prr",
    "prr_lower95",
    "chi2",
    "ror",
    "ror_lower95",
    "ic",
    "ic025",
    "ebgm",
    "eb05",
    "eb95",
)
METHODS = ("prr", "ror", "bcpnn", "mgps")


@dataclass(frozen=True)
class Thresholds:
    """When a pair is flagged by each method (the common presets by default).

    - PRR (Evans et al. 2001, MHRA): PRR >= prr_min and chi2 >= chi2_min and n >= n_min;
    - ROR: lower 95% bound > ror_lower_min (and n >= n_min_other);
    - BCPNN: IC025 > ic025_min (and n >= n_min_other);
    - MGPS: EB05 >= eb05_min (and n >= n_min_other).
    """

    prr_min: float = 2.0
    chi2_min: float = 4.0
    n_min: int = 3
    ror_lower_min: float = 1.0
    ic025_min: float = 0.0
    eb05_min: float = 2.0
    n_min_other: int = 1

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Thresholds:
        base = cls()
        if not data:
            return base
        known = {k: v for k, v in data.items() if k in base.as_dict()}
        return replace(base, **known)


PRESETS: dict[str, Thresholds] = {
    "standard": Thresholds(),
    # stricter screening, e.g. for a first look at a large database
    "strict": Thresholds(prr_min=3.0, chi2_min=4.0, n_min=5, n_min_other=3, eb05_min=2.0),
    # sensitive screening for rare, serious events
    "sensitive": Thresholds(prr_min=2.0, chi2_min=4.0, n_min=2, eb05_min=1.5),
}


@dataclass
class Detection:
    counts: PairCounts
    figures: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]
    fit: mgps.Fit | None
    thresholds: Thresholds
    ic_method: str = "noren"
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def mgps_computed(self) -> bool:
        return bool(np.any(np.isfinite(self.figures["ebgm"])))

    def __len__(self) -> int:
        return len(self.counts)

    def flagged(self) -> np.ndarray:
        out = np.zeros(len(self), dtype=bool)
        for value in self.flags.values():
            out |= value
        return out

    def select(self, min_count: int = 1) -> np.ndarray:
        return np.flatnonzero(self.counts.n11 >= min_count)


def flags_for(figures: dict[str, np.ndarray], t: Thresholds) -> dict[str, np.ndarray]:
    n = figures["n"]
    with np.errstate(invalid="ignore"):
        other = n >= t.n_min_other
        return {
            "prr": (figures["prr"] >= t.prr_min) & (figures["chi2"] >= t.chi2_min) & (n >= t.n_min),
            "ror": (figures["ror_lower95"] > t.ror_lower_min) & other,
            "bcpnn": (figures["ic025"] > t.ic025_min) & other,
            "mgps": (figures["eb05"] >= t.eb05_min) & other,
        }


def detect(
    counts: PairCounts,
    *,
    thresholds: Thresholds | None = None,
    squash: bool = True,
    ic_method: str = "noren",
    hyper: mgps.Hyper | None = None,
) -> Detection:
    """Compute every statistic for every pair; fit the MGPS prior unless `hyper` is given."""
    thresholds = thresholds or Thresholds()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    a, b, c, d = counts.table
    prr, prr_lower = stats.prr(a, b, c, d)
    ror, ror_lower = stats.ror(a, b, c, d)
    chi2 = stats.chi_square_yates(a, b, c, d)
    if ic_method == "noren":
        ic, ic025 = stats.information_component(a, counts.expected)
    elif ic_method == "phvid":
        ic, ic025 = stats.bcpnn_phvid(counts.n11, counts.n1_, counts.n_1, counts.total)
    else:
        raise ValueError(f"unknown IC method {ic_method!r}")
    timings["frequentist"] = time.perf_counter() - started

    started = time.perf_counter()
    fit = None
    if hyper is None:
        if squash:
            sn, se, sw = mgps.squash_plan(counts.n11, counts.expected)
        else:
            sn, se, sw = counts.n11, counts.expected, None
        fit = mgps.fit(sn, se, sw)
        hyper = fit.hyper
    timings["fit"] = time.perf_counter() - started
    started = time.perf_counter()
    usable = np.all(np.isfinite(hyper.theta)) and 0 < hyper.p < 1 and np.all(hyper.theta[:4] > 0)
    if fit is not None and not fit.converged:
        # as openEBGM's autoHyper, which stops with an error: without two starting points
        # agreeing on an estimate inside the bounds (too few pairs, a degenerate table) the
        # empirical-Bayes figures would be artefacts of the optimiser, so none are given
        usable = False
    if usable:
        post = mgps.posterior(hyper.theta, counts.n11, counts.expected)
    else:
        empty = np.full(len(counts), np.nan)
        post = {"ebgm": empty, "q0.05": empty, "q0.95": empty}
    timings["posterior"] = time.perf_counter() - started

    figures = {
        "n": counts.n11,
        "expected": counts.expected,
        "prr": prr,
        "prr_lower95": prr_lower,
        "chi2": chi2,
        "ror": ror,
        "ror_lower95": ror_lower,
        "ic": ic,
        "ic025": ic025,
        "ebgm": post["ebgm"],
        "eb05": post["q0.05"],
        "eb95": post["q0.95"],
    }
    return Detection(
        counts=counts,
        figures=figures,
        flags=flags_for(figures, thresholds),
        fit=fit,
        thresholds=thresholds,
        ic_method=ic_method,
        timings=timings,
    )
