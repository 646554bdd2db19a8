"""Writing the audit log: record() and the `audited` decorator."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import threading
import uuid

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yaojian.audit import services
from yaojian.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from yaojian.audit.services import Actor, audited, record, verify_chain
from yaojian.core.context import Origin, origin
from yaojian.core.errors import Conflict, PermissionDenied, ValidationFailed
from yaojian.core.models import ScheduledRun

pytestmark = pytest.mark.django_db


def test_entries_get_consecutive_numbers_and_each_links_to_the_one_before(chain):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, 7))
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in entries}) == 6
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (6, entries[-1].hash)


def test_an_entry_stores_actor_origin_object_and_changes(chain, county_regulator):
    entry = AuditEntry.objects.get(seq=1)
    assert entry.actor_id == county_regulator.pk
    assert entry.actor_username == county_regulator.username
    assert entry.actor_kind == "regulator"
    assert entry.actor_roles == "inspector,reviewer"
    assert entry.actor_org == "360102"
    assert (entry.ip, entry.user_agent, entry.channel) == ("10.36.1.7", "pytest", "web")
    assert (entry.object_type, entry.object_id) == ("registry.enterprise", "1")
    assert entry.changes == {"after": {"step": 1, "note": "第1步"}}
    assert entry.outcome == "success" and entry.detail == "step 1"


def test_an_enterprise_actor_is_recorded_with_its_credit_code(chain, enterprise_master):
    entry = AuditEntry.objects.get(seq=3)
    assert entry.actor_kind == "enterprise"
    assert entry.actor_org == enterprise_master.enterprise.uscc


def test_anonymous_and_system_actors(db):
    class Visitor:
        is_authenticated = False
        attempted_username = "13800138000"

    first = record(actor=Visitor(), action="accounts.login", outcome="denied")
    assert (first.actor_id, first.actor_username, first.actor_kind) == (
        None,
        "13800138000",
        "anonymous",
    )
    second = record(actor=Actor(username="scheduler", kind="system"), action="risk.nightly")
    assert (second.actor_username, second.actor_kind) == ("scheduler", "system")
    assert second.channel == "system" and second.ip == ""  # no request: the system origin


def test_an_object_is_named_by_its_model_label_and_key(county_regulator):
    run = ScheduledRun.objects.create(name="x")
    entry = record(actor=county_regulator, action="core.touch", obj=run)
    assert (entry.object_type, entry.object_id) == ("core.scheduledrun", str(run.pk))


def test_long_origin_and_detail_are_cut_to_fit_and_the_chain_still_verifies(county_regulator):
    forwarded = "203.0.113.7" + "x" * 100  # a forged X-Forwarded-For header
    with origin(Origin(ip=forwarded, user_agent="A" * 1000, channel="web")):
        entry = record(actor=county_regulator, action="x.y", detail="d" * 2000)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert len(stored.ip) <= 45 and forwarded.startswith(stored.ip)
    assert len(stored.user_agent) == 300 and len(stored.detail) == 500
    assert verify_chain().ok


def test_a_nul_character_typed_by_a_user_does_not_stop_the_entry(db):
    """PostgreSQL refuses NUL in text and JSON; the log must keep the entry anyway."""
    visitor = Actor(username="admin\x00", kind="anonymous")
    entry = record(actor=visitor, action="accounts.login", detail="bad\x00input",
                   changes={"name\x00": "x\x00y"}, outcome="denied")  # fmt: skip
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_username == "admin\ufffd"
    assert stored.detail == "bad\ufffdinput"
    assert stored.changes == {"name\ufffd": "x\ufffdy"}
    assert verify_chain().ok


def test_an_entry_commits_and_rolls_back_with_the_change_it_describes(county_regulator):
    with pytest.raises(RuntimeError), transaction.atomic():
        ScheduledRun.objects.create(name="half-done")
        record(actor=county_regulator, action="core.create")
        raise RuntimeError("crash before commit")
    assert not AuditEntry.objects.exists()
    assert AuditChainHead.objects.filter(last_seq__gt=0).count() == 0
    record(actor=county_regulator, action="core.create")
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == [1]
    assert verify_chain().ok


# the values services pass as `changes`: every kind must hash the same after a round trip
json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**62), 2**62)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.text(max_size=30)
    | st.datetimes(timezones=st.just(dt.UTC))
    | st.dates()
    | st.uuids()
)
changes_strategy = st.dictionaries(
    st.text(min_size=1, max_size=10),
    st.recursive(
        json_leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=8,
    ),
    max_size=5,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=changes_strategy, detail=st.text(max_size=50))
def test_any_changes_survive_the_database_round_trip_and_verify(county_regulator, changes, detail):
    entry = record(actor=county_regulator, action="test.any", changes=changes, detail=detail)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.changes == services.jsonable(changes)
    report = verify_chain()
    assert report.ok, report


def test_jsonable_gives_stable_forms():
    moment = dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert services.jsonable(moment) == "2026-11-23T14:30:00.000000+00:00"
    assert services.jsonable(decimal.Decimal("1.50")) == "1.50"
    assert services.jsonable({3, 1, 2}) == [1, 2, 3]
    key = uuid.uuid4()
    assert services.jsonable({"k": (key, dt.date(2026, 1, 2))}) == {"k": [str(key), "2026-01-02"]}


def test_snapshot_and_diff_keep_only_what_changed(county_regulator):
    before = services.snapshot(county_regulator, ["username", "bureau", "is_active"])
    assert before["bureau"] == county_regulator.bureau_id
    after = {**before, "is_active": False}
    assert services.diff(before, after) == {
        "before": {"is_active": True},
        "after": {"is_active": False},
    }
    assert services.diff(None, {"a": 1}) == {"after": {"a": 1}}
    assert services.diff(before, before) == {"before": {}, "after": {}}


# --- the audited decorator ---------------------------------------------------------------------


@audited("test.approve")
def approve(*, actor, problem: Exception | None = None) -> ScheduledRun:
    """A service: writes a row and its own success entry, then may be refused or fail."""
    run = ScheduledRun.objects.create(name="approved")
    record(actor=actor, action="test.approve", obj=run)
    if problem is not None:
        raise problem
    return run


def test_audited_service_records_its_own_success_only(county_regulator):
    run = approve(actor=county_regulator)
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.outcome, entry.object_id) == (
        "test.approve",
        "success",
        str(run.pk),
    )


def test_refused_call_is_recorded_as_denied_although_its_transaction_rolled_back(
    county_regulator,
):
    with origin(Origin(ip="10.0.0.9", channel="web")), pytest.raises(PermissionDenied):
        approve(actor=county_regulator, problem=PermissionDenied("needs the approver role"))
    assert not ScheduledRun.objects.exists()  # the service's write was undone
    (entry,) = AuditEntry.objects.all()  # and so was its success entry
    assert entry.action == "test.approve"
    assert entry.outcome == "denied"
    assert entry.actor_username == county_regulator.username
    assert entry.detail == "permission_denied: needs the approver role"
    assert entry.ip == "10.0.0.9"
    assert entry.seq == 1 and verify_chain().ok


@pytest.mark.parametrize(
    "problem",
    [ValidationFailed.field("uscc", "wrong check character"), Conflict("changed meanwhile")],
)
def test_failed_call_is_recorded_as_failed(county_regulator, problem):
    with pytest.raises(type(problem)):
        approve(actor=county_regulator, problem=problem)
    assert not ScheduledRun.objects.exists()
    (entry,) = AuditEntry.objects.all()
    assert entry.outcome == "failed"
    assert entry.detail == f"{problem.code}: {problem.detail}"


def test_a_crash_inside_a_service_is_recorded_as_failed_and_still_raised(county_regulator):
    with pytest.raises(ZeroDivisionError):
        approve(actor=county_regulator, problem=ZeroDivisionError("division by zero"))
    assert not ScheduledRun.objects.exists()
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.outcome) == ("test.approve", "failed")
    assert "ZeroDivisionError" in entry.detail


def test_audited_keeps_the_services_name_and_docstring():
    assert approve.__name__ == "approve"
    assert "A service" in approve.__doc__


# --- concurrent writers ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_distinct_consecutive_numbers():
    """Writers in several threads (own connections) append one chain, never a fork."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(number: int) -> None:
        try:
            start.wait()
            for step in range(8):
                with transaction.atomic():
                    record(actor=Actor(username=f"writer{number}"), action=f"test.w{step}")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 33))
    report = verify_chain()
    assert report.ok and report.checked == 32
