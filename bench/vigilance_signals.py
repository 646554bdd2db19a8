"""Signal-detection benchmarks (issue 7: adverse drug reaction monitoring).

Targets:

- CAERS 2012 (``shared/conformance/pv/caers_2012.csv``: 20,156 rows, 3,356 reports, 17,189
  pairs): the full run - read, distinct counts, PRR/ROR/chi-square, BCPNN IC, the MGPS
  hyperparameter fit (five starting points, squashed data) and EBGM/EB05/EB95 - under 3 s.
  openEBGM's vignette reports 1.9 s for the fit alone on squashed data, 36 s unsquashed.
  Baseline in the same run: reading the file and counting the pairs.
- a synthetic national year (``--pv-national`` / ``YAOJIAN_BENCH_PV_NATIONAL=1``): 1.6 million
  reports and 3 million report-product-event rows (Zipf-distributed products and events,
  planted signals, sex x age strata) through the same computation, under 60 s and under
  3 GB peak RSS. Baseline: the distinct counting alone. ``--pv-rows N`` (or
  ``YAOJIAN_BENCH_PV_ROWS``) changes the number of rows, e.g. 12 million rows give about
  3 million distinct product-event pairs.

The engine is pure NumPy/SciPy, so this module also runs without Django:
``python -m bench.vigilance_signals [--national]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

TARGET_CAERS = 3.0
TARGET_NATIONAL = 60.0
TARGET_RSS_GB = 3.0
NATIONAL_REPORTS = 1_600_000
NATIONAL_ROWS = 3_000_000


def _caers_path() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (
        here.parent / "shared" / "conformance" / "pv" / "caers_2012.csv",
        Path("/work/shared/conformance/pv/caers_2012.csv"),
    ):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("caers_2012.csv not found beside the checkout")


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


def caers() -> dict:
    from yaojian.vigilance.signals import engine
    from yaojian.vigilance.signals.csvio import read_table

    path = _caers_path()
    read_table(path).counts()  # warm up imports and caches
    started = time.perf_counter()
    table = read_table(path)
    counts = table.counts()
    baseline = time.perf_counter() - started

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        table = read_table(path)
        counts = table.counts()
        detection = engine.detect(counts)
        timings.append(time.perf_counter() - started)
    full = min(timings)
    fit = detection.fit
    print(
        f"CAERS: {table.rows} rows, {counts.total} reports, {len(counts)} pairs, "
        f"{counts.strata} strata"
    )
    print(f"  baseline (read + distinct counts):        {baseline * 1000:8.1f} ms")
    print(
        f"  full run (+ PRR, ROR, chi2, IC, MGPS fit): {full * 1000:8.1f} ms  "
        f"= {full / baseline:.1f}x baseline  (target < {TARGET_CAERS:.0f} s: "
        f"{'met' if full < TARGET_CAERS else 'MISSED'})"
    )
    print(
        "  parts of the last run: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in detection.timings.items())
    )
    h = fit.hyper
    print(
        f"  prior: alpha1={h.alpha1:.4f} beta1={h.beta1:.4f} alpha2={h.alpha2:.4f} "
        f"beta2={h.beta2:.4f} P={h.p:.5f} on {fit.points} squashed points"
    )
    return {"baseline": baseline, "full": full}


def synthetic_year(
    reports: int = NATIONAL_REPORTS, rows: int = NATIONAL_ROWS, *, seed: int = 2026
) -> tuple[np.ndarray, ...]:
    """(report, product, event, stratum) int arrays of about `rows` report-product-event rows."""
    rng = np.random.default_rng(seed)
    n_products, n_events = 30_000, 6_000
    p_weights = 1.0 / np.arange(1, n_products + 1) ** 1.1
    p_weights /= p_weights.sum()
    e_weights = 1.0 / np.arange(1, n_events + 1) ** 1.0
    e_weights /= e_weights.sum()
    # drugs and events per report, scaled so that drugs x events averages rows / reports
    drugs = rng.choice([1, 2, 3], size=reports, p=[0.7, 0.25, 0.05])
    events = rng.choice([1, 2, 3], size=reports, p=[0.6, 0.3, 0.1])
    scale = rows / float((drugs * events).sum())
    if scale < 1:
        keep = rng.random(reports) < scale
        events = np.where(keep, events, 1)
    elif scale > 1.05:  # more rows than a report usually carries: more drugs and events each
        factor = np.sqrt(scale)
        drugs = np.maximum(1, rng.poisson(drugs * factor))
        events = np.maximum(1, rng.poisson(events * factor))
    drug_report = np.repeat(np.arange(reports), drugs)
    drug_product = rng.choice(n_products, size=len(drug_report), p=p_weights)
    event_start = np.concatenate([[0], np.cumsum(events)[:-1]])
    event_code = rng.choice(n_events, size=int(events.sum()), p=e_weights)
    # cross join drugs x events within each report
    block = events[drug_report]
    row_drug = np.repeat(np.arange(len(drug_report)), block)
    starts = np.concatenate([[0], np.cumsum(block)[:-1]])
    within = np.arange(len(row_drug)) - np.repeat(starts, block)
    report = drug_report[row_drug]
    product = drug_product[row_drug]
    event = event_code[event_start[report] + within]
    # each product has its own profile of 20 events it is reported with more often, so that
    # the relative reporting rates vary between pairs as in real data (no prior degenerates)
    profile = rng.choice(n_events, size=(n_products, 20), p=e_weights)
    own = rng.random(len(product)) < 0.3
    event = np.where(own, profile[product, rng.integers(0, 20, len(product))], event)
    # planted signals: 300 products report one particular event far more often
    planted = rng.choice(np.arange(50, 5_000), size=300, replace=False)
    target = rng.integers(100, n_events, size=300)
    lookup = np.full(n_products, -1)
    lookup[planted] = target
    hit = (lookup[product] >= 0) & (rng.random(len(product)) < 0.15)
    event = np.where(hit, lookup[product], event)
    sex = rng.choice(3, size=reports, p=[0.48, 0.48, 0.04])
    age = rng.choice(5, size=reports, p=[0.1, 0.3, 0.3, 0.25, 0.05])
    stratum = (sex * 5 + age)[report]
    return report, product, event, stratum


def national() -> dict | None:
    if os.environ.get("YAOJIAN_BENCH_PV_NATIONAL", "") not in ("1", "true", "yes"):
        print("skipped (set YAOJIAN_BENCH_PV_NATIONAL=1 or pass --pv-national)")
        return None
    from yaojian.vigilance.signals import engine
    from yaojian.vigilance.signals.counts import count_pairs

    started = time.perf_counter()
    rows = int(os.environ.get("YAOJIAN_BENCH_PV_ROWS") or NATIONAL_ROWS)
    report, product, event, stratum = synthetic_year(rows=rows)
    generated = time.perf_counter() - started
    gc.collect()
    rss_before = _peak_rss_gb()

    started = time.perf_counter()
    counts = count_pairs(report, product, event, stratum)
    baseline = time.perf_counter() - started
    del counts
    gc.collect()

    started = time.perf_counter()
    counts = count_pairs(report, product, event, stratum)
    counted = time.perf_counter() - started
    detection = engine.detect(counts)
    full = time.perf_counter() - started
    peak = _peak_rss_gb()
    print(
        f"synthetic national year: {len(report):,} rows, {counts.total:,} reports, "
        f"{len(counts):,} distinct pairs, {counts.strata} strata (generated in {generated:.1f} s)"
    )
    print(f"  baseline (distinct counts, stratified E): {baseline:7.2f} s")
    print(
        f"  full run (counts + four methods + fit):   {full:7.2f} s  = {full / baseline:.1f}x "
        f"baseline  (target < {TARGET_NATIONAL:.0f} s: "
        f"{'met' if full < TARGET_NATIONAL else 'MISSED'})"
    )
    print(
        f"  parts: counts {counted:.2f} s, "
        + ", ".join(f"{k} {v:.2f} s" for k, v in detection.timings.items())
    )
    print(
        f"  peak RSS {peak:.2f} GB (after generating the data: {rss_before:.2f} GB; "
        f"target < {TARGET_RSS_GB:.0f} GB: {'met' if peak < TARGET_RSS_GB else 'MISSED'})"
    )
    print(
        f"  MGPS fit on {detection.fit.points:,} squashed points; flagged: "
        + ", ".join(f"{m} {int(f.sum()):,}" for m, f in detection.flags.items())
    )
    return {"baseline": baseline, "full": full, "peak_rss_gb": peak}


BENCHMARKS = {"vigilance_signals": caers, "vigilance_signals_national": national}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.vigilance_signals")
    parser.add_argument("--national", "--pv-national", action="store_true")
    parser.add_argument(
        "--pv-rows", type=int, help="report-product-event rows of the national year (3 million)"
    )
    args = parser.parse_args(argv)
    if args.pv_rows:
        os.environ["YAOJIAN_BENCH_PV_ROWS"] = str(args.pv_rows)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print("## vigilance_signals")
    caers()
    if args.national:
        os.environ["YAOJIAN_BENCH_PV_NATIONAL"] = "1"
        print("\n## vigilance_signals_national")
        national()


if __name__ == "__main__":
    main()
