"""API schemas of adverse-reaction monitoring: a case in the canonical form (vigilance/data.py)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from yaojian.core.schemas import DATE_TEXT


class DosageIn(Schema):
    dose: str = ""
    unit: str = ""
    frequency: str = ""
    frequency_unit: str = ""
    route: str = ""
    start: str = Field("", description="E2B date: YYYY[MM[DD]]")
    end: str = ""
    text: str = ""


class ReactionIn(Schema):
    reported_term: str = ""
    llt_code: str = Field("", description="MedDRA LLT (or PT) code")
    meddra_version: str = ""
    onset: str = Field("", description="E2B date: YYYY[MM[DD]]")
    end: str = ""
    outcome: str = Field("0", description="E2B E.i.7: 1 recovered … 5 fatal, 0 unknown")
    death: bool = False
    life_threatening: bool = False
    hospitalisation: bool = False
    disability: bool = False
    congenital_anomaly: bool = False
    other_medically_important: bool = False
    country: str = ""


class DrugIn(Schema):
    role: str = Field(
        ..., description="E2B G.k.1: 1 suspect, 2 concomitant, 3 interacting, 4 not administered"
    )
    name: str = Field(..., max_length=250)
    approval_number: str = ""
    holder_name: str = ""
    batch_number: str = ""
    dosages: list[DosageIn] = []
    indication: str = ""
    action_taken: str = ""
    dechallenge: str = ""
    rechallenge: str = ""


class CausalityIn(Schema):
    drug: int
    reaction: int
    source: str = ""
    method: str = ""
    result: str
    scale: str = ""
    assessor_kind: str = "reporter"


class CaseIn(Schema):
    safety_report_id: str = Field(..., max_length=100)
    worldwide_id: str = ""
    report_type: str = "1"
    first_received: str = Field(..., description="C.1.4, YYYYMMDD")
    most_recent: str = ""
    reporter_name: str = ""
    reporter_qualification: str = ""
    reporter_organisation: str = ""
    reporter_phone: str = ""
    reporter_country: str = ""
    patient_name: str = Field(..., max_length=100)
    patient_sex: str = ""
    patient_birth_date: str = ""
    patient_age: str = ""
    patient_age_unit: str = ""
    patient_weight: str = ""
    patient_height: str = ""
    patient_medical_history: str = ""
    narrative: str = ""
    reactions: list[ReactionIn]
    drugs: list[DrugIn]
    causalities: list[CausalityIn] = []


# Models are named for the app (ADR: adverse drug reaction): the OpenAPI document keys them by
# class name, and enforcement's CaseOut or CaseFilters would otherwise take their place there.
class AdrCaseFilters(Schema):
    status: str = Field("", description="a case status, or `active`")
    serious: str = Field("", description="serious, fatal or non_serious")
    since: str | None = Field(
        None,
        json_schema_extra=DATE_TEXT,
        description="received on or after, YYYY-MM-DD",
    )
    until: str | None = Field(
        None,
        json_schema_extra=DATE_TEXT,
        description="received on or before, YYYY-MM-DD",
    )
    limit: int = Field(100, ge=1, le=500)
    # Bounded: an offset past a 64-bit integer makes the database fail rather than answer empty.
    offset: int = Field(0, ge=0, le=1_000_000_000)


class E2bPeriodParams(Schema):
    since: str = Field(
        json_schema_extra=DATE_TEXT,
        description="received on or after, YYYY-MM-DD",
    )
    until: str = Field(
        json_schema_extra=DATE_TEXT,
        description="received on or before, YYYY-MM-DD",
    )


class AdrCaseOut(Schema):
    id: int
    case_number: str
    safety_report_id: str
    source: str
    status: str
    serious: bool
    fatal: bool
    received_date: dt.date
    report_deadline: dt.date
    review_deadline: dt.date
    reported_late: bool
    version: int


class AdrCaseDetailOut(AdrCaseOut):
    patient: str = Field(description="masked")
    patient_sex: str
    reactions: list[dict]
    drugs: list[dict]
    causalities: list[dict]
    narrative: str


class BatchOut(Schema):
    id: int
    batch_number: str
    ack_code: str
    error: str
    results: list[dict]
    ack_xml: str
