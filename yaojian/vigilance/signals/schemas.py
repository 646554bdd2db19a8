"""Schemas of the signal API (under /api/v1/vigilance/signals)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from yaojian.core.schemas import PageParams

PLAIN_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _plain(value: str) -> str:
    import re

    from django.utils.translation import gettext as _
    from pydantic_core import PydanticCustomError

    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        raise PydanticCustomError(
            "control_characters", str(_("Control characters are not allowed."))
        )
    return value


Text = Annotated[str, AfterValidator(_plain), Field(json_schema_extra={"pattern": PLAIN_PATTERN})]


def _event_name(obj) -> str:
    """The event's name in the reader's language when the selector attached it."""
    if isinstance(obj, dict):
        return obj.get("event_name") or obj.get("event") or ""
    return getattr(obj, "event_name", None) or obj.event


class ThresholdsIn(Schema):
    prr_min: float | None = Field(None, ge=0, le=1e6)
    chi2_min: float | None = Field(None, ge=0, le=1e6)
    n_min: int | None = Field(None, ge=1, le=100_000)
    ror_lower_min: float | None = Field(None, ge=0, le=1e6)
    ic025_min: float | None = Field(None, ge=-100, le=100)
    eb05_min: float | None = Field(None, ge=0, le=1e6)
    n_min_other: int | None = Field(None, ge=1, le=100_000)


class RunIn(Schema):
    preset: Literal["standard", "strict", "sensitive"] | None = None
    thresholds: ThresholdsIn | None = None
    stratify: bool | None = None
    squash: bool | None = None
    ic_method: Literal["noren", "phvid"] | None = None
    min_count: int | None = Field(None, ge=1, le=1000)
    since: dt.date | None = None
    until: dt.date | None = None


class RunOut(Schema):
    id: int
    status: str
    trigger: str
    parameters: dict
    hyperparameters: dict
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    row_count: int
    report_count: int
    pair_count: int
    result_count: int
    signal_count: int
    new_signal_count: int
    timings: dict
    error: str


class ResultOut(Schema):
    id: int
    product: str
    event: str
    event_code: str = Field("", description="MedDRA PT code; blank for an uncoded reaction")
    product_id: int | None = Field(None, alias="product_ref_id")
    n: int
    product_reports: int
    event_reports: int
    expected: float
    prr: float | None
    prr_lower95: float | None
    chi2: float | None
    ror: float | None
    ror_lower95: float | None
    ic: float | None
    ic025: float | None
    ebgm: float | None
    eb05: float | None
    eb95: float | None
    flag_prr: bool
    flag_ror: bool
    flag_bcpnn: bool
    flag_mgps: bool
    flagged: bool

    @staticmethod
    def resolve_event(obj) -> str:
        return _event_name(obj)


class ResultFilters(PageParams):
    method: list[Literal["prr", "ror", "bcpnn", "mgps"]] = Field(default_factory=list)
    flagged: bool = False
    min_n: int | None = Field(None, ge=1, le=1_000_000)
    product: Text = Field("", max_length=100)
    event: Text = Field("", max_length=100)
    order: Literal["eb05", "ebgm", "n", "prr", "ic025", "product"] = "eb05"


class ResultPage(Schema):
    items: list[ResultOut]
    count: int
    page: int
    per_page: int


class HistoryOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None = None
    at: dt.datetime
    note: str
    data: dict


class SignalOut(Schema):
    id: int
    product: str
    event: str
    event_code: str = Field("", description="MedDRA PT code; blank for an uncoded reaction")
    product_id: int | None = Field(None, alias="product_ref_id")
    status: str
    action: str
    methods: list
    conclusion: str
    created_at: dt.datetime
    updated_at: dt.datetime
    last_result: ResultOut | None = None

    @staticmethod
    def resolve_event(obj) -> str:
        return _event_name(obj)


class SignalDetailOut(SignalOut):
    history: list[HistoryOut]
    steps: list[str]


class SignalFilters(PageParams):
    status: Literal["", "new", "assessing", "validated", "refuted", "actioned"] = ""
    q: Text = Field("", max_length=100)


class SignalPage(Schema):
    items: list[SignalOut]
    count: int
    page: int
    per_page: int


class StepIn(Schema):
    note: Text = Field("", max_length=4000)
    action: Literal["", "label_change", "risk_communication", "referral"] = ""
