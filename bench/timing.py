"""Small timing helpers: best-of-N wall time, so a noisy neighbour inflates less."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def best_of(function: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
    """Seconds per call, the best of `repeat` rounds of `number` calls."""
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            function()
        rounds.append((time.perf_counter() - started) / number)
    return min(rounds)


def median_of(function: Callable[[], object], *, repeat: int = 5) -> float:
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        rounds.append(time.perf_counter() - started)
    return statistics.median(rounds)


def row(label: str, seconds: float, baseline: float | None = None, unit: str = "ms") -> None:
    value = seconds * 1000 if unit == "ms" else seconds
    ratio = f"  ×{seconds / baseline:6.2f} of baseline" if baseline else ""
    print(f"  {label:<58} {value:10.2f} {unit}{ratio}")
