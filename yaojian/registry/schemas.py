from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import PageParams


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str
    kind_label: str
    legal_representative: str
    address: str
    region_code: str
    region_name: str
    phone: str
    status: str
    risk_grade: str
    latitude: float | None
    longitude: float | None
    headquarters_id: int | None
    verified_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class EnterpriseFilters(PageParams):
    q: str = Field(
        "",
        max_length=100,
        description="name, pinyin initials, credit code, address, licence or approval number",
    )
    kind: str = Field("", max_length=30)
    region: str = Field("", max_length=6, description="division code (GB/T 2260)")
    status: str = Field("", max_length=12)
    expiring: str = Field(
        "",
        max_length=8,
        description="days (e.g. 90) or 'expired': holders of a valid licence running out",
    )
    sort: str = Field("name", max_length=12)


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    count: int
    page: int
    per_page: int


class LicenceOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    holder_id: int
    holder_name: str
    scope: str
    # the scope in the caller's language (`scope` is as stored and printed: Chinese)
    scope_display: str = Field(alias="display_scope")
    registered_address: str
    warehouse_address: str
    legal_representative: str
    principal: str
    quality_manager: str
    issued_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: str
    effective_status: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_holder_name(obj) -> str:
        return obj.holder.name


class LicenceFilters(PageParams):
    q: str = Field("", max_length=100, description="licence number, holder name or credit code")
    kind: str = Field("", max_length=30)
    status: str = Field("", max_length=12)
    region: str = Field("", max_length=6)
    expiring: str = Field("", max_length=8)
    sort: str = Field("valid_until", max_length=12)


class LicencePage(Schema):
    items: list[LicenceOut]
    count: int
    page: int
    per_page: int


class ProductOut(Schema):
    id: int
    kind: str
    name: str
    brand_name: str
    approval_number: str | None
    approval_valid_until: dt.date | None
    dosage_form: str
    strength: str
    package_spec: str
    holder_id: int | None
    holder_name: str
    manufacturer_id: int | None
    manufacturer_name: str
    rx_class: str
    trace_product_code: str | None
    national_drug_code: str | None
    botanical_source: str
    origin: str
    processing_method: str
    standard: str
    device_class: str
    udi_di: str | None
    cosmetic_category: str
    status: str

    @staticmethod
    def resolve_holder_name(obj) -> str:
        return obj.holder_display

    @staticmethod
    def resolve_manufacturer_name(obj) -> str:
        return obj.manufacturer_display


class ProductFilters(PageParams):
    q: str = Field(
        "",
        max_length=100,
        description="name, pinyin initials, approval number, trace identifier, drug code",
    )
    kind: str = Field("", max_length=12)
    status: str = Field("", max_length=10)
    rx: str = Field("", max_length=6)
    enterprise: int | None = Field(None, ge=1, le=2**31)
    sort: str = Field("name", max_length=12)


class ProductPage(Schema):
    items: list[ProductOut]
    count: int
    page: int
    per_page: int


class PersonOut(Schema):
    id: int
    role: str
    name: str
    id_number_masked: str
    certificate_number: str
    category: str
    enterprise_id: int
    enterprise_name: str
    registered_until: dt.date | None
    status: str

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name


class PersonFilters(PageParams):
    q: str = Field("", max_length=100)
    role: str = Field("", max_length=24)
    status: str = Field("", max_length=8)
    region: str = Field("", max_length=6)
    enterprise: int | None = Field(None, ge=1, le=2**31)


class PersonPage(Schema):
    items: list[PersonOut]
    count: int
    page: int
    per_page: int


class TimelineEventOut(Schema):
    id: int
    kind: str
    severity: str
    # in the caller's language (Accept-Language), as the file's page shows them
    title: str = Field(alias="title_text")
    summary: str = Field(alias="summary_text")
    occurred_at: dt.datetime
    source: str
    link: str
    enterprise_id: int | None
    product_id: int | None


class ChangeOut(Schema):
    action: str
    changes: dict
    actor_name: str
    at: dt.datetime
    note: str


class EnterpriseFindingOut(Schema):
    severity: str
    message: str


class SiteOut(Schema):
    kind: str
    address: str


class EnterpriseFileOut(Schema):
    enterprise: EnterpriseOut
    findings: list[EnterpriseFindingOut]
    licences: list[LicenceOut]
    products: list[ProductOut]
    product_count: int
    people: list[PersonOut]
    sites: list[SiteOut]
    branches: list[EnterpriseOut]
    timeline: list[TimelineEventOut]
    history: list[ChangeOut]


class ProductFileOut(Schema):
    product: ProductOut
    timeline: list[TimelineEventOut]
    history: list[ChangeOut]
    batches: list[dict]


class FileParams(Schema):
    kind: str = Field("", max_length=20, description="only timeline events of this kind")
    limit: int = Field(100, ge=1, le=1000, description="the newest timeline events returned")
