"""`yaojian vigilance signals --input FILE.csv --output OUT.csv`: signal detection on a file.

Dispatched by the vigilance management command as ``run(argv)``; returns the exit status
(0 done, 2 bad arguments or a bad input file, nothing written).
"""

from __future__ import annotations

import argparse
import sys
import time

from yaojian.vigilance.signals import engine
from yaojian.vigilance.signals.csvio import InputError, read_table, write_results

DESCRIPTION = """Disproportionality analysis of a report file: for each product-event pair the
count of distinct reports and its expected count, PRR with 95% lower bound and Yates
chi-square, ROR with 95% lower bound, the BCPNN information component with IC025, and
DuMouchel's MGPS (EBGM, EB05, EB95; prior fitted by maximum likelihood on squashed data).
The input has the columns id,var1,var2 (report id, product, event); columns whose name
contains 'strat' are strata for the expected counts."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yaojian vigilance signals", description=DESCRIPTION)
    parser.add_argument("--input", required=True, help="input CSV (UTF-8, UTF-8 with BOM or GBK)")
    parser.add_argument("--output", required=True, help="output CSV ('-' for standard output)")
    parser.add_argument("--encoding", help="force the input encoding (e.g. gbk)")
    parser.add_argument(
        "--min-count",
        type=int,
        default=1,
        help="write only pairs with at least this many reports (the MGPS prior is still "
        "fitted on every pair)",
    )
    parser.add_argument("--no-squash", action="store_true", help="fit MGPS on all cells")
    parser.add_argument("--no-strata", action="store_true", help="ignore strat* columns")
    parser.add_argument(
        "--ic-method",
        choices=["noren", "phvid"],
        default="noren",
        help="IC: shrinkage log2((a+.5)/(E+.5)) (Noren 2013, default) or PhViD BCPNN(MC=FALSE)",
    )
    parser.add_argument(
        "--preset", choices=sorted(engine.PRESETS), default="standard", help="threshold preset"
    )
    parser.add_argument("--prr-min", type=float, help="PRR threshold (default 2)")
    parser.add_argument("--chi2-min", type=float, help="chi-square threshold (default 4)")
    parser.add_argument("--n-min", type=int, help="minimum reports for a PRR signal (default 3)")
    parser.add_argument("--ror-lower-min", type=float, help="ROR lower bound above (default 1)")
    parser.add_argument("--ic025-min", type=float, help="IC025 above (default 0)")
    parser.add_argument("--eb05-min", type=float, help="EB05 at least (default 2)")
    parser.add_argument(
        "--flags", action="store_true", help="append signal_prr/ror/bcpnn/mgps columns (0/1)"
    )
    parser.add_argument("--quiet", action="store_true", help="no summary on standard error")
    return parser


def thresholds_from(args) -> engine.Thresholds:
    base = engine.PRESETS[args.preset].as_dict()
    for name in ("prr_min", "chi2_min", "n_min", "ror_lower_min", "ic025_min", "eb05_min"):
        value = getattr(args, name)
        if value is not None:
            base[name] = value
    return engine.Thresholds(**base)


def run(argv: list[str], *, stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.min_count < 1:
        print("error: --min-count must be at least 1", file=stderr)
        return 2
    started = time.perf_counter()
    try:
        table = read_table(args.input, encoding=args.encoding)
    except FileNotFoundError:
        print(f"error: {args.input}: no such file", file=stderr)
        return 2
    except InputError as error:
        print(f"error: {args.input}: {error}", file=stderr)
        for line in error.errors[1:]:
            print(f"  {line}", file=stderr)
        return 2
    counts = table.counts(stratify=not args.no_strata)
    detection = engine.detect(
        counts,
        thresholds=thresholds_from(args),
        squash=not args.no_squash,
        ic_method=args.ic_method,
    )
    if args.output == "-":
        written = write_results(detection, stdout, min_count=args.min_count, with_flags=args.flags)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            written = write_results(detection, out, min_count=args.min_count, with_flags=args.flags)
    if not args.quiet:
        fit = detection.fit
        strata = (
            f", {counts.strata} strata ({', '.join(table.strata_columns)})"
            if counts.strata > 1
            else ""
        )
        print(
            f"{table.rows} rows ({table.encoding}), {counts.total} reports, {len(counts)} pairs"
            f"{strata}; {written} rows written in {time.perf_counter() - started:.2f} s",
            file=stderr,
        )
        if fit is not None:
            h = fit.hyper
            print(
                f"MGPS prior: alpha1={h.alpha1:.6g} beta1={h.beta1:.6g} alpha2={h.alpha2:.6g} "
                f"beta2={h.beta2:.6g} P={h.p:.6g} (-logL {fit.minimum:.3f} on {fit.points} "
                f"points, {'converged' if fit.converged else 'NOT CONFIRMED by a second start'})",
                file=stderr,
            )
            if not detection.mgps_computed:
                print(
                    "MGPS: no EBGM/EB05/EB95 (written as NA): the prior could not be fitted "
                    "consistently - too few product-event pairs?",
                    file=stderr,
                )
        signals = {m: int(f.sum()) for m, f in detection.flags.items()}
        print("signals: " + ", ".join(f"{m} {k}" for m, k in signals.items()), file=stderr)
    return 0
