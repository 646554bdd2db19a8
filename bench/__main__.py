"""Benchmarks: `python -m bench [--scale province] [--only NAME]`, or `make bench`.

Each benchmark prints its figures and a ratio against a baseline measured in the same run on
the same database, so that the numbers mean something on a shared, noisy machine. Nothing
here asserts a time: the figures go into the issue notes and are compared run to run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", default="province", choices=["tiny", "demo", "province"])
    parser.add_argument("--only", help="run one benchmark by name")
    parser.add_argument("--keep", help="reuse this var directory (skips reloading the province)")
    parser.add_argument(
        "--trace-codes", type=int, help="code states for the trace benchmarks (default 1 million)"
    )
    parser.add_argument(
        "--trace-events",
        type=int,
        help="events for the trace benchmarks (topped up by batch lives; overrides --trace-codes)",
    )
    parser.add_argument(
        "--pv-national",
        action="store_true",
        help="also run signal detection over a synthetic national year (1.6 million reports)",
    )
    parser.add_argument("--pv-rows", type=int, help="rows of the synthetic national year")
    args = parser.parse_args()
    if args.pv_national:
        os.environ["YAOJIAN_BENCH_PV_NATIONAL"] = "1"
    if args.pv_rows:
        os.environ["YAOJIAN_BENCH_PV_ROWS"] = str(args.pv_rows)

    var_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="yaojian-bench-"))
    os.environ["YAOJIAN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("YAOJIAN_DEMO", "1")
    os.environ["YAOJIAN_BENCH_SCALE"] = args.scale
    if args.trace_codes:
        os.environ["YAOJIAN_BENCH_TRACE_CODES"] = str(args.trace_codes)
    if args.trace_events:
        os.environ["YAOJIAN_BENCH_TRACE_EVENTS"] = str(args.trace_events)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaojian.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    from bench import clock as clock_bench
    from bench import (
        elicence,
        enforcement,
        foundation,
        imports,
        inspection,
        inspection_draw,
        quality,
        registry,
        trace,
        vigilance_signals,
    )
    from yaojian.demo import loader

    call_command("migrate", interactive=False, verbosity=0)
    if not loader.is_loaded():
        started = time.perf_counter()
        report = loader.load(seed=2026, scale=args.scale)
        print(
            f"loaded {report.enterprises} enterprises, {report.licences} licences, "
            f"{report.products} products, {report.people} people and {report.regulators} "
            f"regulators in {time.perf_counter() - started:.1f} s "
            f"({os.environ.get('YAOJIAN_DATABASE_URL', 'SQLite')})"
        )
    benchmarks = {
        **foundation.BENCHMARKS,
        "registry": registry.run,
        "quality": quality.quality_overview,
        **imports.BENCHMARKS,
        **clock_bench.BENCHMARKS,
        **elicence.BENCHMARKS,
        **trace.BENCHMARKS,
        **inspection_draw.BENCHMARKS,
        **inspection.BENCHMARKS,
        **enforcement.BENCHMARKS,
        **vigilance_signals.BENCHMARKS,
    }
    for name, benchmark in benchmarks.items():
        if args.only and name != args.only:
            continue
        print(f"\n## {name}")
        benchmark()


if __name__ == "__main__":
    main()
