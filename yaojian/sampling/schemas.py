"""Schemas of the sampling API."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from yaojian.core.schemas import Page, PageParams
from yaojian.sampling.choices import PaymentMethod


class PlanLineOut(Schema):
    category: str
    risk: str
    target: int
    note: str


# Named for the app: the OpenAPI document keys models by class name, and inspection's PlanOut or
# vigilance's ResultOut would otherwise take this one's (or SamplingResultOut's) place there.
class SamplingPlanOut(Schema):
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


class SamplingResultOut(Schema):
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


def _yuan_value(value: Any) -> Any:
    """An amount in yuan is text ("36.50") or a whole number (100 or 100.0, both integers to
    JSON Schema). Not a JSON fraction: a binary float may not hold the amount that was meant,
    and pydantic's decimal would take any text its own document allows and then refuse it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", value)
    ):
        return value
    raise PydanticCustomError("yuan", str(_("Enter an amount in yuan, such as 36.50.")))


# The document states the service's rules too (a sample is bought, nothing is charged): a
# request it calls valid is one the service takes, when the task and the sampler allow it.
# At most 8 digits before the point: Decimal(max_digits=10, decimal_places=2).
PRICE = Annotated[
    Decimal,
    BeforeValidator(_yuan_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 99_999_999},
                {
                    "type": "string",
                    "pattern": r"^0*([1-9][0-9]{0,7}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$",
                },
            ]
        }
    ),
]
NO_FEE = Annotated[
    Decimal,
    BeforeValidator(_yuan_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "const": 0},
                {"type": "string", "pattern": r"^0+(\.0{1,2})?$"},
            ]
        }
    ),
]
# Text the service refuses when it is blank (it strips what it is given).
NOT_BLANK = {"pattern": r"\S"}


class SampleIn(Schema):
    record_number: str = Field(max_length=40, description="unique among sampling records")
    place: str = Field(max_length=200, json_schema_extra=NOT_BLANK)
    quantity: int = Field(ge=1, le=100_000)
    sealed_ids: list[str] = Field(
        max_length=50,
        json_schema_extra={"contains": NOT_BLANK},
        description="the seal numbers (blank entries are ignored; each at most 40 characters "
        "once trimmed, and no number twice)",
    )
    price_paid: PRICE = Field(
        max_digits=10, decimal_places=2, description="yuan paid for the samples: they are bought"
    )
    payment_method: str = Field(
        max_length=10, json_schema_extra={"enum": list(PaymentMethod.values)}
    )
    payment_reference: str = Field(max_length=60, json_schema_extra=NOT_BLANK)
    enterprise_signatory: str = Field(max_length=100, json_schema_extra=NOT_BLANK)
    enterprise_acknowledged: bool = Field(
        description="the enterprise signed; if not, enterprise_remarks notes the refusal"
    )
    enterprise_remarks: str = Field("", max_length=2000)
    sampled_at: dt.datetime | None = Field(None, description="not in the future; default now")
    fees_charged: NO_FEE = Field(
        Decimal("0"),
        max_digits=10,
        decimal_places=2,
        description="always 0: sampling charges the enterprise nothing (药品管理法 第一百条)",
    )


class RetestIn(Schema):
    reason: str = Field(max_length=2000)
    lab_id: int | None = None


class TaskDetailOut(TaskOut):
    results: list[SamplingResultOut] = []
    handovers: list[HandoverOut] = []
    events: list[EventOut] = []
    price_paid: Decimal | None = None


class RateOut(Schema):
    category: str
    label: str
    tested: int
    failed: int
    rate: float
