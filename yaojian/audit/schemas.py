from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import PageParams


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_username: str
    actor_kind: str
    actor_roles: str
    actor_org: str
    action: str
    object_type: str
    object_id: str
    changes: dict
    outcome: str
    detail: str
    ip: str
    channel: str
    hash: str


class AuditFilters(PageParams):
    username: str = Field("", max_length=150)
    action: str = Field("", max_length=80)
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=64)
    outcome: str = ""
    since: date | None = None
    until: date | None = None


class AuditPage(Schema):
    items: list[AuditEntryOut]
    count: int
    page: int
    per_page: int


class ChainReportOut(Schema):
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str
