"""Schemas of the draw API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class PlanItemOut(Schema):
    code: str
    name: str
    kind: str
    ratio: str | None
    enterprise_kinds: list[str]
    legal_basis: str


class PlanOut(Schema):
    id: int
    number: str
    title: str
    year: int
    bureau: str
    region_code: str
    status: str
    team_size: int
    max_load: int
    grade_weights: dict[str, str]
    filed_at: dt.datetime | None
    decided_at: dt.datetime | None


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut]
    draws: list[DrawOut]


class DrawOut(Schema):
    id: int
    number: str
    plan: str
    batch: int
    title: str
    status: str
    seed: str
    algorithm: str
    inputs_digest: str
    result_digest: str
    drawn_at: dt.datetime
    inspect_by: dt.date | None
    completed_on: dt.date | None
    results_due: dt.date | None
    results_published_at: dt.datetime | None
    results_overdue: bool
    selected: int


class SelectionOut(Schema):
    position: int
    enterprise_id: int
    enterprise: str
    uscc: str
    region_code: str
    grade: str
    items: list[str]
    lead_id: int
    team: list[int]
    outcome: str
    inspected_on: dt.date | None
    result_on: dt.date | None = None
    inspection: str = ""


class DrawDetailOut(DrawOut):
    selections: list[SelectionOut]


class DrawIn(Schema):
    title: str = ""
    inspect_by: dt.date | None = None


class VerificationOut(Schema):
    draw: str
    identical: bool
    difference: str
    count: int


PlanDetailOut.model_rebuild()
