from __future__ import annotations

from datetime import datetime

from ninja import Schema


class Me(Schema):
    username: str
    kind: str
    full_name: str = ""
    bureau_code: str | None = None
    bureau_name: str | None = None
    enterprise_id: int | None = None
    enterprise_name: str | None = None
    roles: list[str] = []
    rights: list[str] = []


class Bureau(Schema):
    region_code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None = None


class Token(Schema):
    id: int
    name: str
    prefix: str
    rights: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
