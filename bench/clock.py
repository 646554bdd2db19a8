"""The statutory clock: 100,000 open clocks recomputed at once, and one clock's state."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
from django.utils import timezone

from bench.timing import best_of, row
from yaojian.core import clock

CLOCKS = 100_000


def _open_clocks(today: dt.date, count: int = CLOCKS, seed: int = 2026):
    """Open applications as a province has them: accepted in the last 120 days, statutory
    limits of 5 to 60 working days, some paused, some extended; a tenth paused right now."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    starts = [today - dt.timedelta(days=rng.randrange(0, 120)) for _ in range(count)]
    limits = [rng.choice((5, 10, 15, 20, 20, 20, 30, 60)) for _ in range(count)]
    paused = [rng.choice((0, 0, 0, 2, 5, 10)) for _ in range(count)]
    extensions = [rng.choice((0, 0, 0, 0, 10)) for _ in range(count)]
    opened = [
        today - dt.timedelta(days=rng.randrange(0, 10)) if rng.random() < 0.1 else None
        for _ in range(count)
    ]
    return starts, limits, paused, extensions, opened


def clock_bulk() -> None:
    """bulk_remaining for 100,000 clocks (target: well under 1 s) against a NumPy subtraction
    of 100,000 day numbers (the baseline: the least any recomputation costs); clock.state for
    one clock per call."""
    today = timezone.localdate()
    starts, limits, paused, extensions, opened = _open_clocks(today)
    start_days = np.array(starts, dtype="datetime64[D]")
    today_day = np.datetime64(today, "D")
    clock.bulk_remaining(start_days[:10], limits[:10], paused[:10], extensions[:10], today)  # warm

    baseline = best_of(lambda: (today_day - start_days).astype(np.int64), repeat=7)
    row(f"NumPy: today minus {CLOCKS:,} start days (baseline)", baseline)
    from_array = best_of(
        lambda: clock.bulk_remaining(start_days, limits, paused, extensions, today), repeat=5
    )
    row(f"bulk_remaining: {CLOCKS:,} clocks, datetime64 starts", from_array, baseline)
    from_dates = best_of(
        lambda: clock.bulk_remaining(starts, limits, paused, extensions, today), repeat=5
    )
    row(f"bulk_remaining: {CLOCKS:,} clocks, list of date starts", from_dates, baseline)
    with_open = best_of(
        lambda: clock.bulk_remaining(
            start_days, limits, paused, extensions, today, open_pause_starts=opened
        ),
        repeat=5,
    )
    row(f"bulk_remaining: {CLOCKS:,} clocks, 10% paused now", with_open, baseline)
    calendar = best_of(
        lambda: clock.bulk_remaining(
            start_days, limits, paused, extensions, today, kind=clock.CALENDAR
        ),
        repeat=5,
    )
    row(f"bulk_remaining: {CLOCKS:,} calendar-day clocks", calendar, baseline)
    worst = max(from_array, from_dates, with_open, calendar)
    verdict = "met" if worst < 1 else "MISSED"
    print(f"  {'target: 100,000 clocks under 1 s':<58} {verdict:>10}  (worst {worst:.3f} s)")

    pauses = [clock.Pause(today - dt.timedelta(days=40), today - dt.timedelta(days=33), "专家评审")]
    start = today - dt.timedelta(days=60)
    plain_call = best_of(lambda: clock.add_days(start, 20), repeat=5, number=2000)
    row("clock.add_days(start, 20): one call (baseline)", plain_call)
    one = best_of(
        lambda: clock.state(start, 20, pauses=pauses, extension=10, today=today),
        repeat=5,
        number=2000,
    )
    row("clock.state(): one clock with a pause and an extension", one, plain_call)
    print(
        f"  {'clock.state() for 100,000 clocks one by one (extrapolated)':<58} "
        f"{one * CLOCKS:10.2f} s  ×{one * CLOCKS / from_array:6.1f} of bulk_remaining"
    )


BENCHMARKS = {"clock": clock_bulk}


if __name__ == "__main__":  # python -m bench.clock, without loading a province
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaojian.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    clock_bulk()
