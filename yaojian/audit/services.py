"""Writing and verifying the audit log.

`record` appends one entry under a lock on the chain head, inside the caller's transaction:
the entry commits or rolls back with the change it describes. `audited` wraps a service so
that a refused or failed call is recorded too, after its own transaction has rolled back.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from yaojian.audit.choices import Outcome
from yaojian.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from yaojian.core.context import current_origin
from yaojian.core.crypto import sm3
from yaojian.core.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
logger = logging.getLogger(__name__)

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_kind",
    "actor_roles",
    "actor_org",
    "action",
    "object_type",
    "object_id",
    "changes",
    "outcome",
    "detail",
    "ip",
    "user_agent",
    "channel",
    "prev_hash",
)


def _text(value: Any, limit: int | None = None) -> str:
    """Text as the log keeps it: PostgreSQL stores no NUL character, so it becomes U+FFFD
    (the entry must be written whatever a user typed), cut to the column's length."""
    text = str(value if value is not None else "").replace("\x00", "\ufffd")
    return text[:limit] if limit is not None else text


def jsonable(value: Any) -> Any:
    """A JSON-safe, canonical form of a field value (the same before and after a round trip)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {_text(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return _text(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {
        name: jsonable(getattr(obj, f"{name}_id" if _is_fk(obj, name) else name)) for name in fields
    }


def _is_fk(obj: models.Model, name: str) -> bool:
    try:
        return obj._meta.get_field(name).is_relation
    except Exception:
        return False


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """{"before": {...}, "after": {...}} holding only the fields that changed."""
    before, after = before or {}, after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    result: dict[str, Any] = {}
    if before:
        result["before"] = {k: before.get(k) for k in keys if k in before}
    if after:
        result["after"] = {k: after.get(k) for k in keys if k in after}
    return result


def entry_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {name: fields[name] for name in HASHED_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return sm3(canonical.encode())


def _fields_of(entry: AuditEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["at"] = jsonable(entry.at)
    return values


@dataclass(frozen=True)
class Actor:
    """Who acted, as the log records it; also used for anonymous and system actors."""

    id: int | None = None
    username: str = ""
    kind: str = ""
    roles: str = ""
    org: str = ""


def describe_actor(user: Any) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(username=getattr(user, "attempted_username", "") or "", kind="anonymous")
    org = ""
    if getattr(user, "bureau_id", None):
        org = user.bureau.region_code
    elif getattr(user, "enterprise_id", None):
        org = user.enterprise.uscc
    return Actor(
        id=user.pk,
        username=user.username,
        kind=getattr(user, "kind", ""),
        roles=",".join(sorted(getattr(user, "role_set", ()))),
        org=org,
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: str = "",
) -> AuditEntry:
    """Append one entry to the chain (inside the caller's transaction, if any)."""
    who = actor if isinstance(actor, Actor) else describe_actor(actor)
    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        fields = {
            "seq": head.last_seq + 1,
            "at": jsonable(timezone.now()),
            "actor_id": who.id,
            "actor_username": _text(who.username, 150),
            "actor_kind": _text(who.kind, 12),
            "actor_roles": _text(who.roles, 200),
            "actor_org": _text(who.org, 40),
            "action": _text(action, 80),
            "object_type": _text(object_type, 60),
            "object_id": _text(object_id or "", 64),
            "changes": jsonable(changes or {}),
            "outcome": _text(outcome, 10),
            "detail": _text(detail, 500),
            "ip": _text(origin.ip, 45),  # a forged X-Forwarded-For may be longer
            "user_agent": _text(origin.user_agent, 300),
            "channel": _text(origin.channel, 10),
            "prev_hash": head.last_hash,
        }
        digest = entry_hash(fields)
        entry = AuditEntry.objects.create(
            **{**fields, "at": dt.datetime.fromisoformat(fields["at"])}, hash=digest
        )
        head.last_seq, head.last_hash = entry.seq, digest
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def record_denied(actor: Any, action: str, detail: str = "", **target: Any) -> AuditEntry:
    return record(actor=actor, action=action, outcome=Outcome.DENIED, detail=detail, **target)


def audited(action: str) -> Callable[[F], F]:
    """Run a service in one transaction; record refusals and failures after the rollback.

    The service records its own success (it alone knows the before and after).
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except DomainError as error:
                record(
                    actor=kwargs.get("actor"),
                    action=action,
                    outcome=error.audit_outcome,
                    detail=f"{error.code}: {error.detail}",
                )
                raise
            except Exception as error:
                # an unexpected error is a failure too; the traceback goes to the server log
                try:
                    record(
                        actor=kwargs.get("actor"),
                        action=action,
                        outcome=Outcome.FAILED,
                        detail=f"unexpected error: {type(error).__name__}",
                    )
                except Exception:
                    logger.exception("could not record the failure of %s", action)
                raise

        return wrapper  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in sequence order and report the first broken link.

    The chain head is read before the walk and again after it. Every entry that existed
    when the walk began must reach the first reading (so that removing or rewriting the
    newest entries is found); every entry the walk saw must be covered by the second (so
    that rows inserted behind the service's back are found). Entries that people append
    while the walk runs (the nightly check runs beside live traffic) are no false alarm.
    """
    start = _head()
    start_seq, start_hash = start or (0, GENESIS_HASH)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    entries = AuditEntry.objects.order_by("seq")
    batch = list(entries[:batch_size])  # from the lowest number, whatever it is
    while batch:
        for entry in batch:
            if entry.seq < expected_seq:
                return ChainReport(
                    False,
                    checked,
                    entry.seq,
                    f"entry #{entry.seq} is out of sequence: the chain starts at #1",
                )
            if entry.seq > expected_seq:
                return ChainReport(
                    False, checked, expected_seq, f"entry #{expected_seq} is missing"
                )
            if entry.prev_hash != expected_prev:
                return ChainReport(
                    False,
                    checked,
                    entry.seq,
                    f"entry #{entry.seq} does not link to the one before it",
                )
            if entry_hash(_fields_of(entry)) != entry.hash:
                return ChainReport(
                    False,
                    checked,
                    entry.seq,
                    f"entry #{entry.seq} was altered after it was written",
                )
            if entry.seq == start_seq and entry.hash != start_hash:
                return ChainReport(
                    False,
                    checked,
                    entry.seq,
                    f"entry #{entry.seq} was altered after it was written: "
                    "it no longer matches the chain head",
                )
            expected_prev, expected_seq = entry.hash, entry.seq + 1
            checked += 1
        batch = list(entries.filter(seq__gt=batch[-1].seq)[:batch_size])
    last_seq = expected_seq - 1
    if last_seq < start_seq:
        return ChainReport(
            False,
            checked,
            expected_seq,
            f"the chain ends at #{last_seq} but its head records #{start_seq}: "
            "entries were removed",
        )
    end = _head()
    end_seq = end[0] if end else 0
    if last_seq > end_seq:
        reason = (
            "the chain head is missing"
            if end is None
            else f"entry #{end_seq + 1} is not recorded in the chain head"
        )
        return ChainReport(
            False, end_seq, end_seq + 1, f"{reason}: entries were added outside the audit log"
        )
    return ChainReport(True, checked)


def _head() -> tuple[int, str] | None:
    return AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
