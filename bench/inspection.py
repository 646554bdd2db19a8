"""Inspection benchmark (issue 6): the inspection list page at province scale, at the 95th percentile.

Target: GET /workbench/inspection/inspections/ (the list page: scoped, filtered, first page of 30
with its count) under 150 ms at p95 with about 30,000 inspections over the demo province's
enterprises, for a province, a city and a county regulator; against GET /healthz measured in the
same run. The leaders' figures page is timed too (for information).

The inspections are generated once (bulk inserts, not the services: the benchmark measures
reading) with a realistic mix of statuses, origins, dates over two years, due dates and
rectification deadlines, a lead and a team row each.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time

from django.db import transaction
from django.test import Client
from django.utils import timezone

from bench.registry import percentile, prow, timings
from yaojian.accounts.models import Bureau, User
from yaojian.inspection.choices import KIND_FOR_ENTERPRISE, InspectionKind, Origin, Outcome
from yaojian.inspection.choices import Status as S
from yaojian.inspection.models import Checklist, Inspection
from yaojian.registry.models import Enterprise

INSPECTIONS = {"tiny": 3_000, "demo": 10_000, "province": 30_000}
USERS = ("province", "city", "county")
STATUS_MIX = [
    (S.PENDING, 3),
    (S.SCHEDULED, 15),
    (S.IN_PROGRESS, 5),
    (S.SUBMITTED, 8),
    (S.RECTIFYING, 10),
    (S.RECTIFICATION_SUBMITTED, 4),
    (S.CLOSED, 50),
    (S.CANCELLED, 5),
]
ORIGIN_MIX = [
    (Origin.RANDOM_DRAW, 60),
    (Origin.ROUTINE, 15),
    (Origin.COMPLAINT, 10),
    (Origin.LICENCE_COMMITMENT, 8),
    (Origin.TRACE_ANOMALY, 4),
    (Origin.SAMPLING, 2),
    (Origin.REFERRAL, 1),
]
SUBMITTED = {S.SUBMITTED, S.RECTIFYING, S.RECTIFICATION_SUBMITTED, S.CLOSED}


def _wanted() -> int:
    return INSPECTIONS.get(os.environ.get("YAOJIAN_BENCH_SCALE", "province"), 30_000)


def generate(count: int, seed: int = 6) -> int:
    """Top the inspections up to `count`; returns how many were added."""
    existing = Inspection.objects.count()
    if existing >= count:
        return 0
    draw = random.Random(seed + existing)  # noqa: S311 - repeatable bench data
    enterprises = list(Enterprise.objects.values_list("id", "region_code", "kind"))
    bureaus = dict(Bureau.objects.values_list("region_code", "id"))
    checklists = dict(Checklist.objects.filter(active=True).values_list("kind", "id"))
    inspectors: dict[str, list[int]] = {}
    for user_id, code in User.objects.filter(kind="regulator", is_active=True).values_list(
        "id", "bureau__region_code"
    ):
        if code:
            inspectors.setdefault(code, []).append(user_id)
    today = timezone.localdate()
    statuses = [s for s, w in STATUS_MIX for _ in range(w)]
    origins = [o for o, w in ORIGIN_MIX for _ in range(w)]
    Team = Inspection.team.through
    added = 0
    while existing + added < count:
        batch = min(2000, count - existing - added)
        rows = []
        for _ in range(batch):
            enterprise_id, region, enterprise_kind = draw.choice(enterprises)
            bureau_code = region if region in bureaus else region[:4] + "00"
            bureau_id = bureaus.get(bureau_code) or bureaus[region[:2] + "0000"]
            kind = KIND_FOR_ENTERPRISE.get(enterprise_kind, InspectionKind.GSP_RETAIL)
            status = draw.choice(statuses)
            created = today - dt.timedelta(days=draw.randint(0, 730))
            created_at = timezone.make_aware(dt.datetime.combine(created, dt.time(9, 0)))
            due = created + dt.timedelta(days=draw.randint(10, 60))
            submitted = created + dt.timedelta(days=draw.randint(1, 50))
            submitted_at = timezone.make_aware(dt.datetime.combine(submitted, dt.time(15, 0)))
            outcome = ""
            if status in (S.RECTIFYING, S.RECTIFICATION_SUBMITTED):
                outcome = Outcome.RECTIFY
            elif status == S.CLOSED:
                outcome = draw.choice([Outcome.PASS] * 6 + [Outcome.RECTIFY] * 3 + [Outcome.REFER])
            team = inspectors.get(bureau_code) or inspectors.get(region[:4] + "00") or []
            lead = draw.choice(team) if team and status != S.PENDING else None
            number = existing + added + len(rows) + 1
            rows.append(
                Inspection(
                    number=f"BENCH-JC-{created.year}-{number:07d}",
                    enterprise_id=enterprise_id,
                    region_code=region,
                    bureau_id=bureau_id,
                    kind=kind,
                    checklist_id=checklists[kind],
                    status=status,
                    outcome=outcome,
                    origin=draw.choice(origins),
                    origin_ref="BENCH",
                    lead_id=lead,
                    due_date=due if status != S.PENDING else None,
                    scheduled_at=None if status == S.PENDING else created_at,
                    started_at=submitted_at if status in SUBMITTED else None,
                    submitted_at=submitted_at if status in SUBMITTED else None,
                    decided_at=submitted_at if outcome else None,
                    rectification_days=20 if outcome == Outcome.RECTIFY else None,
                    rectification_deadline=submitted + dt.timedelta(days=28)
                    if outcome == Outcome.RECTIFY
                    else None,
                    closed_at=submitted_at if status in (S.CLOSED, S.CANCELLED) else None,
                    created_at=created_at,
                    updated_at=created_at,
                )
            )
        with transaction.atomic():
            Inspection.objects.bulk_create(rows, batch_size=1000)
            Team.objects.bulk_create(
                [Team(inspection_id=row.pk, user_id=row.lead_id) for row in rows if row.lead_id],
                batch_size=2000,
            )
        added += batch
    return added


def inspection_list() -> None:
    """GET /workbench/inspection/inspections/ with and without filters, 20 times each per
    user, p50/p95; the figures page 5 times."""
    started = time.perf_counter()
    added = generate(_wanted())
    if added:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  generated {added} inspections in {time.perf_counter() - started:.1f} s")
    print(f"  {Inspection.objects.count()} inspections")
    client = Client(HTTP_HOST="127.0.0.1")
    timings(lambda: client.get("/healthz"), 3)
    health = timings(lambda: client.get("/healthz"), 50)
    baseline = statistics.median(health)
    print(f"  {'GET /healthz (baseline, p50)':<50} {baseline * 1000:8.2f} ms")
    base = "/workbench/inspection/inspections/"
    paths = [
        base,
        f"{base}?status=open",
        f"{base}?status=scheduled&kind=gsp_retail",
        f"{base}?due=overdue",
        f"{base}?origin=complaint&status=closed",
        f"{base}?q=大药房",
        f"{base}?page=40",
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
            prow(f"  {username}: {path.removeprefix(base) or '(first page)'}", samples, baseline)
        prow(f"{username}: every list request", everything, baseline)
        response = client.get("/workbench/inspection/figures/")
        assert response.status_code == 200, response.status_code
        figures = timings(lambda: client.get("/workbench/inspection/figures/"), 5)
        prow(f"{username}: GET figures page (leaders)", figures, baseline)
        client.logout()
    print(f"  (p95 of /healthz itself: {percentile(health, 0.95) * 1000:.2f} ms)")


BENCHMARKS = {"inspection_list": inspection_list}
