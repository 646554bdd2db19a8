"""The API schemas of the penalty cases (mounted at /api/v1/enforcement)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from yaojian.core.schemas import PageParams

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PLAIN_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _plain(value: str) -> str:
    if CONTROL.search(value):
        raise PydanticCustomError(
            "control_characters", str(_("Control characters are not allowed."))
        )
    return value


Text = Annotated[str, AfterValidator(_plain), Field(json_schema_extra={"pattern": PLAIN_PATTERN})]


class CaseFilters(PageParams):
    status: Text = Field("", max_length=14, description="a status, or 'open'")
    source: Text = Field("", max_length=20, description="a source kind")
    due: Literal["", "overdue", "near", "publication"] = ""
    q: Text = Field(
        "", max_length=100, description="case or decision number, case, party or its ID number"
    )


class CaseOut(Schema):
    id: int
    number: str
    title: str
    status: str
    source_kind: str
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    bureau: str = Field(alias="bureau.region_code")
    filed_on: dt.date | None
    deadline: dt.date | None
    decision_number: str
    decided_on: dt.date | None
    fine: Decimal
    publication_state: str


class CasePage(Schema):
    items: list[CaseOut]
    count: int
    page: int
    per_page: int


class StepOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    note: str


class ClockOut(Schema):
    limit: int
    kind: str
    deadline: dt.date
    remaining: int
    overdue: bool
    paused: bool
    paused_days: int
    extension: int


class CaseDetailOut(CaseOut):
    facts: str
    party_kind: str
    provision: str
    goods_value: Decimal | None
    notified_on: dt.date | None
    statement_due: dt.date | None
    hearing_right: bool
    hearing_request_due: dt.date | None
    rights_waived_on: dt.date | None
    proposed_penalty: dict[str, Any]
    discretion: str
    warning: bool
    licence_revoked: bool
    confiscated_income: Decimal
    payment_mode: str
    payment_due: dt.date | None
    paid_total: Decimal
    publication_due: dt.date | None
    published_on: dt.date | None
    display_until: dt.date | None
    withdrawal_due: dt.date | None
    clock: ClockOut | None = None
    steps: list[StepOut] = []
    actions: list[str] = Field([], description="the steps the caller may take now")


class ActionIn(Schema):
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="the step's form fields (as on the case page, without the prefix)",
    )


class EvidenceIn(Schema):
    kind: Literal["document", "photo", "inquiry", "on_site", "test_report", "other"]
    title: Text = Field(..., min_length=1, max_length=200)


class StatementIn(Schema):
    text: Text = Field(..., min_length=1, max_length=20000)
    waives_rest: bool = False


class ReasonIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=5000)


class SourceIn(Schema):
    enterprise_uscc: Text = Field(..., min_length=18, max_length=18)
    source_kind: Literal[
        "inspection", "sampling", "complaint", "trace_anomaly", "referral", "other"
    ]
    source_ref: Text = Field("", max_length=100)
    summary: Text = Field(..., min_length=1, max_length=5000)
    found_on: dt.date | None = None


class SourceOut(Schema):
    id: int
    kind: str
    ref: str
    summary: str
    enterprise_id: int
    bureau: str = Field(alias="bureau.region_code")
    status: str
    found_on: dt.date
    decide_by: dt.date
    extended: bool


class CountOut(Schema):
    key: str
    label: str
    count: int


class FiguresOut(Schema):
    total: int
    overdue: int
    near: int
    sources_overdue: int
    publication_overdue: int
    average_decision_days: float | None
    average_closure_days: float | None
    by_status: list[CountOut]
    by_source: list[CountOut]
    by_region: list[CountOut]
