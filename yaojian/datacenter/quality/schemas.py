from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import PageParams


class CheckOut(Schema):
    code: str
    # "register" would shadow pydantic's BaseModel.register: named so in JSON only
    register_: str = Field(
        alias="register", description="enterprises, licences, products or people"
    )
    dimension: str
    severity: str
    label: str
    description: str


class DivisionCount(Schema):
    key: str = Field(description="division code, or 'other' / 'none' for the catch-all rows")
    name: str
    checked: int
    findings: int


class CheckResultOut(CheckOut):
    checked: int = Field(description="records the check applies to in the jurisdiction")
    findings: int
    share_ok: float | None = Field(description="per cent of the checked records that pass")
    divisions: list[DivisionCount]


class DivisionOut(Schema):
    key: str
    name: str


class OverviewOut(Schema):
    region_code: str
    computed_at: datetime
    divisions: list[DivisionOut]
    checks: list[CheckResultOut]


class OverviewFilters(Schema):
    register_: str = Field(
        "", alias="register", description="enterprises, licences, products or people; all if empty"
    )


class FindingFilters(PageParams):
    division: str = Field("", max_length=6, description="a row of the overview (its key)")


class FindingOut(Schema):
    id: int
    title: str
    division_code: str | None
    division_name: str
    detail: str
    url: str = Field(description="the page of the record (or of its enterprise)")


class FindingPage(Schema):
    check: CheckOut
    items: list[FindingOut]
    count: int
    page: int
    per_page: int
