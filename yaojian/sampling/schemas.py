"""Schemas of the sampling API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import Page, PageParams


class PlanLineOut(Schema):
    category: str
    risk: str
    target: int
    note: str


class PlanOut(Schema):
    id: int
    number: str
    year: int
    title: str
    region_code: str
    status: str
    approved_at: dt.datetime | None
    lines: list[PlanLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class TaskOut(Schema):
    id: int
    number: str
    plan_number: str = Field(alias="plan.number")
    category: str
    risk: str
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    region_code: str
    product_id: int | None
    product_name: str
    batch_no: str
    quantity: int
    unit: str
    due_on: dt.date
    status: str
    conclusion: str
    served_on: dt.date | None
    retest_deadline: dt.date | None
    lab_name: str = Field(alias="lab.name")


TaskPage = Page[TaskOut]


class TaskFilters(PageParams):
    status: str = Field("", max_length=20)
    category: str = Field("", max_length=12)
    q: str = Field("", max_length=100)


class ItemIn(Schema):
    item: str = Field(max_length=100)
    standard: str = Field(max_length=200)
    limit: str = Field("", max_length=100)
    value: str = Field(max_length=100)
    conforming: bool


class ResultIn(Schema):
    report_number: str = Field(max_length=40)
    tested_on: dt.date
    items: list[ItemIn] = Field(max_length=100)


class ItemOut(Schema):
    item: str
    standard: str
    limit: str
    value: str
    conforming: bool


class ResultOut(Schema):
    kind: str
    report_number: str
    lab_name: str = Field(alias="lab.name")
    tested_on: dt.date
    conclusion: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class HandoverOut(Schema):
    stage: str
    at: dt.datetime
    place: str
    handed_by: str
    received_by: str
    note: str


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    at: dt.datetime
    note: str


class SampleIn(Schema):
    record_number: str = Field(max_length=40)
    place: str = Field(max_length=200)
    quantity: int = Field(ge=1, le=100_000)
    sealed_ids: list[str] = Field(max_length=50)
    price_paid: Decimal = Field(max_digits=10, decimal_places=2)
    payment_method: str = Field(max_length=10)
    payment_reference: str = Field(max_length=60)
    enterprise_signatory: str = Field(max_length=100)
    enterprise_acknowledged: bool
    enterprise_remarks: str = Field("", max_length=2000)
    sampled_at: dt.datetime | None = None
    fees_charged: Decimal = Field(Decimal("0"), max_digits=10, decimal_places=2)


class RetestIn(Schema):
    reason: str = Field(max_length=2000)
    lab_id: int | None = None


class TaskDetailOut(TaskOut):
    results: list[ResultOut] = []
    handovers: list[HandoverOut] = []
    events: list[EventOut] = []
    price_paid: Decimal | None = None


class RateOut(Schema):
    category: str
    label: str
    tested: int
    failed: int
    rate: float
