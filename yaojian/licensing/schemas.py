"""The service hall's API schemas (mounted at /api/v1/licensing).

Every text that reaches the database is bounded and free of control characters (PostgreSQL
stores no NUL), so that a malformed request is a 422 problem, never a server error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from yaojian.core.schemas import PageParams
from yaojian.licensing.config import fields_of, materials_of
from yaojian.registry.scopes import display_scope_item

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# documented in the OpenAPI document (so that generated clients and schemathesis know), but
# enforced by `_plain`, whose message is in the user's language
PLAIN_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _plain(value: str) -> str:
    if CONTROL.search(value):
        raise PydanticCustomError(
            "control_characters", str(_("Control characters are not allowed."))
        )
    return value


Text = Annotated[str, AfterValidator(_plain), Field(json_schema_extra={"pattern": PLAIN_PATTERN})]
Code = Annotated[str, Field(max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


# --- the catalogue --------------------------------------------------------------------------------


class MaterialSpecOut(Schema):
    code: str
    name: str = Field(description="the material's name in Chinese")
    name_en: str = Field(description="its name in English; empty when none was given")
    display_name: str = Field(
        description="the name in the caller's language (Accept-Language): name_en in English "
        "when there is one, name otherwise"
    )
    required: bool
    note: str
    note_en: str
    display_note: str = Field(description="the note in the caller's language")
    types: list[str] = Field(description="pdf, jpeg, png: judged by the file's content")
    max_mb: int
    waived_by_commitment: bool = Field(description="not needed on the commitment-based route")


class FieldSpecOut(Schema):
    name: str
    label: str = Field(description="the field's label in Chinese")
    label_en: str = Field(description="its label in English; empty when none was given")
    display_label: str = Field(description="the label in the caller's language")
    type: str = Field(description="text, textarea, date, number, choice, multi or licence")
    required: bool
    choices: list[str] = Field(
        description="the values to send and that are stored (in Chinese: scope items are the "
        "licence's legal terms)"
    )
    choices_en: list[str] = Field(
        description="the English of each choice, in the same order; empty when none was given"
    )
    choice_labels: list[str] = Field(
        description="each choice as the caller reads it, in the same order as choices"
    )
    max_length: int
    pattern: str
    prefill: str = Field(description="the register's value the draft starts with")
    help: str
    help_en: str
    display_help: str = Field(description="the help text in the caller's language")

    @staticmethod
    def resolve_choice_labels(obj) -> list[str]:
        return [label for _value, label in obj.display_choices]


class MatterOut(Schema):
    code: str
    name: str = Field(description="the matter's name in Chinese, as the law and the licence say it")
    name_en: str = Field(description="the matter's name in English; empty when none was given")
    display_name: str = Field(
        description="the name in the caller's language (Accept-Language): name_en in English "
        "when there is one, name otherwise"
    )
    legal_basis: str
    kind: str
    kind_label: str
    licence_kind: str
    licence_kind_label: str
    handling_level: str
    statutory_limit: int = Field(description="working days from acceptance")
    committed_limit: int = Field(
        description="the bureau's promise, in working days (0: on the spot)"
    )
    commitment_route: bool
    decided_at_once: bool
    inspection_step: bool
    materials: list[MaterialSpecOut]
    form_fields: list[FieldSpecOut]
    scope_choices: list[str] = Field(
        description="the scope items a licence of this matter may hold, as stored and printed "
        "on the licence (Chinese)"
    )
    scope_choices_display: list[str] = Field(
        description="the same items in the caller's language, in the same order"
    )

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.display_name

    @staticmethod
    def resolve_scope_choices_display(obj) -> list[str]:
        return [display_scope_item(item) for item in obj.scope_choices or []]

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_licence_kind_label(obj) -> str:
        return str(obj.get_licence_kind_display())

    @staticmethod
    def resolve_materials(obj) -> list:
        return materials_of(obj)

    @staticmethod
    def resolve_form_fields(obj) -> list:
        return fields_of(obj)


# --- applications ----------------------------------------------------------------------------------


class ApplicationFilters(PageParams):
    status: Text = Field(
        "", max_length=14, description="a status, or 'open' for every undecided one"
    )
    matter: Text = Field("", max_length=60, description="a matter's code")
    q: Text = Field(
        "", max_length=100, description="application number (prefix) or enterprise name"
    )
    due: Literal["", "overdue", "week"] = Field("", description="overdue, or due within a week")
    sort: Literal["-created", "deadline", "-deadline", "submitted", "-submitted"] = "-created"


class ApplicationOut(Schema):
    id: int
    number: str
    matter: str = Field(description="the matter's code (GET /matters)")
    matter_name: str = Field(
        description="the matter's name in the caller's language (Accept-Language), as the "
        "pages show it: its English name in English when it has one, its Chinese name otherwise"
    )
    enterprise_id: int
    enterprise_name: str
    handling_bureau: str
    status: str
    status_label: str
    route: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    deadline: dt.date | None = Field(
        description="the statutory deadline (with pauses and extension)"
    )
    committed_deadline: dt.date | None
    licence_id: int | None
    licence_number: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_matter(obj) -> str:
        return obj.matter.code

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.display_name

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_handling_bureau(obj) -> str:
        return obj.handling_bureau.display_name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_licence_number(obj) -> str:
        return obj.licence.number if obj.licence_id else ""


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    count: int
    page: int
    per_page: int


class MaterialOut(Schema):
    id: int
    code: str
    original_name: str
    content_type: str
    size: int
    sm3: str
    uploaded_at: dt.datetime


class LicensingStepOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    note: str
    data: dict[str, Any]


class LicensingClockOut(Schema):
    started_on: dt.date
    limit: int
    extension: int
    deadline: dt.date
    remaining: int = Field(
        description="working days after today up to the deadline; negative when overdue"
    )
    paused: bool
    overdue: bool
    warning: bool
    paused_days: int
    provisional: bool = Field(
        description="the span crosses a year whose holidays are not known yet"
    )


class CorrectionItem(Schema):
    item: str
    reason: str


class CorrectionOut(Schema):
    items: list[CorrectionItem]
    issued_at: dt.datetime
    answered_at: dt.datetime | None


class PauseOut(Schema):
    reason: str
    start: dt.date
    end: dt.date | None
    note: str


class ExtensionOut(Schema):
    days: int
    reason: str
    requested_at: dt.datetime
    approved_at: dt.datetime | None


class LicensingCheckOut(Schema):
    code: str
    name: str
    result: str = Field(description="pass, warn, fail or n/a")
    explanation: str


class FormRowOut(Schema):
    name: str
    label: str = Field(description="the field's label in the caller's language")
    value: Any = Field(description="the stored value, as in form_data")
    display: Any = Field(
        description="the value as the caller reads it: choices and scope items in the "
        "caller's language, typed text as typed"
    )


class ApplicationDetailOut(ApplicationOut):
    form_data: dict[str, Any]
    form_display: list[FormRowOut] = Field(
        description="the filled form in the matter's order, labelled in the caller's language"
    )
    materials: list[MaterialOut]
    missing: list[str] = Field(
        description="required materials and fields still missing (drafts, corrections)"
    )
    steps: list[LicensingStepOut]
    clock: LicensingClockOut | None = Field(description="the statutory clock, from acceptance")
    committed_clock: LicensingClockOut | None
    acceptance_due: dt.date | None = Field(
        description="the bureau's last day to accept, correct or refuse"
    )
    correction: CorrectionOut | None
    pauses: list[PauseOut]
    extension: ExtensionOut | None
    prechecks: list[LicensingCheckOut] = Field(
        description="regulators: every rule; the applicant: completeness only"
    )
    decision_reasons: str
    decision_basis: str
    decided_at: dt.datetime | None
    actions: list[str] = Field(description="the steps this caller may take now")


# --- writes ----------------------------------------------------------------------------------------


class ApplicationCreateIn(Schema):
    matter: Code = Field(description="the matter's code (GET /matters)")
    licence_number: Text = Field(
        "", max_length=100, description="changes, renewals, cancellations: which of your licences"
    )


FormValue = (
    Annotated[Text, Field(max_length=5000)]
    | float
    | list[Annotated[Text, Field(max_length=300)]]
    | None
)


class FormIn(Schema):
    form: dict[Annotated[str, Field(max_length=60)], FormValue] = Field(
        max_length=200, description="the matter's fields by name (GET /matters: form_fields)"
    )
    route: Literal["normal", "commitment"] = "normal"
    promise: bool = Field(False, description="required for the commitment-based route (告知承诺)")


class MaterialIn(Schema):
    code: Code = Field(description="which material (GET /matters: materials)")


class WithdrawIn(Schema):
    reason: Text = Field("", max_length=500)


class AnswerIn(Schema):
    note: Text = Field("", max_length=1000)


class CorrectionItemIn(Schema):
    item: Text = Field(min_length=1, max_length=200)
    reason: Text = Field("", max_length=500)


class RequestCorrectionIn(Schema):
    items: list[CorrectionItemIn] = Field(
        min_length=1,
        max_length=50,
        description="every missing or faulty item at once: one notice only",
    )


class NotAcceptIn(Schema):
    reasons: Text = Field(min_length=1, max_length=5000)
    basis: Text = Field(min_length=1, max_length=5000)


class StartInspectionIn(Schema):
    note: Text = Field("", max_length=5000)


class FinishInspectionIn(Schema):
    passed: bool
    report: Text = Field(min_length=1, max_length=5000)


class FinishReviewIn(Schema):
    opinion: Text = Field(min_length=1, max_length=5000)


class DecideIn(Schema):
    approve: bool
    reasons: Text = Field(min_length=1, max_length=5000)
    basis: Text = Field(min_length=1, max_length=5000)


class ExtensionIn(Schema):
    reason: Text = Field(min_length=1, max_length=300)
