"""verify_chain(): an intact chain passes; every kind of tampering is found and located.

Tampering is done with raw SQL (an intruder does not use the ORM). On PostgreSQL the
append-only trigger is disabled for it first (see conftest.raw_sql): what a superuser can
still do must be detected by the chain.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from yaojian.audit import services
from yaojian.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from yaojian.audit.services import Actor, record, verify_chain

from .conftest import rehash

pytestmark = pytest.mark.django_db


def test_an_empty_log_is_intact(db):
    report = verify_chain()
    assert report.ok and report.checked == 0 and report.first_broken_seq is None


def test_an_intact_chain_verifies(chain):
    report = verify_chain()
    assert report.ok
    assert report.checked == 6
    assert report.first_broken_seq is None and report.reason == ""


def test_an_intact_chain_verifies_across_batches(chain):
    for size in (1, 2, 5, 6, 7):
        report = verify_chain(batch_size=size)
        assert report.ok and report.checked == 6


# --- edits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("detail", "nothing happened"),
        ("changes", json.dumps({"after": {"step": 999}})),
        ("actor_username", "someone_else"),
        ("outcome", "denied"),
        ("ip", "127.0.0.1"),
        ("at", "2020-01-01 00:00:00"),
        ("action", "test.harmless"),
    ],
)
def test_editing_one_column_of_a_middle_row_is_found_at_that_row(chain, raw_sql, column, value):
    raw_sql(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = 3", [value])
    assert getattr(AuditEntry.objects.get(seq=3), column) != getattr(chain[2], column)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.checked == 2
    assert "#3" in report.reason and "altered" in report.reason


def test_editing_the_newest_row_is_found(chain, raw_sql):
    raw_sql("UPDATE audit_auditentry SET detail = 'edited' WHERE seq = 6")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 6


def test_an_edited_row_whose_own_hash_was_recomputed_breaks_the_next_link(chain, raw_sql):
    raw_sql("UPDATE audit_auditentry SET detail = 'edited' WHERE seq = 3")
    raw_sql(
        "UPDATE audit_auditentry SET hash = %s WHERE seq = 3",
        [rehash(AuditEntry.objects.get(seq=3))],
    )
    assert AuditEntry.objects.get(seq=3).hash == rehash(AuditEntry.objects.get(seq=3))
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 4  # entry 3 is self-consistent; 4 no longer links to it
    assert report.checked == 3
    assert "#4" in report.reason and "link" in report.reason


def test_the_newest_row_edited_and_rehashed_is_found_through_the_chain_head(chain, raw_sql):
    raw_sql("UPDATE audit_auditentry SET outcome = 'success', detail = 'x' WHERE seq = 6")
    raw_sql(
        "UPDATE audit_auditentry SET hash = %s WHERE seq = 6",
        [rehash(AuditEntry.objects.get(seq=6))],
    )
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 6  # the entry that no longer matches the head
    assert "#6" in report.reason


def test_a_whole_rewritten_tail_is_found_through_the_chain_head(chain, raw_sql):
    """Editing entry 4 and re-linking 5 and 6 leaves only the head to tell."""
    raw_sql("UPDATE audit_auditentry SET detail = 'rewritten' WHERE seq = 4")
    previous = AuditEntry.objects.get(seq=4)
    raw_sql("UPDATE audit_auditentry SET hash = %s WHERE seq = 4", [rehash(previous)])
    for seq in (5, 6):
        raw_sql(
            "UPDATE audit_auditentry SET prev_hash = %s WHERE seq = %s",
            [AuditEntry.objects.get(seq=seq - 1).hash, seq],
        )
        raw_sql(
            "UPDATE audit_auditentry SET hash = %s WHERE seq = %s",
            [rehash(AuditEntry.objects.get(seq=seq)), seq],
        )
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 6


# --- deletions ------------------------------------------------------------------------------------


def test_deleting_a_middle_row_is_found_at_the_missing_number(chain, raw_sql):
    raw_sql("DELETE FROM audit_auditentry WHERE seq = 4")
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 4
    assert report.checked == 3
    assert "#4" in report.reason and "missing" in report.reason


def test_deleting_the_first_row_is_found(chain, raw_sql):
    raw_sql("DELETE FROM audit_auditentry WHERE seq = 1")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 1 and report.checked == 0


@pytest.mark.parametrize("removed", [1, 2, 6])
def test_deleting_the_newest_rows_is_found_through_the_chain_head(chain, raw_sql, removed):
    first_removed = 7 - removed
    raw_sql("DELETE FROM audit_auditentry WHERE seq >= %s", [first_removed])
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == first_removed
    assert report.checked == first_removed - 1
    assert "removed" in report.reason


# --- reordering and insertion ---------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [(2, 5), (3, 4), (1, 6)])
def test_swapping_the_numbers_of_two_rows_is_found_at_the_first_of_them(chain, raw_sql, a, b):
    raw_sql("UPDATE audit_auditentry SET seq = -1 WHERE seq = %s", [a])
    raw_sql("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [a, b])
    raw_sql("UPDATE audit_auditentry SET seq = %s WHERE seq = -1", [b])
    assert AuditEntry.objects.get(seq=a).hash == chain[b - 1].hash
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == a
    assert report.checked == a - 1


def _forge(raw_sql, **fields) -> None:
    """Insert a row with a correct hash of its own, as an intruder would."""
    row = {
        "seq": fields["seq"],
        "at": "2026-01-01T00:00:00.000000+00:00",
        "actor_id": None,
        "actor_username": "ghost",
        "actor_kind": "regulator",
        "actor_roles": "",
        "actor_org": "360000",
        "action": "accounts.grant_role",
        "object_type": "",
        "object_id": "",
        "changes": {},
        "outcome": "success",
        "detail": "",
        "ip": "",
        "user_agent": "",
        "channel": "web",
        "prev_hash": fields["prev_hash"],
    }
    digest = services.entry_hash(row)
    columns = [*row, "hash"]
    values = [*row.values(), digest]
    values[columns.index("changes")] = json.dumps(row["changes"])
    values[columns.index("at")] = "2026-01-01 00:00:00"
    placeholders = ", ".join(["%s"] * len(columns))
    raw_sql(f"INSERT INTO audit_auditentry ({', '.join(columns)}) VALUES ({placeholders})", values)


def test_a_forged_row_appended_after_the_head_is_found(chain, raw_sql):
    _forge(raw_sql, seq=7, prev_hash=chain[-1].hash)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 7
    assert "#7" in report.reason


def test_a_forged_row_numbered_below_the_first_is_found(chain, raw_sql):
    """Rows numbered 0 or less would show in the log but be skipped by a walk from 1."""
    _forge(raw_sql, seq=0, prev_hash=GENESIS_HASH)
    assert AuditEntry.objects.filter(seq=0).exists()
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 0


def test_a_missing_chain_head_is_found(chain, raw_sql):
    raw_sql("DELETE FROM audit_auditchainhead")
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 1


def test_emptying_the_whole_log_is_found_through_the_chain_head(chain, raw_sql):
    raw_sql("DELETE FROM audit_auditentry")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 1 and report.checked == 0


# --- a live system ------------------------------------------------------------------------------


def test_entries_written_while_the_chain_is_verified_are_no_false_alarm(chain):
    """The nightly check runs while people work: new entries must not look like tampering.

    Each time the verifier reads the chain head (not to append), another request appends an
    entry first, as a concurrent writer could.
    """
    state = {"busy": False, "appended": 0}

    def concurrent_writer(execute, sql, params, many, context):
        reads_head = "audit_auditchainhead" in sql and sql.lstrip().upper().startswith("SELECT")
        if reads_head and not state["busy"] and state["appended"] < 3:
            state["busy"] = True
            try:
                record(actor=Actor(username="clerk"), action="test.meanwhile")
                state["appended"] += 1
            finally:
                state["busy"] = False
        return execute(sql, params, many, context)

    with connection.execute_wrapper(concurrent_writer):
        report = verify_chain(batch_size=2)
    assert state["appended"] >= 1
    assert report.ok, report
    assert verify_chain().ok


# --- the command ----------------------------------------------------------------------------------


def test_audit_verify_command_prints_intact(chain):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()
    assert "6 entries" in out.getvalue()


def test_audit_verify_command_fails_naming_the_broken_entry(chain, raw_sql):
    raw_sql("UPDATE audit_auditentry SET detail = 'edited' WHERE seq = 2")
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=io.StringIO())
    assert "#2" in str(caught.value)
    assert "BROKEN" in str(caught.value)


def test_yaojian_audit_verify_exits_with_status_1_on_a_broken_chain(
    chain, raw_sql, capsys, keep_connection
):
    from yaojian import cli

    raw_sql("DELETE FROM audit_auditentry WHERE seq = 5")
    with pytest.raises(SystemExit) as caught:
        cli.main(["audit", "verify"])
    assert caught.value.code == 1
    assert "#5" in capsys.readouterr().err


def test_audit_command_needs_a_subcommand():
    with pytest.raises(CommandError):
        call_command("audit")


def test_nightly_task_tells_every_auditor_when_the_chain_is_broken(chain, raw_sql, auditor):
    from yaojian.audit.tasks import verify_chain_nightly
    from yaojian.workbench.models import Message

    assert verify_chain_nightly.call() == {"ok": True, "checked": 6, "first_broken_seq": None}
    assert not Message.objects.filter(recipient=auditor).exists()
    raw_sql("UPDATE audit_auditentry SET detail = 'edited' WHERE seq = 2")
    result = verify_chain_nightly.call()
    assert result["ok"] is False and result["first_broken_seq"] == 2
    message = Message.objects.get(recipient=auditor)
    assert "#2" in message.subject


def test_the_head_is_one_row_that_follows_the_chain(chain):
    head = AuditChainHead.objects.get()
    assert head.pk == 1 and AuditChainHead.objects.count() == 1
    assert head.last_seq == AuditEntry.objects.count()
