"""PostgreSQL refuses UPDATE and DELETE on the audit log itself (migration 0002)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from yaojian.audit.models import AuditEntry
from yaojian.audit.services import verify_chain

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def refused(statement: str, params=()) -> str:
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    return str(caught.value)


def test_the_trigger_is_installed(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_entry_append_only'"
            " AND tgrelid = 'audit_auditentry'::regclass"
        )
        assert cursor.fetchone() == ("O",)  # enabled


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET detail = 'edited' WHERE seq = 3",
        "UPDATE audit_auditentry SET seq = seq + 100",
        "DELETE FROM audit_auditentry WHERE seq = 3",
        "DELETE FROM audit_auditentry",
    ],
)
def test_update_and_delete_are_refused(chain, statement):
    message = refused(statement)
    assert "append-only" in message
    assert AuditEntry.objects.count() == 6
    assert AuditEntry.objects.get(seq=3).detail == "step 3"
    assert verify_chain().ok


def test_the_orm_cannot_rewrite_history_either(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(outcome="success")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.get(seq=2).delete()
    assert verify_chain().ok


def test_appending_still_works_after_a_refusal(chain, county_regulator):
    from yaojian.audit.services import record

    refused("DELETE FROM audit_auditentry WHERE seq = 1")
    record(actor=county_regulator, action="test.after")
    report = verify_chain()
    assert report.ok and report.checked == 7
