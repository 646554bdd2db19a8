"""Foundation benchmarks: scoped reads, pages, the audit chain."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import Client

from bench.timing import best_of, row
from yaojian.accounts.models import User
from yaojian.audit import services as audit
from yaojian.audit.models import AuditEntry
from yaojian.registry import selectors
from yaojian.registry.models import Enterprise


def scoped_lists() -> None:
    """A page of the enterprise list and its count, per bureau level, against the same page
    of the whole table with no scope (the baseline: what the scope costs)."""

    def unscoped():
        list(Enterprise.objects.order_by("name", "pk")[:25])
        Enterprise.objects.count()

    baseline = best_of(unscoped, repeat=7)
    row("unscoped page of 25 + count (baseline)", baseline)
    for username in ("province", "city", "county"):
        user = User.objects.get(username=username)

        def scoped(user=user):
            page = selectors.enterprise_list(user)
            list(page[:25])
            page.count()

        row(f"{username}: scoped page of 25 + count", best_of(scoped, repeat=7), baseline)
    user = User.objects.get(username="province")
    search = best_of(lambda: list(selectors.enterprise_list(user, query="kn")[:25]), repeat=7)
    row("province: pinyin-initials search 'kn', first 25", search, baseline)


def pages() -> None:
    """Whole pages through Django (middleware, templates) against /healthz as the baseline."""
    client = Client(HTTP_HOST="127.0.0.1")
    baseline = best_of(lambda: client.get("/healthz"), repeat=5, number=5)
    row("GET /healthz (baseline)", baseline)
    for username, paths in {
        "county": ["/workbench/", "/workbench/registry/enterprises/"],
        "province": [
            "/workbench/",
            "/workbench/registry/enterprises/",
            "/api/v1/registry/enterprises?per_page=50",
        ],
    }.items():
        client.force_login(User.objects.get(username=username))
        for path in paths:
            row(
                f"{username}: GET {path}",
                best_of(lambda p=path: client.get(p), repeat=5, number=3),
                baseline,
            )
    client.logout()
    row(
        "anonymous: GET / (portal home)",
        best_of(lambda: client.get("/"), repeat=5, number=3),
        baseline,
    )


def audit_chain() -> None:
    """Appending to the SM3 chain against a plain insert of the same row (the baseline)."""
    actor = User.objects.get(username="county")
    count = 300

    def plain_inserts():
        with transaction.atomic():
            last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            AuditEntry.objects.bulk_create(
                AuditEntry(
                    seq=last + 1 + i,
                    at=actor.date_joined,
                    actor_username="bench",
                    action="bench.plain",
                    outcome="success",
                    prev_hash="0" * 64,
                    hash="0" * 64,
                )
                for i in range(count)
            )
            transaction.set_rollback(True)

    def chained_records():
        with transaction.atomic():
            for _ in range(count):
                audit.record(actor=actor, action="bench.chained", detail="benchmark")
            transaction.set_rollback(True)

    baseline = best_of(plain_inserts, repeat=3) / count
    row("plain insert of an audit row (baseline)", baseline)
    chained = best_of(chained_records, repeat=3) / count
    row("audit.record(): lock head, SM3 hash, insert", chained, baseline)
    print(f"  {'chained appends per second (one writer)':<58} {1 / chained:10.0f}")
    # verification speed over what the load wrote, repeated to a measurable size
    with transaction.atomic():
        for _ in range(2000):
            audit.record(actor=actor, action="bench.verify", detail="benchmark")
        entries = AuditEntry.objects.count()
        seconds = best_of(audit.verify_chain, repeat=3)
        transaction.set_rollback(True)
    print(
        f"  {'verify_chain(): entries per second':<58} {entries / seconds:10.0f}  ({entries} entries)"
    )


BENCHMARKS = {"scoped_lists": scoped_lists, "pages": pages, "audit_chain": audit_chain}


def vendor() -> str:
    return connection.vendor
