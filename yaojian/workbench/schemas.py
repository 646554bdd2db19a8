from __future__ import annotations

from datetime import datetime

from ninja import Schema


class TodoOut(Schema):
    id: int
    source: str
    kind: str
    title: str
    body: str
    link: str
    status: str
    due_at: datetime | None
    created_at: datetime
    object_type: str
    object_id: str

    # in the caller's language (Accept-Language), as the pages show them
    @staticmethod
    def resolve_title(obj) -> str:
        return obj.title_text

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body_text


class MessageOut(Schema):
    id: int
    source: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.subject_text

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body_text
