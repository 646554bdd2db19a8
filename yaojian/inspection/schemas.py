"""The inspection API's schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from yaojian.core.schemas import PageParams

CONTROL_CHARACTERS = set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127}
PLAIN_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _plain(value: str) -> str:
    from django.utils.translation import gettext as _

    if any(ord(c) in CONTROL_CHARACTERS for c in value):
        raise PydanticCustomError(
            "control_characters", str(_("Control characters are not allowed."))
        )
    return value


Text = Annotated[str, AfterValidator(_plain), Field(json_schema_extra={"pattern": PLAIN_PATTERN})]


class InspectionFilters(PageParams):
    status: Text = Field("", max_length=30, description="a status, or 'open'")
    kind: Text = Field("", max_length=30)
    origin: Text = Field("", max_length=30)
    q: Text = Field("", max_length=100, description="number, enterprise name or credit code")
    due: Literal["", "overdue", "rectification_overdue"] = ""
    mine: bool = False


class InspectionBase(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    outcome: str
    origin: str
    origin_ref: str
    due_date: dt.date | None
    submitted_at: dt.datetime | None
    rectification_deadline: dt.date | None
    closed_at: dt.datetime | None


class InspectionOut(InspectionBase):
    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class InspectionPage(Schema):
    items: list[InspectionOut]
    count: int
    page: int
    per_page: int


class InspectionItemResultOut(Schema):
    item: str
    text: str
    rule: str
    key_item: bool
    result: str | None
    note: str


class InspectionFindingOut(Schema):
    item: str | None
    grade: str
    rule: str
    note: str


class InspectionPhotoOut(Schema):
    id: int
    caption: str
    content_type: str
    size: int
    sm3: str
    url: str


class InspectionRectificationOut(Schema):
    id: int
    statement: str
    submitted_at: dt.datetime
    on_time: bool
    decision: str
    reason: str
    files: list[str]


class InspectionStepOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    note: str


class InspectionDetailOut(InspectionBase):
    checklist: str
    team: list[str]
    lead: str | None
    reason: str
    summary: str
    acknowledged_by: str
    acknowledged_at: dt.datetime | None
    decision_note: str
    rectification_days: int | None
    case_ref: str
    results: list[InspectionItemResultOut]
    findings: list[InspectionFindingOut]
    photos: list[InspectionPhotoOut]
    rectifications: list[InspectionRectificationOut]
    steps: list[InspectionStepOut]
    actions: list[str]


class InspectionItemResultIn(Schema):
    result: Literal["compliant", "non_compliant", "not_applicable"]
    note: Text = Field("", max_length=500)


class InspectionFindingIn(Schema):
    item: Text = Field("", max_length=20, description="the checklist item's code, or empty")
    grade: Literal["critical", "major", "minor"]
    rule: Text = Field("", max_length=200, description="defaults to the item's rule")
    note: Text = Field(..., min_length=1, max_length=2000)


class InspectionAcknowledgementIn(Schema):
    name: Text = Field(..., min_length=1, max_length=100)
    acknowledged: Literal[True] = Field(..., description="the representative confirms the record")
    statement: Text = Field("", max_length=1000)


class InspectionChecklistIn(Schema):
    key: str = Field(
        ..., pattern=r"^[A-Za-z0-9_-]{8,64}$", description="idempotency key of this submission"
    )
    results: dict[str, InspectionItemResultIn]
    findings: list[InspectionFindingIn] = []
    acknowledgement: InspectionAcknowledgementIn
    summary: Text = Field("", max_length=4000)


class InspectionSubmissionOut(Schema):
    status: Literal["recorded", "already_recorded"]
    inspection: InspectionDetailOut


class InspectionOutcomeIn(Schema):
    outcome: Literal["pass", "rectify", "refer"]
    note: Text = Field("", max_length=4000)
    days: int | None = Field(None, ge=1, le=60, description="rectification period, working days")


class InspectionReviewIn(Schema):
    note: Text = Field("", max_length=4000)


class InspectionReturnIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=4000)
    days: int | None = Field(None, ge=1, le=60)


class InspectionRectificationIn(Schema):
    statement: Text = Field(..., min_length=10, max_length=8000)


class InspectionPhotosForm(Schema):
    payload: str = Field(
        ..., min_length=2, max_length=200_000, description="the checklist as JSON (see /checklist)"
    )


class InspectionChecklistItemOut(Schema):
    code: str
    text: str
    rule: str
    key_item: bool
    position: int
    active: bool


class InspectionChecklistOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    legal_basis: str
    active: bool
    items: list[InspectionChecklistItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())
