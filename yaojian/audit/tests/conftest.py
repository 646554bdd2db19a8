"""Fixtures for the audit tests: a chain of entries, and raw SQL that bypasses the ORM."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client

from yaojian.audit import services
from yaojian.audit.models import AuditEntry
from yaojian.core.context import Origin, origin

TABLE = "audit_auditentry"
TRIGGER = "audit_entry_append_only"


@pytest.fixture
def client():
    """A browser that asks for English pages."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def chain(db, county_regulator, city_regulator, enterprise_master) -> list[AuditEntry]:
    """Six entries by different actors, written through the service (newest last)."""
    written = []
    with origin(Origin(ip="10.36.1.7", user_agent="pytest", channel="web")):
        for number, actor in enumerate(
            [county_regulator, city_regulator, enterprise_master, None, county_regulator, None],
            start=1,
        ):
            written.append(
                services.record(
                    actor=actor,
                    action=f"test.step{number}",
                    object_type="registry.enterprise",
                    object_id=number,
                    changes={"after": {"step": number, "note": f"第{number}步"}},
                    detail=f"step {number}",
                )
            )
    return written


@pytest.fixture
def raw_sql(db) -> Iterator[Callable[..., None]]:
    """Run SQL directly, as an intruder with database access would.

    On PostgreSQL the append-only trigger is disabled first (only the table's owner or a
    superuser can do that) and enabled again afterwards: the hash chain must detect what
    such a person changes.
    """
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")

    def run(statement: str, params: list | tuple = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    yield run
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


@pytest.fixture
def keep_connection(monkeypatch):
    """A command run from the command line closes every connection when it ends, which
    would end the test's transaction: keep it open."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def rehash(entry: AuditEntry) -> str:
    """The hash an intruder who knows the (public) algorithm would compute for a row."""
    fields = {name: getattr(entry, name) for name in services.HASHED_FIELDS}
    fields["at"] = services.jsonable(entry.at)
    return services.entry_hash(fields)
