"""Data-quality benchmarks (issue 3): the whole overview of every check, per bureau level.

Baseline, measured in the same run: a plain count(*) of each of the four registers (what it
costs to touch every row once). The overview runs every check of every register: one
aggregate query per database check, one streamed pass per Python check (format validators,
normalised names). Figures are the best of a few rounds; the slowest checks of the province's
overview are listed, and the peak Python memory of one province overview is printed to show
that the streamed passes do not load the registers.
"""

from __future__ import annotations

import time
import tracemalloc

from django.test import Client

from bench.timing import best_of, row
from yaojian.accounts.models import User
from yaojian.datacenter.quality import selectors
from yaojian.datacenter.quality.checks import CHECKS
from yaojian.datacenter.quality.registers import REGISTERS
from yaojian.registry.models import Enterprise, Licence, Person, Product

USERS = ("province", "city", "county")


REGISTER_MODELS = (Enterprise, Licence, Product, Person)


def _counts() -> None:
    for model in REGISTER_MODELS:
        model.objects.count()


def _read_every_row() -> None:
    for model in REGISTER_MODELS:
        for _pk in model.objects.order_by().values_list("pk", flat=True).iterator(2000):
            pass


def quality_overview() -> None:
    sizes = ", ".join(
        f"{model.objects.count()} {model._meta.verbose_name_plural}" for model in REGISTER_MODELS
    )
    print(f"  registers: {sizes}; {len(CHECKS)} checks")
    baseline = best_of(_counts, repeat=5)
    row("count(*) of the four registers (baseline)", baseline)
    row("read every row's id once (for scale)", best_of(_read_every_row, repeat=3), baseline)
    for username in USERS:
        user = User.objects.get(username=username)
        seconds = best_of(lambda user=user: selectors.overview(user), repeat=3)
        report = selectors.overview(user)
        found = sum(r.total_found for r in report.results.values())
        row(f"{username}: whole overview ({found} findings)", seconds, baseline)
    _slowest_checks(baseline)
    _pages(baseline)
    _memory()


def _slowest_checks(baseline: float, shown: int = 8) -> None:
    """Each check of the province's overview alone, slowest first."""
    user = User.objects.get(username="province")
    divisions = selectors.divisions_for(user)
    bucket = selectors.Buckets(divisions)
    bases = {key: selectors.base_queryset(user, register) for key, register in REGISTERS.items()}
    timed = []
    for check in CHECKS:
        seconds = best_of(lambda c=check: selectors.run(c, bases[c.register], bucket), repeat=3)
        timed.append((seconds, check))
    timed.sort(key=lambda item: item[0], reverse=True)
    print(f"  slowest checks of the province's overview (of {len(timed)}):")
    for seconds, check in timed[:shown]:
        kind = "python" if check.in_python else "sql"
        row(f"  {check.code} ({kind})", seconds, baseline)


def _pages(baseline: float) -> None:
    """Whole pages through Django: the overview, a database check's and a Python check's
    drill-down (first page of 25), per bureau level."""
    client = Client(HTTP_HOST="127.0.0.1")
    for username in ("province", "county"):
        client.force_login(User.objects.get(username=username))
        for label, path in (
            ("overview page", "/workbench/datacenter/quality/"),
            ("drill-down, sql check", "/workbench/datacenter/quality/licence.expired_still_valid/"),
            ("drill-down, python check", "/workbench/datacenter/quality/licence.number_invalid/"),
        ):
            seconds = best_of(lambda p=path: client.get(p), repeat=3)
            row(f"{username}: GET {label}", seconds, baseline)
    client.logout()


def _memory() -> None:
    user = User.objects.get(username="province")
    tracemalloc.start()
    started = time.perf_counter()
    selectors.overview(user)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {'province overview: peak Python memory (traced)':<58} {peak / 2**20:10.1f} MB"
        f"  ({elapsed:.1f} s with tracing)"
    )


BENCHMARKS = {"quality": quality_overview}
