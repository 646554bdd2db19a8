"""`yaojian manage trace_generate --events N --seed S`: province-scale traceability test data.

Writes code rules, batches, events, event codes and code states straight into the trace tables
(see `bench.trace_data`); for benchmarks and load tests, never on a production database.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Generate deterministic province-scale traceability data (batches of 10,000 packs: "
        "commissioned, shipped, received, sold) for benchmarks. Load the demo province first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=0, help="stop after this many events")
        parser.add_argument("--codes", type=int, default=0, help="or after this many codes")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--executemany",
            action="store_true",
            help="on PostgreSQL, INSERT with executemany instead of COPY",
        )

    def handle(self, *args, events, codes, seed, executemany, **options):
        if str(settings.BASE_DIR) not in sys.path:
            sys.path.append(str(settings.BASE_DIR))  # bench/ sits beside the package
        try:
            from bench import trace_data
        except ImportError:
            raise CommandError(
                "the generator lives in bench/trace_data.py: run from a source checkout"
            ) from None
        if events <= 0 and codes <= 0:
            raise CommandError("give --events N (or --codes N)")
        try:
            report = trace_data.generate(
                events or None, seed, codes=codes or None, out=self.stdout, copy=not executemany
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(report.summary())
