"""Penalty-case benchmark (issue 6): the case list page at province scale, at the 95th percentile.

Target: GET /workbench/enforcement/ (the list page: scoped, filtered, first page of 25 with its
count) under 150 ms at p95 with about 30,000 cases over the demo province's enterprises, for a
province, a city and a county regulator; against GET /healthz measured in the same run.

The cases are generated once (bulk inserts, not the services: the benchmark measures reading)
with a realistic mix of statuses, sources, filing dates over two years and deadlines.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from decimal import Decimal

from django.db import transaction
from django.test import Client
from django.utils import timezone

from bench.registry import percentile, prow, timings
from yaojian.accounts.models import Bureau, User
from yaojian.enforcement.choices import (
    CLOCK_RUNNING,
    PublicationState,
    SourceKind,
    SourceStatus,
    Status,
)
from yaojian.enforcement.models import Case, CaseSource
from yaojian.registry.models import Enterprise

CASES = {"tiny": 3_000, "demo": 10_000, "province": 30_000}
USERS = ("province", "city", "county")
STATUS_MIX = [
    (Status.PROPOSED, 6),
    (Status.NOT_FILED, 3),
    (Status.INVESTIGATING, 24),
    (Status.NOTIFIED, 8),
    (Status.HEARING, 2),
    (Status.HEARD, 2),
    (Status.DECIDED, 20),
    (Status.CLOSED, 33),
    (Status.ANNULLED, 2),
]
TITLES = [
    "涉嫌销售劣药案",
    "涉嫌未遵守药品经营质量管理规范案",
    "涉嫌从无资质企业购进药品案",
    "涉嫌未按规定建立追溯制度案",
    "涉嫌未凭处方销售处方药案",
    "涉嫌销售过期医疗器械案",
]


def _wanted() -> int:
    return CASES.get(os.environ.get("YAOJIAN_BENCH_SCALE", "province"), 30_000)


def generate(count: int, seed: int = 6) -> int:
    """Top the cases up to `count`; returns how many were added."""
    existing = Case.objects.count()
    if existing >= count:
        return 0
    draw = random.Random(seed + existing)  # noqa: S311 - repeatable bench data
    enterprises = list(Enterprise.objects.values_list("id", "region_code", "name"))
    bureaus = dict(Bureau.objects.values_list("region_code", "id"))
    today = timezone.localdate()
    statuses = [s for s, w in STATUS_MIX for _ in range(w)]
    sources_kinds = list(SourceKind.values)
    added = 0
    while existing + added < count:
        batch = min(2000, count - existing - added)
        sources, cases = [], []
        for _ in range(batch):
            enterprise_id, region, name = draw.choice(enterprises)
            code = region if region in bureaus else region[:4] + "00"
            bureau_id = bureaus.get(code) or bureaus[region[:2] + "0000"]
            found = today - dt.timedelta(days=draw.randint(5, 730))
            status = draw.choice(statuses)
            kind = draw.choice(sources_kinds)
            sources.append(
                CaseSource(
                    kind=kind,
                    ref="BENCH",
                    summary="基准测试线索",
                    enterprise_id=enterprise_id,
                    bureau_id=bureau_id,
                    region_code=code,
                    status=SourceStatus.FILED
                    if status != Status.PROPOSED
                    else SourceStatus.PROPOSED,
                    found_on=found,
                    decide_by=found + dt.timedelta(days=21),
                )
            )
            filed = found + dt.timedelta(days=draw.randint(1, 20))
            decided = filed + dt.timedelta(days=draw.randint(20, 110))
            done = status in (Status.DECIDED, Status.CLOSED, Status.ANNULLED)
            fine = Decimal(draw.choice([0, 5000, 20000, 100000, 150000, 300000]))
            cases.append(
                Case(
                    number=""
                    if status in (Status.PROPOSED, Status.NOT_FILED)
                    else f"BENCH药立〔{filed.year}〕{existing + added + len(cases) + 1}号",
                    source_kind=kind,
                    enterprise_id=enterprise_id,
                    bureau_id=bureau_id,
                    region_code=code,
                    status=status,
                    title=draw.choice(TITLES),
                    party_name=name,
                    provision="dal-126",
                    filed_on=None if status in (Status.PROPOSED, Status.NOT_FILED) else filed,
                    deadline=filed + dt.timedelta(days=90),
                    due_on=filed + dt.timedelta(days=90) if status in CLOCK_RUNNING else None,
                    decided_on=decided if done else None,
                    closed_on=decided + dt.timedelta(days=30) if status == Status.CLOSED else None,
                    decision_days=(decided - filed).days if done else None,
                    closure_days=(decided - filed).days + 30 if status == Status.CLOSED else None,
                    decision_number=f"BENCH药罚〔{decided.year}〕{existing + added + len(cases) + 1}号"
                    if done
                    else "",
                    fine=fine if done else 0,
                    paid_total=fine if status == Status.CLOSED else 0,
                    publication_state=PublicationState.PUBLISHED if done and fine else "",
                    created_at=timezone.make_aware(dt.datetime.combine(found, dt.time(9, 0))),
                )
            )
        with transaction.atomic():
            CaseSource.objects.bulk_create(sources, batch_size=1000)
            for source, case in zip(sources, cases, strict=True):
                case.source_id = source.pk
            Case.objects.bulk_create(cases, batch_size=1000)
        added += batch
    return added


def case_list() -> None:
    """GET /workbench/enforcement/ with and without filters, 20 times each per user, p50/p95."""
    started = time.perf_counter()
    added = generate(_wanted())
    if added:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  generated {added} cases in {time.perf_counter() - started:.1f} s")
    print(f"  {Case.objects.count()} cases, {CaseSource.objects.count()} clues")
    client = Client(HTTP_HOST="127.0.0.1")
    timings(lambda: client.get("/healthz"), 3)
    health = timings(lambda: client.get("/healthz"), 50)
    baseline = statistics.median(health)
    print(f"  {'GET /healthz (baseline, p50)':<50} {baseline * 1000:8.2f} ms")
    paths = [
        "/workbench/enforcement/",
        "/workbench/enforcement/?status=investigating",
        "/workbench/enforcement/?status=open&due=overdue",
        "/workbench/enforcement/?due=near",
        "/workbench/enforcement/?source=complaint",
        "/workbench/enforcement/?q=劣药",
        "/workbench/enforcement/?page=40",
    ]
    for username in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"  no user {username}: skipped")
            continue
        client.force_login(user)
        everything: list[float] = []
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            samples = timings(lambda p=path: client.get(p), 20)
            everything += samples
            prow(
                f"  {username}: {path.removeprefix('/workbench/enforcement/') or '(first page)'}",
                samples,
                baseline,
            )
        prow(f"{username}: every list request", everything, baseline)
        api = timings(lambda: client.get("/api/v1/enforcement/cases?per_page=25"), 20)
        prow(f"{username}: GET /api/v1/enforcement/cases", api, baseline)
        figures = timings(lambda: client.get("/workbench/enforcement/figures/"), 5)
        prow(f"{username}: GET figures page (leaders)", figures, baseline)
        client.logout()
    print(f"  (p95 of /healthz itself: {percentile(health, 0.95) * 1000:.2f} ms)")


BENCHMARKS = {"enforcement_case_list": case_list}
