from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import NOT_ONLY_NUL


class VerifyParams(Schema):
    code: str = Field(
        ...,
        min_length=1,
        max_length=512,
        pattern=NOT_ONLY_NUL,
        description="The code as printed or scanned (NUL characters are ignored)",
    )
    batch: str | None = Field(
        None, max_length=40, description="The batch number printed on the pack"
    )
    # A string, not a date: pydantic would also read a number as a Unix time.
    expiry: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
        description="The expiry date printed, YYYY-MM-DD",
    )
    region: str | None = Field(
        None, pattern=r"^\d{6}$", description="Where the check is made (GB/T 2260 code), if known"
    )


class VerifyOut(Schema):
    code: str
    result: str
    result_label: str
    explanation: str
    reason: str = ""
    product: dict[str, Any]
    cities: list[str]


class HolderOut(Schema):
    enterprise_id: int | None
    name: str | None
    region_code: str | None
    packs: int
    by_status: dict[str, int]


class PathEventOut(Schema):
    event_time: str
    type: str
    biz_step: str
    disposition: str
    sender: str
    region_code: str


class PathOut(Schema):
    code: str
    status: str | None
    holder: str | None
    batch_no: str
    containers: list[str]
    events: list[PathEventOut]


class AnomalyOut(Schema):
    id: int
    rule: str
    name: str
    explanation: str
    code: str
    enterprise_id: int | None
    region_code: str
    evidence: dict[str, Any]
    status: str
    created_at: str
