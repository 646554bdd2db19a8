from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

# Titles and bodies in the caller's language (Accept-Language), as the pages show them: read
# from the models' per-language properties.


class TodoOut(Schema):
    id: int
    source: str
    kind: str
    title: str = Field(alias="title_text")
    body: str = Field(alias="body_text")
    link: str
    status: str
    due_at: datetime | None
    created_at: datetime
    object_type: str
    object_id: str


class MessageOut(Schema):
    id: int
    source: str
    subject: str = Field(alias="subject_text")
    body: str = Field(alias="body_text")
    link: str
    created_at: datetime
    read_at: datetime | None
