"""Register benchmarks (issue 3): enterprise search and the enterprise file, at the 95th percentile.

The issue's targets, at province scale (about 25,000 enterprises, 40,000 licences, 20,000
products): search and the enterprise file page answered in under 150 ms at p95. Percentiles,
not the best of N: a user waits for the slow answers too. Each figure comes with its ratio to
a baseline measured in the same run (p50 of the baseline).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable

from django.test import Client

from yaojian.accounts.models import User
from yaojian.registry import selectors
from yaojian.registry.models import Enterprise, Licence

TARGET = 0.150  # seconds, at p95
USERS = ("province", "city", "county")


def timings(function: Callable[[], object], calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: the value that `share` of the samples do not exceed."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def prow(
    label: str, samples: list[float], baseline: float | None = None, *, note: str = ""
) -> None:
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    ratio = f"  ×{p95 / baseline:7.1f}" if baseline else ""
    verdict = "" if baseline is None else ("  ok" if p95 < TARGET else "  OVER 150 ms")
    print(
        f"  {label:<50} p50 {p50 * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms{ratio}{verdict}"
        f"{'  ' + note if note else ''}"
    )


def _queries(user: User) -> dict[str, list[str]]:
    """Realistic queries a regulator types, taken from the data in the user's scope."""
    scoped = selectors.enterprise_list(user)
    draw = random.Random(f"bench:{user.username}")  # noqa: S311 - a repeatable sample
    ids = list(scoped.values_list("id", flat=True)[:5000])
    sample = Enterprise.objects.filter(pk__in=draw.sample(ids, min(3, len(ids))))
    numbers = list(
        Licence.objects.filter(holder__in=sample).order_by("pk").values_list("number", flat=True)
    )
    return {
        "Chinese name fragment": ["康宁", "大药房", "医药有限公司", "同济", "人民医院"],
        "address fragment": ["人民路", "解放路", "工业园"],
        "pinyin initials": ["kn", "dyf", "jxkn", "yy"],
        "credit code (full, and first 8)": [e.uscc for e in sample] + [e.uscc[:8] for e in sample],
        "licence number (full, and prefix)": [*numbers[:3], "赣DA3601", "赣洪药监械经营备2023"],
        "approval number prefix": ["国药准字Z3602", "赣械注准2020"],
    }


def search() -> None:
    """enterprise_list(user, query=…): the first page of 25 and the count, as the list page
    does; each query 10 times; p50/p95 per kind of query and per bureau level."""

    def unscoped():
        list(Enterprise.objects.order_by("name", "pk")[:25])
        Enterprise.objects.count()

    timings(unscoped, 3)
    baseline = statistics.median(timings(unscoped, 30))
    print(f"  {'unscoped page of 25 + count (baseline, p50)':<50} {baseline * 1000:8.2f} ms")
    for username in USERS:
        user = User.objects.get(username=username)
        everything: list[float] = []
        print(f"  {username} ({selectors.enterprise_list(user).count()} enterprises in scope)")
        for label, queries in _queries(user).items():
            samples: list[float] = []
            hits = []
            for query in queries:
                found = selectors.enterprise_list(user, query=query)

                def run(found=found):
                    list(found[:25])
                    found.count()

                run()  # warm
                samples += timings(run, 10)
                hits.append(found.count())
            everything += samples
            prow(f"  {label}", samples, baseline, note=f"hits {hits}")
        prow(f"{username}: every query", everything, baseline)
    # the whole list page with a query, through Django (middleware, template, pagination)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="province"))
    samples = []
    for query in ("康宁", "kn", "大药房", "人民路"):
        path = f"/workbench/registry/enterprises/?q={query}"
        assert client.get(path).status_code == 200, path
        samples += timings(lambda p=path: client.get(p), 10)
    prow("province: GET list page ?q=…", samples, baseline)


def enterprise_file() -> None:
    """GET /workbench/registry/enterprises/<id>/ for 40 enterprises in each user's scope
    (each twice), against GET /healthz (p50) as the baseline."""
    client = Client(HTTP_HOST="127.0.0.1")
    timings(lambda: client.get("/healthz"), 3)
    baseline = statistics.median(timings(lambda: client.get("/healthz"), 30))
    print(f"  {'GET /healthz (baseline, p50)':<50} {baseline * 1000:8.2f} ms")
    for username in USERS:
        user = User.objects.get(username=username)
        client.force_login(user)
        ids = list(selectors.enterprise_list(user).values_list("id", flat=True))
        # the demo chain's file is the fullest (timeline, stores); always among the sample
        draw = random.Random(f"file:{username}")  # noqa: S311 - a repeatable sample
        sample = draw.sample(ids, min(40, len(ids)))
        sample += list(
            Enterprise.objects.filter(
                name__startswith="江西康宁大药房连锁", pk__in=ids
            ).values_list("id", flat=True)[:1]
        )
        paths = [f"/workbench/registry/enterprises/{pk}/" for pk in sample]
        statuses = {client.get(path).status_code for path in paths}  # warm, and check
        samples = []
        for _ in range(2):
            for path in paths:
                samples += timings(lambda p=path: client.get(p), 1)
        note = "" if statuses == {200} else f"statuses {sorted(statuses)}: not the page!"
        prow(f"{username}: GET enterprise file ({len(paths)} files)", samples, baseline, note=note)
        client.logout()


BENCHMARKS = {"search": search, "enterprise_file": enterprise_file}


def run() -> None:
    for name, benchmark in BENCHMARKS.items():
        print(f"\n### {name}")
        benchmark()
